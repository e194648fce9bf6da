package io.github.lstmc.compiler.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.InitialState;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.NetworkRun;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.runtime.ParallelLstm;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LstmState} as bytes, reset, copy and row gather/scatter, on a stacked model with a
 * projection and a constant initial state.
 */
class PortableStateTest {
    private static final RandomModels.Features FEATURES = RandomModels.Features.plain().withMaxSize(9).withMaxLayers(2)
            .with(RandomModels.Feature.PROJECTION, RandomModels.Feature.PEEPHOLES).withProbability(1);

    /** A two-layer model whose initial state is a non-zero constant. */
    private static Model model(long seed) {
        Model stack = RandomModels.model(seed, FEATURES);
        while (stack.layers().size() < 2) {
            stack = RandomModels.model(++seed, FEATURES);
        }
        Random rnd = new Random(seed);
        List<Matrix> hidden = new ArrayList<>();
        List<Matrix> cell = new ArrayList<>();
        for (var layer : stack.layers()) {
            hidden.add(Matrix.vector(values(rnd, layer.stateSize())));
            cell.add(Matrix.vector(values(rnd, layer.hiddenSize())));
        }
        return stack.withInitialState(new InitialState(hidden, cell));
    }

    private static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() - 0.5f;
        }
        return v;
    }

    private static LstmNetwork compile(Model model, Backend backend) {
        return Lstmc.compiler().instantiate(model, CompileOptions.of("portable", "Net").withBackend(backend));
    }

    @Test
    void bytesRoundTripBitForBitAndMoveBetweenEngines() {
        Model model = model(3);
        LstmNetwork bytecode = compile(model, Backend.BYTECODE);
        LstmNetwork source = compile(model, Backend.SOURCE);
        LstmNetwork interpreter = Lstmc.compiler().interpreter(model);
        LstmState state = bytecode.newState(3);
        RandomModels.fillState(new Random(1), state);
        state.hidden(0)[1] = Float.intBitsToFloat(0x7fc01234); // a NaN payload survives
        state.cell(1)[0] = -0f;
        byte[] bytes = state.toBytes();
        int floats = 0;
        for (int k = 0; k < state.size(); k++) {
            floats += state.hidden(k).length + state.cell(k).length;
        }
        assertEquals(4 + 1 + 16 + 4 + 4 + 4 * 2 * state.size() + 4 * floats, bytes.length);
        assertEquals("LSTS", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(bytecode.modelDigest().substring(0, 32), hex(Arrays.copyOfRange(bytes, 5, 21)));
        for (LstmNetwork net : List.of(bytecode, source, interpreter)) {
            LstmState back = net.newState(3);
            back.readFrom(bytes);
            for (int k = 0; k < state.size(); k++) {
                assertEquals(bits(state.hidden(k)), bits(back.hidden(k)), net.getClass().getName());
                assertEquals(bits(state.cell(k)), bits(back.cell(k)));
            }
            assertArrayEquals(bytes, back.toBytes());
        }
        // one row, as a one-row state, into another row of a batch
        LstmState single = interpreter.newState(1);
        single.readFrom(state.toBytes(2));
        LstmState other = source.newState(5);
        other.readFrom(state.toBytes(1), 4);
        for (int k = 0; k < state.size(); k++) {
            int w = state.cell(k).length / 3;
            assertEquals(bits(Arrays.copyOfRange(state.cell(k), 2 * w, 3 * w)), bits(single.cell(k)));
            assertEquals(bits(Arrays.copyOfRange(state.cell(k), w, 2 * w)),
                    bits(Arrays.copyOfRange(other.cell(k), 4 * w, 5 * w)));
        }
        try (ParallelLstm parallel = ParallelLstm.of(bytecode, 2)) {
            assertEquals(bytecode.modelDigest(), parallel.modelDigest());
            parallel.newState(3).readFrom(bytes);
        }
    }

    @Test
    void bytesOfAnotherModelOrShapeAreRefusedBeforeAnyChange() {
        Model model = model(3);
        LstmNetwork net = compile(model, Backend.BYTECODE);
        LstmState state = net.newState(2);
        byte[] bytes = state.toBytes();
        LstmState target = net.newState(2);
        RandomModels.fillState(new Random(2), target);
        byte[] before = target.toBytes();

        // same shapes, one weight changed: another digest
        LstmNetwork retrained = Lstmc.compiler().interpreter(Lstmc.compiler().withWeights(model, WeightStorage.FP16));
        assertNotEquals(net.modelDigest(), retrained.modelDigest());
        String refused = assertThrows(IllegalArgumentException.class, () -> target.readFrom(
                retrained.newState(2).toBytes())).getMessage();
        assertTrue(refused.contains("another model") && refused.contains(net.modelDigest().substring(0, 32)), refused);

        assertRefused(target, null, "must not be null");
        assertRefused(target, Arrays.copyOf(bytes, 10), "not lstmc state bytes");
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertRefused(target, magic, "not lstmc state bytes");
        byte[] version = bytes.clone();
        version[4] = 2;
        assertRefused(target, version, "format version 2");
        assertRefused(target, net.newState(3).toBytes(), "3 rows, expected 2");
        assertRefused(target, Arrays.copyOf(bytes, bytes.length - 1), "expected " + bytes.length);
        assertRefused(target, Arrays.copyOf(bytes, bytes.length + 4), "expected " + bytes.length);
        byte[] width = bytes.clone();
        width[29] += 1; // the first array's floats per row
        assertRefused(target, width, "floats per row");
        assertArrayEquals(before, target.toBytes(), "a refused read must change nothing");

        LstmState byHand = new LstmState(1, new int[] {2}, new int[] {2});
        assertThrows(UnsupportedOperationException.class, byHand::toBytes);
        assertThrows(IllegalArgumentException.class, () -> state.toBytes(2));
        assertThrows(IllegalArgumentException.class, () -> target.readFrom(bytes, 0)); // two rows into one
    }

    private static void assertRefused(LstmState target, byte[] bytes, String message) {
        String m = assertThrows(IllegalArgumentException.class, () -> target.readFrom(bytes)).getMessage();
        assertTrue(m.contains(message), m);
    }

    @Test
    void resetGoesBackToTheModelsInitialStateAndCopiesAreIndependent() {
        Model model = model(5);
        for (LstmNetwork net : List.of(compile(model, Backend.BYTECODE), Lstmc.compiler().interpreter(model))) {
            LstmState fresh = net.newState(4);
            LstmState state = net.newState(4);
            RandomModels.fillState(new Random(3), state);
            LstmState copy = state.copy();
            assertArrayEquals(state.toBytes(), copy.toBytes());
            state.reset(2);
            assertArrayEquals(fresh.toBytes(2), state.toBytes(2));
            assertArrayEquals(copy.toBytes(1), state.toBytes(1));
            assertNotEquals(Arrays.toString(copy.toBytes(2)), Arrays.toString(state.toBytes(2)));
            state.reset();
            assertArrayEquals(fresh.toBytes(), state.toBytes());
            assertNotEquals(0f, fresh.hidden(0)[0]); // the constant, not zeros
        }
    }

    /**
     * Seven streams stepped one by one, each in its own one-row state, against the same streams gathered
     * into rows of one batch state (the first n rows, in a shuffled order), stepped in one call with
     * {@code forward} over one step, and scattered back: bit for bit the same, and the gather, call and
     * scatter allocate nothing.
     */
    @Test
    void gatheredBatchStepsEqualSeparateStepsAndAllocateNothing() {
        Model model = model(7);
        LstmNetwork net = compile(model, Backend.BYTECODE);
        int streams = 7;
        int in = net.inputSize();
        int out = net.outputSize();
        Random rnd = new Random(11);
        LstmState[] separate = new LstmState[streams];
        LstmState[] gathered = new LstmState[streams];
        for (int s = 0; s < streams; s++) {
            separate[s] = net.newState(1);
            RandomModels.fillState(rnd, separate[s]);
            gathered[s] = separate[s].copy();
        }
        LstmWorkspace one = net.newWorkspace(1, 1);
        LstmState batch = net.newState(streams);
        LstmWorkspace ws = net.newWorkspace(streams, 1);
        float[] x = new float[streams * in];
        float[] y = new float[streams * out];
        float[] yOne = new float[out];
        float[] xOne = new float[in];
        int[] order = new int[streams];
        for (int round = 0; round < 30; round++) {
            int n = 1 + rnd.nextInt(streams);
            for (int s = 0; s < streams; s++) {
                order[s] = s;
            }
            for (int s = streams - 1; s > 0; s--) {
                int j = rnd.nextInt(s + 1);
                int t = order[s];
                order[s] = order[j];
                order[j] = t;
            }
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < in; i++) {
                    x[r * in + i] = (float) rnd.nextGaussian();
                }
                gathered[order[r]].copyRow(0, batch, r);
            }
            net.forward(x, n, 1, null, batch, ws, y);
            for (int r = 0; r < n; r++) {
                batch.copyRow(r, gathered[order[r]], 0);
                System.arraycopy(x, r * in, xOne, 0, in);
                net.step(xOne, separate[order[r]], one, yOne);
                NetworkRun.assertIdentical("round " + round + " row " + r, yOne, Arrays.copyOfRange(y, r * out, r * out + out));
            }
        }
        for (int s = 0; s < streams; s++) {
            assertArrayEquals(separate[s].toBytes(), gathered[s].toBytes(), "stream " + s);
        }

        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        byte[][] stored = new byte[streams][];
        for (int s = 0; s < streams; s++) {
            stored[s] = separate[s].toBytes();
        }
        long before = 0;
        for (int round = -10; round < 50; round++) { // the first reset makes the one-row initial state it copies
            if (round == 0) {
                before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            }
            for (int s = 0; s < streams; s++) {
                batch.readFrom(stored[s], s);
            }
            net.forward(x, streams, 1, null, batch, ws, y);
            for (int s = 0; s < streams; s++) {
                batch.copyRow(s, gathered[s], 0);
            }
            batch.reset(0);
            batch.reset();
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 512, "allocated " + allocated + " bytes in 50 gather/step/scatter rounds");
    }

    private static String bits(float[] values) {
        StringBuilder s = new StringBuilder();
        for (float v : values) {
            s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
        }
        return s.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }
}

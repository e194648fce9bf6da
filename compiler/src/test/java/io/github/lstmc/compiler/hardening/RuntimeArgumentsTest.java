package io.github.lstmc.compiler.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime's argument checks, on the interpreter and on both back ends: every wrong size, count
 * or null is an {@link IllegalArgumentException} naming the argument (and the expected size) thrown
 * before any work, so neither the output nor the state is touched; NaN inputs run and come out as NaN.
 */
class RuntimeArgumentsTest {
    private static final int B = 3;
    private static final int T = 4;

    /** A plain stack (default activations, so NaN propagates through every gate), forward only: streamable. */
    private static final Model MODEL = RandomModels.model(41, RandomModels.Features.plain().withMaxSize(8).withMaxLayers(2)
            .with(RandomModels.Feature.PROJECTION));
    /** A different network, for state and workspace of the wrong shape. */
    private static final Model OTHER = RandomModels.model(42, RandomModels.Features.plain().withMaxSize(3).withMaxLayers(1));

    static Stream<Arguments> engines() {
        List<Arguments> args = new ArrayList<>();
        args.add(Arguments.of("interpreter", Lstmc.compiler().interpreter(MODEL), Lstmc.compiler().interpreter(OTHER)));
        for (Backend backend : Backend.values()) {
            CompileOptions options = new CompileOptions("lstmc.args", "Checked", backend, 8);
            args.add(Arguments.of(backend.name().toLowerCase(java.util.Locale.ROOT),
                    Lstmc.compiler().instantiate(MODEL, options), Lstmc.compiler().instantiate(OTHER, options)));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void wrongForwardArgumentsAreRefusedBeforeAnyWork(String engine, LstmNetwork net, LstmNetwork other) {
        int in = net.inputSize();
        int out = net.outputSize();
        float[] x = filled(B * T * in, 0.25f);
        float[] y = filled(B * T * out, 7f);
        LstmState s = net.newState(B);
        LstmWorkspace w = net.newWorkspace(B, T);
        Arrays.fill(s.hidden(0), 3f);
        float[] yBefore = y.clone();
        float[] hBefore = s.hidden(0).clone();

        refused(() -> net.forward(null, B, T, null, s, w, y), "input");
        refused(() -> net.forward(new float[B * T * in - 1], B, T, null, s, w, y), "input", String.valueOf(B * T * in));
        refused(() -> net.forward(x, B, T, null, s, w, null), "output");
        refused(() -> net.forward(x, B, T, null, s, w, new float[B * T * out - 1]), "output", String.valueOf(B * T * out));
        refused(() -> net.forward(x, 0, T, null, s, w, y), "batch", "0");
        refused(() -> net.forward(x, -1, T, null, s, w, y), "batch", "-1");
        refused(() -> net.forward(x, B + 1, T, null, s, w, y), "batch");
        refused(() -> net.forward(x, B, 0, null, s, w, y), "sequenceLength", "0");
        refused(() -> net.forward(x, B, -5, null, s, w, y), "sequenceLength", "-5");
        refused(() -> net.forward(x, B, T + 1, null, s, w, y), "sequenceLength");
        refused(() -> net.forward(x, B, T, null, null, w, y), "state");
        refused(() -> net.forward(x, B, T, null, s, null, y), "workspace");
        refused(() -> net.forward(x, B, T, new int[B - 1], s, w, y), "lengths", String.valueOf(B));
        refused(() -> net.forward(x, B, T, new int[] {T, -1, 0}, s, w, y), "lengths[1]");
        refused(() -> net.forward(x, B, T, new int[] {T, T + 1, 0}, s, w, y), "lengths[1]");
        refused(() -> net.forward(x, B, T, null, other.newState(B), w, y), "state");
        refused(() -> net.forward(x, B, T, null, s, other.newWorkspace(B, T), y), "workspace");
        refused(() -> net.forward(x, B, T, null, s, new LstmWorkspace(B, T, new int[0]), y), "workspace");
        assertArrayEquals(yBefore, y, engine + ": output written by a refused call");
        assertArrayEquals(hBefore, s.hidden(0), engine + ": state changed by a refused call");

        // the same arguments, corrected, run
        net.forward(x, B, T, null, s, w, y);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void wrongStepAndConvenienceArgumentsAreRefused(String engine, LstmNetwork net, LstmNetwork other) {
        int in = net.inputSize();
        int out = net.outputSize();
        LstmState s = net.newState(B);
        LstmWorkspace w = net.newWorkspace(B, 1);
        refused(() -> net.step(null, s, w, new float[B * out]), "input");
        refused(() -> net.step(new float[B * in - 1], s, w, new float[B * out]), "input", String.valueOf(B * in));
        refused(() -> net.step(new float[B * in], s, w, new float[B * out - 1]), "output", String.valueOf(B * out));
        refused(() -> net.step(new float[B * in], null, w, new float[B * out]), "state");
        refused(() -> net.step(new float[B * in], s, null, new float[B * out]), "workspace");
        refused(() -> net.step(new float[B * in], s, net.newWorkspace(1, 1), new float[B * out]), "batch");
        refused(() -> net.step(new float[B * in], s, other.newWorkspace(B, 1), new float[B * out]), "workspace");

        refused(() -> net.forward((float[][][]) null), "input");
        refused(() -> net.forward(new float[0][][]), "input");
        refused(() -> net.forward(new float[][][] {new float[0][]}), "input[0]");
        refused(() -> net.forward(new float[][][] {new float[2][in], new float[3][in]}), "input[1]", "2");
        refused(() -> net.forward(new float[][][] {new float[][] {new float[in + 1]}}), "input[0][0]", String.valueOf(in));
        refused(() -> net.forward(new float[][][] {new float[][] {null}}), "input[0][0]");

        refused(() -> net.newWorkspace(0, 1), "batch");
        refused(() -> net.newWorkspace(1, 0), "maxSequenceLength");
        refused(() -> net.newWorkspace(-1, -1), "batch");
        refused(() -> net.newState(0), "batch");
        refused(() -> net.newState(-3), "batch");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void nanInputsPropagate(String engine, LstmNetwork net, LstmNetwork other) {
        float[][][] input = RandomModels.input(new Random(5), B, T, net.inputSize());
        float[][][] clean = net.forward(input);
        input[1][0][0] = Float.NaN;
        float[][][] dirty = net.forward(input);
        for (int t = 0; t < T; t++) {
            for (int o = 0; o < net.outputSize(); o++) {
                assertTrue(Float.isNaN(dirty[1][t][o]), engine + ": output[1][" + t + "][" + o + "] is " + dirty[1][t][o]);
            }
            // batch rows are independent: the others are exactly as without the NaN
            assertArrayEquals(clean[0][t], dirty[0][t], engine);
            assertArrayEquals(clean[2][t], dirty[2][t], engine);
        }
        // and the streaming form too
        LstmState s = net.newState(1);
        float[] y = new float[net.outputSize()];
        float[] x = new float[net.inputSize()];
        x[0] = Float.NaN;
        net.step(x, s, net.newWorkspace(1, 1), y);
        for (float v : y) {
            assertTrue(Float.isNaN(v), engine + ": step output " + Arrays.toString(y));
        }
        assertEquals(Layout.BATCH_FIRST, MODEL.layout(), "plain random models are batch-first");
    }

    private static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    () -> "message lacks '" + f + "': " + e.getMessage());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}

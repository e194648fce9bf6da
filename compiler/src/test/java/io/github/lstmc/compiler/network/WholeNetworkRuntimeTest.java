package io.github.lstmc.compiler.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.runtime.ParallelLstm;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The runtime side of whole networks on generated classes: the convenience forms, token-id checks,
 * ParallelLstm over networks that embed and reduce, and calls that allocate nothing.
 */
class WholeNetworkRuntimeTest {

    /** A token classifier: embedding 7 x I, a 2-layer stack, its final state, Dense, Tanh, Dense, LogSoftmax. */
    private static Model classifier(TimeReduction reduction) {
        Random rnd = new Random(31);
        Model stack = RandomModels.model(41, RandomModels.Features.plain().withMaxSize(10).withMaxLayers(2));
        int in = stack.inputSize();
        int width = stack.recurrentOutputSize();
        return stack.withStages(new Embedding(Matrix.of(7, in, gaussian(rnd, 7 * in))), null, reduction, List.of(
                new HeadLayer.Dense(Matrix.of(5, width, gaussian(rnd, 5 * width)), Matrix.vector(gaussian(rnd, 5))),
                new HeadLayer.Elementwise(5, Activation.TANH),
                new HeadLayer.Dense(Matrix.of(3, 5, gaussian(rnd, 15)), null),
                new HeadLayer.Softmax(3, true)), true, false);
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5);
        }
        return v;
    }

    private static LstmNetwork compile(Model model, String name) {
        return Lstmc.compiler().instantiate(model, CompileOptions.of("whole.rt", name).withBackend(Backend.BYTECODE));
    }

    @Test
    void convenienceFormsMatchTheFlatForms() {
        Model model = classifier(TimeReduction.FINAL_STATE);
        LstmNetwork net = compile(model, "Convenience");
        int[][] tokens = {{1, 2, 3, 6}, {0, 0, 5, 4}};
        float[][] rows = net.predict(tokens);
        float[] flat = new float[2 * 3];
        int[] flatTokens = model.layout() == io.github.lstmc.runtime.Layout.BATCH_FIRST
                ? new int[] {1, 2, 3, 6, 0, 0, 5, 4} : new int[] {1, 0, 2, 0, 3, 5, 6, 4};
        net.forwardTokens(flatTokens, 2, 4, null, net.newState(2), net.newWorkspace(2, 4), flat);
        assertArrayEquals(new float[] {flat[0], flat[1], flat[2]}, rows[0]);
        assertArrayEquals(new float[] {flat[3], flat[4], flat[5]}, rows[1]);
        // log-probabilities: their exponentials sum to 1
        assertEquals(1.0, Math.exp(rows[0][0]) + Math.exp(rows[0][1]) + Math.exp(rows[0][2]), 1e-5);
        assertThrows(UnsupportedOperationException.class, () -> net.forward(tokens));
        assertThrows(UnsupportedOperationException.class, () -> net.forward(new float[][][] {{{0f}}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.predict(new int[][] {{1, 7}}));
        assertEquals("tokens[0][1] is token id 7, outside the vocabulary of 7 ids (0..6)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.forwardTokens(new int[] {3, 9}, 1, 2, null,
                net.newState(1), net.newWorkspace(1, 2), new float[3]));
        assertEquals("token id 9 (at index 1) is outside the vocabulary of 7 ids (0..6)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.predict(new int[][] {{1, -1}}));
        assertThrows(IllegalArgumentException.class, () -> net.predict(new int[][] {{1, 2}, {3}}));
    }

    @Test
    void aFloatNetworkRefusesTokenIds() {
        Model stack = RandomModels.model(42, RandomModels.Features.plain().withMaxSize(6).withMaxLayers(1));
        LstmNetwork net = compile(stack, "Floats");
        assertEquals(0, net.vocabularySize());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> net.predict(new int[][] {{1}}));
        assertEquals("this network takes float features, not token ids", e.getMessage());
    }

    @Test
    void parallelLstmSplitsWholeNetworksLikeOneCall() {
        for (TimeReduction reduction : new TimeReduction[] {TimeReduction.FINAL_STATE, TimeReduction.MEAN,
                TimeReduction.NONE}) {
            Model model = classifier(reduction);
            LstmNetwork net = compile(model, "Parallel" + reduction.ordinal());
            int batch = 5;
            int steps = 4;
            Random rnd = new Random(reduction.ordinal());
            int[] tokens = new int[batch * steps];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = rnd.nextInt(7);
            }
            int[] lengths = {4, 1, 3, 0, 2};
            int outputs = batch * (model.reducesTime() ? 1 : steps) * model.outputSize();
            float[] expected = new float[outputs];
            LstmState expectedState = net.newState(batch);
            net.forwardTokens(tokens, batch, steps, lengths, expectedState, net.newWorkspace(batch, steps), expected);
            try (ParallelLstm parallel = ParallelLstm.of(net, 3, 1)) {
                assertEquals(net.reducesTime(), parallel.reducesTime());
                assertEquals(7, parallel.vocabularySize());
                float[] actual = new float[outputs];
                LstmState state = parallel.newState(batch);
                parallel.forwardTokens(tokens, batch, steps, lengths, state, parallel.newWorkspace(batch, steps), actual);
                assertArrayEquals(expected, actual, reduction.toString());
                for (int k = 0; k < state.size(); k++) {
                    assertArrayEquals(expectedState.hidden(k), state.hidden(k), reduction + " h" + k);
                }
            }
        }
    }

    /**
     * The flat token forward and step of a whole network allocate nothing. Warm-up rounds run until one
     * is allocation-free (interpreted and C1 code may allocate nothing either: this is what the code does,
     * not what the JIT removes), bounded so the test ends whatever the JIT does.
     */
    @Test
    void tokenForwardAndStepDoNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Model model = classifier(TimeReduction.LAST_VALID_STEP);
        for (PlanOptions options : new PlanOptions[] {PlanOptions.DEFAULT, PlanOptions.LOOPS_ONLY}) {
            LstmNetwork net = Lstmc.compiler().instantiate(model, CompileOptions.of("whole.alloc", "Net"), options);
            int batch = 3;
            int steps = 5;
            int[] tokens = new int[batch * steps];
            int[] stepTokens = new int[batch];
            int[] lengths = {5, 2, 0};
            float[] out = new float[batch * model.outputSize()];
            LstmState state = net.newState(batch);
            LstmWorkspace workspace = net.newWorkspace(batch, steps);
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 200 && allocated > 0; round++) {
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < 20; i++) {
                    net.forwardTokens(tokens, batch, steps, lengths, state, workspace, out);
                    net.stepTokens(stepTokens, state, workspace, out);
                }
                allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            }
            assertTrue(allocated == 0, options + ": still allocating " + allocated + " bytes per 40 calls");
        }
    }
}

package io.github.lstmc.compiler.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.runtime.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RunnerTest {
    private static final int BATCH = 3;
    private static final int STEPS = 4;
    private static final int INPUT = 2;

    /** Two layers, two directions; layer 0 has state 3 / cell 5, layer 1 state 2 / cell 4 (projection-like). */
    private static FakeNetwork network(Layout layout) {
        return new FakeNetwork(INPUT, 2, new int[] {3, 2}, new int[] {5, 4}, layout);
    }

    /** Distinct values that encode their own position: b*100 + t*10 + i. */
    private static float[][][] input(int batch, int steps, int features) {
        float[][][] x = new float[batch][steps][features];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < features; i++) {
                    x[b][t][i] = b * 100 + t * 10 + i;
                }
            }
        }
        return x;
    }

    /** [entries][batch][width per layer], values encoding (k, b, s) and a sign. */
    private static float[][][] state(int[] widths, int directions, int batch, float sign) {
        float[][][] s = new float[widths.length * directions][batch][];
        for (int k = 0; k < s.length; k++) {
            for (int b = 0; b < batch; b++) {
                s[k][b] = new float[widths[k / directions]];
                for (int j = 0; j < s[k][b].length; j++) {
                    s[k][b][j] = sign * (k * 0.5f + b * 0.25f + j * 0.125f);
                }
            }
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void convertsBatchFirstJsonToTheNetworkLayoutAndBack(Layout layout) throws LstmcException {
        FakeNetwork net = network(layout);
        float[][][] x = input(BATCH, STEPS, INPUT);
        float[][][] h0 = state(new int[] {3, 2}, 2, BATCH, 1);
        float[][][] c0 = state(new int[] {5, 4}, 2, BATCH, -1);
        int[] lengths = {4, 0, 2};

        RunOutput out = Runner.run(net, new RunInput(x, h0, c0, lengths), "in.json");

        assertEquals(1, net.calls);
        assertArrayEquals(lengths, net.lastLengths);
        assertEquals(BATCH, out.output().length);
        for (int b = 0; b < BATCH; b++) {
            assertEquals(STEPS, out.output()[b].length);
            for (int t = 0; t < STEPS; t++) {
                assertEquals(4, out.output()[b][t].length, "2 directions x state size 2 of the last layer");
                for (int o = 0; o < 4; o++) {
                    assertEquals(b * 100 + t * 10 + (o % INPUT) + 1000 * (o + 1), out.output()[b][t][o],
                            "output[" + b + "][" + t + "][" + o + "]");
                }
            }
        }
        assertEquals(4, out.hN().length);
        assertEquals(4, out.cN().length);
        for (int k = 0; k < 4; k++) {
            for (int b = 0; b < BATCH; b++) {
                assertEquals(k < 2 ? 3 : 2, out.hN()[k][b].length);
                assertEquals(k < 2 ? 5 : 4, out.cN()[k][b].length);
                for (int j = 0; j < out.hN()[k][b].length; j++) {
                    assertEquals(h0[k][b][j] + 10 * k + 1, out.hN()[k][b][j], "h_n[" + k + "][" + b + "][" + j + "]");
                }
                for (int j = 0; j < out.cN()[k][b].length; j++) {
                    assertEquals(2 * c0[k][b][j] - k, out.cN()[k][b][j], "c_n[" + k + "][" + b + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void missingStatesStartFromZeroAndLengthsStayNull() throws LstmcException {
        FakeNetwork net = network(Layout.SEQUENCE_FIRST);
        RunOutput out = Runner.run(net, RunInput.of(input(1, 1, INPUT)));
        assertNull(net.lastLengths);
        assertEquals(1f, out.hN()[0][0][0], "zero h0 + 1");
        assertEquals(31f, out.hN()[3][0][1], "zero h0 + 10*3 + 1");
        assertEquals(-2f, out.cN()[2][0][3], "2 * zero c0 - 2");
    }

    @Test
    void doesNotModifyTheCallersArrays() throws LstmcException {
        float[][][] h0 = state(new int[] {3, 2}, 2, BATCH, 1);
        int[] lengths = {1, 2, 3};
        Runner.run(network(Layout.BATCH_FIRST), new RunInput(input(BATCH, STEPS, INPUT), h0, null, lengths));
        assertEquals(state(new int[] {3, 2}, 2, BATCH, 1)[3][2][1], h0[3][2][1]);
        assertArrayEquals(new int[] {1, 2, 3}, lengths);
    }

    private static String failure(RunInput in) {
        return assertThrows(LstmcException.class, () -> Runner.run(network(Layout.BATCH_FIRST), in, "in.json"))
                .getMessage();
    }

    @Test
    void rejectsAWrongFeatureCount() {
        float[][][] x = input(BATCH, STEPS, INPUT);
        x[1][3] = new float[7];
        assertEquals("in.json: input[1][3] has 7 features, expected 2 (the network's input size)",
                failure(RunInput.of(x)));
    }

    @Test
    void rejectsRaggedOrEmptyInput() {
        float[][][] x = input(BATCH, STEPS, INPUT);
        x[2] = new float[3][INPUT];
        assertEquals("in.json: input[2] has 3 steps, expected 4 like input[0]", failure(RunInput.of(x)));
        assertEquals("in.json: input has no batch rows", failure(RunInput.of(new float[0][][])));
        assertEquals("in.json: input[0] has no time steps", failure(RunInput.of(new float[1][0][])));
        assertEquals("in.json: input is missing ([batch][seq][features])", failure(new RunInput(null, null, null, null)));
    }

    @Test
    void rejectsStatesOfTheWrongShape() {
        float[][][] x = input(BATCH, STEPS, INPUT);
        assertEquals("in.json: h0 has 2 entries, expected 4 (layers*directions = 2*2)",
                failure(new RunInput(x, new float[2][BATCH][3], null, null)));
        float[][][] h0 = state(new int[] {3, 2}, 2, BATCH, 1);
        h0[1] = new float[2][3];
        assertEquals("in.json: h0[1] has 2 rows, expected 3 (the batch of input); h0 is [4][3][3]",
                failure(new RunInput(x, h0, null, null)));
        float[][][] wide = state(new int[] {3, 3}, 2, BATCH, 1);
        assertEquals("in.json: h0[2][0] has 3 values, expected 2 (state size of layer 1)",
                failure(new RunInput(x, wide, null, null)));
        float[][][] c0 = state(new int[] {3, 2}, 2, BATCH, 1);
        assertEquals("in.json: c0[0][0] has 3 values, expected 5 (cell size of layer 0)",
                failure(new RunInput(x, null, c0, null)));
    }

    @Test
    void rejectsBadLengths() {
        float[][][] x = input(BATCH, STEPS, INPUT);
        assertEquals("in.json: lengths has 2 entries, expected 3 (one per batch row of input)",
                failure(new RunInput(x, null, null, new int[] {1, 2})));
        assertEquals("in.json: lengths[1] is 5, expected 0..4",
                failure(new RunInput(x, null, null, new int[] {1, 5, 2})));
        assertEquals("in.json: lengths[2] is -1, expected 0..4",
                failure(new RunInput(x, null, null, new int[] {1, 2, -1})));
    }

    @Test
    void twoArgumentFormNamesTheRunInput() {
        LstmcException e = assertThrows(LstmcException.class,
                () -> Runner.run(network(Layout.BATCH_FIRST), RunInput.of(input(1, 1, 3))));
        assertEquals("run input: input[0][0] has 3 features, expected 2 (the network's input size)", e.getMessage());
    }
}

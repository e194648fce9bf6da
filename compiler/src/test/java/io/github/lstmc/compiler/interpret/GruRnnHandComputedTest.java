package io.github.lstmc.compiler.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmState;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * GRU and RNN cells of two units and two input features over three steps from a non-zero state,
 * against a double-precision step written here from the equations (independently of the
 * interpreter): both GRU reset placements (which must differ), a clip that bites, RNN tanh, ReLU and
 * a parameterised activation, and a row shorter than the batch's sequence.
 */
class GruRnnHandComputedTest {
    private static final double[][] XS = {{0.5, -0.2}, {-0.8, 0.4}, {0.9, 0.1}};
    private static final double[] H0 = {-0.3, 0.2};
    private static final DoubleUnaryOperator SIGMOID = v -> 1 / (1 + Math.exp(-v));

    // GRU weights, gate blocks z, r, n of two rows each.
    private static final double[][] W = {{0.3, -0.5}, {0.8, 0.1}, {-0.4, 0.6}, {0.2, 0.9}, {1.1, -0.7}, {-0.6, 0.5}};
    private static final double[][] R = {{0.5, 0.2}, {-0.3, 0.7}, {0.4, -0.1}, {0.6, 0.3}, {-0.9, 0.8}, {0.7, 1.2}};
    private static final double[] BW = {0.1, -0.2, 0.05, 0.3, -0.15, 0.25};
    private static final double[] BR = {-0.05, 0.12, 0.2, -0.1, 0.9, -0.7};

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1];
    }

    private static double clip(double v, double c) {
        return Math.max(-c, Math.min(c, v));
    }

    /** One GRU step in double, straight from the equations. */
    private static double[] gruStep(double[] x, double[] h, boolean linearBeforeReset, double c) {
        double[] out = new double[2];
        double[] rh = new double[2];
        double[] r = new double[2];
        double[] z = new double[2];
        for (int j = 0; j < 2; j++) {
            z[j] = SIGMOID.applyAsDouble(clip(dot(W[j], x) + BW[j] + dot(R[j], h) + BR[j], c));
            r[j] = SIGMOID.applyAsDouble(clip(dot(W[2 + j], x) + BW[2 + j] + dot(R[2 + j], h) + BR[2 + j], c));
            rh[j] = r[j] * h[j];
        }
        for (int j = 0; j < 2; j++) {
            double pre = linearBeforeReset
                    ? dot(W[4 + j], x) + BW[4 + j] + r[j] * (dot(R[4 + j], h) + BR[4 + j])
                    : dot(W[4 + j], x) + BW[4 + j] + dot(R[4 + j], rh) + BR[4 + j];
            double n = Math.tanh(clip(pre, c));
            out[j] = (1 - z[j]) * n + z[j] * h[j];
        }
        return out;
    }

    private static Matrix matrix(double[][] rows) {
        float[][] f = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            f[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                f[i][j] = (float) rows[i][j];
            }
        }
        return Matrix.of(f);
    }

    private static double[][] rows(double[][] all, int from, int count) {
        return java.util.Arrays.copyOfRange(all, from, from + count);
    }

    /** Runs one row of three steps from H0, returning {outputs at t = 0, 1, 2 (flat), h_n}. */
    private static float[][] run(Layer layer, int length) {
        Interpreter net = new Interpreter(Model.of("hand", Layout.BATCH_FIRST, layer));
        float[] input = new float[6];
        for (int t = 0; t < 3; t++) {
            input[2 * t] = (float) XS[t][0];
            input[2 * t + 1] = (float) XS[t][1];
        }
        LstmState state = net.newState(1);
        assertEquals(0, state.cell(0).length, "a GRU/RNN state has no cell values");
        state.hidden(0)[0] = (float) H0[0];
        state.hidden(0)[1] = (float) H0[1];
        float[] output = new float[6];
        java.util.Arrays.fill(output, Float.NaN);
        net.forward(input, 1, 3, length == 3 ? null : new int[] {length}, state, net.newWorkspace(1, 3), output);
        return new float[][] {output, state.hidden(0).clone()};
    }

    private static void assertSteps(double[][] expected, float[][] actual, int length) {
        for (int t = 0; t < 3; t++) {
            for (int j = 0; j < 2; j++) {
                double want = t < length ? expected[t][j] : 0;
                assertEquals(want, actual[0][2 * t + j], 2e-6, "step " + t + " unit " + j);
            }
        }
        for (int j = 0; j < 2; j++) {
            assertEquals(expected[length - 1][j], actual[1][j], 2e-6, "h_n unit " + j);
        }
    }

    private static double[][] gruExpected(boolean linearBeforeReset, double c) {
        double[][] hs = new double[3][];
        double[] h = H0;
        for (int t = 0; t < 3; t++) {
            h = gruStep(XS[t], h, linearBeforeReset, c);
            hs[t] = h;
        }
        return hs;
    }

    private static Layer gru(boolean linearBeforeReset, float clip) {
        DirectionCell cell = DirectionCell.gru(Direction.FORWARD, matrix(W), matrix(R), matrix(new double[][] {BW}),
                matrix(new double[][] {BR}), CellActivations.GRU_DEFAULT, linearBeforeReset);
        return new Layer(List.of(cell), Layer.NO_CLIP, clip, false);
    }

    @Test
    void gruLinearBeforeReset() {
        assertSteps(gruExpected(true, Double.POSITIVE_INFINITY), run(gru(true, Layer.NO_CLIP), 3), 3);
    }

    @Test
    void gruResetBeforeLinear() {
        assertSteps(gruExpected(false, Double.POSITIVE_INFINITY), run(gru(false, Layer.NO_CLIP), 3), 3);
    }

    @Test
    void thePlacementsDiffer() {
        double[][] after = gruExpected(true, Double.POSITIVE_INFINITY);
        double[][] before = gruExpected(false, Double.POSITIVE_INFINITY);
        assertTrue(Math.abs(after[2][0] - before[2][0]) > 1e-3, "the fixture must tell the placements apart");
    }

    @Test
    void gruClipAndShortRow() {
        double[][] clipped = gruExpected(false, 0.5);
        double[][] free = gruExpected(false, Double.POSITIVE_INFINITY);
        assertTrue(Math.abs(clipped[1][1] - free[1][1]) > 1e-3, "the clip must bite");
        assertSteps(clipped, run(gru(false, 0.5f), 2), 2);
    }

    private static double[][] rnnExpected(DoubleUnaryOperator act, double c) {
        double[][] hs = new double[3][];
        double[] h = H0;
        for (int t = 0; t < 3; t++) {
            double[] next = new double[2];
            for (int j = 0; j < 2; j++) {
                next[j] = act.applyAsDouble(clip(dot(W[j], XS[t]) + BW[j] + dot(R[j], h) + BR[j], c));
            }
            h = next;
            hs[t] = h;
        }
        return hs;
    }

    private static Layer rnn(Activation act, float clip) {
        DirectionCell cell = DirectionCell.rnn(Direction.FORWARD, matrix(rows(W, 0, 2)), matrix(rows(R, 0, 2)),
                matrix(new double[][] {{BW[0], BW[1]}}), matrix(new double[][] {{BR[0], BR[1]}}), act);
        return new Layer(List.of(cell), Layer.NO_CLIP, clip, false);
    }

    @Test
    void rnnTanh() {
        assertSteps(rnnExpected(Math::tanh, Double.POSITIVE_INFINITY), run(rnn(Activation.TANH, Layer.NO_CLIP), 3), 3);
    }

    @Test
    void rnnRelu() {
        double[][] expected = rnnExpected(v -> Math.max(0, v), Double.POSITIVE_INFINITY);
        assertTrue(expected[0][0] == 0 || expected[0][1] == 0 || expected[1][0] == 0 || expected[1][1] == 0,
                "ReLU must cut a negative value");
        assertSteps(expected, run(rnn(Activation.of(Activation.Kind.RELU), Layer.NO_CLIP), 3), 3);
    }

    @Test
    void rnnLeakyReluClippedShortRow() {
        Activation leaky = Activation.of(Activation.Kind.LEAKY_RELU, 0.1f);
        double[][] expected = rnnExpected(v -> v >= 0 ? v : (double) 0.1f * v, 0.4);
        assertSteps(expected, run(rnn(leaky, 0.4f), 2), 2);
    }
}

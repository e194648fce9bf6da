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
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Small cases for the features the frameworks' own tests do not pin down (clips, peepholes,
 * coupling, projection, activations), checked against a double-precision cell written here from
 * the equations, independently of the interpreter, over three steps from a non-zero state. Each
 * case also checks that its feature is actually exercised (a clip that never bites proves nothing).
 */
class HandComputedCasesTest {
    private static final double[] XS = {0.5, -0.8, 0.9};
    private static final double H0 = -0.3;
    private static final double C0 = 0.6;
    private static final DoubleUnaryOperator SIGMOID = v -> 1 / (1 + Math.exp(-v));
    private static final DoubleUnaryOperator TANH = Math::tanh;

    /** A one-layer forward cell with I = 1, written per gate (i, f, g, o); mutable test fixture. */
    private static final class Cell {
        double[][] w;          // [4][H], input size 1
        double[][][] r;        // [4][H][S]
        double[][] b;          // [4][H], combined bias
        double[][] p;          // [3][H] peepholes i, f, o, or null
        double[][] proj;       // [P][H] or null
        double preClip = Double.POSITIVE_INFINITY;
        double cellClip = Double.POSITIVE_INFINITY;
        boolean coupled;
        CellActivations activations = CellActivations.DEFAULT;
        DoubleUnaryOperator gateAct = SIGMOID;
        DoubleUnaryOperator cellAct = TANH;
        DoubleUnaryOperator hiddenAct = TANH;
        /** Largest |pre-activation| and |c'| seen before clipping. */
        double maxZ;
        double maxC;

        /** One time step in double: returns {h', c'}. */
        double[][] step(double x, double[] h, double[] c) {
            int hs = b[0].length;
            double[] cNew = new double[hs];
            double[] out = new double[hs];
            for (int j = 0; j < hs; j++) {
                double zi = w[0][j] * x + dot(r[0][j], h) + b[0][j] + (p == null ? 0 : p[0][j] * c[j]);
                double zf = w[1][j] * x + dot(r[1][j], h) + b[1][j] + (p == null ? 0 : p[1][j] * c[j]);
                double zg = w[2][j] * x + dot(r[2][j], h) + b[2][j];
                double i = gateAct.applyAsDouble(clipZ(zi));
                double f = coupled ? 1 - i : gateAct.applyAsDouble(clipZ(zf));
                double g = cellAct.applyAsDouble(clipZ(zg));
                double cj = f * c[j] + i * g;
                maxC = Math.max(maxC, Math.abs(cj));
                cNew[j] = Math.max(-cellClip, Math.min(cellClip, cj));
                double zo = w[3][j] * x + dot(r[3][j], h) + b[3][j] + (p == null ? 0 : p[2][j] * cNew[j]);
                double o = gateAct.applyAsDouble(clipZ(zo));
                out[j] = o * hiddenAct.applyAsDouble(cNew[j]);
            }
            if (proj == null) {
                return new double[][] {out, cNew};
            }
            double[] projected = new double[proj.length];
            for (int q = 0; q < proj.length; q++) {
                projected[q] = dot(proj[q], out);
            }
            return new double[][] {projected, cNew};
        }

        private double clipZ(double z) {
            maxZ = Math.max(maxZ, Math.abs(z));
            return Math.max(-preClip, Math.min(preClip, z));
        }

        Model model() {
            int hs = b[0].length;
            int s = r[0][0].length;
            float[] wf = new float[4 * hs];
            float[] rf = new float[4 * hs * s];
            float[] bf = new float[4 * hs];
            for (int g = 0; g < 4; g++) {
                for (int j = 0; j < hs; j++) {
                    wf[g * hs + j] = (float) w[g][j];
                    for (int k = 0; k < s; k++) {
                        rf[(g * hs + j) * s + k] = (float) r[g][j][k];
                    }
                    bf[g * hs + j] = (float) b[g][j];
                }
            }
            DirectionCell cell = new DirectionCell(Direction.FORWARD, Matrix.of(4 * hs, 1, wf), Matrix.of(4 * hs, s, rf),
                    Matrix.vector(bf), null, p == null ? null : matrix(p), proj == null ? null : matrix(proj),
                    activations);
            return new Model("hand", List.of(new Layer(List.of(cell), (float) cellClip, (float) preClip, coupled)),
                    Layout.BATCH_FIRST);
        }
    }

    /** H = 1; every weight a small dyadic number so the float32 model holds it exactly. */
    private static Cell scalarCell() {
        Cell cell = new Cell();
        cell.w = new double[][] {{1.5}, {-1.25}, {2.5}, {0.75}};
        cell.r = new double[][][] {{{0.5}}, {{0.25}}, {{-0.75}}, {{1.0}}};
        cell.b = new double[][] {{0.5}, {0.75}, {-0.25}, {0.125}};
        return cell;
    }

    @Test
    void plainCell() {
        Cell cell = scalarCell();
        check(cell);
    }

    @Test
    void preActivationClipIncludesBiasAndPeepholes() {
        Cell cell = scalarCell();
        cell.preClip = 1.25;
        cell.p = new double[][] {{0.5}, {-0.75}, {1.5}};
        check(cell);
        assertTrue(cell.maxZ > cell.preClip, "the clip never bites");
        // The clip must see the peephole term: without it, this input-gate value stays inside the clip.
        Cell probe = scalarCell();
        double zWithoutPeephole = probe.w[0][0] * XS[0] + probe.r[0][0][0] * H0 + probe.b[0][0];
        double zWithPeephole = zWithoutPeephole + 0.5 * C0;
        assertTrue(Math.abs(zWithoutPeephole) < 1.25 && Math.abs(zWithPeephole) > 1.25,
                zWithoutPeephole + " / " + zWithPeephole);
    }

    @Test
    void cellClipClampsTheCellBeforeTheHiddenState() {
        Cell cell = scalarCell();
        cell.cellClip = 0.375;
        check(cell);
        assertTrue(cell.maxC > cell.cellClip, "the clip never bites");
    }

    @Test
    void peepholesSeeThePreviousCellForInputAndForgetAndTheNewOneForOutput() {
        Cell cell = scalarCell();
        cell.p = new double[][] {{0.5}, {-0.75}, {1.5}};
        check(cell);
    }

    @Test
    void peepholeOnTheOutputGateSeesTheClippedCell() {
        Cell cell = scalarCell();
        cell.p = new double[][] {{0.5}, {-0.75}, {1.5}};
        cell.cellClip = 0.375;
        check(cell);
        assertTrue(cell.maxC > cell.cellClip, "the clip never bites");
    }

    @Test
    void coupledGateIgnoresTheForgetWeights() {
        Cell cell = scalarCell();
        cell.coupled = true;
        cell.w[1][0] = 100; // would saturate f if it were used
        cell.b[1][0] = -100;
        check(cell);
    }

    @Test
    void projectionMapsTheHiddenUnitsToTheState() {
        Cell cell = new Cell();
        // H = 2, projection P = 1: recurrent weights are [4H][1].
        cell.w = new double[][] {{1.5, -0.5}, {-1.25, 0.25}, {2.5, 1.0}, {0.75, -1.5}};
        cell.r = new double[][][] {{{0.5}, {-0.25}}, {{0.25}, {0.5}}, {{-0.75}, {1.25}}, {{1.0}, {0.125}}};
        cell.b = new double[][] {{0.5, 0}, {0.75, -0.5}, {-0.25, 0.25}, {0.125, 0.375}};
        cell.proj = new double[][] {{0.75, -1.25}};
        Model model = cell.model();
        assertEquals(1, model.layers().get(0).stateSize());
        assertEquals(2, model.layers().get(0).hiddenSize());
        check(cell);
    }

    @Test
    void configurableActivations() {
        Cell cell = scalarCell();
        cell.activations = new CellActivations(Activation.of(Activation.Kind.HARD_SIGMOID, 0.25f, 0.5f),
                Activation.of(Activation.Kind.LEAKY_RELU, 0.125f), Activation.of(Activation.Kind.SOFTSIGN));
        cell.gateAct = v -> Math.max(0, Math.min(1, 0.25 * v + 0.5));
        cell.cellAct = v -> v >= 0 ? v : 0.125 * v;
        cell.hiddenAct = v -> v / (1 + Math.abs(v));
        check(cell);
    }

    /** Runs the interpreter and the double cell over XS from (H0, C0) and compares every output and the final state. */
    private static void check(Cell cell) {
        Model model = cell.model();
        int s = model.layers().get(0).stateSize();
        int hs = model.layers().get(0).hiddenSize();
        double[] h = filled(s, H0);
        double[] c = filled(hs, C0);
        float[][][] x = new float[1][XS.length][1];
        for (int t = 0; t < XS.length; t++) {
            x[0][t][0] = (float) XS[t];
        }
        Runs.Result r = Runs.run(model, x, new float[][][] {{toFloat(h)}}, new float[][][] {{toFloat(c)}}, null);
        for (int t = 0; t < XS.length; t++) {
            double[][] next = cell.step(XS[t], h, c);
            h = next[0];
            c = next[1];
            for (int q = 0; q < s; q++) {
                assertEquals(h[q], r.output()[0][t][q], 2e-6, "h[" + q + "] at t " + t);
            }
        }
        for (int q = 0; q < s; q++) {
            assertEquals(h[q], r.hidden()[0][0][q], 2e-6, "final h[" + q + "]");
        }
        for (int j = 0; j < hs; j++) {
            assertEquals(c[j], r.cell()[0][0][j], 2e-6, "final c[" + j + "]");
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static Matrix matrix(double[][] m) {
        float[][] f = new float[m.length][m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                f[i][j] = (float) m[i][j];
            }
        }
        return Matrix.of(f);
    }
}

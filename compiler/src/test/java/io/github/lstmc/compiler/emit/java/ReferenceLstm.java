package io.github.lstmc.compiler.emit.java;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Gate;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.Peephole;

/**
 * A deliberately naive oracle written from the semantics note, independent of the planner: reads
 * the Model, sums in double, uses exact activations. Works on batch-first [B][T][*] arrays.
 */
final class ReferenceLstm {
    private ReferenceLstm() {
    }

    /**
     * @param h initial hidden state per entry k, [B][S] flat; updated to the final state
     * @param c initial cell state per entry k, [B][H] flat; updated
     * @return output [B][T][O]
     */
    static float[][][] run(Model model, float[][][] input, int[] lengths, float[][] h, float[][] c) {
        int batch = input.length;
        int steps = input[0].length;
        float[][][] x = input;
        int dirs = model.directionCount();
        for (int l = 0; l < model.layers().size(); l++) {
            Layer layer = model.layers().get(l);
            int s = layer.stateSize();
            float[][][] y = new float[batch][steps][layer.outputSize()];
            for (int d = 0; d < layer.directions().size(); d++) {
                DirectionCell cell = layer.directions().get(d);
                int k = l * dirs + d;
                for (int b = 0; b < batch; b++) {
                    int len = lengths == null ? steps : lengths[b];
                    float[] hb = new float[s];
                    float[] cb = new float[layer.hiddenSize()];
                    System.arraycopy(h[k], b * s, hb, 0, s);
                    System.arraycopy(c[k], b * cb.length, cb, 0, cb.length);
                    if (len == 0) {
                        hb = new float[s];
                        cb = new float[cb.length];
                    }
                    for (int n = 0; n < len; n++) {
                        int t = cell.direction() == Direction.FORWARD ? n : len - 1 - n;
                        step(layer, cell, x[b][t], hb, cb);
                        System.arraycopy(hb, 0, y[b][t], d * s, s);
                    }
                    System.arraycopy(hb, 0, h[k], b * s, s);
                    System.arraycopy(cb, 0, c[k], b * cb.length, cb.length);
                }
            }
            x = y;
        }
        return x;
    }

    private static void step(Layer layer, DirectionCell cell, float[] x, float[] h, float[] c) {
        int hs = layer.hiddenSize();
        float[] hraw = new float[hs];
        double clip = layer.preActivationClip();
        float[] z = new float[4 * hs];
        for (int r = 0; r < 4 * hs; r++) {
            double sum = cell.combinedBias(r);
            for (int k = 0; k < x.length; k++) {
                sum += (double) cell.inputWeights().get(r, k) * x[k];
            }
            for (int k = 0; k < h.length; k++) {
                sum += (double) cell.recurrentWeights().get(r, k) * h[k];
            }
            z[r] = (float) sum;
        }
        for (int j = 0; j < hs; j++) {
            double cp = c[j];
            double zi = z[Gate.INPUT.offset(hs) + j] + peep(cell, Peephole.INPUT, j) * cp;
            double zf = z[Gate.FORGET.offset(hs) + j] + peep(cell, Peephole.FORGET, j) * cp;
            double zg = z[Gate.CELL.offset(hs) + j];
            double i = act(cell.activations().gate(), clamp(zi, clip));
            double f = layer.coupledInputForget() ? 1 - i : act(cell.activations().gate(), clamp(zf, clip));
            double g = act(cell.activations().cell(), clamp(zg, clip));
            double cn = clamp(f * cp + i * g, layer.cellClip());
            c[j] = (float) cn;
            double zo = z[Gate.OUTPUT.offset(hs) + j] + peep(cell, Peephole.OUTPUT, j) * cn;
            double o = act(cell.activations().gate(), clamp(zo, clip));
            hraw[j] = (float) (o * act(cell.activations().hidden(), cn));
        }
        if (cell.projection() == null) {
            System.arraycopy(hraw, 0, h, 0, hs);
        } else {
            for (int p = 0; p < h.length; p++) {
                double sum = 0;
                for (int j = 0; j < hs; j++) {
                    sum += (double) cell.projection().get(p, j) * hraw[j];
                }
                h[p] = (float) sum;
            }
        }
    }

    private static double peep(DirectionCell cell, Peephole p, int j) {
        return cell.peepholes() == null ? 0 : cell.peepholes().get(p.ordinal(), j);
    }

    private static double clamp(double v, double limit) {
        return Math.max(-limit, Math.min(limit, v));
    }

    static double act(Activation a, double x) {
        double al = a.alpha();
        double be = a.beta();
        return switch (a.kind()) {
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case RELU -> Math.max(0, x);
            case AFFINE -> al * x + be;
            case LEAKY_RELU -> x >= 0 ? x : al * x;
            case THRESHOLDED_RELU -> x > al ? x : 0;
            case SCALED_TANH -> al * Math.tanh(be * x);
            case HARD_SIGMOID -> Math.max(0, Math.min(1, al * x + be));
            case ELU -> x >= 0 ? x : al * (Math.exp(x) - 1);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SOFTPLUS -> Math.log1p(Math.exp(x));
            case IDENTITY -> x;
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case SELU -> 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1));
            case HARD_SWISH -> x * Math.min(Math.max(x + 3, 0), 6) / 6;
            case CELU -> Math.max(0, x) + Math.min(0, al * (Math.exp(x / al) - 1));
        };
    }

    /** erf by Simpson integration of 2/sqrt(pi) e^-t^2 (slow, independent of the runtime's series). */
    static double erf(double x) {
        int n = 2000;
        double step = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * step;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return sum * step / 3 * 2 / Math.sqrt(Math.PI);
    }
}

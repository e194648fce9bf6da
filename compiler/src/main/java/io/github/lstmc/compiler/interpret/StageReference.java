package io.github.lstmc.compiler.interpret;

import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.InputAffine;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.TimeReduction;
import java.util.List;

/**
 * The interpreter's stages around the LSTM stack, computed from their definitions in the IR
 * ({@link TimeReduction}, {@link HeadLayer}): sums of products and means in double, rounded once to
 * float32; functions through {@link ReferenceActivations}. Independent of the runtime's
 * {@code Stages}, which generated code calls.
 */
final class StageReference {
    private StageReference() {
    }

    /** {@code dst[p][k] = x[p][k] * scale[k] + shift[k]} in float32, as the IR defines it. */
    static void affine(InputAffine affine, float[] x, int positions, float[] dst) {
        int width = affine.size();
        for (int p = 0; p < positions; p++) {
            for (int k = 0; k < width; k++) {
                float scaled = x[p * width + k] * affine.scale().get(k);
                dst[p * width + k] = scaled + affine.shift().get(k);
            }
        }
    }

    /**
     * The reduction of {@code y} ({@code width} features per position, position of (b, t) given by
     * {@code index}) into {@code dst [B][width]}; FINAL_STATE is the caller's (it reads the state).
     */
    static void reduce(TimeReduction reduction, float[] y, int batch, int steps, int width, int[] lengths,
                       Positions index, float[] dst) {
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            for (int k = 0; k < width; k++) {
                dst[b * width + k] = switch (reduction) {
                    case LAST_STEP -> y[index.of(b, steps - 1) * width + k];
                    case LAST_VALID_STEP -> y[index.of(b, Math.max(len - 1, 0)) * width + k];
                    case MEAN -> {
                        double sum = 0;
                        for (int t = 0; t < len; t++) {
                            sum += y[index.of(b, t) * width + k];
                        }
                        yield len == 0 ? 0f : (float) (sum / len);
                    }
                    case MAX -> {
                        float max = len == 0 ? 0f : Float.NEGATIVE_INFINITY;
                        for (int t = 0; t < len; t++) {
                            max = Math.max(max, y[index.of(b, t) * width + k]);
                        }
                        yield max;
                    }
                    case NONE, FINAL_STATE -> throw new IllegalStateException("not a reduction of the output: "
                            + reduction);
                };
            }
        }
    }

    /** The position of (row, step) in a buffer of the network's layout. */
    interface Positions {
        int of(int b, int t);
    }

    /**
     * Applies the head to {@code count} vectors of {@code in} (each {@code head[0].inputSize()} wide),
     * writing {@code count} vectors into {@code out}; {@code a} and {@code b} are scratch of the widest stage.
     */
    static void head(List<HeadLayer> head, float[] in, int count, float[] out, float[] a, float[] b) {
        int inWidth = head.get(0).inputSize();
        int outWidth = head.get(head.size() - 1).outputSize();
        for (int p = 0; p < count; p++) {
            float[] current = a;
            float[] next = b;
            System.arraycopy(in, p * inWidth, current, 0, inWidth);
            for (HeadLayer stage : head) {
                if (apply(stage, current, next)) {
                    float[] swap = current;
                    current = next;
                    next = swap;
                }
            }
            System.arraycopy(current, 0, out, p * outWidth, outWidth);
        }
    }

    /** Applies one stage; true when its result is in {@code y}, false when it worked in place on {@code x}. */
    private static boolean apply(HeadLayer stage, float[] x, float[] y) {
        int n = stage.inputSize();
        if (stage instanceof HeadLayer.Dense dense) {
            Matrix w = dense.weight();
            for (int r = 0; r < w.rows(); r++) {
                double sum = dense.bias() == null ? 0 : dense.bias().get(r);
                for (int k = 0; k < n; k++) {
                    sum += (double) w.get(r, k) * x[k];
                }
                y[r] = (float) sum;
            }
            return true;
        }
        if (stage instanceof HeadLayer.Elementwise f) {
            for (int k = 0; k < n; k++) {
                x[k] = ReferenceActivations.apply(f.function(), x[k]);
            }
        } else if (stage instanceof HeadLayer.PRelu prelu) {
            for (int k = 0; k < n; k++) {
                x[k] = x[k] >= 0 ? x[k] : prelu.slope().get(k) * x[k];
            }
        } else if (stage instanceof HeadLayer.Softmax softmax) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                max = Math.max(max, x[k]);
            }
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += Math.exp(x[k] - max);
            }
            for (int k = 0; k < n; k++) {
                x[k] = (float) (softmax.log() ? x[k] - max - Math.log(sum) : Math.exp(x[k] - max) / sum);
            }
        } else {
            throw new IllegalStateException("unknown head stage " + stage);
        }
        return false;
    }

    /** The widest vector any head stage reads or writes (0 without a head). */
    static int headWidth(List<HeadLayer> head) {
        int width = 0;
        for (HeadLayer stage : head) {
            width = Math.max(width, Math.max(stage.inputSize(), stage.outputSize()));
        }
        return width;
    }
}

package io.github.lstmc.runtime;

/**
 * The stages around the LSTM stack that generated whole networks call: the input transform, the
 * reductions over time and the head's non-product operations. Each defines its arithmetic once, so
 * that both back ends compute the same bits; products stay in generated code. Buffers are flat
 * float32 arrays; {@code [B][T][W]} or {@code [T][B][W]} per the network's layout, {@code [B][W]}
 * after a reduction.
 */
public final class Stages {
    /** {@link #reduce} kind: the output at position {@code T-1}. */
    public static final int LAST_STEP = 0;
    /** {@link #reduce} kind: the output at position {@code max(len-1, 0)} of each row. */
    public static final int LAST_VALID_STEP = 1;
    /** {@link #reduce} kind: the mean over positions {@code t < len}. */
    public static final int MEAN = 2;
    /** {@link #reduce} kind: the maximum over positions {@code t < len}. */
    public static final int MAX = 3;

    private Stages() {
    }

    /**
     * {@code dst[p*W + k] = x[p*W + k] * scale[k] + shift[k]} for every position {@code p}: a constant
     * per-feature transform of the input (the multiply rounded to float before the add).
     */
    public static void affine(float[] x, int positions, int width, float[] scale, float[] shift, float[] dst) {
        for (int p = 0, o = 0; p < positions; p++, o += width) {
            for (int k = 0; k < width; k++) {
                dst[o + k] = x[o + k] * scale[k] + shift[k];
            }
        }
    }

    /**
     * Reduces the per-step output {@code y} ({@code W} features per position) to {@code dst [B][W]}.
     * A row's length is {@code lengths[b]}, or {@code steps} when {@code lengths} is null; a row of
     * length 0 gives zeros for {@link #MEAN} and {@link #MAX}.
     *
     * @param kind one of {@link #LAST_STEP}, {@link #LAST_VALID_STEP}, {@link #MEAN}, {@link #MAX}
     */
    public static void reduce(int kind, float[] y, int batch, int steps, int width, boolean batchFirst,
                              int[] lengths, float[] dst) {
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            int o = b * width;
            if (kind == LAST_STEP || kind == LAST_VALID_STEP) {
                int t = kind == LAST_STEP ? steps - 1 : Math.max(len - 1, 0);
                System.arraycopy(y, position(b, t, batch, steps, batchFirst) * width, dst, o, width);
            } else if (len == 0) {
                java.util.Arrays.fill(dst, o, o + width, 0f);
            } else {
                System.arraycopy(y, position(b, 0, batch, steps, batchFirst) * width, dst, o, width);
                for (int t = 1; t < len; t++) {
                    int at = position(b, t, batch, steps, batchFirst) * width;
                    for (int k = 0; k < width; k++) {
                        float v = y[at + k];
                        dst[o + k] = kind == MEAN ? dst[o + k] + v : Math.max(dst[o + k], v);
                    }
                }
                if (kind == MEAN) {
                    for (int k = 0; k < width; k++) {
                        dst[o + k] = dst[o + k] / len;
                    }
                }
            }
        }
    }

    private static int position(int b, int t, int batch, int steps, boolean batchFirst) {
        return batchFirst ? b * steps + t : t * batch + b;
    }

    /**
     * {@code dst [B][S]} or {@code [B][2S]}: each row's final hidden state of the last layer, forward
     * then reverse ({@code reverse} null for one direction). The states are {@code [B][S]} each.
     */
    public static void finalState(float[] forward, float[] reverse, int batch, int size, float[] dst) {
        int width = reverse == null ? size : 2 * size;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(forward, b * size, dst, b * width, size);
            if (reverse != null) {
                System.arraycopy(reverse, b * size, dst, b * width + size, size);
            }
        }
    }

    /**
     * {@code dst[i*width ..+width) = table[tokens[i]]} for {@code i < count}: rows of an embedding folded
     * into the first layer's input product (its gate pre-activations, bias included), ids already checked.
     */
    public static void gatherRows(int[] tokens, int count, float[][] table, float[] dst, int width) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(table[tokens[i]], 0, dst, i * width, width);
        }
    }

    /** Writes {@code row} into every row of {@code state} ({@code [B][row.length]}): a constant initial state. */
    public static void broadcast(float[] state, float[] row) {
        for (int at = 0; at + row.length <= state.length; at += row.length) {
            System.arraycopy(row, 0, state, at, row.length);
        }
    }

    /** {@code v[k] = v[k] >= 0 ? v[k] : slope[k] * v[k]} for {@code k < n}, in place. */
    public static void prelu(float[] v, int n, float[] slope) {
        for (int k = 0; k < n; k++) {
            float x = v[k];
            v[k] = x >= 0f ? x : slope[k] * x;
        }
    }

    /**
     * Softmax of {@code v[0..n)} in place: {@code e^(v[k] - max) / sum}, the exponentials and the sum in
     * double ({@code StrictMath}, so every JVM gives the same bits), each result rounded once.
     */
    public static void softmax(float[] v, int n) {
        double max = max(v, n);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += StrictMath.exp(v[k] - max);
        }
        for (int k = 0; k < n; k++) {
            v[k] = (float) (StrictMath.exp(v[k] - max) / sum);
        }
    }

    /** LogSoftmax of {@code v[0..n)} in place: {@code v[k] - max - ln(sum e^(v[j] - max))}, in double. */
    public static void logSoftmax(float[] v, int n) {
        double max = max(v, n);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += StrictMath.exp(v[k] - max);
        }
        double log = StrictMath.log(sum);
        for (int k = 0; k < n; k++) {
            v[k] = (float) (v[k] - max - log);
        }
    }

    private static double max(float[] v, int n) {
        float max = v[0];
        for (int k = 1; k < n; k++) {
            max = Math.max(max, v[k]);
        }
        return max;
    }
}

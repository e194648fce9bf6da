package io.github.lstmc.benchmarks;

/** Conversions between the flat batch-first and sequence-first buffers the engines take. */
final class Layouts {
    private Layouts() {
    }

    /** {@code [B][T][F]} flat to {@code [T][B][F]} flat. */
    static float[] toSequenceFirst(float[] batchFirst, int batch, int steps, int features) {
        float[] out = new float[batchFirst.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(batchFirst, (b * steps + t) * features, out, (t * batch + b) * features, features);
            }
        }
        return out;
    }

    /** A flat buffer as {@code [B][T][F]}; {@code batchFirst} tells how the buffer is laid out. */
    static float[][][] unflatten(float[] flat, int batch, int steps, int features, boolean batchFirst) {
        float[][][] out = new float[batch][steps][features];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int offset = (batchFirst ? b * steps + t : t * batch + b) * features;
                System.arraycopy(flat, offset, out[b][t], 0, features);
            }
        }
        return out;
    }
}

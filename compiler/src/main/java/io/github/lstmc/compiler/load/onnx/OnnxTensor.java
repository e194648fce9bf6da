package io.github.lstmc.compiler.load.onnx;

import java.util.Arrays;

/**
 * A decoded constant tensor: its shape and its values, widened to float (for the floating-point
 * data types) or to long (for the integer and boolean types). Exactly one of {@code floats} and
 * {@code longs} is non-null. Arrays are owned by this object; the importer never mutates them.
 *
 * @param name   the tensor's name (initializer or Constant output), for messages
 * @param dims   the shape, each entry at least 0; empty for a scalar
 * @param floats row-major values of a float tensor, or null
 * @param longs  row-major values of an integer tensor, or null
 */
record OnnxTensor(String name, long[] dims, float[] floats, long[] longs) {

    /** A float tensor. */
    static OnnxTensor ofFloats(String name, long[] dims, float[] values) {
        return new OnnxTensor(name, dims, values, null);
    }

    /** An integer tensor. */
    static OnnxTensor ofLongs(String name, long[] dims, long[] values) {
        return new OnnxTensor(name, dims, null, values);
    }

    boolean isFloat() {
        return floats != null;
    }

    int rank() {
        return dims.length;
    }

    int size() {
        return isFloat() ? floats.length : longs.length;
    }

    /** Element {@code i} as a double, whatever the type. */
    double value(int i) {
        return isFloat() ? floats[i] : longs[i];
    }

    /** The values as longs (float values truncated toward zero). */
    long[] asLongs() {
        if (!isFloat()) {
            return longs;
        }
        long[] out = new long[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) floats[i];
        }
        return out;
    }

    /** True if every value is exactly zero (an empty tensor counts as zero). */
    boolean isAllZero() {
        for (int i = 0; i < size(); i++) {
            if (value(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The shape as text, e.g. {@code [1, 16, 3]}. */
    String shapeText() {
        return Arrays.toString(dims);
    }

    @Override
    public String toString() {
        return "'" + name + "' " + shapeText();
    }
}

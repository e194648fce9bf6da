package io.github.lstmc.compiler.load.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors file, decoded to float32. Immutable: the arrays are copied in and
 * out, so a loader can hand them to the IR without aliasing the file's contents.
 *
 * @param name   the tensor's name in the file, e.g. {@code encoder.lstm.weight_ih_l0}
 * @param dtype  the stored element type ({@code F32}, {@code F16}, {@code BF16} or {@code F64})
 * @param shape  the dimensions, outermost first; empty for a scalar
 * @param values the product of {@code shape} values, row-major (C order), as float32
 */
public record Tensor(String name, String dtype, int[] shape, float[] values) {

    public Tensor {
        if (name == null || dtype == null || shape == null || values == null) {
            throw new IllegalArgumentException("tensor name, dtype, shape and values must not be null");
        }
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension in "
                        + Arrays.toString(shape));
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "' is too large: " + Arrays.toString(shape));
            }
        }
        if (count != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                    + count + " values, got " + values.length);
        }
        shape = shape.clone();
        values = values.clone();
    }

    /** A copy of the dimensions. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the values, row-major. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of values, the product of the shape. */
    public int size() {
        return values.length;
    }

    /** The value at flat (row-major) index {@code i}. */
    public float value(int i) {
        return values[i];
    }

    /** True if the shape is exactly {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The shape as text, e.g. {@code [16, 3]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && t.dtype.equals(dtype)
                && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + ", " + dtype + ", " + shapeText() + "]";
    }
}

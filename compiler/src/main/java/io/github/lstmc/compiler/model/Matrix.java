package io.github.lstmc.compiler.model;

import java.util.Arrays;

/**
 * An immutable row-major float32 matrix {@code [rows][cols]}. A vector is a matrix with one row.
 * Copies its input and hands out copies, so the IR cannot be changed after validation.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    private Matrix(int rows, int cols, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * @param rows at least 1
     * @param cols at least 1
     * @param data {@code rows * cols} values, row-major; copied
     */
    public static Matrix of(int rows, int cols, float[] data) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape must be positive, got [" + rows + ", " + cols + "]");
        }
        if (data == null || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("matrix [" + rows + ", " + cols + "] needs " + (long) rows * cols
                    + " values, got " + (data == null ? "null" : data.length));
        }
        return new Matrix(rows, cols, data.clone());
    }

    /** From nested rows (all the same length); copied. */
    public static Matrix of(float[][] rowsData) {
        if (rowsData == null || rowsData.length == 0 || rowsData[0] == null) {
            throw new IllegalArgumentException("matrix needs at least one row");
        }
        int cols = rowsData[0].length;
        float[] flat = new float[Math.multiplyExact(rowsData.length, cols)];
        for (int r = 0; r < rowsData.length; r++) {
            if (rowsData[r] == null || rowsData[r].length != cols) {
                throw new IllegalArgumentException("matrix row " + r + " must have " + cols + " values");
            }
            System.arraycopy(rowsData[r], 0, flat, r * cols, cols);
        }
        return of(rowsData.length, cols, flat);
    }

    /** A one-row matrix holding {@code values}; copied. */
    public static Matrix vector(float[] values) {
        return of(1, values == null ? 0 : values.length, values);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of values, {@code rows * cols}. */
    public int size() {
        return data.length;
    }

    public float get(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("[" + row + ", " + col + "] outside [" + rows + ", " + cols + "]");
        }
        return data[row * cols + col];
    }

    /** For one-row matrices: {@code get(0, i)}. */
    public float get(int i) {
        return get(0, i);
    }

    /** A copy of row {@code row}. */
    public float[] row(int row) {
        return Arrays.copyOfRange(data, row * cols, row * cols + cols);
    }

    /** A copy of rows {@code from..to-1}, as a new matrix. */
    public Matrix rows(int from, int to) {
        if (from < 0 || to > rows || from >= to) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + to + " outside " + rows);
        }
        return new Matrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
    }

    /** A copy of all values, row-major. */
    public float[] toArray() {
        return data.clone();
    }

    /** The transpose {@code [cols][rows]}. */
    public Matrix transpose() {
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[r * cols + c];
            }
        }
        return new Matrix(cols, rows, t);
    }

    /** Index of the first non-finite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** True if every value is exactly zero. */
    public boolean isZero() {
        for (float v : data) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    /** "[rows, cols]". */
    public String shape() {
        return "[" + rows + ", " + cols + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Matrix" + shape();
    }
}

package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A {@code private static final} weight array of the generated class, initialised once in
 * {@code <clinit>} from packed string constants by the runtime decoder:
 * <pre>
 *   VECTOR: static final float[]   NAME = PackedFloats.vector(cols, new String[] {chunk0, chunk1, ...});
 *   ROWS:   static final float[][] NAME = PackedFloats.rows(rows, cols, new String[] {chunk0, ...});
 * </pre>
 * The chunks are the {@link FloatPacking} encoding of the values in row-major order, each chunk at
 * most {@link FloatPacking#MAX_CHUNK_CHARS} ASCII characters (so at most that many bytes as a
 * class-file UTF-8 constant).
 *
 * @param name   the field name, unique in the class
 * @param shape  vector or rows
 * @param rows   1 for a vector
 * @param cols   the length of each row
 * @param chunks the packed values
 */
public record WeightField(String name, Shape shape, int rows, int cols, List<String> chunks) {

    /** The Java type of the field. */
    public enum Shape {
        /** {@code float[cols]}. */
        VECTOR,
        /** {@code float[rows][cols]}. */
        ROWS
    }

    public WeightField {
        chunks = List.copyOf(chunks);
    }

    /** Packs {@code values} as a vector field. */
    public static WeightField vector(String name, float[] values) {
        return new WeightField(name, Shape.VECTOR, 1, values.length, FloatPacking.encode(values));
    }

    /** Packs {@code rowMajor} ({@code rows * cols} values) as a rows field. */
    public static WeightField rows(String name, int rows, int cols, float[] rowMajor) {
        return new WeightField(name, Shape.ROWS, rows, cols, FloatPacking.encode(rowMajor));
    }
}

package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.WeightStorage;
import java.util.List;

/**
 * A {@code private static final} weight array of the generated class, initialised once in
 * {@code <clinit>} from packed string constants by the runtime decoder:
 * <pre>
 *   VECTOR: static final float[]   NAME = PackedFloats.vector(cols, new String[] {chunk0, chunk1, ...});
 *   ROWS:   static final float[][] NAME = PackedFloats.rows(rows, cols, new String[] {chunk0, ...});
 * </pre>
 * The chunks are the {@link FloatPacking} encoding of the values in row-major order, each chunk at
 * most {@link FloatPacking#MAX_CHUNK_BYTES} bytes as a class-file UTF-8 constant. The planner picks
 * the {@code encoding} ({@link FloatPacking#encode(float[], int, int, WeightStorage, FloatPacking.ScaleMap)}):
 * the requested storage when it reproduces the values exactly, else a wider one.
 *
 * @param name     the field name, unique in the class
 * @param shape    vector or rows
 * @param rows     1 for a vector
 * @param cols     the length of each row
 * @param chunks   the packed values
 * @param encoding how the chunks store the values
 */
public record WeightField(String name, Shape shape, int rows, int cols, List<String> chunks,
                          FloatPacking.Encoding encoding) {

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

    /** Packs {@code values} as an fp32 vector field. */
    public static WeightField vector(String name, float[] values) {
        return vector(name, values, WeightStorage.FP32);
    }

    /** Packs {@code values} as a vector field, fp16 when {@code storage} allows it and the values are halves. */
    public static WeightField vector(String name, float[] values, WeightStorage storage) {
        FloatPacking.Packed p = FloatPacking.encode(values, 1, values.length,
                storage == WeightStorage.INT8 ? WeightStorage.FP16 : storage, null);
        return new WeightField(name, Shape.VECTOR, 1, values.length, p.chunks(), p.encoding());
    }

    /** Packs {@code rowMajor} ({@code rows * cols} values) as an fp32 rows field. */
    public static WeightField rows(String name, int rows, int cols, float[] rowMajor) {
        return rows(name, rows, cols, rowMajor, WeightStorage.FP32, null);
    }

    /**
     * Packs {@code rowMajor} as a rows field in {@code storage} when that reproduces it exactly
     * (int8 with one scale per group of {@code scales}), else in a wider encoding.
     */
    public static WeightField rows(String name, int rows, int cols, float[] rowMajor, WeightStorage storage,
                                   FloatPacking.ScaleMap scales) {
        FloatPacking.Packed p = FloatPacking.encode(rowMajor, rows, cols, storage, scales);
        return new WeightField(name, Shape.ROWS, rows, cols, p.chunks(), p.encoding());
    }

    /** Bytes of the chunks as class-file constants. */
    public long packedBytes() {
        long n = 0;
        for (String c : chunks) {
            n += FloatPacking.utf8Length(c);
        }
        return n;
    }
}

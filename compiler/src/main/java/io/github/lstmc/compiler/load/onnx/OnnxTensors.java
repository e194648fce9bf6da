package io.github.lstmc.compiler.load.onnx;

import com.google.protobuf.ByteString;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes {@link TensorProto}s. Every size is checked against the bytes actually present in the
 * file before anything is allocated, so a forged shape cannot make the importer allocate more
 * than the file holds.
 */
final class OnnxTensors {
    /** Upper bound on the elements of one tensor (Java arrays are int-indexed). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private OnnxTensors() {
    }

    /**
     * Decodes {@code t}.
     *
     * @param file  the model file's name, for messages
     * @param where what holds the tensor, for messages (e.g. {@code initializer 'W'})
     */
    static OnnxTensor decode(String file, String where, TensorProto t) throws LstmcException {
        String name = t.getName();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new LstmcException(file + ": " + where + " keeps its data in an external file, which lstmc does"
                    + " not read; re-save the model with all tensors inside the .onnx file");
        }
        if (t.hasSegment()) {
            throw new LstmcException(file + ": " + where + " is a segment of a split tensor, which lstmc does not read");
        }
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new LstmcException(file + ": " + where + " has a negative dimension " + dims[i] + " in its shape "
                        + java.util.Arrays.toString(dims));
            }
            if (dims[i] != 0 && count > MAX_ELEMENTS / dims[i]) {
                throw new LstmcException(file + ": " + where + " has an absurd shape " + java.util.Arrays.toString(dims)
                        + " (more than " + MAX_ELEMENTS + " elements)");
            }
            count *= dims[i];
        }
        int n = (int) count;
        int type = t.getDataType();
        DataType dataType = DataType.forNumber(type);
        if (dataType == null) {
            throw new LstmcException(file + ": " + where + " has unknown data type " + type);
        }
        ByteString raw = t.getRawData();
        boolean hasRaw = !raw.isEmpty();
        switch (dataType) {
            case FLOAT -> {
                if (hasRaw) {
                    ByteBuffer b = rawBuffer(file, where, raw, n, 4);
                    float[] v = new float[n];
                    b.asFloatBuffer().get(v);
                    return OnnxTensor.ofFloats(name, dims, v);
                }
                checkCount(file, where, "float_data", t.getFloatDataCount(), n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getFloatData(i);
                }
                return OnnxTensor.ofFloats(name, dims, v);
            }
            case DOUBLE -> {
                float[] v = new float[hasRaw ? n : checkCount(file, where, "double_data", t.getDoubleDataCount(), n)];
                if (hasRaw) {
                    ByteBuffer b = rawBuffer(file, where, raw, n, 8);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) b.getDouble(8 * i);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                }
                return OnnxTensor.ofFloats(name, dims, v);
            }
            case FLOAT16, BFLOAT16 -> {
                boolean half = dataType == DataType.FLOAT16;
                float[] v = new float[hasRaw ? n : checkCount(file, where, "int32_data", t.getInt32DataCount(), n)];
                ByteBuffer b = hasRaw ? rawBuffer(file, where, raw, n, 2) : null;
                for (int i = 0; i < n; i++) {
                    int bits = (hasRaw ? b.getShort(2 * i) : t.getInt32Data(i)) & 0xffff;
                    v[i] = half ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
                }
                return OnnxTensor.ofFloats(name, dims, v);
            }
            case INT64 -> {
                long[] v = new long[hasRaw ? n : checkCount(file, where, "int64_data", t.getInt64DataCount(), n)];
                if (hasRaw) {
                    rawBuffer(file, where, raw, n, 8).asLongBuffer().get(v);
                } else {
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
                return OnnxTensor.ofLongs(name, dims, v);
            }
            case INT32, INT16, UINT16, INT8, UINT8, BOOL -> {
                int width = switch (dataType) {
                    case INT32 -> 4;
                    case INT16, UINT16 -> 2;
                    default -> 1;
                };
                long[] v = new long[hasRaw ? n : checkCount(file, where, "int32_data", t.getInt32DataCount(), n)];
                ByteBuffer b = hasRaw ? rawBuffer(file, where, raw, n, width) : null;
                for (int i = 0; i < n; i++) {
                    if (!hasRaw) {
                        v[i] = t.getInt32Data(i);
                    } else {
                        v[i] = switch (dataType) {
                            case INT32 -> b.getInt(4 * i);
                            case INT16 -> b.getShort(2 * i);
                            case UINT16 -> b.getShort(2 * i) & 0xffff;
                            case INT8 -> b.get(i);
                            default -> b.get(i) & 0xff;
                        };
                    }
                }
                return OnnxTensor.ofLongs(name, dims, v);
            }
            case UINT32, UINT64 -> {
                int width = dataType == DataType.UINT32 ? 4 : 8;
                long[] v = new long[hasRaw ? n : checkCount(file, where, "uint64_data", t.getUint64DataCount(), n)];
                ByteBuffer b = hasRaw ? rawBuffer(file, where, raw, n, width) : null;
                for (int i = 0; i < n; i++) {
                    v[i] = !hasRaw ? t.getUint64Data(i) : width == 4 ? b.getInt(4 * i) & 0xffffffffL : b.getLong(8 * i);
                }
                return OnnxTensor.ofLongs(name, dims, v);
            }
            default -> throw new LstmcException(file + ": " + where + " has data type " + dataType
                    + ", which lstmc does not read (expected FLOAT, DOUBLE, FLOAT16, BFLOAT16 or an integer type)");
        }
    }

    private static ByteBuffer rawBuffer(String file, String where, ByteString raw, int n, int width)
            throws LstmcException {
        if (raw.size() != (long) n * width) {
            throw new LstmcException(file + ": " + where + " has " + raw.size() + " bytes of raw_data, expected "
                    + (long) n * width + " (" + n + " elements of " + width + " bytes)");
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int checkCount(String file, String where, String field, int present, int expected)
            throws LstmcException {
        if (present != expected) {
            throw new LstmcException(file + ": " + where + " has " + present + " values in " + field + ", expected "
                    + expected + " for its shape");
        }
        return expected;
    }

    /** IEEE 754 binary16 bits to float (exact: every half value is a float). */
    static float halfToFloat(int bits) {
        int sign = bits >>> 15 & 1;
        int exponent = bits >>> 10 & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat((exponent + 112) << 23 | mantissa << 13);
        }
        return sign == 1 ? -magnitude : magnitude;
    }
}

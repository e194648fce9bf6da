package io.github.lstmc.runtime;

/**
 * Decodes the weight constants of generated classes, once, in their static initializer. Storing
 * weights as string constants keeps {@code <clinit>} small (an array initializer costs about 7
 * bytes of bytecode per element) and the constant pool short (one entry per chunk).
 *
 * <p><b>Encoding</b> (the encoder is the compiler's {@code FloatPacking}). The chunks, concatenated,
 * are one stream of characters {@code 0..127}: a class file stores each in one byte of modified
 * UTF-8 (except {@code U+0000}, two bytes). The first character is a key {@code K}; every later
 * character {@code c} carries the 7 bits {@code c ^ K}, most significant first (the encoder picks
 * the {@code K} that makes {@code U+0000} rarest). The bits, most significant first in each field:
 * <pre>
 *   format 2             0 = fp32, 1 = fp16, 2 = int8
 *   fp32 / fp16:  k 3, base 8 (fp32) or 5 (fp16), then per value:
 *       sign 1, code k   code &lt; 2^k - 2: exponent field base - code, then the mantissa (23 or 10 bits)
 *                        code = 2^k - 2: a signed zero
 *                        code = 2^k - 1: the rest of the raw bits (31 or 15)
 *                        (k = 0: every value is sign + raw rest)
 *   int8:  rowStep 32, columnPeriod 32, scaleCount 32, scaleCount raw fp32 scales, width b 4 (1..8),
 *       per value q: b bits two's complement; q = -2^(b-1) with b &lt; 8 escapes to 8 raw bits.
 *       Element (r, c) of a rows x cols matrix is q * scale[r * rowStep + c % columnPeriod] (fp32).
 * </pre>
 * fp16 values widen exactly to fp32. Values are row-major.
 */
public final class PackedFloats {
    static final int FP32 = 0;
    static final int FP16 = 1;
    static final int INT8 = 2;

    private PackedFloats() {
    }

    /**
     * Decodes a vector.
     *
     * @param length the number of floats encoded
     * @param chunks the packed text, in order
     * @return {@code float[length]}
     * @throws IllegalArgumentException if the text does not hold exactly {@code length} well-formed values
     */
    public static float[] vector(int length, String[] chunks) {
        if (length < 0) {
            throw new IllegalArgumentException("bad packed length " + length);
        }
        return decode(1, length, chunks);
    }

    /**
     * Decodes a matrix into one array per row (the layout the vectorized loops of generated code use).
     *
     * @return {@code float[rows][cols]}
     * @throws IllegalArgumentException if the text does not hold exactly {@code rows * cols} values
     */
    public static float[][] rows(int rows, int cols, String[] chunks) {
        multiply(rows, cols);
        float[] flat = decode(rows, cols, chunks);
        float[][] result = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, result[r], 0, cols);
        }
        return result;
    }

    private static float[] decode(int rows, int cols, String[] chunks) {
        float[] values = new float[multiply(rows, cols)];
        Bits in = new Bits(chunks);
        int format = in.read(2);
        if (format == FP32 || format == FP16) {
            floats(in, values, format == FP32);
        } else if (format == INT8) {
            int8(in, values, rows, cols);
        } else {
            throw new IllegalArgumentException("unknown packed format " + format);
        }
        in.end();
        return values;
    }

    /** IEEE floats with a coded exponent; fp16 widened exactly. */
    private static void floats(Bits in, float[] values, boolean single) {
        int mantissaBits = single ? 23 : 10;
        int k = in.read(3);
        int base = in.read(single ? 8 : 5);
        int zero = (1 << k) - 2;
        int raw = (1 << k) - 1;
        int restBits = single ? 31 : 15;
        for (int i = 0; i < values.length; i++) {
            int head = in.read(1 + k);
            int sign = head >>> k;
            int code = head & raw;
            int rest;
            if (k == 0 || code == raw) {
                rest = in.read(restBits);
            } else if (code == zero) {
                rest = 0;
            } else {
                int exponent = base - code;
                if (exponent < 0) {
                    throw new IllegalArgumentException("packed exponent below zero");
                }
                rest = exponent << mantissaBits | in.read(mantissaBits);
            }
            values[i] = single ? Float.intBitsToFloat(sign << 31 | rest) : half(sign << 15 | rest);
        }
    }

    /** Symmetric int8 codes with fp32 scales. */
    private static void int8(Bits in, float[] values, int rows, int cols) {
        int rowStep = in.read(32);
        int period = in.read(32);
        int count = in.read(32);
        if (rowStep < 0 || period < 1 || count < 0 || count > values.length + rows + cols) {
            throw new IllegalArgumentException("bad int8 header " + rowStep + ", " + period + ", " + count);
        }
        float[] scales = new float[count];
        for (int s = 0; s < count; s++) {
            scales[s] = Float.intBitsToFloat(in.read(32));
        }
        int width = in.read(4);
        if (width < 1 || width > 8) {
            throw new IllegalArgumentException("bad int8 width " + width);
        }
        int escape = -(1 << (width - 1));
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int q = in.read(width) << (32 - width) >> (32 - width);
                if (q == escape && width < 8) {
                    q = (byte) in.read(8);
                }
                long index = (long) r * rowStep + c % period;
                if (index >= count) {
                    throw new IllegalArgumentException("int8 scale index " + index + " of " + count);
                }
                values[i++] = q * scales[(int) index];
            }
        }
    }

    /** The float of IEEE half-precision bits (exact: every half is a float). */
    static float half(int bits) {
        int sign = bits >>> 15 & 1;
        int exponent = bits >>> 10 & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else {
            return Float.intBitsToFloat(sign << 31 | (exponent + 112) << 23 | mantissa << 13);
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    private static int multiply(int a, int b) {
        long p = (long) a * b;
        if (a < 0 || b < 0 || p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad packed shape " + a + " x " + b);
        }
        return (int) p;
    }

    /** Reads bits, 7 per character, across the chunks; one chunk's bytes at a time. */
    private static final class Bits {
        private final String[] chunks;
        private int next;
        private byte[] bytes = new byte[0];
        private int position;
        private int length;
        private int key = -1;
        private long buffer;
        private int count;

        Bits(String[] chunks) {
            this.chunks = chunks;
        }

        /** The next {@code n} bits (1..32) as an int, most significant first. */
        int read(int n) {
            while (count < n) {
                buffer = buffer << 7 | character();
                count += 7;
            }
            count -= n;
            return (int) (buffer >>> count) & (int) (-1L >>> (64 - n));
        }

        private int character() {
            if (position == length) {
                load();
            }
            int c = bytes[position++];
            if (key < 0) {
                key = c;
                return character();
            }
            return c ^ key;
        }

        @SuppressWarnings("deprecation") // copies the chars' low bytes in bulk: fast even before the JIT warms up
        private void load() {
            while (next < chunks.length && chunks[next].length() == 0) {
                next++;
            }
            if (next == chunks.length) {
                throw new IllegalArgumentException("packed floats end early");
            }
            String chunk = chunks[next++];
            length = chunk.length();
            if (bytes.length < length) {
                bytes = new byte[length];
            }
            chunk.getBytes(0, length, bytes, 0);
            for (int i = 0; i < length; i++) {
                if (bytes[i] < 0) {
                    throw new IllegalArgumentException("invalid packed character 0x" + Integer.toHexString(chunk.charAt(i)));
                }
            }
            position = 0;
        }

        /** Only the final character's padding bits may remain, and no further characters. */
        void end() {
            boolean extra = position < length;
            while (!extra && next < chunks.length) {
                extra = chunks[next++].length() > 0;
            }
            if (count >= 7 || extra) {
                throw new IllegalArgumentException("packed floats hold more than the expected values");
            }
        }
    }
}

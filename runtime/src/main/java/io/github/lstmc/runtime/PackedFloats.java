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
        return decode(1, length, chunks)[0];
    }

    /**
     * Decodes a matrix into one array per row (the layout the vectorized loops of generated code use).
     *
     * @return {@code float[rows][cols]}
     * @throws IllegalArgumentException if the text does not hold exactly {@code rows * cols} values
     */
    public static float[][] rows(int rows, int cols, String[] chunks) {
        return decode(rows, cols, chunks);
    }

    /*
     * The loops below read bits inline from one byte array (no call per value): class initializers
     * run this once, mostly in the bytecode interpreter before the JIT has compiled it, so every
     * bytecode per value counts for cold start.
     */

    private static float[][] decode(int rows, int cols, String[] chunks) {
        multiply(rows, cols);
        float[][] values = new float[rows][cols];
        Bits in = new Bits(chunks);
        int format = in.read(2);
        if (format == FP32 || format == FP16) {
            floats(in, values, format == FP32);
        } else if (format == INT8) {
            int8(in, values);
        } else {
            throw bad();
        }
        in.end();
        return values;
    }

    /** IEEE floats with a coded exponent; fp16 widened exactly. */
    private static void floats(Bits in, float[][] values, boolean single) {
        int mantissaBits = single ? 23 : 10;
        int k = in.read(3);
        int base = in.read(single ? 8 : 5);
        int zero = (1 << k) - 2;
        int raw = (1 << k) - 1;
        int restBits = single ? 31 : 15;
        int mantissaMask = (1 << mantissaBits) - 1;
        byte[] bytes = in.bytes;
        int position = in.position;
        int key = in.key;
        long buffer = in.buffer;
        int count = in.count;
        for (float[] row : values) {
            for (int c = 0; c < row.length; c++) {
                // at most 1 + 7 + 31 bits per value: top the buffer up to at least 39 bits
                while (count < 39) {
                    if (position == bytes.length) {
                        break;
                    }
                    buffer = buffer << 7 | (bytes[position++] ^ key) & 0x7f;
                    count += 7;
                }
                count -= 1 + k;
                int head = (int) (buffer >>> count) & ((2 << k) - 1);
                int sign = head >>> k;
                int code = head & raw;
                int rest;
                if (k == 0 || code == raw) {
                    count -= restBits;
                    rest = (int) (buffer >>> count) & ((1 << restBits) - 1);
                } else if (code == zero) {
                    rest = 0;
                } else {
                    count -= mantissaBits;
                    rest = base - code << mantissaBits | (int) (buffer >>> count) & mantissaMask;
                }
                if (count < 0 || rest < 0) { // ran out of characters, or an exponent below zero
                    throw bad();
                }
                row[c] = single ? Float.intBitsToFloat(sign << 31 | rest) : half(sign << 15 | rest);
            }
        }
        in.position = position;
        in.buffer = buffer;
        in.count = count;
    }

    /** Symmetric int8 codes with fp32 scales. */
    private static void int8(Bits in, float[][] values) {
        int rows = values.length;
        int cols = rows == 0 ? 0 : values[0].length;
        int rowStep = in.read(32);
        int period = in.read(32);
        int count = in.read(32);
        if (rowStep < 0 || period < 1 || count < 0 || count > (long) rows * cols + rows + cols) {
            throw bad();
        }
        float[] scales = new float[count];
        for (int s = 0; s < count; s++) {
            scales[s] = Float.intBitsToFloat(in.read(32));
        }
        int width = in.read(4);
        if (width < 1 || width > 8) {
            throw bad();
        }
        int escape = -(1 << (width - 1));
        int shift = 32 - width;
        for (int r = 0; r < rows; r++) {
            float[] row = values[r];
            long first = (long) r * rowStep;
            if (first + Math.min(period, cols) > count) {
                throw bad();
            }
            int offset = (int) first;
            for (int c = 0; c < cols; c++) {
                int q = in.read(width) << shift >> shift;
                if (q == escape && width < 8) {
                    q = (byte) in.read(8);
                }
                row[c] = q * scales[offset + c % period];
            }
        }
    }

    /** The float of IEEE half-precision bits (exact: every half is a float). */
    static float half(int bits) {
        int magnitude = bits & 0x7fff;
        float f = magnitude < 0x400 ? magnitude * 0x1p-24f // zero and subnormals
                : Float.intBitsToFloat(magnitude >= 0x7c00 ? 0x7f800000 | (magnitude & 0x3ff) << 13 // infinity, NaN
                : magnitude + 0x1c000 << 13);
        return bits >= 0x8000 ? -f : f;
    }

    private static IllegalArgumentException bad() {
        return new IllegalArgumentException("malformed packed floats");
    }

    private static int multiply(int a, int b) {
        long p = (long) a * b;
        if (a < 0 || b < 0 || p > Integer.MAX_VALUE) {
            throw bad();
        }
        return (int) p;
    }

    /** Reads bits, 7 per character, from the chunks' characters copied into one byte array. */
    private static final class Bits {
        final byte[] bytes;
        int position;
        final int key;
        long buffer;
        int count;

        @SuppressWarnings("deprecation") // copies the chars' low bytes in bulk: fast even before the JIT warms up
        Bits(String[] chunks) {
            int total = 0;
            for (String chunk : chunks) {
                total += chunk.length();
            }
            if (total == 0) {
                throw bad();
            }
            byte[] all = new byte[total];
            int at = 0;
            for (String chunk : chunks) {
                chunk.getBytes(0, chunk.length(), all, at);
                at += chunk.length();
            }
            // characters above U+007F are not the encoder's; their low 7 bits are read like any other
            bytes = all;
            key = all[0] & 0x7f;
            position = 1;
        }

        /** The next {@code n} bits (1..32) as an int, most significant first. */
        int read(int n) {
            while (count < n) {
                if (position == bytes.length) {
                    throw bad();
                }
                buffer = buffer << 7 | (bytes[position++] ^ key) & 0x7f;
                count += 7;
            }
            count -= n;
            return (int) (buffer >>> count) & (int) (-1L >>> (64 - n));
        }

        /** Only the final character's padding bits may remain, and no further characters. */
        void end() {
            if (count >= 7 || position < bytes.length) {
                throw bad();
            }
        }
    }
}

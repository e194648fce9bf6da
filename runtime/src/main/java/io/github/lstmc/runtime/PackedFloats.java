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
 *   format 2             0 = fp32, 1 = fp16, 2 = int8, 3 = fp32 in four characters a value
 *   fp32 / fp16:  k 3, base 8 (fp32) or 5 (fp16), then per value:
 *       sign 1, code k   code &lt; 2^k - 2: exponent field base - code, then the mantissa (23 or 10 bits)
 *                        code = 2^k - 2: a signed zero
 *                        code = 2^k - 1: the rest of the raw bits (31 or 15)
 *                        (k = 0: every value is sign + raw rest)
 *   int8:  rowStep 32, columnPeriod 32, scaleCount 32, scaleCount raw fp32 scales, width b 4 (1..8),
 *       per value q: b bits two's complement; q = -2^(b-1) with b &lt; 8 escapes to 8 raw bits.
 *       Element (r, c) of a rows x cols matrix is q * scale[r * rowStep + c % columnPeriod] (fp32).
 *   fp32 in four characters:  base 8, escapeCount 32, escapeCount raw fp32 bit patterns, zero bits to
 *       the end of the character; then per value four characters, 28 bits: sign 1, code 4, mantissa 23
 *                        code &lt; 14: exponent field base - code
 *                        code = 14: a signed zero;  code = 15: the next escaped bit pattern
 * </pre>
 * The last format decodes with a few operations a value and no bit buffer, which matters because a
 * class initializer runs it once, largely before the JIT has compiled it: the compiler uses it for
 * fp32 unless many values fall outside its 14 binades.
 * fp16 values widen exactly to fp32. Values are row-major.
 */
public final class PackedFloats {
    private final String[] chunks;
    private int chunk;
    /** The current chunk's characters ({@code String.getChars} exists everywhere lstmc runs, TeaVM included). */
    private final char[] chars;
    private int length;
    private int position;
    private final int key;
    private long buffer;
    private int count;

    private PackedFloats(String[] chunks) {
        this.chunks = chunks;
        int longest = 0;
        for (String s : chunks) {
            longest = Math.max(longest, s.length());
        }
        chars = new char[longest];
        if (!next()) {
            throw bad();
        }
        key = chars[0] & 0x7f;
        position = 1;
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
        return rows(1, length, chunks)[0];
    }

    /**
     * Decodes a matrix into one array per row (the layout the vectorized loops of generated code use).
     *
     * @return {@code float[rows][cols]}
     * @throws IllegalArgumentException if the text does not hold exactly {@code rows * cols} values
     */
    public static float[][] rows(int rows, int cols, String[] chunks) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE) {
            throw bad();
        }
        float[][] values = new float[rows][cols];
        new PackedFloats(chunks).decode(values);
        return values;
    }

    private void decode(float[][] values) {
        int format = read(2);
        if (format == 3) {
            fixed(values);
        } else if (format == 2) {
            int8(values);
        } else {
            floats(values, format == 0);
        }
        // only the last character's padding bits may remain, and no further characters
        if (count >= 7 || position < length || next()) {
            throw bad();
        }
    }

    /**
     * IEEE floats with a coded exponent; fp16 widened exactly. Bits are read inline, with no call
     * per value: class initializers run this once, largely in the bytecode interpreter before the
     * JIT has compiled it, so every bytecode per value counts for cold start.
     */
    private void floats(float[][] values, boolean single) {
        int mantissaBits = single ? 23 : 10;
        int k = read(3);
        int base = read(single ? 8 : 5);
        int zero = (1 << k) - 2;
        int raw = (1 << k) - 1;
        int restBits = single ? 31 : 15;
        int mantissaMask = (1 << mantissaBits) - 1;
        char[] chars = this.chars;
        int position = this.position;
        long buffer = this.buffer;
        int count = this.count;
        for (float[] row : values) {
            for (int c = 0; c < row.length; c++) {
                // at most 1 + 7 + 31 bits per value: top the buffer up to at least 39 bits
                while (count < 39) {
                    if (position == length) {
                        if (!next()) {
                            break;
                        }
                        position = 0;
                    }
                    buffer = buffer << 7 | (chars[position++] ^ key) & 0x7f;
                    count += 7;
                }
                count -= 1 + k;
                int head = (int) (buffer >>> count) & ((2 << k) - 1);
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
                row[c] = single ? Float.intBitsToFloat(head >>> k << 31 | rest) : half(head >>> k << 15 | rest);
            }
        }
        this.position = position;
        this.buffer = buffer;
        this.count = count;
    }

    /** The four-character fp32 format's base exponent, escaped bit patterns and the next one's index. */
    private int base;
    private int[] escapes;
    private int escape;

    /** fp32 in four characters a value (format 3): a few operations a value, no bit buffer, a call a row. */
    private void fixed(float[][] values) {
        base = read(8);
        int escapeCount = read(32);
        if (escapeCount < 0 || escapeCount > (long) values.length * (values.length == 0 ? 0 : values[0].length)) {
            throw bad();
        }
        escapes = new int[escapeCount];
        for (int e = 0; e < escapeCount; e++) {
            escapes[e] = read(32);
        }
        count = 0; // the rest of the current character pads the header
        for (float[] row : values) {
            fixedRow(row);
        }
        if (escape != escapeCount) {
            throw bad();
        }
    }

    private void fixedRow(float[] row) {
        char[] chars = this.chars;
        int position = this.position;
        int base = this.base;
        int key4 = key * 0x204081; // the key in each of the four 7-bit fields
        for (int c = 0; c < row.length; c++) {
            int v;
            if (position + 4 <= length) {
                int c0 = chars[position];
                int c1 = chars[position + 1];
                int c2 = chars[position + 2];
                int c3 = chars[position + 3];
                position += 4;
                if ((c0 | c1 | c2 | c3) > 0x7f) {
                    throw bad();
                }
                v = (c0 << 21 | c1 << 14 | c2 << 7 | c3) ^ key4;
            } else { // a value across two chunks
                this.position = position;
                v = straddling();
                position = this.position;
            }
            int code = v >>> 23 & 15;
            int bits;
            if (code < 14) {
                int exponent = base - code;
                if (exponent < 0) {
                    throw bad();
                }
                bits = v >>> 27 << 31 | exponent << 23 | v & 0x7fffff;
            } else if (code == 14) {
                bits = v >>> 27 << 31;
            } else if (escape < escapes.length) {
                bits = escapes[escape++];
            } else {
                throw bad();
            }
            row[c] = Float.intBitsToFloat(bits);
        }
        this.position = position;
    }

    /** The next four characters' 28 bits, across chunks. */
    private int straddling() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            if (position == length && !next()) {
                throw bad();
            }
            int ch = chars[position++];
            if (ch > 0x7f) {
                throw bad();
            }
            v = v << 7 | (ch ^ key);
        }
        return v;
    }

    /** Symmetric int8 codes with fp32 scales. */
    private void int8(float[][] values) {
        int rowStep = read(32);
        int period = read(32);
        int scaleCount = read(32);
        if (rowStep < 0 || period < 1 || scaleCount < 0 || scaleCount > 1 << 28) {
            throw bad();
        }
        float[] scales = new float[scaleCount];
        for (int s = 0; s < scaleCount; s++) {
            scales[s] = Float.intBitsToFloat(read(32));
        }
        int width = read(4);
        if (width < 1 || width > 8) {
            throw bad();
        }
        int shift = 32 - width;
        for (int r = 0; r < values.length; r++) {
            float[] row = values[r];
            long first = (long) r * rowStep;
            if (first + Math.min(period, row.length) > scaleCount) {
                throw bad();
            }
            for (int c = 0; c < row.length; c++) {
                int q = read(width) << shift >> shift;
                if (q == -1 << (width - 1) && width < 8) {
                    q = (byte) read(8);
                }
                row[c] = q * scales[(int) first + c % period];
            }
        }
    }

    /** Loads the next non-empty chunk into {@link #chars} at position 0; false after the last. */
    private boolean next() {
        while (chunk < chunks.length) {
            String s = chunks[chunk++];
            if (s.length() > 0) {
                s.getChars(0, s.length(), chars, 0);
                length = s.length();
                position = 0;
                return true;
            }
        }
        return false;
    }

    /** The next {@code n} bits (1..32) as an int, most significant first. */
    private int read(int n) {
        while (count < n) {
            if (position == length && !next()) {
                throw bad();
            }
            buffer = buffer << 7 | (chars[position++] ^ key) & 0x7f;
            count += 7;
        }
        count -= n;
        return (int) (buffer >>> count) & (int) (-1L >>> (64 - n));
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
}

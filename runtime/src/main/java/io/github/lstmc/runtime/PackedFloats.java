package io.github.lstmc.runtime;

/**
 * Decodes the weight constants of generated classes, once, in their static initializer. Storing
 * weights as string constants keeps {@code <clinit>} small (an array initializer costs about 7
 * bytes of bytecode per element) and the constant pool short (one entry per chunk).
 *
 * <p><b>Encoding</b> (the encoder is the compiler's {@code FloatPacking}): 5 characters per float,
 * the unsigned 32-bit raw IEEE-754 bits in base 85, most significant digit first; digit {@code d}
 * is the character {@code '#' + d} for {@code d < 57} and {@code '#' + d + 1} otherwise (ASCII
 * {@code 0x23..0x78} without the backslash). Values are row-major; a value may not straddle chunks
 * (every chunk's length is a multiple of 5).
 */
public final class PackedFloats {
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
        float[] values = new float[length];
        int n = 0;
        for (String chunk : chunks) {
            n = decodeInto(chunk, values, n);
        }
        if (n != length) {
            throw new IllegalArgumentException("packed floats hold " + n + " values, expected " + length);
        }
        return values;
    }

    /**
     * Decodes a matrix into one array per row (the layout the vectorized loops of generated code use).
     *
     * @return {@code float[rows][cols]}
     * @throws IllegalArgumentException if the text does not hold exactly {@code rows * cols} values
     */
    public static float[][] rows(int rows, int cols, String[] chunks) {
        float[] flat = vector(multiply(rows, cols), chunks);
        float[][] result = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, result[r], 0, cols);
        }
        return result;
    }

    private static int decodeInto(String chunk, float[] values, int n) {
        if (chunk.length() % 5 != 0) {
            throw new IllegalArgumentException("packed chunk length " + chunk.length() + " is not a multiple of 5");
        }
        if (n + chunk.length() / 5 > values.length) {
            throw new IllegalArgumentException("packed floats hold more than " + values.length + " values");
        }
        for (int i = 0; i < chunk.length(); i += 5) {
            int bits = 0;
            for (int k = 0; k < 5; k++) {
                bits = bits * 85 + digit(chunk.charAt(i + k));
            }
            values[n++] = Float.intBitsToFloat(bits);
        }
        return n;
    }

    private static int digit(char c) {
        int d = c < '\\' ? c - '#' : c - '#' - 1;
        if (c == '\\' || d < 0 || d > 84) {
            throw new IllegalArgumentException("invalid packed character 0x" + Integer.toHexString(c));
        }
        return d;
    }

    private static int multiply(int a, int b) {
        long p = (long) a * b;
        if (a < 0 || b < 0 || p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad packed shape " + a + " x " + b);
        }
        return (int) p;
    }
}

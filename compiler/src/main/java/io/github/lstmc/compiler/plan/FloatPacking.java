package io.github.lstmc.compiler.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoder of packed float constants; {@code io.github.lstmc.runtime.PackedFloats} is its decoder.
 *
 * <p><b>Encoding.</b> Each float becomes 5 characters: its raw IEEE-754 bits {@code Float.floatToRawIntBits},
 * read as an unsigned 32-bit number, written in base 85, most significant digit first. Digit
 * {@code d} (0..84) is the character {@code '#' + d} for {@code d < 57} and {@code '#' + d + 1}
 * otherwise, i.e. the printable ASCII range {@code 0x23..0x78} without the backslash {@code 0x5C}:
 * no quote, no backslash, no {@code '*'}-{@code '/'} pair that matters inside a string literal, and
 * one byte per character in a class file's modified UTF-8. 85^5 &gt; 2^32, so every bit pattern
 * (NaN payloads, -0) round-trips exactly. Chunks split the stream at multiples of 5 characters.
 */
public final class FloatPacking {
    /** Characters per chunk: 13,000 floats, well below the 65,535-byte constant limit. */
    public static final int MAX_CHUNK_CHARS = 65_000;
    /** Characters per float. */
    public static final int CHARS_PER_FLOAT = 5;

    private FloatPacking() {
    }

    /** Encodes {@code values} into chunks of at most {@link #MAX_CHUNK_CHARS} characters (one empty chunk for none). */
    public static List<String> encode(float[] values) {
        List<String> chunks = new ArrayList<>();
        int perChunk = MAX_CHUNK_CHARS / CHARS_PER_FLOAT;
        for (int from = 0; from < values.length || from == 0; from += perChunk) {
            int to = Math.min(values.length, from + perChunk);
            StringBuilder s = new StringBuilder((to - from) * CHARS_PER_FLOAT);
            char[] digits = new char[CHARS_PER_FLOAT];
            for (int i = from; i < to; i++) {
                long v = Integer.toUnsignedLong(Float.floatToRawIntBits(values[i]));
                for (int d = CHARS_PER_FLOAT - 1; d >= 0; d--) {
                    int digit = (int) (v % 85);
                    v /= 85;
                    digits[d] = (char) ('#' + digit + (digit < 57 ? 0 : 1));
                }
                s.append(digits);
            }
            chunks.add(s.toString());
            if (values.length == 0) {
                break;
            }
        }
        return chunks;
    }
}

package io.github.lstmc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The decoder against hand-computed encodings (the encoder's round trip is tested in the compiler). */
class PackedFloatsTest {

    @Test
    void decodesHandComputedDigits() {
        // 0 -> digits 0,0,0,0,0 -> "#####"; 1.0f = 0x3f800000 = 1065353216 = 20*85^4 + 34*85^3 + 63*85^2 + 62*85 + 21;
        // digits 63 and 62 are past the skipped backslash, so they are '#' + 64 and '#' + 63
        assertEquals(1065353216L, 20L * 85 * 85 * 85 * 85 + 34L * 85 * 85 * 85 + 63L * 85 * 85 + 62 * 85 + 21);
        String one = "" + (char) ('#' + 20) + (char) ('#' + 34) + (char) ('#' + 64) + (char) ('#' + 63) + (char) ('#' + 21);
        assertEquals("7Ecb8", one);
        assertArrayEquals(new float[] {0f, 1f}, PackedFloats.vector(2, new String[] {"#####", one}));
    }

    @Test
    void digitsAbove56SkipTheBackslash() {
        // 0xffffffff (a NaN pattern) = 4294967295: base 85 digits 82,23,54,54,80 ... computed below
        long v = 0xffffffffL;
        char[] c = new char[5];
        for (int d = 4; d >= 0; d--) {
            int digit = (int) (v % 85);
            v /= 85;
            c[d] = (char) ('#' + digit + (digit < 57 ? 0 : 1));
        }
        float[] got = PackedFloats.vector(1, new String[] {new String(c)});
        assertEquals(0xffffffff, Float.floatToRawIntBits(got[0]));
    }

    @Test
    void rowsAreSplitRowMajor() {
        float[][] rows = PackedFloats.rows(2, 1, new String[] {"#####", "#####"});
        assertEquals(2, rows.length);
        assertEquals(1, rows[0].length);
    }

    @Test
    void rejectsMalformedText() {
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {"####"}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(2, new String[] {"#####"}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {"##\\##"}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(0, new String[] {"#####"}));
    }
}

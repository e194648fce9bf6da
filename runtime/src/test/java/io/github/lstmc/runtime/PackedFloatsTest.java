package io.github.lstmc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The decoder against hand-built bit streams (the encoder's round trips are tested in the compiler). */
class PackedFloatsTest {

    /** Characters for {@code bits} (a string of 0/1, padded with zeros to 7), keyed with {@code key}. */
    private static String stream(int key, String bits) {
        StringBuilder padded = new StringBuilder(bits.replace(" ", ""));
        while (padded.length() % 7 != 0) {
            padded.append('0');
        }
        StringBuilder s = new StringBuilder().append((char) key);
        for (int i = 0; i < padded.length(); i += 7) {
            s.append((char) (Integer.parseInt(padded.substring(i, i + 7), 2) ^ key));
        }
        return s.toString();
    }

    private static String bits(int value, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            b.append(value >>> i & 1);
        }
        return b.toString();
    }

    @Test
    void rawFp32() {
        // format 0, k = 0, base 0, then sign + 31 bits per value: 1.0f and -2.5f
        String s = stream(0x55, "00 000 00000000" + "0" + bits(0x3f800000, 31) + "1" + bits(0x40200000, 31));
        assertArrayEquals(new float[] {1f, -2.5f}, PackedFloats.vector(2, new String[] {s}));
    }

    @Test
    void codedExponents() {
        // k = 2: codes 0, 1 = base, base - 1; 2 = zero; 3 = raw. base = 127 (2^0).
        String s = stream(3, "00 010 " + bits(127, 8)
                + "0 00" + bits(0x400000, 23)      // 1.5
                + "1 01" + bits(0, 23)             // -0.5
                + "1 10"                           // -0
                + "0 11" + bits(0x41200000, 31));  // 10 (raw)
        float[] v = PackedFloats.vector(4, new String[] {s.substring(0, 5), s.substring(5)});
        assertEquals(1.5f, v[0]);
        assertEquals(-0.5f, v[1]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v[2]));
        assertEquals(10f, v[3]);
    }

    @Test
    void fp16() {
        // k = 1 (only zero and raw), then 0x3c00 = 1.0, 0x0001 = 2^-24, 0x7bff = 65504
        String s = stream(0, "01 001 00000"
                + "0 1" + bits(0x3c00, 15) + "0 1" + bits(1, 15) + "1 1" + bits(0x7bff, 15));
        assertArrayEquals(new float[] {1f, 0x1p-24f, -65504f}, PackedFloats.vector(3, new String[] {s}));
    }

    @Test
    void fp32InFourCharacters() {
        // format 3, base 127 (2^0), one escape (10f), padding to a new character; then 28 bits a value:
        // 1.5 (code 0), -0.25 (code 2), -0 (code 14), the escape (code 15), 0.75 (code 1)
        String s = stream(0x2a, "11 " + bits(127, 8) + bits(1, 32) + bits(0x41200000, 32) + "000" // 74 bits, padded
                + "0" + bits(0, 4) + bits(0x400000, 23)
                + "1" + bits(2, 4) + bits(0, 23)
                + "1" + bits(14, 4) + bits(0, 23)
                + "0" + bits(15, 4) + bits(0, 23)
                + "0" + bits(1, 4) + bits(0x400000, 23));
        float[] expected = {1.5f, -0.25f, -0f, 10f, 0.75f};
        // whole, and split inside a value (a value across two chunks)
        for (String[] chunks : new String[][] {{s}, {s.substring(0, s.length() - 6), s.substring(s.length() - 6)}}) {
            float[] v = PackedFloats.vector(5, chunks);
            for (int i = 0; i < 5; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(v[i]), "value " + i);
            }
        }
        // an escape code with no escaped pattern left, and a character above 7 bits
        String noEscape = stream(0, "11 " + bits(127, 8) + bits(0, 32) + "0" + bits(15, 4) + bits(0, 23));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {noEscape}));
        String wide = s.substring(0, s.length() - 1) + '\u00ff';
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(5, new String[] {wide}));
        // an escaped pattern left over (header of 2 + 8 + 32 + 32 bits, padded to 77)
        String unused = stream(0, "11 " + bits(127, 8) + bits(1, 32) + bits(0, 32) + "000" + "0" + bits(0, 4) + bits(0, 23));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {unused}));
        String used = stream(0, "11 " + bits(127, 8) + bits(0, 32) + "0" + bits(0, 4) + bits(0, 23));
        assertEquals(1f, PackedFloats.vector(1, new String[] {used})[0]);
    }

    @Test
    void int8PerColumnScales() {
        // 2 x 2, scale per column (rowStep 0, period 2): scales 0.5 and 2; width 3 (escape -4 then 8 bits)
        String s = stream(9, "10 " + bits(0, 32) + bits(2, 32) + bits(2, 32)
                + bits(Float.floatToRawIntBits(0.5f), 32) + bits(Float.floatToRawIntBits(2f), 32) + bits(3, 4)
                + bits(3, 3) + bits(-1, 3) + bits(-4, 3) + bits(100, 8) + bits(0, 3));
        float[][] m = PackedFloats.rows(2, 2, new String[] {s});
        assertArrayEquals(new float[] {1.5f, -2f}, m[0]);
        assertArrayEquals(new float[] {50f, 0f}, m[1]);
    }

    @Test
    void refusesMalformedText() {
        String one = stream(0x55, "00 000 00000000" + "0" + bits(0x3f800000, 31));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(2, new String[] {one}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(0, new String[] {one}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {one, "xy"}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.vector(1, new String[] {stream(0, "11")}));
        assertThrows(IllegalArgumentException.class, () -> PackedFloats.rows(-1, 2, new String[] {one}));
    }
}

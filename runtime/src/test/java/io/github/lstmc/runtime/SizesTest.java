package io.github.lstmc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void computesWhatFits() {
        assertEquals(6, Sizes.multiply(2, 3));
        assertEquals(Integer.MAX_VALUE, Sizes.multiply(Integer.MAX_VALUE, 1));
        assertEquals(Integer.MIN_VALUE, Sizes.multiply(-65536, 32768));
        assertEquals(Integer.MAX_VALUE, Sizes.add(Integer.MAX_VALUE - 1, 1));
        assertEquals(-5, Sizes.add(-2, -3));
        assertEquals(Integer.MIN_VALUE, Sizes.toInt(Integer.MIN_VALUE));
    }

    @Test
    void overflowThrowsArithmeticException() {
        assertThrows(ArithmeticException.class, () -> Sizes.multiply(65536, 32768));
        assertThrows(ArithmeticException.class, () -> Sizes.multiply(Integer.MIN_VALUE, -1));
        assertThrows(ArithmeticException.class, () -> Sizes.add(Integer.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> Sizes.add(Integer.MIN_VALUE, -1));
        assertThrows(ArithmeticException.class, () -> Sizes.toInt(1L << 31));
    }
}

package io.github.lstmc.runtime;

/**
 * Overflow-checked {@code int} arithmetic for buffer sizes, used by the runtime and by generated
 * classes. {@code Math.multiplyExact} and friends would do the same, but Android has them only from
 * API level 24; these keep the runtime and generated code within API 21 (and Java 8).
 */
public final class Sizes {
    private Sizes() {
    }

    /**
     * {@code a * b}.
     *
     * @throws ArithmeticException if the product does not fit an {@code int}
     */
    public static int multiply(int a, int b) {
        return toInt((long) a * b);
    }

    /**
     * {@code a + b}.
     *
     * @throws ArithmeticException if the sum does not fit an {@code int}
     */
    public static int add(int a, int b) {
        return toInt((long) a + b);
    }

    /**
     * {@code value} as an {@code int}.
     *
     * @throws ArithmeticException if it does not fit one
     */
    public static int toInt(long value) {
        int result = (int) value;
        if (result != value) {
            throw new ArithmeticException("size " + value + " does not fit an int");
        }
        return result;
    }
}

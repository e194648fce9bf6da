package io.github.lstmc.benchmarks;

/**
 * The dimensions of one benchmark case, written {@code IxHxTxB} in {@code @Param} values.
 *
 * @param input  I, features per step
 * @param hidden H, cell size
 * @param steps  T, sequence length
 * @param batch  B, sequences per call
 */
public record Shape(int input, int hidden, int steps, int batch) {

    public Shape {
        if (input < 1 || hidden < 1 || steps < 1 || batch < 1) {
            throw new IllegalArgumentException("every dimension must be at least 1: " + input + "x" + hidden + "x"
                    + steps + "x" + batch);
        }
    }

    /** Parses {@code IxHxTxB}, e.g. {@code 64x128x100x16}. */
    public static Shape parse(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 4) {
            throw new IllegalArgumentException("shape '" + text + "' must be IxHxTxB, e.g. 64x128x100x1");
        }
        try {
            return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape '" + text + "' must be IxHxTxB, e.g. 64x128x100x1", e);
        }
    }

    @Override
    public String toString() {
        return input + "x" + hidden + "x" + steps + "x" + batch;
    }
}

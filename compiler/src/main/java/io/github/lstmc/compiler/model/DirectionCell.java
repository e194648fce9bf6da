package io.github.lstmc.compiler.model;

/**
 * The weights and activations of one direction of one layer. Rows of the stacked matrices are in
 * canonical gate order i, f, g, o ({@link Gate}), {@code H} rows per gate.
 *
 * <pre>
 *   z_k   = W_k x + b_Wk + R_k h + b_Rk   (+ p_i * c for i, p_f * c for f)
 *   c'    = f * c + i * g                  (f = 1 - i when the layer is coupled)
 *   z_o  += p_o * c'                       (peephole on the new cell)
 *   h'    = o * hidden(c')                 (then h' = W_hr h' with a projection)
 * </pre>
 *
 * @param direction        which way this cell walks the sequence
 * @param inputWeights     W, {@code [4H][I]}
 * @param recurrentWeights R, {@code [4H][S]} where S is the layer's state size (H, or the projection size)
 * @param inputBias        b_W, {@code [1][4H]}, or null
 * @param recurrentBias    b_R, {@code [1][4H]}, or null (kept apart from b_W as PyTorch and ONNX store them)
 * @param peepholes        P, {@code [3][H]} with rows i, f, o ({@link Peephole}), or null
 * @param projection       W_hr, {@code [P][H]}, or null
 * @param activations      the gate, cell and hidden activations
 */
public record DirectionCell(
        Direction direction,
        Matrix inputWeights,
        Matrix recurrentWeights,
        Matrix inputBias,
        Matrix recurrentBias,
        Matrix peepholes,
        Matrix projection,
        CellActivations activations) {

    public DirectionCell {
        String where = direction == null ? "direction" : direction.name().toLowerCase(java.util.Locale.ROOT);
        if (direction == null) {
            throw new IllegalArgumentException("direction must not be null");
        }
        if (inputWeights == null) {
            throw new IllegalArgumentException(where + ": input weights are missing");
        }
        if (recurrentWeights == null) {
            throw new IllegalArgumentException(where + ": recurrent weights are missing");
        }
        if (activations == null) {
            throw new IllegalArgumentException(where + ": activations are missing");
        }
        if (inputWeights.rows() % 4 != 0) {
            throw new IllegalArgumentException(where + ": input weights must have 4*hidden rows, got "
                    + inputWeights.shape());
        }
        int h = inputWeights.rows() / 4;
        expectRows(where, "recurrent weights", recurrentWeights, 4 * h);
        if (inputBias != null) {
            expectShape(where, "input bias", inputBias, 1, 4 * h);
        }
        if (recurrentBias != null) {
            expectShape(where, "recurrent bias", recurrentBias, 1, 4 * h);
        }
        if (peepholes != null) {
            expectShape(where, "peepholes", peepholes, 3, h);
        }
        if (projection != null) {
            if (projection.cols() != h) {
                throw new IllegalArgumentException(where + ": projection must be [P, " + h + "], got " + projection.shape());
            }
            if (recurrentWeights.cols() != projection.rows()) {
                throw new IllegalArgumentException(where + ": recurrent weights must be [" + 4 * h + ", "
                        + projection.rows() + "] with a projection of size " + projection.rows() + ", got "
                        + recurrentWeights.shape());
            }
        } else if (recurrentWeights.cols() != h) {
            throw new IllegalArgumentException(where + ": recurrent weights must be [" + 4 * h + ", " + h + "], got "
                    + recurrentWeights.shape());
        }
        requireFinite(where, "input weights", inputWeights);
        requireFinite(where, "recurrent weights", recurrentWeights);
        requireFinite(where, "input bias", inputBias);
        requireFinite(where, "recurrent bias", recurrentBias);
        requireFinite(where, "peepholes", peepholes);
        requireFinite(where, "projection", projection);
    }

    /** H, the cell size. */
    public int hiddenSize() {
        return inputWeights.rows() / 4;
    }

    /** I, the input features. */
    public int inputSize() {
        return inputWeights.cols();
    }

    /** S, the hidden state size: the projection size, or H. */
    public int stateSize() {
        return recurrentWeights.cols();
    }

    /** Stored parameters (both biases counted, as PyTorch and Burn count them). */
    public long parameterCount() {
        long n = (long) inputWeights.size() + recurrentWeights.size();
        for (Matrix m : new Matrix[] {inputBias, recurrentBias, peepholes, projection}) {
            if (m != null) {
                n += m.size();
            }
        }
        return n;
    }

    /** b_W + b_R for gate row {@code row}, missing biases counting as 0 (float32 sum, as frameworks do). */
    public float combinedBias(int row) {
        float b = 0f;
        if (inputBias != null) {
            b += inputBias.get(row);
        }
        if (recurrentBias != null) {
            b += recurrentBias.get(row);
        }
        return b;
    }

    private static void expectRows(String where, String what, Matrix m, int rows) {
        if (m.rows() != rows) {
            throw new IllegalArgumentException(where + ": " + what + " must have " + rows + " rows, got " + m.shape());
        }
    }

    private static void expectShape(String where, String what, Matrix m, int rows, int cols) {
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(where + ": " + what + " must be [" + rows + ", " + cols + "], got "
                    + m.shape());
        }
    }

    private static void requireFinite(String where, String what, Matrix m) {
        if (m == null) {
            return;
        }
        int bad = m.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(where + ": " + what + " has a non-finite value at flat index " + bad
                    + " (row " + bad / m.cols() + ", column " + bad % m.cols() + ")");
        }
    }
}

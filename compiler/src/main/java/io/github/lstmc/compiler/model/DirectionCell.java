package io.github.lstmc.compiler.model;

/**
 * The weights and activations of one direction of one layer, of any {@link CellKind}. Rows of the
 * stacked matrices are {@code G = kind.gateCount()} blocks of {@code H} rows in canonical gate order:
 * LSTM i, f, g, o ({@link Gate}); GRU z, r, n ({@link GruGate}); RNN one block. The LSTM:
 *
 * <pre>
 *   z_k   = W_k x + b_Wk + R_k h + b_Rk   (+ p_i * c for i, p_f * c for f)
 *   c'    = f * c + i * g                  (f = 1 - i when the layer is coupled)
 *   z_o  += p_o * c'                       (peephole on the new cell)
 *   h'    = o * hidden(c')                 (then h' = W_hr h' with a projection)
 * </pre>
 *
 * <p>GRU and RNN update as {@link CellKind} says; they have no peepholes and no projection. Importers
 * build them with {@link #gru} and {@link #rnn} (the canonical constructor with {@code kind} works too):
 *
 * <pre>
 *   // W [3H][I], R [3H][H], biases [1][3H] (or null), rows z, r, n; ONNX linear_before_reset=1 / PyTorch: true
 *   DirectionCell.gru(Direction.FORWARD, w, r, wb, rb, CellActivations.GRU_DEFAULT, true)
 *   // W [H][I], R [H][H], biases [1][H] (or null)
 *   DirectionCell.rnn(Direction.FORWARD, w, r, wb, rb, Activation.TANH)
 *   // then Layer.of(cell) or new Layer(List.of(fwd, rev), Layer.NO_CLIP, clip, false)
 * </pre>
 *
 * @param direction        which way this cell walks the sequence
 * @param inputWeights     W, {@code [G*H][I]}
 * @param recurrentWeights R, {@code [G*H][S]} where S is the layer's state size (H, or the projection size)
 * @param inputBias        b_W, {@code [1][G*H]}, or null
 * @param recurrentBias    b_R, {@code [1][G*H]}, or null (kept apart from b_W as PyTorch and ONNX store them;
 *                         a GRU's b_hn must stay apart when the reset is applied after the linear map)
 * @param peepholes        LSTM only: P, {@code [3][H]} with rows i, f, o ({@link Peephole}), or null
 * @param projection       LSTM only: W_hr, {@code [P][H]}, or null
 * @param activations      the activations the kind uses ({@link CellActivations})
 * @param kind             the cell
 * @param linearBeforeReset GRU only (false for the others): true for {@code n = g(W_n x + b_in + r * (R_n h + b_hn))}
 *                         (PyTorch, ONNX {@code linear_before_reset=1}, Keras and Burn {@code reset_after=True}),
 *                         false for {@code n = g(W_n x + b_in + R_n (r * h) + b_hn)}
 */
public record DirectionCell(
        Direction direction,
        Matrix inputWeights,
        Matrix recurrentWeights,
        Matrix inputBias,
        Matrix recurrentBias,
        Matrix peepholes,
        Matrix projection,
        CellActivations activations,
        CellKind kind,
        boolean linearBeforeReset) {

    /** An LSTM cell (every LSTM importer's constructor). */
    public DirectionCell(Direction direction, Matrix inputWeights, Matrix recurrentWeights, Matrix inputBias,
                         Matrix recurrentBias, Matrix peepholes, Matrix projection, CellActivations activations) {
        this(direction, inputWeights, recurrentWeights, inputBias, recurrentBias, peepholes, projection, activations,
                CellKind.LSTM, false);
    }

    /**
     * A GRU cell.
     *
     * @param inputWeights     W, {@code [3H][I]}, rows z, r, n
     * @param recurrentWeights R, {@code [3H][H]}, rows z, r, n
     * @param inputBias        {@code [1][3H]} (b_iz, b_ir, b_in), or null
     * @param recurrentBias    {@code [1][3H]} (b_hz, b_hr, b_hn), or null
     * @param activations      f on z and r, g on n ({@link CellActivations#gru})
     * @param linearBeforeReset see the record's parameter (PyTorch: true)
     */
    public static DirectionCell gru(Direction direction, Matrix inputWeights, Matrix recurrentWeights, Matrix inputBias,
                                    Matrix recurrentBias, CellActivations activations, boolean linearBeforeReset) {
        return new DirectionCell(direction, inputWeights, recurrentWeights, inputBias, recurrentBias, null, null,
                activations, CellKind.GRU, linearBeforeReset);
    }

    /**
     * A simple (Elman) RNN cell: {@code h' = activation(W x + b_i + R h + b_h)}.
     *
     * @param inputWeights     W, {@code [H][I]}
     * @param recurrentWeights R, {@code [H][H]}
     * @param inputBias        {@code [1][H]}, or null
     * @param recurrentBias    {@code [1][H]}, or null
     */
    public static DirectionCell rnn(Direction direction, Matrix inputWeights, Matrix recurrentWeights, Matrix inputBias,
                                    Matrix recurrentBias, Activation activation) {
        return new DirectionCell(direction, inputWeights, recurrentWeights, inputBias, recurrentBias, null, null,
                CellActivations.rnn(activation), CellKind.RNN, false);
    }

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
        if (kind == null) {
            throw new IllegalArgumentException(where + ": cell kind must not be null");
        }
        where = kind == CellKind.LSTM ? where : kind + " " + where;
        checkKindFields(where, kind, peepholes, projection, activations, linearBeforeReset);
        int g = kind.gateCount();
        if (inputWeights.rows() % g != 0 || inputWeights.rows() == 0) {
            throw new IllegalArgumentException(where + ": input weights must have " + g + "*hidden rows, got "
                    + inputWeights.shape());
        }
        int h = inputWeights.rows() / g;
        expectRows(where, "recurrent weights", recurrentWeights, g * h);
        if (inputBias != null) {
            expectShape(where, "input bias", inputBias, 1, g * h);
        }
        if (recurrentBias != null) {
            expectShape(where, "recurrent bias", recurrentBias, 1, g * h);
        }
        if (peepholes != null) {
            expectShape(where, "peepholes", peepholes, 3, h);
        }
        if (projection != null) {
            if (projection.cols() != h) {
                throw new IllegalArgumentException(where + ": projection must be [P, " + h + "], got " + projection.shape());
            }
            if (recurrentWeights.cols() != projection.rows()) {
                throw new IllegalArgumentException(where + ": recurrent weights must be [" + g * h + ", "
                        + projection.rows() + "] with a projection of size " + projection.rows() + ", got "
                        + recurrentWeights.shape());
            }
        } else if (recurrentWeights.cols() != h) {
            throw new IllegalArgumentException(where + ": recurrent weights must be [" + g * h + ", " + h + "], got "
                    + recurrentWeights.shape());
        }
        requireFinite(where, "input weights", inputWeights);
        requireFinite(where, "recurrent weights", recurrentWeights);
        requireFinite(where, "input bias", inputBias);
        requireFinite(where, "recurrent bias", recurrentBias);
        requireFinite(where, "peepholes", peepholes);
        requireFinite(where, "projection", projection);
    }

    /** The LSTM-only fields absent for the other kinds, the activation slots the kind uses, the reset placement. */
    private static void checkKindFields(String where, CellKind kind, Matrix peepholes, Matrix projection,
                                        CellActivations activations, boolean linearBeforeReset) {
        if (kind != CellKind.LSTM && peepholes != null) {
            throw new IllegalArgumentException(where + ": peepholes: a " + kind + " cell has none (LSTM only)");
        }
        if (kind != CellKind.LSTM && projection != null) {
            throw new IllegalArgumentException(where + ": projection: a " + kind + " cell has none (LSTM only)");
        }
        if (kind != CellKind.GRU && linearBeforeReset) {
            throw new IllegalArgumentException(where + ": linearBeforeReset applies to a GRU only");
        }
        int slots = switch (kind) {
            case LSTM -> 3;
            case GRU -> 2;
            case RNN -> 1;
        };
        if (activations.count() != slots) {
            throw new IllegalArgumentException(where + ": activations: a " + kind + " cell takes " + slots
                    + " (ONNX " + "fgh".substring(0, slots) + "), got " + activations.count() + " " + activations);
        }
    }

    /** H, the cell size. */
    public int hiddenSize() {
        return inputWeights.rows() / kind.gateCount();
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

    /**
     * b_W + b_R for gate row {@code row}, missing biases counting as 0 (float32 sum, as frameworks do).
     * Not for a GRU's candidate rows with {@link #linearBeforeReset()}: there b_hn is inside {@code r * (...)}.
     */
    public float combinedBias(int row) {
        if (kind == CellKind.GRU && linearBeforeReset && row >= GruGate.CANDIDATE.offset(hiddenSize())) {
            throw new IllegalStateException("a GRU with the reset after the linear map keeps b_in and b_hn apart");
        }
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

package io.github.lstmc.compiler.model;

/**
 * The activation slots of a cell, ONNX's f, g, h in that order. Which slots a cell uses depends
 * on its {@link CellKind}; the unused ones are null (checked by {@link DirectionCell}).
 *
 * <ul>
 *   <li>LSTM: {@code gate} (f) on i, f, o; {@code cell} (g) on the candidate g; {@code hidden} (h) on the new
 *       cell before the output gate.</li>
 *   <li>GRU: {@code gate} (f) on z and r; {@code cell} (g) on the candidate n; {@code hidden} null.</li>
 *   <li>RNN: {@code gate} (f) on the new hidden state; {@code cell} and {@code hidden} null.</li>
 * </ul>
 *
 * @param gate   ONNX's f (default sigmoid; an RNN's single activation, default tanh)
 * @param cell   ONNX's g (default tanh), or null for an RNN
 * @param hidden ONNX's h (default tanh), or null for a GRU or RNN
 */
public record CellActivations(Activation gate, Activation cell, Activation hidden) {

    /** Sigmoid, tanh, tanh: every framework's LSTM default. */
    public static final CellActivations DEFAULT =
            new CellActivations(Activation.SIGMOID, Activation.TANH, Activation.TANH);

    /** Sigmoid for z and r, tanh for n: every framework's GRU default. */
    public static final CellActivations GRU_DEFAULT = gru(Activation.SIGMOID, Activation.TANH);

    /** Tanh: the RNN default (PyTorch {@code nonlinearity='tanh'}, ONNX's default). */
    public static final CellActivations RNN_TANH = rnn(Activation.TANH);

    public CellActivations {
        if (gate == null) {
            throw new IllegalArgumentException("cell activations: the first (gate, ONNX f) must not be null");
        }
        if (cell == null && hidden != null) {
            throw new IllegalArgumentException("cell activations: hidden (ONNX h) given without cell (ONNX g)");
        }
    }

    /** A GRU's activations: {@code f} on z and r, {@code g} on the candidate n. */
    public static CellActivations gru(Activation f, Activation g) {
        if (g == null) {
            throw new IllegalArgumentException("GRU activations: g (the candidate's) must not be null");
        }
        return new CellActivations(f, g, null);
    }

    /** An RNN's single activation (ONNX f; PyTorch's {@code nonlinearity}). */
    public static CellActivations rnn(Activation f) {
        return new CellActivations(f, null, null);
    }

    /** How many slots are set: 3 (LSTM), 2 (GRU) or 1 (RNN). */
    public int count() {
        return cell == null ? 1 : hidden == null ? 2 : 3;
    }
}

package io.github.lstmc.compiler.model;

/**
 * The three activation slots of an LSTM cell (ONNX's f, g, h).
 *
 * @param gate   applied to the i, f and o gates (default sigmoid)
 * @param cell   applied to the candidate g (default tanh)
 * @param hidden applied to the new cell state before the output gate (default tanh)
 */
public record CellActivations(Activation gate, Activation cell, Activation hidden) {

    /** Sigmoid, tanh, tanh: every framework's default. */
    public static final CellActivations DEFAULT =
            new CellActivations(Activation.SIGMOID, Activation.TANH, Activation.TANH);

    public CellActivations {
        if (gate == null || cell == null || hidden == null) {
            throw new IllegalArgumentException("cell activations must not be null");
        }
    }
}

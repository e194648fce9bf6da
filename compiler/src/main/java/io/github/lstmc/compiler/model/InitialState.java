package io.github.lstmc.compiler.model;

import java.util.List;

/**
 * A constant initial state compiled into the network (an exported graph whose LSTM starts from a
 * non-zero constant, or a learned {@code h0}): the same vectors for every batch row. {@code newState}
 * then returns this state instead of zeros; a caller may still write any other initial state into it.
 *
 * @param hidden per state entry {@code k = layer * directions + direction}, a vector of the layer's
 *               state size, or null for zeros
 * @param cell   per entry, a vector of the layer's hidden size, or null for zeros
 */
public record InitialState(List<Matrix> hidden, List<Matrix> cell) {

    public InitialState {
        if (hidden == null || cell == null || hidden.size() != cell.size()) {
            throw new IllegalArgumentException("initial state: hidden and cell need one entry per layer and direction");
        }
        hidden = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(hidden));
        cell = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(cell));
        for (int k = 0; k < hidden.size(); k++) {
            for (Matrix m : new Matrix[] {hidden.get(k), cell.get(k)}) {
                if (m != null && (m.rows() != 1 || m.firstNonFinite() >= 0)) {
                    throw new IllegalArgumentException("initial state entry " + k + ": must be a finite vector");
                }
            }
        }
    }

    /** Number of entries (layers times directions). */
    public int size() {
        return hidden.size();
    }

    /** True when every vector is absent or zero (then it is no initial state at all). */
    public boolean isZero() {
        for (int k = 0; k < size(); k++) {
            if (hidden.get(k) != null && !hidden.get(k).isZero() || cell.get(k) != null && !cell.get(k).isZero()) {
                return false;
            }
        }
        return true;
    }
}

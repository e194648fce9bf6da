package io.github.lstmc.compiler.model;

import java.util.List;

/**
 * One layer of a stack: one direction, or two (forward then reverse) whose outputs are
 * concatenated on the feature axis. Both directions are of one {@link CellKind} (and, for a GRU, one
 * reset placement); layers of different kinds may stack (an ONNX GRU node feeding an LSTM node).
 *
 * @param directions         one cell, or two with directions FORWARD then REVERSE; all of the same sizes and kind
 * @param cellClip           LSTM only (Burn's clip): the cell state is clamped to [-clip, clip] after each update;
 *                           {@code Float.POSITIVE_INFINITY} for none
 * @param preActivationClip  ONNX's clip, any kind: every gate's whole pre-activation is clamped to [-clip, clip]
 *                           before its activation; {@code Float.POSITIVE_INFINITY} for none
 * @param coupledInputForget LSTM only (ONNX input_forget / Burn's coupled gate): f = 1 - i, the forget weights
 *                           unused
 */
public record Layer(List<DirectionCell> directions, float cellClip, float preActivationClip,
                   boolean coupledInputForget) {

    /** Marks an absent clip. */
    public static final float NO_CLIP = Float.POSITIVE_INFINITY;

    public Layer {
        if (directions == null || directions.isEmpty() || directions.size() > 2) {
            throw new IllegalArgumentException("a layer needs one or two directions, got "
                    + (directions == null ? 0 : directions.size()));
        }
        directions = List.copyOf(directions);
        if (directions.size() == 2 && (directions.get(0).direction() != Direction.FORWARD
                || directions.get(1).direction() != Direction.REVERSE)) {
            throw new IllegalArgumentException("a bidirectional layer must list forward then reverse, got "
                    + directions.get(0).direction() + ", " + directions.get(1).direction());
        }
        DirectionCell first = directions.get(0);
        for (DirectionCell d : directions) {
            if (d.hiddenSize() != first.hiddenSize() || d.inputSize() != first.inputSize()
                    || d.stateSize() != first.stateSize()) {
                throw new IllegalArgumentException("both directions must have the same sizes, got forward "
                        + first.inputWeights().shape() + "/" + first.recurrentWeights().shape() + " and reverse "
                        + d.inputWeights().shape() + "/" + d.recurrentWeights().shape());
            }
            if ((d.projection() == null) != (first.projection() == null)) {
                throw new IllegalArgumentException("both directions must have a projection, or neither");
            }
            if (d.kind() != first.kind() || d.linearBeforeReset() != first.linearBeforeReset()) {
                throw new IllegalArgumentException("both directions must be the same cell, got forward " + first.kind()
                        + resetPlacement(first) + " and reverse " + d.kind() + resetPlacement(d));
            }
        }
        CellKind kind = first.kind();
        if (kind != CellKind.LSTM && cellClip != NO_CLIP) {
            throw new IllegalArgumentException(kind + " layer: cellClip: a " + kind
                    + " has no cell state to clip (LSTM only), got " + cellClip);
        }
        if (kind != CellKind.LSTM && coupledInputForget) {
            throw new IllegalArgumentException(kind + " layer: coupledInputForget: a " + kind
                    + " has no input and forget gates (LSTM only)");
        }
        checkClip("cell clip", cellClip);
        checkClip("pre-activation clip", preActivationClip);
    }

    /** A forward-only layer with no clip and no coupling. */
    public static Layer of(DirectionCell... directions) {
        return new Layer(List.of(directions), NO_CLIP, NO_CLIP, false);
    }

    private static String resetPlacement(DirectionCell d) {
        return d.kind() != CellKind.GRU ? "" : d.linearBeforeReset() ? " (linear before reset)" : " (reset before linear)";
    }

    private static void checkClip(String what, float clip) {
        if (!(clip > 0f)) {
            throw new IllegalArgumentException(what + " must be positive (or absent), got " + clip);
        }
    }

    /** The cell of every direction of this layer. */
    public CellKind kind() {
        return directions.get(0).kind();
    }

    /** GRU: true when the reset multiplies the recurrent linear map ({@link DirectionCell#linearBeforeReset()}). */
    public boolean linearBeforeReset() {
        return directions.get(0).linearBeforeReset();
    }

    public int inputSize() {
        return directions.get(0).inputSize();
    }

    public int hiddenSize() {
        return directions.get(0).hiddenSize();
    }

    /** Cell state values per direction and batch row: H for an LSTM, 0 for a GRU or RNN (no cell state). */
    public int cellSize() {
        return kind().hasCellState() ? hiddenSize() : 0;
    }

    /** Hidden state and output size per direction: the projection size, or H. */
    public int stateSize() {
        return directions.get(0).stateSize();
    }

    /** Output features per time step: directions times state size. */
    public int outputSize() {
        return directions.size() * stateSize();
    }

    public boolean hasCellClip() {
        return cellClip != NO_CLIP;
    }

    public boolean hasPreActivationClip() {
        return preActivationClip != NO_CLIP;
    }

    public boolean isBidirectional() {
        return directions.size() == 2;
    }

    public long parameterCount() {
        return directions.stream().mapToLong(DirectionCell::parameterCount).sum();
    }
}

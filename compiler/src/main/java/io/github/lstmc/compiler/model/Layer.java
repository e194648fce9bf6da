package io.github.lstmc.compiler.model;

import java.util.List;

/**
 * One layer of a stack: one direction, or two (forward then reverse) whose outputs are
 * concatenated on the feature axis.
 *
 * @param directions         one cell, or two with directions FORWARD then REVERSE; all of the same sizes
 * @param cellClip           Burn's clip: the cell state is clamped to [-clip, clip] after each update;
 *                           {@code Float.POSITIVE_INFINITY} for none
 * @param preActivationClip  ONNX's clip: every gate's pre-activation is clamped to [-clip, clip]
 *                           before its activation; {@code Float.POSITIVE_INFINITY} for none
 * @param coupledInputForget ONNX input_forget / Burn's coupled gate: f = 1 - i, the forget weights unused
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
        }
        checkClip("cell clip", cellClip);
        checkClip("pre-activation clip", preActivationClip);
    }

    /** A forward-only layer with no clip and no coupling. */
    public static Layer of(DirectionCell... directions) {
        return new Layer(List.of(directions), NO_CLIP, NO_CLIP, false);
    }

    private static void checkClip(String what, float clip) {
        if (!(clip > 0f)) {
            throw new IllegalArgumentException(what + " must be positive (or absent), got " + clip);
        }
    }

    public int inputSize() {
        return directions.get(0).inputSize();
    }

    public int hiddenSize() {
        return directions.get(0).hiddenSize();
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

package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * One layer: its directions run one after the other ({@code forwardChecked} calls each driver), reading
 * the same input and writing disjoint feature ranges of the same output.
 *
 * @param index        layer number
 * @param hiddenSize   H
 * @param stateSize    S
 * @param inputBuffer  -1: the caller's {@code input}; otherwise the workspace buffer holding the previous layer's output
 * @param outputBuffer -1: the caller's {@code output}; otherwise a workspace buffer
 * @param directions   one or two, forward first
 */
public record LayerPlan(int index, int hiddenSize, int stateSize, int inputBuffer, int outputBuffer,
                        List<DirectionPlan> directions) {

    public LayerPlan {
        directions = List.copyOf(directions);
    }

    /** Cell state values per batch row: H for an LSTM layer, 0 for a GRU or RNN layer. */
    public int cellSize() {
        return directions.get(0).cellSize();
    }
}

package io.github.lstmc.compiler.testing;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.testing.RandomModels.Feature;
import io.github.lstmc.compiler.testing.RandomModels.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random GRU and RNN layers for {@link RandomModels} (its {@link Feature#GRU} and {@link Feature#RNN}):
 * both GRU reset placements, RNN tanh or ReLU, with {@link Feature#ACTIVATIONS} any activation (an
 * unbounded one forcing the pre-activation clip on, so values stay bounded), optional biases, the
 * pre-activation clip and special weights as for an LSTM.
 */
final class RandomHiddenCells {
    /** GRU gate activations in [0, 1]: h' = (1 - z) n + z h then stays between n and h. */
    private static final List<Activation.Kind> GRU_GATE_KINDS = List.of(Activation.Kind.SIGMOID,
            Activation.Kind.HARD_SIGMOID);

    private RandomHiddenCells() {
    }

    static Layer layer(Random rnd, Features f, CellKind kind, List<Direction> directions, int inputSize) {
        int hidden = RandomModels.size(rnd, f.maxSize());
        boolean linearBeforeReset = rnd.nextBoolean();
        float preClip = RandomModels.use(rnd, f, Feature.PRE_ACTIVATION_CLIP)
                ? RandomModels.uniform(rnd, 0.25f, 2f) : Layer.NO_CLIP;
        boolean relu = rnd.nextInt(3) == 0;
        boolean unbounded = false;
        List<DirectionCell> cells = new ArrayList<>();
        for (Direction d : directions) {
            float scale = (float) (1 / Math.sqrt(hidden));
            int rows = kind.gateCount() * hidden;
            int dropped = RandomModels.use(rnd, f, Feature.OPTIONAL_BIASES) ? 1 + rnd.nextInt(3) : 0;
            Matrix w = RandomModels.matrix(rnd, f, rows, inputSize, scale);
            Matrix r = RandomModels.matrix(rnd, f, rows, hidden, scale);
            Matrix bw = (dropped & 1) != 0 ? null : RandomModels.vector(rnd, f, rows, scale);
            Matrix br = (dropped & 2) != 0 ? null : RandomModels.vector(rnd, f, rows, scale);
            if (kind == CellKind.GRU) {
                Activation gate = RandomModels.activation(rnd, f, Activation.SIGMOID, GRU_GATE_KINDS);
                Activation candidate = RandomModels.activation(rnd, f, Activation.TANH, null);
                unbounded |= !RandomModels.isStableCell(candidate);
                cells.add(DirectionCell.gru(d, w, r, bw, br, CellActivations.gru(gate, candidate), linearBeforeReset));
            } else {
                Activation fallback = relu ? Activation.of(Activation.Kind.RELU) : Activation.TANH;
                Activation activation = RandomModels.activation(rnd, f, fallback, null);
                unbounded |= !activation.equals(fallback) && !RandomModels.isStableCell(activation);
                cells.add(DirectionCell.rnn(d, w, r, bw, br, activation));
            }
        }
        if (unbounded && preClip == Layer.NO_CLIP) {
            preClip = RandomModels.uniform(rnd, 0.25f, 2f);
        }
        return new Layer(cells, Layer.NO_CLIP, preClip, false);
    }
}

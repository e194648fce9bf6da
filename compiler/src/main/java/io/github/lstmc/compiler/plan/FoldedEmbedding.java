package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Gate;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import java.util.List;

/**
 * A token network's embedding folded into its first layer's input product: per direction of layer 0
 * a {@code [V][G]} field whose row {@code id} is that direction's gate pre-activations without the
 * recurrent part, {@code b_W + b_R + W_x e[id]} in z order, computed in double and rounded once to
 * float. The class then overrides {@code forwardTokensChecked}: it runs as {@code forwardChecked}
 * does, except that layer 0 reads no input and each of its directions, instead of its input
 * pre-pass, fills its {@link InputProjection#buffer() xz} with
 * {@code Stages.gatherRows(tokens, batch * sequenceLength, FIELD, xz, G)}; its driver then copies
 * the row of each position and adds the recurrent product, as with a pre-pass. The float path
 * ({@code forward} with embedded vectors, {@code step}) keeps the unfolded product.
 *
 * <p>Numerics: the table sums the bias and the input product in double where the unfolded code adds
 * them in float, term by term; both stay within float rounding of the interpreter, which
 * computes each pre-activation in double and rounds once, and both back ends copy the same rows.
 *
 * @param fields per direction of layer 0, the name of its {@code [V][G]} table field
 * @param rows   G, the gate rows of a layer-0 direction
 */
public record FoldedEmbedding(List<String> fields, int rows) {
    /**
     * AUTO folds a table of more than {@link #SMALL_FLOATS} floats only while it has at most this many times the
     * floats it replaces (the embedding and layer 0's input weights): the class's constants, and the time its
     * static initializer spends decoding them, grow by at most that much.
     */
    public static final int MAX_RATIO = 2;
    /** AUTO always folds a table of at most this many floats (256 KiB as fp32), whatever it replaces. */
    public static final long SMALL_FLOATS = 1L << 16;
    /** AUTO never folds a table of more floats than this (4 MiB as fp32: a class constant like any weight). */
    public static final long MAX_FLOATS = 1L << 20;

    public FoldedEmbedding {
        fields = List.copyOf(fields);
    }

    /**
     * Whether {@code options} fold {@code model}'s embedding: a token network whose layer 0 is an LSTM, stored in fp32 (a rounded
     * table would differ from what the interpreter runs on the quantized model), then as
     * {@link EmbeddingFolding} says. {@code gateRows} is G, {@code unrolledWeights} whether layer 0's
     * gate products would be unrolled (their input part is literals, which AUTO leaves alone).
     */
    static boolean chosen(Model model, PlanOptions options, int gateRows, boolean unrolled) {
        // only an LSTM layer 0: a GRU's candidate keeps b_hn apart from its input part, and the table below adds both biases
        if (model.embedding() == null || options.weights() != WeightStorage.FP32
                || options.folding() == EmbeddingFolding.OFF
                || model.layers().get(0).kind() != io.github.lstmc.compiler.model.CellKind.LSTM) {
            return false;
        }
        if (options.folding() == EmbeddingFolding.ON) {
            return true;
        }
        long vocabulary = model.vocabularySize();
        long e = model.embedding().dimension();
        long directions = model.directionCount();
        long folded = directions * vocabulary * gateRows;
        long replaced = vocabulary * e + directions * gateRows * e;
        return !unrolled && folded <= MAX_FLOATS && (folded <= SMALL_FLOATS || folded <= MAX_RATIO * replaced);
    }

    /**
     * The folded tables of layer 0's directions, each added to {@code weights} as a {@code [V][G]} field
     * {@code FOLDED_L0_<DIRECTION>} ({@link #table}); {@code slots} are the gate blocks in z order.
     */
    static FoldedEmbedding plan(Model model, List<Gate> slots, WeightStorage storage, List<WeightField> weights) {
        io.github.lstmc.compiler.model.Layer first = model.layers().get(0);
        List<String> fields = new java.util.ArrayList<>();
        for (DirectionCell cell : first.directions()) {
            String name = "FOLDED_L0_" + cell.direction().name();
            float[] table = table(model.embedding().table(), cell, slots, first.hiddenSize());
            weights.add(WeightField.rows(name, model.vocabularySize(), table.length / model.vocabularySize(), table,
                    storage, FloatPacking.ScaleMap.PER_ROW));
            fields.add(name);
        }
        return new FoldedEmbedding(fields, slots.size() * first.hiddenSize());
    }

    /** Direction {@code cell}'s table, {@code [V][G]} flat, rows in the z order of {@code slots}. */
    static float[] table(Matrix embedding, DirectionCell cell, List<Gate> slots, int hidden) {
        int vocabulary = embedding.rows();
        int e = embedding.cols();
        int rows = slots.size() * hidden;
        float[] table = new float[Math.multiplyExact(vocabulary, rows)];
        for (int slot = 0; slot < slots.size(); slot++) {
            for (int j = 0; j < hidden; j++) {
                int modelRow = slots.get(slot).offset(hidden) + j;
                double bias = (cell.inputBias() == null ? 0 : cell.inputBias().get(modelRow))
                        + (double) (cell.recurrentBias() == null ? 0 : cell.recurrentBias().get(modelRow));
                float[] w = cell.inputWeights().row(modelRow);
                for (int id = 0; id < vocabulary; id++) {
                    double sum = bias;
                    for (int k = 0; k < e; k++) {
                        sum += (double) w[k] * embedding.get(id, k);
                    }
                    table[id * rows + slot * hidden + j] = (float) sum;
                }
            }
        }
        return table;
    }
}

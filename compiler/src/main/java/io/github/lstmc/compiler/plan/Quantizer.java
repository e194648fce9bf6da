package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Rounds a model's weight matrices to a {@link WeightStorage} and returns the model with the
 * dequantized (fp32) values: what a generated class computes with, and what the interpreter must
 * run to agree with it exactly. Applied once, by the facade, before planning; the planner then
 * stores each field in the narrow encoding exactly ({@link FloatPacking}).
 *
 * <p>fp16: every weight rounded to the nearest half (ties to even). int8: per output row of each
 * product, {@code s = max|w| / 127} (fp32) and {@code w' = (float) round(w / s) * s}; a gate row's
 * scale covers its input and recurrent weights (they are one row of the gate product, and the
 * Vector API tier stores them side by side), an embedding table has one scale per token. Biases,
 * peepholes, input transforms and PReLU slopes stay fp32.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * {@code model} with its weight matrices rounded to {@code storage} ({@code model} itself for fp32).
     *
     * @throws IllegalArgumentException for fp16 when a weight's magnitude exceeds 65504, naming it
     */
    public static Model quantize(Model model, WeightStorage storage) {
        if (storage == WeightStorage.FP32) {
            return model;
        }
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < model.layers().size(); l++) {
            Layer layer = model.layers().get(l);
            List<DirectionCell> cells = new ArrayList<>();
            for (DirectionCell c : layer.directions()) {
                String where = "layer " + l + " " + c.direction().name().toLowerCase(java.util.Locale.ROOT);
                Matrix[] gates = rows(storage, where + " gate weights", c.inputWeights(), c.recurrentWeights());
                Matrix projection = c.projection() == null ? null
                        : rows(storage, where + " projection", c.projection())[0];
                cells.add(new DirectionCell(c.direction(), gates[0], gates[1], c.inputBias(), c.recurrentBias(),
                        c.peepholes(), projection, c.activations(), c.kind(), c.linearBeforeReset()));
            }
            layers.add(new Layer(cells, layer.cellClip(), layer.preActivationClip(), layer.coupledInputForget()));
        }
        Embedding embedding = model.embedding() == null ? null
                : new Embedding(rows(storage, "embedding table", model.embedding().table())[0]);
        List<HeadLayer> head = new ArrayList<>();
        for (int k = 0; k < model.head().size(); k++) {
            HeadLayer stage = model.head().get(k);
            head.add(stage instanceof HeadLayer.Dense d
                    ? new HeadLayer.Dense(rows(storage, "head dense " + k + " weights", d.weight())[0], d.bias())
                    : stage);
        }
        // the initial state is stored as fp32 vectors whatever the storage, and the lengths are not weights
        return new Model(model.name(), embedding, model.inputAffine(), layers, model.layout(), model.reduction(),
                head, model.lengthsMaskRecurrence(), model.scalarOutput(), model.initialState(), model.fixedLengths());
    }

    /** The matrices (same row count) rounded; for int8, row r of all of them shares one scale. */
    private static Matrix[] rows(WeightStorage storage, String what, Matrix... matrices) {
        int rows = matrices[0].rows();
        float[][] out = new float[matrices.length][];
        for (int m = 0; m < matrices.length; m++) {
            out[m] = matrices[m].toArray();
        }
        if (storage == WeightStorage.FP16) {
            for (float[] values : out) {
                for (int i = 0; i < values.length; i++) {
                    if (Math.abs(values[i]) > Half.MAX) {
                        throw new IllegalArgumentException(what + ": weight " + values[i]
                                + " is beyond fp16's range (65504); use --weights fp32 or int8");
                    }
                    values[i] = Half.round(values[i]);
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                float max = 0f;
                for (int m = 0; m < matrices.length; m++) {
                    int cols = matrices[m].cols();
                    for (int k = 0; k < cols; k++) {
                        max = Math.max(max, Math.abs(out[m][r * cols + k]));
                    }
                }
                float scale = max / 127f;
                for (int m = 0; m < matrices.length; m++) {
                    int cols = matrices[m].cols();
                    for (int k = 0; k < cols; k++) {
                        int i = r * cols + k;
                        out[m][i] = scale == 0f ? 0f : code(out[m][i] / scale) * scale;
                    }
                }
            }
        }
        Matrix[] result = new Matrix[matrices.length];
        for (int m = 0; m < matrices.length; m++) {
            result[m] = Matrix.of(rows, matrices[m].cols(), out[m]);
        }
        return result;
    }

    private static int code(float ratio) {
        return Math.max(-127, Math.min(127, Math.round(ratio)));
    }
}

package io.github.lstmc.compiler.load.burn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Layer;
import java.util.List;
import java.util.Map;

/**
 * A Burn {@code GruConfig} or {@code BiGruConfig} as {@code Config::save} writes it (serde JSON,
 * burn-nn {@code modules/rnn/gru}):
 *
 * <pre>{@code
 * {"d_input": 8, "d_hidden": 16, "bias": true, "reset_after": true,
 *  "initializer": {"XavierNormal": {"gain": 1.0}},
 *  "gate_activation": "Sigmoid", "hidden_activation": "Tanh", "clip": null}
 * }</pre>
 *
 * {@code BiGruConfig} adds {@code batch_first} (default true); a {@code Gru} itself always takes
 * batch-first input. {@code d_input}, {@code d_hidden} and {@code bias} are required; the others take
 * Burn's defaults when absent (older Burn versions write only {@code reset_after} and
 * {@code initializer}, which only matters for training). Burn's {@code clip} clamps the hidden state
 * after every step, which lstmc does not compile, so a clip is refused.
 *
 * @param dInput      input features I
 * @param dHidden     hidden size H
 * @param bias        whether every gate's two Linear layers have a bias
 * @param resetAfter  Burn's {@code reset_after} (default true): the reset multiplies the recurrent
 *                    linear map, as in PyTorch (lstmc's {@code linearBeforeReset})
 * @param batchFirst  {@code BiGruConfig.batch_first} (default true; always true for a Gru)
 * @param activations gate (z, r) and candidate activations
 */
public record BurnGruConfig(int dInput, int dHidden, boolean bias, boolean resetAfter, boolean batchFirst,
                            CellActivations activations) {

    private static final List<String> FIELDS = List.of("d_input", "d_hidden", "bias", "reset_after", "initializer",
            "batch_first", "gate_activation", "hidden_activation", "clip");

    /** Whether a parsed config object is a GRU's: it has {@code reset_after}, which only GRU configs have. */
    static boolean isGru(JsonNode root) {
        return root.has("reset_after");
    }

    /**
     * Parses a GRU config object.
     *
     * @param where the config's name for messages
     */
    static BurnGruConfig parse(String where, JsonNode root) throws LstmcException {
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new LstmcException(where + ": unknown field '" + field.getKey() + "' (a Burn GruConfig has "
                        + String.join(", ", FIELDS) + ")");
            }
        }
        if (BurnLstmConfig.clip(where, root.get("clip")) != Layer.NO_CLIP) {
            throw new LstmcException(where + ": field 'clip' is " + root.get("clip") + "; lstmc does not compile Burn's"
                    + " GRU hidden-state clip (give \"clip\": null)");
        }
        return new BurnGruConfig(
                BurnLstmConfig.positiveInt(where, root, "d_input"),
                BurnLstmConfig.positiveInt(where, root, "d_hidden"),
                BurnLstmConfig.bool(where, root, "bias", null),
                BurnLstmConfig.bool(where, root, "reset_after", true),
                BurnLstmConfig.bool(where, root, "batch_first", true),
                CellActivations.gru(BurnLstmConfig.activation(where, root, "gate_activation", Activation.SIGMOID),
                        BurnLstmConfig.activation(where, root, "hidden_activation", Activation.TANH)));
    }
}

package io.github.lstmc.compiler.load.burn;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoaderSupport;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;

/**
 * A Burn {@code LstmConfig} or {@code BiLstmConfig} as {@code Config::save} writes it (serde JSON,
 * burn-nn {@code modules/rnn/lstm}):
 *
 * <pre>{@code
 * {"d_input": 8, "d_hidden": 16, "bias": true, "clip": null,
 *  "initializer": {"XavierNormal": {"gain": 1.0}}, "batch_first": true, "reverse": false,
 *  "input_forget": false, "gate_activation": "Sigmoid", "cell_activation": "Tanh",
 *  "hidden_activation": "Tanh"}
 * }</pre>
 *
 * {@code BiLstmConfig} has the same fields except {@code reverse}. {@code d_input}, {@code d_hidden}
 * and {@code bias} are required; the others may be absent (configs saved by older Burn versions
 * lack them) and then take Burn's defaults. {@code initializer} only matters for training and is
 * ignored. An unknown field is an error, because a field lstmc does not know could change the
 * numbers.
 *
 * @param dInput          input features I
 * @param dHidden         hidden size H
 * @param bias            whether every gate's two Linear layers have a bias
 * @param batchFirst      Burn's {@code batch_first} (default true)
 * @param reverse         {@code LstmConfig.reverse} (default false)
 * @param hasReverseField whether the JSON has a {@code reverse} field (only LstmConfig does)
 * @param cellClip        Burn's cell-state clip, or {@link Layer#NO_CLIP}
 * @param inputForget     coupled input and forget gates: f = 1 - i
 * @param activations     gate, cell and hidden activations
 */
public record BurnLstmConfig(int dInput, int dHidden, boolean bias, boolean batchFirst, boolean reverse,
                             boolean hasReverseField, float cellClip, boolean inputForget,
                             CellActivations activations) {

    /** Configs are small; anything larger is not a config. */
    static final long MAX_CONFIG_BYTES = 1_000_000;

    private static final List<String> FIELDS = List.of("d_input", "d_hidden", "bias", "initializer", "batch_first",
            "reverse", "clip", "input_forget", "gate_activation", "cell_activation", "hidden_activation");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Reads and validates a config file. */
    public static BurnLstmConfig read(Path file) throws LstmcException {
        return parse(LoaderSupport.fileName(file), readText(file));
    }

    /** A config file's text (bounded in size), for any Burn config. */
    static String readText(Path file) throws LstmcException {
        String where = LoaderSupport.fileName(file);
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new LstmcException(where + ": " + size + " bytes is too large for a Burn config");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LstmcException(where + ": file not found");
        } catch (IOException e) {
            throw new LstmcException(where + ": cannot read: " + e.getMessage());
        }
    }

    /** Config JSON text as an object (strict: no duplicate keys, nothing after it). */
    static JsonNode parseObject(String where, String json, String what) throws LstmcException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new LstmcException(where + ": not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (root == null || !root.isObject()) {
            throw new LstmcException(where + ": a Burn " + what + " must be a JSON object");
        }
        return root;
    }

    /**
     * Parses config JSON text.
     *
     * @param where the config's name for messages
     */
    public static BurnLstmConfig parse(String where, String json) throws LstmcException {
        JsonNode root = parseObject(where, json, "LstmConfig");
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (!FIELDS.contains(name)) {
                throw new LstmcException(where + ": unknown field '" + name + "' (a Burn LstmConfig has "
                        + String.join(", ", FIELDS) + ")");
            }
        }
        int dInput = positiveInt(where, root, "d_input");
        int dHidden = positiveInt(where, root, "d_hidden");
        boolean bias = bool(where, root, "bias", null);
        boolean batchFirst = bool(where, root, "batch_first", true);
        boolean reverse = bool(where, root, "reverse", false);
        boolean inputForget = bool(where, root, "input_forget", false);
        float clip = clip(where, root.get("clip"));
        CellActivations activations = new CellActivations(
                activation(where, root, "gate_activation", Activation.SIGMOID),
                activation(where, root, "cell_activation", Activation.TANH),
                activation(where, root, "hidden_activation", Activation.TANH));
        return new BurnLstmConfig(dInput, dHidden, bias, batchFirst, reverse, root.has("reverse"), clip, inputForget,
                activations);
    }

    static int positiveInt(String where, JsonNode root, String field) throws LstmcException {
        JsonNode n = root.get(field);
        if (n == null) {
            throw new LstmcException(where + ": missing field '" + field + "'");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw new LstmcException(where + ": field '" + field + "' must be a positive integer, got " + n);
        }
        return n.intValue();
    }

    static boolean bool(String where, JsonNode root, String field, Boolean fallback) throws LstmcException {
        JsonNode n = root.get(field);
        if (n == null && fallback != null) {
            return fallback;
        }
        if (n == null) {
            throw new LstmcException(where + ": missing field '" + field + "'");
        }
        if (!n.isBoolean()) {
            throw new LstmcException(where + ": field '" + field + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    /** Burn's {@code clip: Option<f64>}: null or absent for none. */
    static float clip(String where, JsonNode n) throws LstmcException {
        if (n == null || n.isNull()) {
            return Layer.NO_CLIP;
        }
        if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw new LstmcException(where + ": field 'clip' must be null or a positive number, got " + n);
        }
        float clip = (float) n.doubleValue();
        if (clip == 0f) {
            throw new LstmcException(where + ": field 'clip' " + n + " is too small for float32");
        }
        // a clip beyond the float range becomes +Infinity, i.e. none: it never binds on float32 cell states
        return clip;
    }

    static Activation activation(String where, JsonNode root, String field, Activation fallback)
            throws LstmcException {
        JsonNode n = root.get(field);
        return n == null ? fallback : BurnActivations.parse(where + ": field '" + field + "'", n);
    }
}

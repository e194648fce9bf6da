package io.github.lstmc.compiler.load.burn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import java.util.Map;
import java.util.Set;

/**
 * Maps Burn's {@code ActivationConfig} (burn-nn {@code activation_wrapper.rs}) in its serde form
 * onto {@link Activation}. Serde writes unit variants as a string ({@code "Sigmoid"}) and variants
 * with a config as a one-field object ({@code {"LeakyRelu": {"negative_slope": 0.01}}}).
 *
 * <table>
 *   <caption>Burn variant to lstmc activation</caption>
 *   <tr><th>Burn</th><th>lstmc</th></tr>
 *   <tr><td>Sigmoid, Tanh, Relu, Identity, Gelu, Selu, HardSwish, Softsign</td><td>the same kind</td></tr>
 *   <tr><td>GeluApproximate</td><td>GELU_TANH</td></tr>
 *   <tr><td>LeakyRelu {negative_slope}</td><td>LEAKY_RELU(alpha = negative_slope)</td></tr>
 *   <tr><td>HardSigmoid {alpha, beta}</td><td>HARD_SIGMOID(alpha, beta)</td></tr>
 *   <tr><td>Elu {alpha}, Celu {alpha}, ThresholdedRelu {alpha}</td><td>the same kind with alpha</td></tr>
 *   <tr><td>Softplus {beta}</td><td>SOFTPLUS when beta = 1, else SOFTPLUS_BETA(alpha = beta); beta 0 refused</td></tr>
 *   <tr><td>HardShrink {lambda}, SoftShrink {lambda}</td><td>HARD_SHRINK, SOFT_SHRINK(alpha = lambda)</td></tr>
 *   <tr><td>Shrink {lambda, bias}</td><td>SHRINK(alpha = lambda, beta = bias)</td></tr>
 *   <tr><td>PRelu, SwiGlu</td><td>refused: they carry trained weights, not constants</td></tr>
 * </table>
 *
 * Burn's {@code ActivationConfig} has no Tanhshrink variant (burn-nn has the module, not the config
 * variant), so no config names it; lstmc's TANH_SHRINK serves models built in code.
 *
 * <p>Burn computes Softplus literally, {@code ln(1 + e^(beta x)) / beta} in float32, which overflows
 * to infinity where {@code beta x > 88.7} and rounds to 0 where {@code beta x < -16.6}; lstmc
 * computes the same function without either artefact (PyTorch agrees with lstmc there).
 *
 * A parameter missing from a config object takes Burn's documented default (Burn itself would
 * refuse the file; lstmc is lenient so that hand-written configs work); an unknown parameter is an error.
 */
final class BurnActivations {
    private BurnActivations() {
    }

    /**
     * @param where the config file name and field, e.g. {@code lstm.json: field 'gate_activation'}
     * @param node  the field's JSON value
     */
    static Activation parse(String where, JsonNode node) throws LstmcException {
        String variant;
        JsonNode params;
        if (node.isTextual()) {
            variant = node.textValue();
            params = null;
        } else if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> only = node.properties().iterator().next();
            variant = only.getKey();
            params = only.getValue().isNull() ? null : only.getValue();
        } else {
            throw new LstmcException(where + " must be a Burn ActivationConfig such as \"Sigmoid\" or "
                    + "{\"LeakyRelu\": {\"negative_slope\": 0.01}}, got " + node);
        }
        String at = where + " (" + variant + ")";
        switch (variant) {
            case "Sigmoid":
                return simple(at, params, Kind.SIGMOID);
            case "Tanh":
                return simple(at, params, Kind.TANH);
            case "Relu":
                return simple(at, params, Kind.RELU);
            case "Identity":
                return simple(at, params, Kind.IDENTITY);
            case "Gelu":
                return simple(at, params, Kind.GELU);
            case "Selu":
                return simple(at, params, Kind.SELU);
            case "HardSwish":
                return simple(at, params, Kind.HARD_SWISH);
            case "Softsign":
                return simple(at, params, Kind.SOFTSIGN);
            case "GeluApproximate":
                return simple(at, params, Kind.GELU_TANH);
            case "LeakyRelu":
                return Activation.of(Kind.LEAKY_RELU, number(at, params, "negative_slope", 0.01, Set.of()));
            case "HardSigmoid": {
                Set<String> known = Set.of("alpha", "beta");
                return Activation.of(Kind.HARD_SIGMOID, number(at, params, "alpha", 0.2, known),
                        number(at, params, "beta", 0.5, known));
            }
            case "Elu":
                return Activation.of(Kind.ELU, number(at, params, "alpha", 1.0, Set.of()));
            case "Celu": {
                float alpha = number(at, params, "alpha", 1.0, Set.of());
                if (alpha == 0f) {
                    throw new LstmcException(at + ": alpha must not be 0");
                }
                return Activation.of(Kind.CELU, alpha);
            }
            case "ThresholdedRelu":
                return Activation.of(Kind.THRESHOLDED_RELU, number(at, params, "alpha", 1.0, Set.of()));
            case "Softplus": {
                float beta = number(at, params, "beta", 1.0, Set.of());
                if (beta == 0f) {
                    throw new LstmcException(at + ": beta must not be 0");
                }
                return Activation.softplus(beta);
            }
            case "HardShrink":
                return Activation.of(Kind.HARD_SHRINK, number(at, params, "lambda", 0.5, Set.of()));
            case "SoftShrink":
                return Activation.of(Kind.SOFT_SHRINK, number(at, params, "lambda", 0.5, Set.of()));
            case "Shrink": {
                Set<String> known = Set.of("lambda", "bias");
                return Activation.of(Kind.SHRINK, number(at, params, "lambda", 0.5, known),
                        number(at, params, "bias", 0.5, known));
            }
            case "PRelu":
            case "SwiGlu":
                throw new LstmcException(at + ": unsupported activation: " + variant
                        + " carries trained weights, not constants");
            default:
                throw new LstmcException(where + ": unknown activation '" + variant + "'");
        }
    }

    private static Activation simple(String at, JsonNode params, Kind kind) throws LstmcException {
        if (params != null && !(params.isObject() && params.isEmpty())) {
            throw new LstmcException(at + " takes no parameters, got " + params);
        }
        return Activation.of(kind);
    }

    /** Reads {@code params.name} (a finite number), or {@code fallback} if absent; refuses unknown keys. */
    private static float number(String at, JsonNode params, String name, double fallback, Set<String> others)
            throws LstmcException {
        if (params == null) {
            return (float) fallback;
        }
        if (!params.isObject()) {
            throw new LstmcException(at + ": parameters must be an object, got " + params);
        }
        for (Map.Entry<String, JsonNode> field : params.properties()) {
            String key = field.getKey();
            if (!key.equals(name) && !others.contains(key)) {
                throw new LstmcException(at + ": unknown parameter '" + key + "'");
            }
        }
        JsonNode value = params.get(name);
        if (value == null) {
            return (float) fallback;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())
                || !Float.isFinite((float) value.doubleValue())) {
            throw new LstmcException(at + ": parameter '" + name + "' must be a finite number, got " + value);
        }
        return (float) value.doubleValue();
    }
}

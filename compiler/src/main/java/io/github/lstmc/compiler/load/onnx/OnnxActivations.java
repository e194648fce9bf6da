package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The activation functions of the ONNX RNN operators, read as ONNX Runtime reads them: names are
 * matched ignoring case (the spec spells them {@code Sigmoid}, {@code LeakyRelu}, ...; ORT lower-cases
 * before matching), and {@code activation_alpha}/{@code activation_beta} are consumed in list order
 * by the functions that take that parameter. A function whose parameter list has run out gets ORT's
 * default: LeakyRelu alpha 0.01, HardSigmoid 0.2/0.5, Elu 1.0, and 0 for everything else — so
 * Affine, ThresholdedRelu and ScaledTanh default to 0, not to the operator documentation's values.
 * Unused trailing values are ignored, as ORT ignores them.
 */
final class OnnxActivations {
    /** ONNX name (lower case) to kind, alpha default, beta default. */
    private record Entry(Kind kind, float alphaDefault, float betaDefault) {
    }

    private static final Map<String, Entry> FUNCTIONS = Map.ofEntries(
            Map.entry("sigmoid", new Entry(Kind.SIGMOID, 0f, 0f)),
            Map.entry("tanh", new Entry(Kind.TANH, 0f, 0f)),
            Map.entry("relu", new Entry(Kind.RELU, 0f, 0f)),
            Map.entry("affine", new Entry(Kind.AFFINE, 0f, 0f)),
            Map.entry("leakyrelu", new Entry(Kind.LEAKY_RELU, 0.01f, 0f)),
            Map.entry("thresholdedrelu", new Entry(Kind.THRESHOLDED_RELU, 0f, 0f)),
            Map.entry("scaledtanh", new Entry(Kind.SCALED_TANH, 0f, 0f)),
            Map.entry("hardsigmoid", new Entry(Kind.HARD_SIGMOID, 0.2f, 0.5f)),
            Map.entry("elu", new Entry(Kind.ELU, 1f, 0f)),
            Map.entry("softsign", new Entry(Kind.SOFTSIGN, 0f, 0f)),
            Map.entry("softplus", new Entry(Kind.SOFTPLUS, 0f, 0f)));

    private OnnxActivations() {
    }

    /**
     * Resolves {@code names} with their parameters.
     *
     * @param names  function names, 3 per direction (f, g, h)
     * @param alphas {@code activation_alpha}, or null
     * @param betas  {@code activation_beta}, or null
     * @param attrs  for messages
     */
    static List<Activation> resolve(List<String> names, float[] alphas, float[] betas, NodeAttributes attrs)
            throws LstmcException {
        float[] a = alphas == null ? new float[0] : alphas;
        float[] b = betas == null ? new float[0] : betas;
        int nextAlpha = 0;
        int nextBeta = 0;
        List<Activation> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Entry e = FUNCTIONS.get(name.toLowerCase(Locale.ROOT));
            if (e == null) {
                throw new LstmcException(attrs.prefix("activations") + "entry " + i + " is '" + name
                        + "', expected one of Sigmoid, Tanh, Relu, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh,"
                        + " HardSigmoid, Elu, Softsign, Softplus");
            }
            float alpha = 0f;
            float beta = 0f;
            if (e.kind().parameterCount() >= 1) {
                alpha = nextAlpha < a.length ? a[nextAlpha++] : e.alphaDefault();
            }
            if (e.kind().parameterCount() >= 2) {
                beta = nextBeta < b.length ? b[nextBeta++] : e.betaDefault();
            }
            if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
                throw new LstmcException(attrs.prefix(Float.isFinite(alpha) ? "activation_beta" : "activation_alpha")
                        + "gives a non-finite parameter to activation " + i + " (" + name + ")");
            }
            out.add(new Activation(e.kind(), alpha, beta));
        }
        // Values left over are ignored, as ONNX Runtime ignores them.
        return out;
    }

    /**
     * Resolves an RNN node's functions, one per direction, as ONNX Runtime's RNN kernel reads them
     * (unlike its LSTM and GRU): direction {@code d} takes {@code activation_alpha[d]} and
     * {@code activation_beta[d]} whatever its function, and 0 when the attribute is absent (not the
     * function's usual default). A list shorter than the directions is refused: ORT reads past its end.
     */
    static List<Activation> resolvePerDirection(List<String> names, float[] alphas, float[] betas,
                                                NodeAttributes attrs) throws LstmcException {
        List<Activation> functions = resolve(names, null, null, attrs);
        List<Activation> out = new ArrayList<>();
        for (int d = 0; d < functions.size(); d++) {
            Kind kind = functions.get(d).kind();
            float alpha = kind.parameterCount() >= 1 ? perDirection(alphas, d, names.size(), "activation_alpha", attrs) : 0f;
            float beta = kind.parameterCount() >= 2 ? perDirection(betas, d, names.size(), "activation_beta", attrs) : 0f;
            if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
                throw new LstmcException(attrs.prefix(Float.isFinite(alpha) ? "activation_beta" : "activation_alpha")
                        + "gives a non-finite parameter to activation " + d + " (" + names.get(d) + ")");
            }
            out.add(new Activation(kind, alpha, beta));
        }
        return out;
    }

    private static float perDirection(float[] values, int d, int directions, String name, NodeAttributes attrs)
            throws LstmcException {
        if (values == null) {
            return 0f;
        }
        if (values.length < directions) {
            throw new LstmcException(attrs.prefix(name) + "has " + values.length + " value(s); an RNN takes one per"
                    + " direction (" + directions + "), as ONNX Runtime reads them");
        }
        return values[d];
    }
}

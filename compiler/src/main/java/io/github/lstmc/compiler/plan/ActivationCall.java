package io.github.lstmc.compiler.plan;

import java.util.List;
import java.util.Set;

/**
 * How an activation is rendered: {@code io.github.lstmc.runtime.Activations.<method>(x, arguments...)}
 * with each argument a float constant, or nothing at all (the value itself) for the identity. The
 * runtime methods define the arithmetic, so both emitters compute the same bits.
 *
 * @param method    the static method of {@code io.github.lstmc.runtime.Activations}, or null for identity
 * @param arguments the constant parameters after {@code x} (alpha, then beta), possibly empty
 */
public record ActivationCall(String method, List<Float> arguments) {

    /** The identity: no call. */
    public static final ActivationCall IDENTITY = new ActivationCall(null, List.of());

    /** The runtime class every call goes to. */
    public static final String RUNTIME_CLASS = "io.github.lstmc.runtime.Activations";

    /**
     * The runtime methods that have a Vector API form ({@link CellUpdate#vectorized()}), each the
     * same float operations as the scalar method, lane by lane (see {@link CellUpdate} for the forms
     * and why they give the same bits). The others (elu, softplus, softplusBeta, gelu, geluTanh, selu, celu,
     * thresholdedRelu, hardSwish, the shrinks and tanhShrink) compute in double or have not been proven lanewise equal; a cell using one stays scalar.
     */
    public static final Set<String> VECTOR_FORMS = Set.of("tanh", "sigmoid", "affine", "scaledTanh", "hardSigmoid",
            "relu", "leakyRelu", "softsign");

    public ActivationCall {
        arguments = List.copyOf(arguments);
    }

    public boolean isIdentity() {
        return method == null;
    }

    /** True for the identity and for every method in {@link #VECTOR_FORMS}. */
    public boolean hasVectorForm() {
        return isIdentity() || VECTOR_FORMS.contains(method);
    }
}

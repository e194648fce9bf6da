package io.github.lstmc.compiler.plan;

import java.util.List;

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

    public ActivationCall {
        arguments = List.copyOf(arguments);
    }

    public boolean isIdentity() {
        return method == null;
    }
}

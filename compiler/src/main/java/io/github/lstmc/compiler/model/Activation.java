package io.github.lstmc.compiler.model;

import java.util.Locale;

/**
 * An elementwise activation function with its constant parameters. Parameters a function does
 * not take are 0. The formulas are those of the ONNX RNN operators and Burn's activation modules.
 *
 * @param kind  the function
 * @param alpha its first parameter (see {@link Kind}), or 0
 * @param beta  its second parameter, or 0
 */
public record Activation(Kind kind, float alpha, float beta) {

    /** The supported functions. */
    public enum Kind {
        /** 1 / (1 + e^-x). */
        SIGMOID(0),
        /** tanh(x). */
        TANH(0),
        /** max(0, x). */
        RELU(0),
        /** alpha * x + beta. */
        AFFINE(2),
        /** x if x &gt;= 0, else alpha * x. */
        LEAKY_RELU(1),
        /** x if x &gt; alpha, else 0. */
        THRESHOLDED_RELU(1),
        /** alpha * tanh(beta * x). */
        SCALED_TANH(2),
        /** max(0, min(1, alpha * x + beta)). */
        HARD_SIGMOID(2),
        /** x if x &gt;= 0, else alpha * (e^x - 1). */
        ELU(1),
        /** x / (1 + |x|). */
        SOFTSIGN(0),
        /** ln(1 + e^x). */
        SOFTPLUS(0),
        /** x. */
        IDENTITY(0),
        /** x * Phi(x), the exact (erf) form. */
        GELU(0),
        /** SELU with the standard constants (scale 1.0507009873554805, alpha 1.6732632423543772). */
        SELU(0),
        /** x * min(max(x + 3, 0), 6) / 6. */
        HARD_SWISH(0),
        /** max(0, x) + min(0, alpha * (e^(x / alpha) - 1)). */
        CELU(1);

        private final int parameterCount;

        Kind(int parameterCount) {
            this.parameterCount = parameterCount;
        }

        /** How many of alpha, beta this function uses (0, 1: alpha, 2: alpha and beta). */
        public int parameterCount() {
            return parameterCount;
        }
    }

    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f, 0f);
    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f, 0f);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind must not be null");
        }
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("activation " + kind + " parameters must be finite, got alpha="
                    + alpha + ", beta=" + beta);
        }
        if (kind.parameterCount() < 1 && alpha != 0f || kind.parameterCount() < 2 && beta != 0f) {
            throw new IllegalArgumentException("activation " + kind + " takes " + kind.parameterCount()
                    + " parameter(s), got alpha=" + alpha + ", beta=" + beta);
        }
        if (kind == Kind.CELU && alpha == 0f) {
            throw new IllegalArgumentException("activation CELU needs a non-zero alpha");
        }
    }

    /** A parameterless function. */
    public static Activation of(Kind kind) {
        return new Activation(kind, 0f, 0f);
    }

    /** A function with one parameter. */
    public static Activation of(Kind kind, float alpha) {
        return new Activation(kind, alpha, 0f);
    }

    /** A function with two parameters. */
    public static Activation of(Kind kind, float alpha, float beta) {
        return new Activation(kind, alpha, beta);
    }

    /** Readable form, e.g. {@code Sigmoid}, {@code LeakyRelu(alpha=0.01)}. */
    @Override
    public String toString() {
        StringBuilder name = new StringBuilder();
        for (String part : kind.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        if (kind.parameterCount() == 1) {
            name.append("(alpha=").append(alpha).append(')');
        } else if (kind.parameterCount() == 2) {
            name.append("(alpha=").append(alpha).append(", beta=").append(beta).append(')');
        }
        return name.toString();
    }
}

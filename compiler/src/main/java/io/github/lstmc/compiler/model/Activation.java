package io.github.lstmc.compiler.model;

import java.util.Locale;

/**
 * An elementwise activation function with its constant parameters. Parameters a function does
 * not take are 0. The formulas are those of the ONNX RNN operators, PyTorch's and Burn's
 * activation modules. Each kind names its parameters (alpha and beta, or the framework's name such
 * as lambda); {@link #alpha()} holds the first and {@link #beta()} the second.
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
        CELU(1),
        /**
         * x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))): GELU's tanh form (PyTorch
         * {@code approximate='tanh'}, Burn {@code GeluApproximate}).
         */
        GELU_TANH(0),
        /**
         * ln(1 + e^(beta x)) / beta, beta = alpha (non-zero): PyTorch's and Burn's {@code Softplus(beta)}.
         * PyTorch returns x where {@code beta x > 20} (its default threshold); the difference is below
         * 1e-9 relative, under float32 rounding. Beta 1 is the same function as {@link #SOFTPLUS}.
         */
        SOFTPLUS_BETA(1, "Softplus", "beta"),
        /** 0 if |x| &lt;= lambda, else x; lambda = alpha (Burn {@code HardShrink}, PyTorch {@code Hardshrink}). */
        HARD_SHRINK(1, null, "lambda"),
        /**
         * 0 if |x| &lt;= lambda, else x - sign(x) * lambda; lambda = alpha (Burn {@code SoftShrink},
         * PyTorch {@code Softshrink}).
         */
        SOFT_SHRINK(1, null, "lambda"),
        /**
         * 0 if |x| &lt;= lambda, else x - sign(x) * bias; lambda = alpha, bias = beta (Burn {@code Shrink},
         * ONNX {@code Shrink} for lambda &gt;= 0).
         */
        SHRINK(2, null, "lambda", "bias"),
        /** x - tanh(x) (Burn and PyTorch {@code Tanhshrink}). */
        TANH_SHRINK(0),
        /** x * sigmoid(x) = x / (1 + e^-x) (PyTorch {@code SiLU}, Keras {@code swish}). */
        SILU(0, "SiLU"),
        /** min(max(x, alpha), beta): ONNX Clip, PyTorch {@code ReLU6} (0, 6) and {@code Hardtanh} (-1, 1). */
        CLIP(2, "Clip", "min", "max");

        private final int parameterCount;
        private final String displayName;
        private final String[] parameterNames;

        Kind(int parameterCount) {
            this(parameterCount, null, "alpha", "beta");
        }

        Kind(int parameterCount, String displayName, String... parameterNames) {
            this.parameterCount = parameterCount;
            this.displayName = displayName;
            this.parameterNames = parameterNames;
        }

        /** How many of alpha, beta this function uses (0, 1: alpha, 2: alpha and beta). */
        public int parameterCount() {
            return parameterCount;
        }

        /** The name of parameter {@code index} (0: alpha, 1: beta) in messages, e.g. {@code lambda}. */
        public String parameterName(int index) {
            if (index < 0 || index >= parameterCount) {
                throw new IndexOutOfBoundsException(this + " has " + parameterCount + " parameter(s)");
            }
            return parameterNames[index];
        }

        /** The readable name, e.g. {@code LeakyRelu} for LEAKY_RELU. */
        public String displayName() {
            if (displayName != null) {
                return displayName;
            }
            StringBuilder name = new StringBuilder();
            for (String part : name().split("_")) {
                name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            return name.toString();
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
        if (kind == Kind.SOFTPLUS_BETA && alpha == 0f) {
            throw new IllegalArgumentException("activation Softplus needs a non-zero beta");
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

    /**
     * Softplus with {@code beta}: {@link Kind#SOFTPLUS} for beta 1 (PyTorch's and Burn's default),
     * else {@link Kind#SOFTPLUS_BETA}, so that the common case stays the parameterless kind.
     */
    public static Activation softplus(float beta) {
        return beta == 1f ? of(Kind.SOFTPLUS) : of(Kind.SOFTPLUS_BETA, beta);
    }

    /**
     * Readable form, e.g. {@code Sigmoid}, {@code LeakyRelu(alpha=0.01)}, {@code HardShrink(lambda=0.5)},
     * {@code Softplus(beta=2.0)}.
     */
    @Override
    public String toString() {
        StringBuilder name = new StringBuilder(kind.displayName());
        if (kind.parameterCount() >= 1) {
            name.append('(').append(kind.parameterName(0)).append('=').append(alpha);
            if (kind.parameterCount() == 2) {
                name.append(", ").append(kind.parameterName(1)).append('=').append(beta);
            }
            name.append(')');
        }
        return name.toString();
    }
}

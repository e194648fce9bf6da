package io.github.lstmc.runtime;

/**
 * The activation functions generated code calls, one static method per kind, with constant
 * parameters passed after {@code x}. All results are float32.
 *
 * <p><b>Determinism.</b> Sigmoid and tanh use only {@code +, *, /, min, max}, each correctly rounded
 * by IEEE 754, so they give the same bits in the interpreter, C1 and C2 (and vectorize in C2). The
 * remaining functions need exponentials; they compute in double with {@link StrictMath}, whose
 * results are fixed by specification, and round once to float.
 *
 * <p><b>Accuracy.</b> {@link #tanh} is the rational approximation
 * {@code x * P(x^2) / Q(x^2)} (P of degree 6, Q of degree 3 in {@code x^2}, fitted to minimax for
 * this class) on x clamped to {@code [-7.9053111, 7.9053111]}. Evaluated in float32 its absolute
 * error against the exact tanh is at most 3.5e-7 (measured over a dense grid; see the tests), and
 * {@link #sigmoid}{@code (x) = 0.5 + 0.5 * tanh(0.5 * x)} is within 2e-7 of {@code 1 / (1 + e^-x)}.
 * The errors are absolute: far in the tails tanh returns +-0.99999994 and sigmoid about 3e-8 rather
 * than their limits.
 */
public final class Activations {
    /**
     * Beyond this, {@link #tanh} is within float rounding of +-1; the approximation is fitted on
     * {@code [0, TANH_CLAMP]} and its argument is clamped to {@code [-TANH_CLAMP, TANH_CLAMP]}.
     * Public (as are the coefficients below) so that code generators rendering a vectorized tanh
     * take the exact same constants from here rather than copying them.
     */
    public static final float TANH_CLAMP = 0x1.f9f09ep2f;

    // tanh(c) = c * P(u) / Q(u), u = c^2, P(u) = A0 + A1 u + ... + A6 u^6 and Q(u) = B0 + B1 u + B2 u^2 + B3 u^3,
    // each evaluated by Horner's rule from the highest coefficient, one multiplication then one addition per step.

    /** Coefficient of u^0 in the numerator polynomial P of {@link #tanh}. */
    public static final float TANH_A0 = 0x1.0p0f;
    /** Coefficient of u^1 in P. */
    public static final float TANH_A1 = 0x1.0cc936p-3f;
    /** Coefficient of u^2 in P. */
    public static final float TANH_A2 = 0x1.9ccbbcp-9f;
    /** Coefficient of u^3 in P. */
    public static final float TANH_A3 = 0x1.86b96p-17f;
    /** Coefficient of u^4 in P. */
    public static final float TANH_A4 = -0x1.7fc092p-26f;
    /** Coefficient of u^5 in P. */
    public static final float TANH_A5 = 0x1.18e722p-34f;
    /** Coefficient of u^6 in P (where Horner's rule starts). */
    public static final float TANH_A6 = -0x1.067dccp-43f;
    /** Coefficient of u^0 in the denominator polynomial Q of {@link #tanh}. */
    public static final float TANH_B0 = 0x1.0p0f;
    /** Coefficient of u^1 in Q. */
    public static final float TANH_B1 = 0x1.dbb9eep-2f;
    /** Coefficient of u^2 in Q. */
    public static final float TANH_B2 = 0x1.944618p-6f;
    /** Coefficient of u^3 in Q (where Horner's rule starts). */
    public static final float TANH_B3 = 0x1.1200eep-12f;

    private static final double SELU_SCALE = 1.0507009873554805;
    private static final double SELU_ALPHA = 1.6732632423543772;
    /** sqrt(2 / pi), the scale inside GELU's tanh form. */
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;

    private Activations() {
    }

    /** tanh(x), rational approximation (absolute error at most 3.5e-7); NaN stays NaN. */
    public static float tanh(float x) {
        float c = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float u = c * c;
        float p = TANH_A6;
        p = p * u + TANH_A5;
        p = p * u + TANH_A4;
        p = p * u + TANH_A3;
        p = p * u + TANH_A2;
        p = p * u + TANH_A1;
        p = p * u + TANH_A0;
        float q = TANH_B3;
        q = q * u + TANH_B2;
        q = q * u + TANH_B1;
        q = q * u + TANH_B0;
        return c * p / q;
    }

    /** 1 / (1 + e^-x), computed as 0.5 + 0.5 * tanh(0.5 * x) (absolute error at most 2e-7). */
    public static float sigmoid(float x) {
        return 0.5f + 0.5f * tanh(0.5f * x);
    }

    /** max(0, x). */
    public static float relu(float x) {
        return x > 0f ? x : 0f;
    }

    /** alpha * x + beta. */
    public static float affine(float x, float alpha, float beta) {
        return alpha * x + beta;
    }

    /** x if x &gt;= 0, else alpha * x. */
    public static float leakyRelu(float x, float alpha) {
        return x >= 0f ? x : alpha * x;
    }

    /** x if x &gt; alpha, else 0. */
    public static float thresholdedRelu(float x, float alpha) {
        return x > alpha ? x : 0f;
    }

    /** alpha * tanh(beta * x), with the fast {@link #tanh}. */
    public static float scaledTanh(float x, float alpha, float beta) {
        return alpha * tanh(beta * x);
    }

    /** max(0, min(1, alpha * x + beta)). */
    public static float hardSigmoid(float x, float alpha, float beta) {
        return Math.max(0f, Math.min(1f, alpha * x + beta));
    }

    /** x if x &gt;= 0, else alpha * (e^x - 1). */
    public static float elu(float x, float alpha) {
        return x >= 0f ? x : (float) (alpha * StrictMath.expm1(x));
    }

    /** x / (1 + |x|). */
    public static float softsign(float x) {
        return x / (1f + Math.abs(x));
    }

    /** ln(1 + e^x), written to neither overflow nor lose small values. */
    public static float softplus(float x) {
        double d = x;
        return (float) (d > 0 ? d + StrictMath.log1p(StrictMath.exp(-d)) : StrictMath.log1p(StrictMath.exp(d)));
    }

    /** x * Phi(x) (exact GELU, Phi the standard normal distribution function). */
    public static float gelu(float x) {
        return (float) (x * normalCdf(x));
    }

    /** scale * (x if x &gt; 0, else alpha * (e^x - 1)) with the standard SELU constants. */
    public static float selu(float x) {
        return (float) (SELU_SCALE * (x > 0f ? x : SELU_ALPHA * StrictMath.expm1(x)));
    }

    /** x * min(max(x + 3, 0), 6) / 6. */
    public static float hardSwish(float x) {
        return x * Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
    }

    /** max(0, x) + min(0, alpha * (e^(x / alpha) - 1)). */
    public static float celu(float x, float alpha) {
        double negative = Math.min(0.0, alpha * StrictMath.expm1((double) x / alpha));
        return (float) (Math.max(0.0, x) + negative);
    }

    /**
     * GELU's tanh form, x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))), computed as
     * {@code x / (1 + e^(-2u))} (the same function: (1 + tanh u) / 2 is the logistic of 2u), which
     * does not cancel for negative x.
     */
    public static float geluTanh(float x) {
        double d = x;
        double u = SQRT_2_OVER_PI * (d + 0.044715 * d * d * d);
        return (float) (d / (1 + StrictMath.exp(-2 * u)));
    }

    /** ln(1 + e^(beta x)) / beta (beta non-zero); for beta 1 the same bits as {@link #softplus}. */
    public static float softplusBeta(float x, float beta) {
        double z = (double) beta * x;
        double s = z > 0 ? z + StrictMath.log1p(StrictMath.exp(-z)) : StrictMath.log1p(StrictMath.exp(z));
        return (float) (s / beta);
    }

    /** 0 if |x| &lt;= lambda, else x. */
    public static float hardShrink(float x, float lambda) {
        return Math.abs(x) <= lambda ? 0f : x;
    }

    /** 0 if |x| &lt;= lambda, else x - sign(x) * lambda. */
    public static float softShrink(float x, float lambda) {
        return shrink(x, lambda, lambda);
    }

    /** 0 if |x| &lt;= lambda, else x - sign(x) * bias (for lambda &gt;= 0: x - bias above lambda, x + bias below -lambda). */
    public static float shrink(float x, float lambda, float bias) {
        return Math.abs(x) <= lambda ? 0f : x - Math.signum(x) * bias;
    }

    /** x - tanh(x), in double with the exact tanh (the fast {@link #tanh} would dominate this small difference). */
    public static float tanhShrink(float x) {
        return (float) (x - StrictMath.tanh(x));
    }

    /** min(max(x, min), max), as ONNX Clip orders them. */
    public static float clip(float x, float min, float max) {
        return Math.min(Math.max(x, min), max);
    }

    /** x * sigmoid(x), as x / (1 + e^-x) in double (no cancellation for negative x). */
    public static float silu(float x) {
        return (float) (x / (1 + StrictMath.exp(-(double) x)));
    }

    /** {@code x > limit ? limit : (x < -limit ? -limit : x)}: the clip of gate pre-activations and cells. */
    public static float clamp(float x, float limit) {
        return x > limit ? limit : (x < -limit ? -limit : x);
    }

    /**
     * Phi(x) = (1 + erf(x / sqrt 2)) / 2 in double: the Maclaurin series of erf for |z| &lt; 4 (terms
     * shrink below 1e-17 of the sum; cancellation costs at most 1e-11), the asymptotic series of erfc
     * beyond (relative error below 1e-6 on a value below 2e-8).
     */
    static double normalCdf(float x) {
        double z = x / 1.4142135623730951;
        double az = Math.abs(z);
        if (az < 4.0) {
            double z2 = z * z;
            double term = z;
            double sum = z;
            for (int n = 1; n < 200; n++) {
                term *= -z2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return 0.5 + sum / 1.7724538509055160;
        }
        double inv = 1.0 / (2.0 * az * az);
        double series = 1.0;
        double term = 1.0;
        for (int n = 1; n <= 8; n++) {
            term *= -(2 * n - 1) * inv;
            series += term;
        }
        double erfc = StrictMath.exp(-az * az) / (az * 1.7724538509055160) * series;
        return z > 0 ? 1.0 - erfc / 2 : erfc / 2;
    }
}

package io.github.lstmc.compiler.interpret;

import io.github.lstmc.compiler.model.Activation;

/**
 * The reference definition of every {@link Activation.Kind}, written from the formulas for
 * clarity, not speed.
 *
 * <p><b>Precision.</b> The argument is a float32 (what a framework holds between operations); the
 * function is evaluated in double and rounded once to float32. The result is therefore the
 * correctly rounded value, or within one float32 ulp of it, for every kind: a faster
 * implementation (generated code, PyTorch, ONNX Runtime) that differs by more than a few ulps is
 * wrong, not this one. Functions with a cancellation hazard use the stable form: ELU, SELU and
 * CELU use {@code expm1}, Softplus uses {@code max(x, 0) + log1p(e^-|x|)}, GELU uses
 * {@code erfc} so that its far negative tail keeps full relative precision, GELU's tanh form uses
 * the logistic where {@code 1 + tanh} would cancel, and Tanhshrink its series near 0.
 */
public final class ReferenceActivations {

    /** SELU's scale (lambda), to double precision (Klambauer et al. 2017; PyTorch and Burn use the same). */
    static final double SELU_SCALE = 1.0507009873554804934193349852946;
    /** SELU's alpha, to double precision. */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;

    private static final double SQRT_HALF = 0.70710678118654752440084436210485;
    private static final double SQRT_2_OVER_PI = 0.79788456080286535587989211986876;
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955125738961589031215;
    private static final double ONE_OVER_SQRT_PI = 0.56418958354775628694807945156077;

    /**
     * Below this, erfc uses 1 - erf(series) (erfc &gt; 0.157 there, so the subtraction loses under
     * a bit); at and above it, the continued fraction, which needs no subtraction.
     */
    private static final double SERIES_LIMIT = 1.0;
    /**
     * Depth of the continued fraction, evaluated backwards. At x = 1 about 200 terms reach double
     * precision (fewer for larger x); twice that leaves a margin.
     */
    private static final int FRACTION_TERMS = 400;

    private ReferenceActivations() {
    }

    /** {@code a(x)}, evaluated in double and rounded to float32. */
    public static float apply(Activation a, float x) {
        return (float) applyExact(a, x);
    }

    /** {@code a(x)} in double precision, before the final rounding to float32. */
    public static double applyExact(Activation a, float x) {
        double v = x;
        double alpha = a.alpha();
        double beta = a.beta();
        return switch (a.kind()) {
            case SIGMOID -> sigmoid(v);
            case TANH -> Math.tanh(v);
            case RELU -> v > 0 ? v : 0.0;
            case AFFINE -> alpha * v + beta;
            case LEAKY_RELU -> v >= 0 ? v : alpha * v;
            case THRESHOLDED_RELU -> v > alpha ? v : 0.0;
            case SCALED_TANH -> alpha * Math.tanh(beta * v);
            case HARD_SIGMOID -> Math.max(0.0, Math.min(1.0, alpha * v + beta));
            case ELU -> v >= 0 ? v : alpha * Math.expm1(v);
            case SOFTSIGN -> v / (1 + Math.abs(v));
            case SOFTPLUS -> softplus(v);
            case IDENTITY -> v;
            // x * Phi(x) = x/2 * (1 + erf(x/sqrt2)) = x/2 * erfc(-x/sqrt2); erfc has no cancellation for x << 0.
            case GELU -> 0.5 * v * erfc(-v * SQRT_HALF);
            case SELU -> SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
            case HARD_SWISH -> v * Math.min(Math.max(v + 3, 0.0), 6.0) / 6;
            case CELU -> Math.max(0.0, v) + Math.min(0.0, alpha * Math.expm1(v / alpha));
            case GELU_TANH -> geluTanh(v);
            case SOFTPLUS_BETA -> softplus(alpha * v) / alpha;
            case HARD_SHRINK -> Math.abs(v) <= alpha ? 0.0 : v;
            // Burn's definition (x - sign(x) * bias outside [-lambda, lambda]); for lambda >= 0 the same
            // as PyTorch's and ONNX's x - bias above lambda, x + bias below -lambda.
            case SOFT_SHRINK -> Math.abs(v) <= alpha ? 0.0 : v - Math.signum(v) * alpha;
            case SHRINK -> Math.abs(v) <= alpha ? 0.0 : v - Math.signum(v) * beta;
            case TANH_SHRINK -> tanhShrink(v);
            case SILU -> v / (1 + Math.exp(-v));
            case CLIP -> Math.min(Math.max(v, alpha), beta);
        };
    }

    /** ln(1 + e^z) as max(z, 0) + log1p(e^-|z|): no overflow, and small values keep their precision. */
    static double softplus(double z) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /**
     * x/2 * (1 + tanh(u)), u = sqrt(2/pi) * (x + 0.044715 x^3). Where u &lt; 0, 1 + tanh(u) cancels
     * (to 0 in double below u = -19, while the value is still a normal float down to x = -13), so
     * it is evaluated there as 2 * logistic(2u), which is the same function.
     */
    static double geluTanh(double x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return u >= 0 ? 0.5 * x * (1 + Math.tanh(u)) : x * sigmoid(2 * u);
    }

    /**
     * x - tanh(x). Near 0 the difference cancels (x^3/3 from two values near x), so below 0.05 the
     * Maclaurin series x^3/3 - 2x^5/15 + 17x^7/315 - 62x^9/2835 (truncation below 1e-12 relative).
     */
    static double tanhShrink(double x) {
        if (Math.abs(x) < 0.05) {
            double x2 = x * x;
            return x * x2 * (1.0 / 3 + x2 * (-2.0 / 15 + x2 * (17.0 / 315 + x2 * (-62.0 / 2835))));
        }
        return x - Math.tanh(x);
    }

    /** The logistic function 1 / (1 + e^-x), in a form that neither overflows nor cancels. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * The error function, to about 1e-15 relative precision.
     *
     * @see #erfc(double)
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r = ax < SERIES_LIMIT ? erfSeries(ax) : 1 - erfcFraction(ax);
        return x < 0 ? -r : r;
    }

    /**
     * The complementary error function 1 - erf(x), with full relative precision in the tail (where
     * {@code 1 - erf(x)} would cancel to 0). Two classical expansions (Abramowitz and Stegun):
     * <ul>
     *   <li>|x| &lt; 1: the series 7.1.6, {@code erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1))},
     *       whose terms are all positive (no cancellation);</li>
     *   <li>x &ge; 1: the continued fraction 7.1.14,
     *       {@code erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))},
     *       evaluated backwards from a fixed depth;</li>
     *   <li>x &le; -1: {@code 2 - erfc(-x)}.</li>
     * </ul>
     * Both agree with the C library's erf/erfc to about 1e-15 (see the tests).
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= SERIES_LIMIT) {
            return erfcFraction(x);
        }
        if (x <= -SERIES_LIMIT) {
            return 2 - erfcFraction(-x);
        }
        return 1 - (x < 0 ? -erfSeries(-x) : erfSeries(x));
    }

    /** erf(x) for 0 &lt;= x &lt; 1 by the positive series. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x &gt;= 1 by the continued fraction. */
    private static double erfcFraction(double x) {
        if (x > 27.3) {
            return 0.0; // below the smallest subnormal double
        }
        double f = x;
        for (int k = FRACTION_TERMS; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }
}

package io.github.lstmc.compiler.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import org.junit.jupiter.api.Test;

/**
 * Expected values are from CPython's math module (the C library's erf, erfc, expm1, log1p), not
 * from this code; those of GELU's tanh form, Softplus with beta and Tanhshrink from mpmath at 50 digits.
 */
class ReferenceActivationsTest {

    /** {x, erf(x), erfc(x)} from CPython's math.erf / math.erfc. */
    private static final double[][] ERF_TABLE = {
        {0, 0.0, 1.0},
        {1e-10, 1.1283791670955126e-10, 0.999999999887162},
        {0.1, 0.1124629160182849, 0.8875370839817152},
        {0.5, 0.5204998778130465, 0.4795001221869535},
        {0.9999, 0.8426592780487595, 0.15734072195124052},
        {1, 0.8427007929497149, 0.15729920705028513},
        {1.0001, 0.8427422995485203, 0.1572577004514797},
        {1.5, 0.9661051464753108, 0.033894853524689274},
        {1.9999, 0.9953201979070294, 0.004679802092970608},
        {2, 0.9953222650189527, 0.004677734981047265},
        {2.0001, 0.9953243313041966, 0.0046756686958033394},
        {2.5, 0.999593047982555, 0.0004069520174449589},
        {3, 0.9999779095030014, 2.2090496998585438e-05},
        {4, 0.9999999845827421, 1.541725790028002e-08},
        {5, 0.9999999999984626, 1.5374597944280351e-12},
        {6, 1.0, 2.1519736712498916e-17},
        {8, 1.0, 1.1224297172982928e-29},
        {10, 1.0, 2.088487583762545e-45},
        {20, 1.0, 5.3958656116079005e-176},
        {26, 1.0, 5.663192408856143e-296},
        {-0.5, -0.5204998778130465, 1.5204998778130465},
        {-2.5, -0.999593047982555, 1.999593047982555},
        {-6, -1.0, 2.0},
    };

    @Test
    void erfAndErfcMatchTheCLibraryToDoublePrecision() {
        for (double[] row : ERF_TABLE) {
            double x = row[0];
            assertEquals(row[1], ReferenceActivations.erf(x), 2e-15 * Math.abs(row[1]) + 1e-300, "erf(" + x + ")");
            assertEquals(row[2], ReferenceActivations.erfc(x), 2e-15 * Math.abs(row[2]), "erfc(" + x + ")");
        }
    }

    @Test
    void erfcIsContinuousAcrossTheExpansionSwitch() {
        double below = ReferenceActivations.erfc(Math.nextDown(1.0));
        double at = ReferenceActivations.erfc(1.0);
        assertEquals(at, below, 2e-15 * at);
    }

    @Test
    void parameterlessKinds() {
        check(Kind.SIGMOID, 0f, 0.5);
        check(Kind.SIGMOID, 0.3f, 0.574442516811659);
        check(Kind.SIGMOID, -40f, 4.248354255291589e-18);
        check(Kind.TANH, 0.5f, Math.tanh(0.5));
        check(Kind.RELU, -2f, 0);
        check(Kind.RELU, 2.5f, 2.5);
        check(Kind.SOFTSIGN, -3f, -0.75);
        check(Kind.SOFTPLUS, 2f, 2.1269280110429727);
        check(Kind.SOFTPLUS, -30f, 9.357622968839737e-14);
        check(Kind.SOFTPLUS, 100f, 100);
        check(Kind.IDENTITY, -7.25f, -7.25);
        check(Kind.GELU, 1f, 0.8413447460685429);
        check(Kind.GELU, -1f, -0.15865525393145707);
        check(Kind.GELU, -3f, -0.004049694094890287);
        check(Kind.GELU, -10f, -7.619853024160593e-23);
        check(Kind.GELU, 3f, 2.99595030590511);
        check(Kind.SELU, 1f, 1.0507009873554805);
        check(Kind.SELU, -1f, -1.1113307378125625);
        check(Kind.HARD_SWISH, 1f, 4.0 / 6);
        check(Kind.HARD_SWISH, -4f, 0);
        check(Kind.HARD_SWISH, 4f, 4);
        check(Kind.HARD_SWISH, -1.5f, -1.5 * 1.5 / 6);
        check(Kind.SILU, 1f, 0.7310585786300049);
        check(Kind.SILU, -2f, -0.2384058440442351);
        check(Kind.SILU, 0f, 0);
        check(Activation.of(Kind.CLIP, 0f, 6f), 7.5f, 6);
        check(Activation.of(Kind.CLIP, 0f, 6f), -2f, 0);
        check(Activation.of(Kind.CLIP, -1f, 1f), 0.25f, 0.25);
        check(Kind.GELU_TANH, 0f, 0);
        check(Kind.GELU_TANH, 1f, 0.8411919906082767);
        check(Kind.GELU_TANH, -1f, -0.1588080093917233);
        check(Kind.GELU_TANH, 0.5f, 0.34571400982514394);
        check(Kind.GELU_TANH, 3f, 2.996362607918227);
        check(Kind.GELU_TANH, -3f, -0.003637392081773019);
        check(Kind.GELU_TANH, -10f, -1.2040923482098107e-37); // 1 + tanh would cancel to 0 here
        check(Kind.TANH_SHRINK, 0.001f, 3.333332474974759e-10); // the series
        check(Kind.TANH_SHRINK, 0.04f, 2.1319687407442542e-05);
        check(Kind.TANH_SHRINK, 0.2f, 0.002624679891196959);
        check(Kind.TANH_SHRINK, -2f, -1.035972419924183);
        check(Kind.TANH_SHRINK, 10f, 9.000000004122308);
    }

    @Test
    void softplusWithBeta() {
        check(Activation.of(Kind.SOFTPLUS_BETA, 2f), 1f, 1.0634640055214863);
        check(Activation.of(Kind.SOFTPLUS_BETA, 2f), 0f, 0.34657359027997264);
        check(Activation.of(Kind.SOFTPLUS_BETA, 0.5f), -3f, 0.4028265559655048);
        check(Activation.of(Kind.SOFTPLUS_BETA, 2f), 30f, 30);
        check(Activation.of(Kind.SOFTPLUS_BETA, 2f), -40f, 9.024256939227076e-36);
        check(Activation.of(Kind.SOFTPLUS_BETA, -0.5f), 1f, -0.9481539683602134);
        for (float x : new float[] {-30f, -1f, 0f, 0.5f, 7f, 100f}) {
            assertEquals(ReferenceActivations.apply(Activation.of(Kind.SOFTPLUS), x),
                    ReferenceActivations.apply(Activation.of(Kind.SOFTPLUS_BETA, 1f), x), "beta 1 at " + x);
        }
    }

    /** Burn's module tests (burn-nn activation/hard_shrink.rs, soft_shrink.rs, shrink.rs) and the edges at lambda. */
    @Test
    void shrinkKinds() {
        Activation hard = Activation.of(Kind.HARD_SHRINK, 0.5f);
        float[] in = {0.5f, -0.5f, -1f, 8f, 0.3f, 0f};
        double[] hardOut = {0, 0, -1, 8, 0, 0};
        double[] softOut = {0, 0, -0.5, 7.5, 0, 0};
        for (int i = 0; i < in.length; i++) {
            check(hard, in[i], hardOut[i]);
            check(Activation.of(Kind.SOFT_SHRINK, 0.5f), in[i], softOut[i]);
            check(Activation.of(Kind.SHRINK, 0.5f, 0.5f), in[i], softOut[i]);
        }
        check(Activation.of(Kind.HARD_SHRINK, 0.2f), -0.3f, -0.3f);
        check(Activation.of(Kind.HARD_SHRINK, 0.2f), 0.1f, 0);
        check(Activation.of(Kind.SOFT_SHRINK, 0.25f), 0.75f, 0.5);
        check(Activation.of(Kind.SOFT_SHRINK, 0.25f), -0.5f, -0.25);
        check(Activation.of(Kind.SHRINK, 0.25f, 0.125f), -0.5f, -0.375);
        check(Activation.of(Kind.SHRINK, 0.25f, 0.125f), 0.75f, 0.625);
        check(Activation.of(Kind.SHRINK, 0.25f, 0.125f), 0.25f, 0); // |x| <= lambda is 0
        check(Activation.of(Kind.SHRINK, 0.25f, 0.125f), Math.nextUp(0.25f), Math.nextUp(0.25f) - 0.125);
    }

    @Test
    void parameterisedKinds() {
        check(Activation.of(Kind.AFFINE, 2f, -0.5f), 1.25f, 2.0);
        check(Activation.of(Kind.LEAKY_RELU, 0.25f), -2f, -0.5);
        check(Activation.of(Kind.LEAKY_RELU, 0.25f), 2f, 2);
        check(Activation.of(Kind.THRESHOLDED_RELU, 0.5f), 0.5f, 0); // strictly greater than alpha
        check(Activation.of(Kind.THRESHOLDED_RELU, 0.5f), 0.75f, 0.75);
        check(Activation.of(Kind.SCALED_TANH, 1.5f, 0.5f), 0.75f, 1.5 * Math.tanh(0.375));
        check(Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f), 1f, 0.7);
        check(Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f), 5f, 1);
        check(Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f), -5f, 0);
        check(Activation.of(Kind.ELU, 0.5f), -1f, -0.31606027941427883);
        check(Activation.of(Kind.ELU, 0.5f), 3f, 3);
        check(Activation.of(Kind.CELU, 2f), -1f, -0.7869386805747332);
        check(Activation.of(Kind.CELU, 2f), 1.5f, 1.5);
    }

    private static void check(Kind kind, float x, double expected) {
        check(Activation.of(kind), x, expected);
    }

    /** The float result must be the float nearest the exact value (or its neighbour, for ties in double). */
    private static void check(Activation a, float x, double expected) {
        float actual = ReferenceActivations.apply(a, x);
        float nearest = (float) expected;
        assertEquals(nearest, actual, Math.ulp(nearest), a + " at " + x);
    }
}

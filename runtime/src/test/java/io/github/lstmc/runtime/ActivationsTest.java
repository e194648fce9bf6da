package io.github.lstmc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ActivationsTest {

    /** Every float step of 2^-14 over [-20, 20] (655,361 points), against the exact function in double. */
    @Test
    void tanhIsWithinItsDocumentedBound() {
        double worst = 0;
        for (int i = -20 * 16384; i <= 20 * 16384; i++) {
            float x = i / 16384f;
            worst = Math.max(worst, Math.abs(Activations.tanh(x) - Math.tanh(x)));
        }
        assertTrue(worst <= 3.5e-7, "max |tanh error| " + worst);
    }

    @Test
    void sigmoidIsWithinItsDocumentedBound() {
        double worst = 0;
        for (int i = -40 * 8192; i <= 40 * 8192; i++) {
            float x = i / 8192f;
            worst = Math.max(worst, Math.abs(Activations.sigmoid(x) - 1 / (1 + Math.exp(-(double) x))));
        }
        assertTrue(worst <= 2e-7, "max |sigmoid error| " + worst);
    }

    @Test
    void tanhIsOddBoundedAndKeepsNaN() {
        for (float x : new float[] {0f, 1e-30f, 0.3f, 2f, 7.9f, 8f, 100f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
            assertEquals(-Activations.tanh(x), Activations.tanh(-x), "odd at " + x);
            assertTrue(Math.abs(Activations.tanh(x)) <= 1f, "bounded at " + x);
        }
        assertEquals(0f, Activations.tanh(0f));
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)));
        assertTrue(Float.isNaN(Activations.sigmoid(Float.NaN)));
        assertEquals(0.5f, Activations.sigmoid(0f));
    }

    @Test
    void normalCdfMatchesTabulatedValues() {
        double[][] table = {{0, 0.5}, {1, 0.8413447460685429}, {-1, 0.15865525393145707}, {2, 0.9772498680518208},
                {-3, 0.0013498980316301}, {5, 0.9999997133484281}, {-5.5, 1.8989562465887e-08}, {-6, 9.865876450377e-10},
                {6, 0.9999999990134124}};
        for (double[] row : table) {
            double got = Activations.normalCdf((float) row[0]);
            assertEquals(row[1], got, 1e-9 + 1e-6 * row[1], "Phi(" + row[0] + ")");
        }
    }

    @Test
    void otherActivationsFollowTheirFormulas() {
        float[] xs = {-30f, -5f, -1.5f, -0.25f, -0f, 0f, 0.1f, 0.7f, 3f, 40f};
        for (float x : xs) {
            double d = x;
            near(Math.max(0, d), Activations.relu(x), x, "relu");
            near(0.5 * d + 0.25, Activations.affine(x, 0.5f, 0.25f), x, "affine");
            near(d >= 0 ? d : 0.01f * d, Activations.leakyRelu(x, 0.01f), x, "leakyRelu");
            near(d > 0.5 ? d : 0, Activations.thresholdedRelu(x, 0.5f), x, "thresholdedRelu");
            near(1.5 * Math.tanh(0.5f * d), Activations.scaledTanh(x, 1.5f, 0.5f), x, "scaledTanh");
            near(Math.max(0, Math.min(1, 0.2f * d + 0.5)), Activations.hardSigmoid(x, 0.2f, 0.5f), x, "hardSigmoid");
            near(d >= 0 ? d : 0.8f * (Math.exp(d) - 1), Activations.elu(x, 0.8f), x, "elu");
            near(d / (1 + Math.abs(d)), Activations.softsign(x), x, "softsign");
            near(Math.log(1 + Math.exp(d)), Activations.softplus(x), x, "softplus");
            near(1.0507009873554805 * (d > 0 ? d : 1.6732632423543772 * (Math.exp(d) - 1)), Activations.selu(x), x,
                    "selu");
            near(d * Math.min(Math.max(d + 3, 0), 6) / 6, Activations.hardSwish(x), x, "hardSwish");
            near(Math.max(0, d) + Math.min(0, 0.7f * (Math.exp(d / 0.7f) - 1)), Activations.celu(x, 0.7f), x, "celu");
            double u = Math.sqrt(2 / Math.PI) * (d + 0.044715 * d * d * d);
            near(0.5 * d * (1 + Math.tanh(u)), Activations.geluTanh(x), x, "geluTanh");
            near(Math.log1p(Math.exp(2.0 * d)) / 2, Activations.softplusBeta(x, 2f), x, "softplusBeta");
            near(Math.abs(d) <= 0.5 ? 0 : d, Activations.hardShrink(x, 0.5f), x, "hardShrink");
            near(d > 0.5 ? d - 0.5 : d < -0.5 ? d + 0.5 : 0, Activations.softShrink(x, 0.5f), x, "softShrink");
            near(d > 0.5 ? d - 0.25 : d < -0.5 ? d + 0.25 : 0, Activations.shrink(x, 0.5f, 0.25f), x, "shrink");
            near(d - Math.tanh(d), Activations.tanhShrink(x), x, "tanhShrink");
        }
        near(-1.2040923482098107e-37, Activations.geluTanh(-10f), -10f, "geluTanh");
        assertEquals(-0f, Activations.geluTanh(-1e20f));
        assertEquals(60f, Activations.softplusBeta(60f, 2f)); // no overflow where beta * x is large
        assertEquals(0f, Activations.hardShrink(-0.5f, 0.5f)); // |x| <= lambda gives 0
        assertEquals(Math.nextUp(0.5f), Activations.hardShrink(Math.nextUp(0.5f), 0.5f));
        assertTrue(Float.isNaN(Activations.shrink(Float.NaN, 0.5f, 0.5f)));
        near(0.8413447460685429, Activations.gelu(1f), 1f, "gelu");
        near(-0.15865525393145707, Activations.gelu(-1f), -1f, "gelu");
        near(3 * 0.9986501019683699, Activations.gelu(3f), 3f, "gelu");
        near(40, Activations.gelu(40f), 40f, "gelu");
        near(0, Activations.gelu(-40f), -40f, "gelu");
    }

    @Test
    void clampLimitsBothSidesAndKeepsNaN() {
        assertEquals(2f, Activations.clamp(3f, 2f));
        assertEquals(-2f, Activations.clamp(-3f, 2f));
        assertEquals(1.5f, Activations.clamp(1.5f, 2f));
        assertTrue(Float.isNaN(Activations.clamp(Float.NaN, 2f)));
    }

    private static void near(double want, float got, float x, String what) {
        assertEquals(want, got, 1e-6 * Math.max(1, Math.abs(want)), what + "(" + x + ")");
    }
}

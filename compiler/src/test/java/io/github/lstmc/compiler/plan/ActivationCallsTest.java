package io.github.lstmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.interpret.ReferenceActivations;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.runtime.Activations;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every activation as generated code calls it: the planner's {@link ActivationCall} for the
 * activation, invoked on the runtime's {@link Activations}, against {@link ReferenceActivations}
 * over a grid of inputs. The runtime must be within 1e-6 absolute or 4 float ulps of the reference
 * (its fast tanh and sigmoid are within 3.5e-7; the others are computed in double).
 */
class ActivationCallsTest {

    /** Each kind with its parameters: typical values, and the edges Burn and PyTorch accept. */
    private static List<Activation> cases() {
        List<Activation> all = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            switch (kind.parameterCount()) {
                case 0 -> all.add(Activation.of(kind));
                case 1 -> {
                    for (float p : kind == Kind.SOFTPLUS_BETA ? new float[] {1f, 2f, 0.5f, 10f, -0.75f}
                            : new float[] {0.5f, 1f, 0.25f, 2f}) {
                        all.add(Activation.of(kind, p));
                    }
                    if (kind == Kind.HARD_SHRINK || kind == Kind.SOFT_SHRINK) {
                        all.add(Activation.of(kind, 0f));
                        all.add(Activation.of(kind, -0.5f)); // Burn: |x| <= lambda never holds
                    }
                }
                default -> {
                    all.add(Activation.of(kind, 0.5f, 0.25f));
                    all.add(Activation.of(kind, 1.5f, -0.5f));
                }
            }
        }
        return all;
    }

    /** Steps of 1/64 over [-20, 20], small and large magnitudes, zeros, and both sides of each parameter. */
    private static float[] inputs(Activation a) {
        List<Float> xs = new ArrayList<>();
        for (int i = -20 * 64; i <= 20 * 64; i++) {
            xs.add(i / 64f);
        }
        for (float x : new float[] {-0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 1e-3f, -1e-3f, 0.049f, 30f, -30f, 45f, -45f,
                88f, -88f, 100f, -100f, 1e4f, -1e4f}) {
            xs.add(x);
        }
        for (float p : new float[] {a.alpha(), a.beta()}) {
            for (float x : new float[] {p, -p, Math.nextUp(p), Math.nextDown(p), -Math.nextUp(p), -Math.nextDown(p)}) {
                xs.add(x);
            }
        }
        float[] out = new float[xs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = xs.get(i);
        }
        return out;
    }

    @Test
    void runtimeMatchesTheReferenceForEveryKind() throws Exception {
        Set<Kind> covered = EnumSet.noneOf(Kind.class);
        for (Activation a : cases()) {
            ActivationCall call = Planner.call(a);
            double worst = 0;
            for (float x : inputs(a)) {
                float got = invoke(call, x);
                float want = ReferenceActivations.apply(a, x);
                if (Float.isNaN(want) || Float.isInfinite(want)) {
                    assertEquals(want, got, a + " at " + x);
                    continue;
                }
                double error = Math.abs((double) got - want);
                assertTrue(error <= 1e-6 || error <= 4 * Math.ulp(want),
                        a + " at " + x + ": runtime " + got + ", reference " + want);
                worst = Math.max(worst, error / Math.max(1, Math.abs(want)));
            }
            assertTrue(worst <= 1e-6, a + ": worst error " + worst);
            covered.add(a.kind());
        }
        assertEquals(EnumSet.allOf(Kind.class), covered);
    }

    @Test
    void newKindsCallTheirRuntimeMethods() {
        assertEquals(new ActivationCall("geluTanh", List.of()), Planner.call(Activation.of(Kind.GELU_TANH)));
        assertEquals(new ActivationCall("softplusBeta", List.of(2f)), Planner.call(Activation.of(Kind.SOFTPLUS_BETA, 2f)));
        assertEquals(new ActivationCall("hardShrink", List.of(0.5f)), Planner.call(Activation.of(Kind.HARD_SHRINK, 0.5f)));
        assertEquals(new ActivationCall("softShrink", List.of(0.5f)), Planner.call(Activation.of(Kind.SOFT_SHRINK, 0.5f)));
        assertEquals(new ActivationCall("shrink", List.of(0.5f, 0.25f)),
                Planner.call(Activation.of(Kind.SHRINK, 0.5f, 0.25f)));
        assertEquals(new ActivationCall("tanhShrink", List.of()), Planner.call(Activation.of(Kind.TANH_SHRINK)));
        assertEquals(new ActivationCall("silu", List.of()), Planner.call(Activation.of(Kind.SILU)));
        assertEquals(new ActivationCall("clip", List.of(0f, 6f)), Planner.call(Activation.of(Kind.CLIP, 0f, 6f)));
    }

    /** Beta 1 is SOFTPLUS under another name: both give the same bits, so the choice of kind cannot matter. */
    @Test
    void softplusWithBetaOneIsSoftplusBitForBit() {
        for (int i = -30 * 256; i <= 30 * 256; i++) {
            float x = i / 256f;
            assertEquals(Float.floatToRawIntBits(Activations.softplus(x)),
                    Float.floatToRawIntBits(Activations.softplusBeta(x, 1f)), "at " + x);
        }
        assertEquals(Activation.of(Kind.SOFTPLUS), Activation.softplus(1f));
        assertEquals(Activation.of(Kind.SOFTPLUS_BETA, 2f), Activation.softplus(2f));
    }

    @Test
    void namesReadLikeTheFrameworks() {
        assertEquals("GeluTanh", Activation.of(Kind.GELU_TANH).toString());
        assertEquals("Softplus(beta=2.0)", Activation.of(Kind.SOFTPLUS_BETA, 2f).toString());
        assertEquals("HardShrink(lambda=0.5)", Activation.of(Kind.HARD_SHRINK, 0.5f).toString());
        assertEquals("SoftShrink(lambda=0.5)", Activation.of(Kind.SOFT_SHRINK, 0.5f).toString());
        assertEquals("Shrink(lambda=0.5, bias=0.25)", Activation.of(Kind.SHRINK, 0.5f, 0.25f).toString());
        assertEquals("TanhShrink", Activation.of(Kind.TANH_SHRINK).toString());
        assertEquals("SiLU", Activation.of(Kind.SILU).toString());
        assertEquals("LeakyRelu(alpha=0.01)", Activation.of(Kind.LEAKY_RELU, 0.01f).toString());
    }

    private static float invoke(ActivationCall call, float x) throws Exception {
        if (call.isIdentity()) {
            return x;
        }
        Class<?>[] types = new Class<?>[1 + call.arguments().size()];
        Object[] args = new Object[types.length];
        types[0] = float.class;
        args[0] = x;
        for (int i = 0; i < call.arguments().size(); i++) {
            types[i + 1] = float.class;
            args[i + 1] = call.arguments().get(i);
        }
        Method m = Activations.class.getMethod(call.method(), types);
        return (float) m.invoke(null, args);
    }
}

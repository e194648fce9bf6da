package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.testing.Jit;
import io.github.lstmc.runtime.Activations;
import io.github.lstmc.runtime.Layout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API forms of the activations and clips in a vectorized {@link CellUpdate} give the
 * bits of the runtime's scalar {@link Activations}, lane by lane, on the inputs where a vector form
 * could plausibly differ: NaN, +-0, +-infinity, the tanh clamp and its neighbours, the clip limits
 * and their neighbours, subnormals, the largest floats, and random bit patterns. It calls the
 * generated cell method itself (both back ends) with a crafted {@code z}, so it checks exactly the
 * code the models run; the oracle is the runtime, never the code under test.
 *
 * <p>H = 19: two whole vectors and a 3-element scalar remainder per pass (the merged gate pass over
 * 3H = 57 has 7 vectors and 1 remainder element); every position is compared. Each kernel is checked
 * on its first calls (interpreter and C1, where the Vector API runs its Java fallback), then once C2
 * has compiled it (its Vector API intrinsics are what could deviate from the specified lanewise
 * semantics), then once more. A warm-up runs until the kernel stops allocating, the sign that C2's
 * code runs (the fallback boxes every vector), however many calls that takes on a busy machine;
 * without C2 the test is skipped rather than passed with the fallback checked three times.
 */
class VectorCellBitsTest {
    private static final String PACKAGE = "lstmc.vbits";
    private static final int H = 19;
    /** Check rounds; between two, every kernel runs until C2's code runs it. */
    private static final int ROUNDS = 3;
    /** Calls per warm-up batch; a batch allocating less than {@link #COMPILED_BYTES} ends the warm-up. */
    private static final int WARM_UP = 1000;
    private static final long COMPILED_BYTES = 512;
    /** For all warm-ups of the test together: C2 takes seconds even on a busy machine. */
    private static final Duration WARM_UP_BOUND = Duration.ofMinutes(3);

    /** One activation to check: its IR form and the runtime function as oracle. */
    private record Case(String name, Activation activation, Oracle oracle) {
    }

    @FunctionalInterface
    private interface Oracle {
        float apply(float x);
    }

    private static final List<Case> CASES = List.of(
            new Case("identity", Activation.of(Activation.Kind.IDENTITY), x -> x),
            new Case("sigmoid", Activation.of(Activation.Kind.SIGMOID), Activations::sigmoid),
            new Case("tanh", Activation.of(Activation.Kind.TANH), Activations::tanh),
            new Case("affine", Activation.of(Activation.Kind.AFFINE, 0.7f, -0.3f),
                    x -> Activations.affine(x, 0.7f, -0.3f)),
            new Case("scaledTanh", Activation.of(Activation.Kind.SCALED_TANH, 1.3f, 0.6f),
                    x -> Activations.scaledTanh(x, 1.3f, 0.6f)),
            new Case("hardSigmoid", Activation.of(Activation.Kind.HARD_SIGMOID, 0.2f, 0.5f),
                    x -> Activations.hardSigmoid(x, 0.2f, 0.5f)),
            new Case("relu", Activation.of(Activation.Kind.RELU), Activations::relu),
            new Case("leakyRelu", Activation.of(Activation.Kind.LEAKY_RELU, 0.1f),
                    x -> Activations.leakyRelu(x, 0.1f)),
            new Case("softsign", Activation.of(Activation.Kind.SOFTSIGN), Activations::softsign));

    private static final float PRE_CLIP = 1.25f;
    private static final float CELL_CLIP = 3f;

    /** The generated cell method of one model in one back end (a method handle: reflection would allocate per call). */
    private record Kernel(String what, MethodHandle method) {
        void run(float[] z, float[] c, float[] out) {
            try {
                method.invokeExact(z, c, 0, out, 0);
            } catch (Throwable e) {
                throw new AssertionError(what + ": " + e, e);
            }
        }
    }

    @Test
    void vectorActivationsAndClipsGiveTheRuntimesScalarBits() throws Exception {
        assumeTrue(Jit.c2Available(), Jit.NO_C2);
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's allocation counter");
        long deadline = System.nanoTime() + WARM_UP_BOUND.toNanos();
        float[] inputs = inputs();
        Map<String, Model> models = new LinkedHashMap<>();
        for (Case c : CASES) {
            Activation id = Activation.of(Activation.Kind.IDENTITY);
            // gate and cell activation under test, read back from the gate blocks and the candidate block
            models.put("G_" + c.name(), model(new CellActivations(c.activation(), c.activation(), id),
                    Layer.NO_CLIP, Layer.NO_CLIP));
            // hidden activation under test: out = 1 * hidden(1 * x + -0 * 0) = hidden(x)
            models.put("H_" + c.name(), model(new CellActivations(id, id, c.activation()),
                    Layer.NO_CLIP, Layer.NO_CLIP));
        }
        Activation id = Activation.of(Activation.Kind.IDENTITY);
        models.put("Clips", model(new CellActivations(id, id, id), CELL_CLIP, PRE_CLIP));
        List<Kernel> kernels = kernels(models);
        assertEquals(2 * models.size(), kernels.size());

        // checked as first run (interpreter, C1), then once C2's code runs the kernel, then once more
        for (int round = 0; round < ROUNDS; round++) {
            int k = 0;
            for (Case c : CASES) {
                for (int backEnd = 0; backEnd < 2; backEnd++) {
                    Kernel kernel = kernels.get(k++);
                    checkGateAndCell(kernel, c, inputs);
                    warmUp(kernel, round, deadline);
                }
                for (int backEnd = 0; backEnd < 2; backEnd++) {
                    Kernel kernel = kernels.get(k++);
                    checkHidden(kernel, c, inputs);
                    warmUp(kernel, round, deadline);
                }
            }
            for (int backEnd = 0; backEnd < 2; backEnd++) {
                Kernel kernel = kernels.get(k++);
                checkClips(kernel, inputs);
                warmUp(kernel, round, deadline);
            }
        }
    }

    /**
     * Unless this was the last round, calls the kernel on ordinary values until C2's code runs it
     * (a batch of calls allocates nothing), failing once the deadline of all warm-ups has passed.
     */
    private static void warmUp(Kernel kernel, int round, long deadline) {
        if (round == ROUNDS - 1) {
            return;
        }
        float[] z = gatesForCellChecks();
        float[] c = new float[H];
        float[] out = new float[H];
        long allocated = Jit.runUntilAllocationFree(() -> {
            for (int n = 0; n < WARM_UP; n++) {
                kernel.run(z, c, out);
            }
        }, COMPILED_BYTES, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        assertTrue(allocated < COMPILED_BYTES, () -> kernel.what() + " still allocates " + allocated + " bytes per "
                + WARM_UP + " calls: C2 did not compile it within " + WARM_UP_BOUND.toSeconds() + " s of warm-ups");
    }

    /** A one-layer forward model, I = 1, H = 19, with these activations and clips (the weights do not matter). */
    private static Model model(CellActivations activations, float cellClip, float preClip) {
        Matrix w = Matrix.of(4 * H, 1, new float[4 * H]);
        Matrix r = Matrix.of(4 * H, H, new float[4 * H * H]);
        DirectionCell cell = new DirectionCell(Direction.FORWARD, w, r, null, null, null, null, activations);
        return new Model("vbits", List.of(new Layer(List.of(cell), cellClip, preClip, false)), Layout.BATCH_FIRST);
    }

    /** For each model, its cell method from the bytecode back end, then from the source back end. */
    private static List<Kernel> kernels(Map<String, Model> models) throws Exception {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Class<?>> bytecode = new LinkedHashMap<>();
        Map<String, String> methods = new LinkedHashMap<>();
        for (Map.Entry<String, Model> e : models.entrySet()) {
            Plan plan = Planner.plan(e.getValue(), PlanOptions.LOOPS_ONLY.withVectorApi(true));
            CellUpdate cell = plan.directions().get(0).cell();
            assertTrue(cell.vectorized(), e.getKey() + " should have a vectorized cell update");
            methods.put(e.getKey(), cell.method());
            String qualified = PACKAGE + "." + e.getKey();
            bytecode.put(e.getKey(), new ModelClassLoader(BytecodeEmitter.emit(plan,
                    new CompileOptions(PACKAGE, e.getKey(), Backend.BYTECODE, 17, true))).loadClass(qualified));
            sources.put(qualified, JavaSourceEmitter.render(plan, PACKAGE, e.getKey()));
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources, true);
        List<Kernel> kernels = new ArrayList<>();
        for (String name : models.keySet()) {
            kernels.add(kernel(name + " (bytecode)", bytecode.get(name), methods.get(name)));
            kernels.add(kernel(name + " (source)", compiled.load(PACKAGE + "." + name), methods.get(name)));
        }
        return kernels;
    }

    private static Kernel kernel(String what, Class<?> type, String method) throws ReflectiveOperationException {
        Method m = type.getDeclaredMethod(method, float[].class, float[].class, int.class, float[].class, int.class);
        m.setAccessible(true);
        return new Kernel(what, MethodHandles.lookup().unreflect(m).asType(
                MethodType.methodType(void.class, float[].class, float[].class, int.class, float[].class, int.class)));
    }

    /**
     * Gate blocks i, f (the merged pass over i, f, o) and the candidate block g take the inputs, in
     * order, 2H and H at a time; after the call they hold gate(x) and cell(x) (o is overwritten by the
     * hidden pass, so it is not read).
     */
    private static void checkGateAndCell(Kernel kernel, Case c, float[] inputs) {
        int at = 0;
        while (at < inputs.length) {
            float[] z = new float[5 * H];
            float[] sent = new float[5 * H];
            for (int j = 0; j < 2 * H; j++) {
                z[j] = sent[j] = inputs[(at + j) % inputs.length];
            }
            for (int j = 0; j < H; j++) {
                z[3 * H + j] = sent[3 * H + j] = inputs[(at + 2 * H + j) % inputs.length];
            }
            kernel.run(z, new float[H], new float[H]);
            for (int j = 0; j < 2 * H; j++) {
                same(kernel, "gate " + c.name(), sent[j], c.oracle().apply(sent[j]), z[j]);
            }
            for (int j = 0; j < H; j++) {
                same(kernel, "cell " + c.name(), sent[3 * H + j], c.oracle().apply(sent[3 * H + j]), z[3 * H + j]);
            }
            at += 3 * H;
        }
    }

    /**
     * Identity gates and candidate: f = 1, i = -0, g = 0, o = 1 and the previous cell x, so the new
     * cell is {@code 1 * x + -0 * 0 = x} exactly (also for +-0 and NaN) and the output {@code 1 * hidden(x)}.
     */
    private static void checkHidden(Kernel kernel, Case c, float[] inputs) {
        for (int at = 0; at < inputs.length; at += H) {
            float[] z = gatesForCellChecks();
            float[] cell = slice(inputs, at);
            float[] sent = cell.clone();
            float[] out = new float[H];
            kernel.run(z, cell, out);
            for (int j = 0; j < H; j++) {
                same(kernel, "new cell", sent[j], sent[j], cell[j]);
                same(kernel, "hidden " + c.name(), sent[j], c.oracle().apply(sent[j]), out[j]);
            }
        }
    }

    /** H consecutive inputs from {@code at}, wrapping around: a previous cell to send. */
    private static float[] slice(float[] inputs, int at) {
        float[] cell = new float[H];
        for (int j = 0; j < H; j++) {
            cell[j] = inputs[(at + j) % inputs.length];
        }
        return cell;
    }

    /** The pre-activation clip on the gate blocks, and the cell clip on the new cell (as in checkHidden). */
    private static void checkClips(Kernel kernel, float[] inputs) {
        for (int at = 0; at < inputs.length; at += 2 * H) {
            float[] z = new float[5 * H];
            float[] sent = new float[2 * H];
            for (int j = 0; j < 2 * H; j++) {
                z[j] = sent[j] = inputs[(at + j) % inputs.length];
            }
            kernel.run(z, new float[H], new float[H]);
            for (int j = 0; j < 2 * H; j++) {
                same(kernel, "pre-activation clip", sent[j], Activations.clamp(sent[j], PRE_CLIP), z[j]);
            }
        }
        for (int at = 0; at < inputs.length; at += H) {
            float[] z = gatesForCellChecks(); // the pre-activation clip (above 1) keeps 1, -0 and 0 as they are
            float[] cell = slice(inputs, at);
            float[] sent = cell.clone();
            float[] out = new float[H];
            kernel.run(z, cell, out);
            for (int j = 0; j < H; j++) {
                float expected = Activations.clamp(sent[j], CELL_CLIP);
                same(kernel, "cell clip", sent[j], expected, cell[j]);
                same(kernel, "cell clip (output)", sent[j], expected, out[j]);
            }
        }
    }

    /** z with i = -0, f = 1, o = 1 (slots 0, 1, 2) and g = 0 (slot 3). */
    private static float[] gatesForCellChecks() {
        float[] z = new float[5 * H];
        for (int j = 0; j < H; j++) {
            z[j] = -0f;
            z[H + j] = 1f;
            z[2 * H + j] = 1f;
            z[3 * H + j] = 0f;
        }
        return z;
    }

    /** Same float, NaNs compared as one value (Java does not preserve NaN payloads). */
    private static void same(Kernel kernel, String what, float input, float expected, float actual) {
        if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
            throw new AssertionError(kernel.what() + ": " + what + "(" + input + " = 0x"
                    + Integer.toHexString(Float.floatToRawIntBits(input)) + ") = " + actual + " (0x"
                    + Integer.toHexString(Float.floatToRawIntBits(actual)) + "), expected " + expected + " (0x"
                    + Integer.toHexString(Float.floatToRawIntBits(expected)) + ")");
        }
    }

    /** Special values first (so they land in vector lanes), then random floats and random bit patterns. */
    private static float[] inputs() {
        List<Float> v = new ArrayList<>();
        float clamp = Activations.TANH_CLAMP;
        for (float x : new float[] {Float.NaN, Float.intBitsToFloat(0xffc00001), 0f, Float.POSITIVE_INFINITY,
                clamp, Math.nextUp(clamp), Math.nextDown(clamp), 2 * clamp, Math.nextUp(2 * clamp),
                Math.nextDown(2 * clamp), clamp / 0.6f, PRE_CLIP, Math.nextUp(PRE_CLIP), Math.nextDown(PRE_CLIP),
                CELL_CLIP, Math.nextUp(CELL_CLIP), Math.nextDown(CELL_CLIP), Float.MIN_VALUE, Float.MIN_NORMAL,
                Math.nextDown(Float.MIN_NORMAL), 3 * Float.MIN_VALUE, Float.MAX_VALUE, 1f, 0.5f, 2.5f, 1e-20f,
                1e-40f, 1e20f}) {
            v.add(x);
            v.add(-x);
        }
        Random rnd = new Random(17);
        for (int i = 0; i < 300; i++) {
            v.add((rnd.nextFloat() - 0.5f) * 24f);
        }
        for (int i = 0; i < 200; i++) {
            v.add(Float.intBitsToFloat(rnd.nextInt()));
        }
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }
}

package io.github.lstmc.compiler.emit.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated source, compiled in memory, against the reference {@link Interpreter} on 200 random
 * models (sizes 1-64, 1-3 layers, forward/reverse/bidirectional, projection, peepholes, both clips,
 * coupled gate, every activation kind, optional biases, exact 0/±1 weights, both layouts), with
 * random batch sizes, lengths (including 0), initial states, and step() for streamable models.
 * Half the models come from {@link RandomModels}, half from {@link TestModels} (non-default
 * activations); three in eight are planned with loops only (with and without the input pre-pass)
 * and one in eight with tiny method budgets, so that looped, precomputed, unrolled and split code all run.
 *
 * <p><b>Tolerance</b>: {@code |got - want| <= 1e-5 * max(1, |want|)}. Generated code sums in
 * float32 (the interpreter in double) and uses the runtime's fast tanh/sigmoid (absolute error at
 * most 3.5e-7); over a few steps and layers with weights of magnitude 1/sqrt(H) this stays around
 * 1e-6. Unbounded activations let values grow, hence the relative part. Gate activations are kept
 * bounded and jump-free (see {@link TestModels#GATE_ACTIVATIONS}): with an unbounded gate f can
 * exceed 1 and rounding differences grow geometrically, and a jump (ThresholdedRelu) turns a
 * last-bit difference into an O(1) one; neither would be a code generation error.
 */
class DifferentialTest {
    static final double TOLERANCE = 1e-5;
    private static final int MODELS = 200;
    private static final int PER_JAVAC_RUN = 50;

    private record Case(int id, Model model, PlanOptions options) {
        String className() {
            return "diff.Model" + id;
        }
    }

    @Test
    void generatedCodeMatchesTheInterpreter() {
        Random rnd = new Random(20261129);
        List<Case> cases = new ArrayList<>();
        RandomModels.Features features = RandomModels.Features.all().without(RandomModels.Feature.ACTIVATIONS);
        for (int i = 0; i < MODELS; i++) {
            // a few large models (looped code), mostly small ones (javac time grows with the source)
            int maxSize = i % 25 == 0 ? 64 : i % 4 == 0 ? 16 : 8;
            Model model = i % 2 == 0
                    ? RandomModels.model(rnd, features.withMaxSize(maxSize))
                    : TestModels.model(rnd, TestModels.randomShape(rnd, maxSize));
            PlanOptions options = switch (i % 8) {
                case 0 -> PlanOptions.LOOPS_ONLY.withPrecomputeTile(8);     // with the input pre-pass
                case 1 -> PlanOptions.LOOPS_ONLY.withBatchGroup(1 + i / 8 % 4); // loops, rows 1..4 per weight pass
                case 4 -> PlanOptions.LOOPS_ONLY.withPrecomputeTile(3);     // tiles that do not divide B*T
                case 5 -> new PlanOptions(4096, 32768, 500);                // many small unrolled methods
                default -> PlanOptions.DEFAULT;
            };
            cases.add(new Case(i, model, options));
        }
        for (int from = 0; from < cases.size(); from += PER_JAVAC_RUN) {
            List<Case> batch = cases.subList(from, Math.min(cases.size(), from + PER_JAVAC_RUN));
            Map<String, String> sources = new LinkedHashMap<>();
            for (Case c : batch) {
                sources.put(c.className(), JavaSourceEmitter.render(Planner.plan(c.model(), c.options()), "diff",
                        "Model" + c.id()));
            }
            InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
            for (Case c : batch) {
                check(c, newInstance(compiled, c.className()), new Random(c.id()));
            }
        }
    }

    /** The input pre-pass is a schedule only: with and without it the bits are the same (InputProjection's claim). */
    @Test
    void inputPrePassComputesTheSameBits() {
        Map<String, String> sources = new LinkedHashMap<>();
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Model model = RandomModels.model(100 + i, RandomModels.Features.all().withMaxSize(12));
            models.add(model);
            sources.put("pre.Plain" + i, JavaSourceEmitter.render(Planner.plan(model, PlanOptions.LOOPS_ONLY), "pre",
                    "Plain" + i));
            sources.put("pre.Tiled" + i, JavaSourceEmitter.render(
                    Planner.plan(model, PlanOptions.LOOPS_ONLY.withPrecomputeTile(1 + i)), "pre", "Tiled" + i));
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
        for (int i = 0; i < models.size(); i++) {
            Model model = models.get(i);
            Random rnd = new Random(i);
            float[][][] x = RandomModels.input(rnd, 3, 7, model.inputSize());
            float[][][] plain = newInstance(compiled, "pre.Plain" + i).forward(x);
            float[][][] tiled = newInstance(compiled, "pre.Tiled" + i).forward(x);
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 7; t++) {
                    for (int k = 0; k < plain[b][t].length; k++) {
                        assertEquals(Float.floatToRawIntBits(plain[b][t][k]), Float.floatToRawIntBits(tiled[b][t][k]),
                                "model " + i + " b" + b + " t" + t + " k" + k);
                    }
                }
            }
        }
    }

    static LstmNetwork newInstance(InMemoryJavaCompiler.Result compiled, String name) {
        try {
            return (LstmNetwork) compiled.load(name).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void check(Case c, LstmNetwork net, Random rnd) {
        Model model = c.model();
        LstmNetwork ref = new Interpreter(model);
        String where = "model " + c.id() + " (" + model.layers().size() + " layer(s), I=" + model.inputSize()
                + ", H=" + model.layers().get(0).hiddenSize() + ", S=" + model.layers().get(0).stateSize()
                + ", " + model.directionCount() + " dir(s), " + model.layers().get(0).directions().get(0).activations()
                + ", " + c.options() + ")";
        assertEquals(model.inputSize(), net.inputSize(), where);
        assertEquals(model.outputSize(), net.outputSize(), where);
        assertEquals(model.layers().size(), net.layerCount(), where);
        assertEquals(model.directionCount(), net.directionCount(), where);
        assertEquals(model.layout(), net.layout(), where);
        assertEquals(!model.hasReverse(), net.isStreamable(), where);
        for (int l = 0; l < model.layers().size(); l++) {
            assertEquals(model.layers().get(l).hiddenSize(), net.hiddenSize(l), where);
            assertEquals(model.layers().get(l).stateSize(), net.stateSize(l), where);
        }
        int batch = 1 + rnd.nextInt(9); // up to two full groups of 4 rows and a remainder
        int steps = 1 + rnd.nextInt(5);
        float[][][] x = RandomModels.input(rnd, batch, steps, model.inputSize());
        int[] lengths = rnd.nextBoolean() ? RandomModels.lengths(rnd, batch, steps) : null;
        LstmState state = net.newState(batch);
        LstmState refState = ref.newState(batch);
        if (rnd.nextBoolean()) {
            RandomModels.fillState(rnd, state);
            copy(state, refState);
        }
        float[] flat = flatten(x, model.layout());
        float[] out = new float[batch * steps * model.outputSize()];
        java.util.Arrays.fill(out, Float.NaN);
        float[] want = new float[out.length];
        net.forward(flat, batch, steps, lengths, state, net.newWorkspace(batch, steps + rnd.nextInt(3)), out);
        ref.forward(flat, batch, steps, lengths, refState, ref.newWorkspace(batch, steps), want);
        compare(where + " forward output", want, out);
        compareStates(where + " forward", refState, state);

        if (net.isStreamable()) {
            for (int t = 0; t < steps; t++) {
                float[] in = new float[batch * model.inputSize()];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(x[b][t], 0, in, b * model.inputSize(), model.inputSize());
                }
                float[] o = new float[batch * model.outputSize()];
                float[] w = new float[o.length];
                net.step(in, state, net.newWorkspace(batch, 1), o);
                ref.step(in, refState, ref.newWorkspace(batch, 1), w);
                compare(where + " step " + t, w, o);
            }
            compareStates(where + " after steps", refState, state);
        } else {
            assertThrows(UnsupportedOperationException.class, () -> net.step(new float[batch * model.inputSize()],
                    net.newState(batch), net.newWorkspace(batch, 1), new float[batch * model.outputSize()]));
        }
    }

    private static void copy(LstmState from, LstmState to) {
        for (int k = 0; k < from.size(); k++) {
            System.arraycopy(from.hidden(k), 0, to.hidden(k), 0, from.hidden(k).length);
            System.arraycopy(from.cell(k), 0, to.cell(k), 0, from.cell(k).length);
        }
    }

    private static void compareStates(String where, LstmState want, LstmState got) {
        for (int k = 0; k < want.size(); k++) {
            compare(where + " h" + k, want.hidden(k), got.hidden(k));
            compare(where + " c" + k, want.cell(k), got.cell(k));
        }
    }

    static float[] flatten(float[][][] x, Layout layout) {
        int batch = x.length;
        int steps = x[0].length;
        int width = x[0][0].length;
        float[] flat = new float[batch * steps * width];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int pos = layout == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(x[b][t], 0, flat, pos * width, width);
            }
        }
        return flat;
    }

    static void compare(String where, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            double limit = TOLERANCE * Math.max(1, Math.abs(want[i]));
            if (!(Math.abs(want[i] - got[i]) <= limit)) {
                fail(where + ": index " + i + " expected " + want[i] + " got " + got[i]);
            }
        }
    }
}

package io.github.lstmc.compiler.emit.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated source, compiled in memory, against an independent oracle ({@link ReferenceLstm}) on
 * hundreds of random models covering every feature, with random batch sizes, lengths, initial
 * states, both layouts, and step() for streamable models.
 *
 * <p><b>Tolerance</b>: {@code |got - want| <= 1e-5 * max(1, |want|)}. Generated code sums in float32
 * (the oracle in double) and uses the runtime's fast tanh/sigmoid (absolute error at most 3.5e-7);
 * over a few steps and layers with weights of magnitude 1/sqrt(fan-in) these stay around 1e-6.
 * Unbounded activations (identity, relu) can make values grow, hence the relative part.
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
    void generatedCodeMatchesTheOracle() {
        Random rnd = new Random(20261129);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            // a few large models (looped code), mostly small ones (unrolled code; javac time grows with size)
            int maxSize = i % 25 == 0 ? 64 : i % 4 == 0 ? 16 : 8;
            Model model = TestModels.model(rnd, TestModels.randomShape(rnd, maxSize));
            PlanOptions options = switch (i % 4) {
                case 0 -> PlanOptions.LOOPS_ONLY;
                case 1 -> new PlanOptions(4096, 32768, 500);   // many small unrolled methods
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
            long t0 = System.nanoTime();
            InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
            long t1 = System.nanoTime();
            for (Case c : batch) {
                LstmNetwork network = newInstance(compiled, c.className());
                long t2 = System.nanoTime();
                check(c, network, new Random(c.id()));
                long t3 = System.nanoTime();
                if (t3 - t1 > 1e9) System.out.println("case " + c.id() + " check ms " + (t3 - t2) / 1e6);
            }
            System.out.println("javac ms " + (t1 - t0) / 1e6 + " chars " + sources.values().stream().mapToInt(String::length).sum() + " run ms " + (System.nanoTime() - t1) / 1e6);
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
        String where = "model " + c.id() + " " + model.layers().size() + " layer(s) I=" + model.inputSize()
                + " H=" + model.layers().get(0).hiddenSize() + " S=" + model.layers().get(0).stateSize()
                + " dirs=" + model.directionCount() + " " + model.layers().get(0).directions().get(0).activations()
                + " " + c.options();
        assertEquals(model.inputSize(), net.inputSize(), where);
        assertEquals(model.outputSize(), net.outputSize(), where);
        assertEquals(!model.hasReverse(), net.isStreamable(), where);
        int batch = 1 + rnd.nextInt(3);
        int steps = 1 + rnd.nextInt(5);
        float[][][] x = new float[batch][steps][model.inputSize()];
        for (float[][] row : x) {
            for (float[] v : row) {
                for (int k = 0; k < v.length; k++) {
                    v[k] = 2 * rnd.nextFloat() - 1;
                }
            }
        }
        int[] lengths = null;
        if (rnd.nextBoolean()) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = rnd.nextInt(steps + 1);
            }
        }
        LstmState state = net.newState(batch);
        int entries = state.size();
        float[][] h = new float[entries][];
        float[][] cs = new float[entries][];
        boolean initial = rnd.nextBoolean();
        for (int k = 0; k < entries; k++) {
            if (initial) {
                fill(rnd, state.hidden(k));
                fill(rnd, state.cell(k));
            }
            h[k] = state.hidden(k).clone();
            cs[k] = state.cell(k).clone();
        }
        float[][][] want = ReferenceLstm.run(model, x, lengths, h, cs);
        float[] flat = flatten(x, model.layout());
        float[] out = new float[batch * steps * model.outputSize()];
        java.util.Arrays.fill(out, Float.NaN);
        LstmWorkspace workspace = net.newWorkspace(batch, steps + rnd.nextInt(3));
        net.forward(flat, batch, steps, lengths, state, workspace, out);
        compare(where + " forward", flatten(want, model.layout()), out);
        for (int k = 0; k < entries; k++) {
            compare(where + " final h" + k, h[k], state.hidden(k));
            compare(where + " final c" + k, cs[k], state.cell(k));
        }
        if (net.isStreamable()) {
            LstmState streamed = net.newState(batch);
            for (int t = 0; t < steps; t++) {
                float[] in = new float[batch * model.inputSize()];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(x[b][t], 0, in, b * model.inputSize(), model.inputSize());
                }
                float[] o = new float[batch * model.outputSize()];
                net.step(in, streamed, net.newWorkspace(batch, 1), o);
                if (t == steps - 1 && lengths == null && !initial) {
                    float[] last = new float[batch * model.outputSize()];
                    for (int b = 0; b < batch; b++) {
                        System.arraycopy(want[b][t], 0, last, b * model.outputSize(), model.outputSize());
                    }
                    compare(where + " step", last, o);
                }
            }
        } else {
            assertThrows(UnsupportedOperationException.class, () -> net.step(new float[batch * model.inputSize()],
                    net.newState(batch), net.newWorkspace(batch, 1), new float[batch * model.outputSize()]));
        }
    }

    private static void fill(Random rnd, float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() - 0.5f;
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

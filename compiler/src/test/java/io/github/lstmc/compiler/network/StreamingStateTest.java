package io.github.lstmc.compiler.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.testing.NetworkRun;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.compiler.testing.RandomStages;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Streaming equals whole-sequence, over random unidirectional models (bare stacks with every cell
 * option, stacked, projections, peepholes; whole networks with input stages, a per-step head or a
 * streamable reduction, a constant initial state; fp32, fp16 and int8 storage): feeding a sequence
 * one {@code step} at a time, with the state written to bytes and read back into a fresh state at
 * random points, gives bit for bit the outputs and final state of one {@code forward} over the whole
 * sequence, on the interpreter and on the classes of both back ends. The model digest is the same
 * on all three engines.
 */
class StreamingStateTest {
    private static final String PACKAGE = "lstmc.streaming";
    private static final int MODELS = 30;
    private static final List<TimeReduction> STREAMABLE = List.of(TimeReduction.NONE, TimeReduction.LAST_STEP,
            TimeReduction.LAST_VALID_STEP, TimeReduction.FINAL_STATE);

    private record Case(long seed, Model model, String className, GeneratedCode bytecode) {
    }

    @Test
    void stepByStepWithStatesThroughBytesEqualsOneForwardOnEveryEngine() throws Exception {
        List<Case> cases = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Integer> coverage = new TreeMap<>();
        for (long seed = 0; seed < MODELS; seed++) {
            Random rnd = new Random(31_000 + seed);
            // every third model may stack GRU and RNN layers (states without cell arrays) with LSTM layers
            RandomModels.Features features = (seed % 3 == 2 ? RandomModels.Features.allCells()
                    : RandomModels.Features.all()).without(RandomModels.Feature.REVERSE,
                    RandomModels.Feature.BIDIRECTIONAL).withMaxSize(seed % 6 == 0 ? 40 : 10).withMaxLayers(3);
            Model model = RandomModels.model(rnd, seed % 2 == 0 ? features
                    : features.without(RandomModels.Feature.ACTIVATIONS));
            if (seed % 2 == 1) {
                model = RandomStages.around(rnd, model);
                // every streamable reduction in turn (a mean or maximum cannot be read after each step)
                model = model.withStages(model.embedding(), model.inputAffine(), STREAMABLE.get((int) (seed / 2 % 4)),
                        model.head(), model.lengthsMaskRecurrence(), model.scalarOutput());
            }
            WeightStorage storage = WeightStorage.values()[(int) (seed / 2 % 3)];
            model = Quantizer.quantize(model, storage);
            assertTrue(model.streamable(), "seed " + seed);
            coverage.merge(model.hasStages() ? "reduction " + model.reduction() : "bare stack", 1, Integer::sum);
            coverage.merge(model.layers().size() > 1 ? "stacked" : "one layer", 1, Integer::sum);
            if (!model.cellKinds().stream().allMatch(k -> k == io.github.lstmc.compiler.model.CellKind.LSTM)) {
                coverage.merge("GRU or RNN", 1, Integer::sum);
            }
            if (model.initialState() != null) {
                coverage.merge("initial state", 1, Integer::sum);
            }
            if (model.layers().stream().anyMatch(l -> l.directions().get(0).projection() != null)) {
                coverage.merge("projection", 1, Integer::sum);
            }
            if (model.layers().stream().anyMatch(l -> l.directions().get(0).peepholes() != null)) {
                coverage.merge("peepholes", 1, Integer::sum);
            }
            if (model.hasStages() && !model.head().isEmpty() && !model.reducesTime()) {
                coverage.merge("head per step", 1, Integer::sum);
            }
            PlanOptions options = (seed % 3 == 0 ? PlanOptions.LOOPS_ONLY : PlanOptions.DEFAULT).withWeights(storage);
            Plan plan = Planner.plan(model, options);
            String className = "S" + seed;
            cases.add(new Case(seed, model, className, BytecodeEmitter.emit(plan,
                    new CompileOptions(PACKAGE, className, Backend.BYTECODE, 8))));
            sources.put(PACKAGE + "." + className, JavaSourceEmitter.render(plan, PACKAGE, className));
        }
        for (String kind : List.of("bare stack", "stacked", "GRU or RNN", "initial state", "projection", "peepholes",
                "head per step", "reduction LAST_STEP", "reduction LAST_VALID_STEP",
                "reduction FINAL_STATE")) {
            assertTrue(coverage.containsKey(kind), "no " + kind + " among " + coverage);
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
        for (Case c : cases) {
            String qualified = PACKAGE + "." + c.className();
            LstmNetwork interpreter = Lstmc.compiler().interpreter(c.model());
            LstmNetwork bytecode = new ModelClassLoader(c.bytecode()).newNetwork(qualified);
            LstmNetwork source = (LstmNetwork) compiled.load(qualified).getConstructor().newInstance();
            String what = "seed " + c.seed();
            assertEquals(64, interpreter.modelDigest().length(), what);
            assertEquals(interpreter.modelDigest(), bytecode.modelDigest(), what);
            assertEquals(interpreter.modelDigest(), source.modelDigest(), what);
            Random rnd = new Random(41_000 + c.seed());
            for (LstmNetwork net : List.of(interpreter, bytecode, source)) {
                streamEqualsForward(what + " " + net.getClass().getSimpleName(), net, rnd);
            }
        }
    }

    /** One forward over T steps against T steps, bitwise, the state through bytes now and then. */
    private static void streamEqualsForward(String what, LstmNetwork net, Random rnd) {
        int batch = 1 + rnd.nextInt(3);
        int steps = 2 + rnd.nextInt(7);
        int in = net.inputSize();
        int out = net.outputSize();
        boolean batchFirst = net.layout() == Layout.BATCH_FIRST;
        float[] x = new float[batch * steps * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        LstmState initial = net.newState(batch);
        if (rnd.nextBoolean()) {
            RandomModels.fillState(rnd, initial);
        }
        LstmState whole = initial.copy();
        float[] expected = new float[batch * (net.reducesTime() ? 1 : steps) * out];
        net.forward(x, batch, steps, null, whole, net.newWorkspace(batch, steps), expected);

        LstmState state = initial.copy();
        LstmWorkspace ws = net.newWorkspace(batch, 1);
        float[] xt = new float[batch * in];
        float[] yt = new float[batch * out];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, (batchFirst ? b * steps + t : t * batch + b) * in, xt, b * in, in);
            }
            net.step(xt, state, ws, yt);
            for (int b = 0; b < batch; b++) {
                if (!net.reducesTime()) {
                    int at = (batchFirst ? b * steps + t : t * batch + b) * out;
                    NetworkRun.assertIdentical(what + " output of row " + b + " at step " + t,
                            java.util.Arrays.copyOfRange(expected, at, at + out),
                            java.util.Arrays.copyOfRange(yt, b * out, b * out + out));
                }
            }
            if (rnd.nextInt(3) == 0) {
                byte[] bytes = state.toBytes();
                state = net.newState(batch);
                RandomModels.fillState(rnd, state); // overwritten entirely by readFrom
                state.readFrom(bytes);
            }
        }
        if (net.reducesTime()) {
            NetworkRun.assertIdentical(what + " prediction after the last step", expected, yt);
        }
        NetworkRun.assertIdenticalStates(what + " final ", whole, state);
    }
}

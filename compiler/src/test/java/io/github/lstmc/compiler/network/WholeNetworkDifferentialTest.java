package io.github.lstmc.compiler.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.testing.NetworkRun;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.compiler.testing.RandomStages;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Whole networks (embedding or input transform, LSTM stack, reduction over time, head) through
 * both back ends, against the interpreter (within 1e-5, relative above magnitude 1) and bit for bit
 * between the back ends, over random networks: every reduction, every head stage, lengths that do
 * and do not mask the stack, token and float input, unrolled and looped head products, and
 * streaming {@code step}. Output buffers start as NaN, so an element left unwritten fails.
 */
class WholeNetworkDifferentialTest {
    private static final String PACKAGE = "lstmc.whole";
    private static final int NETWORKS = 60;
    private static final double TOLERANCE = 1e-5;

    private record Case(long seed, Model model, String className, GeneratedCode bytecode) {
    }

    @Test
    void randomWholeNetworksAgreeWithTheInterpreterAndBitwiseBetweenBackEnds() throws Exception {
        randomWholeNetworks(NETWORKS, 7000, RandomModels.Features.all());
    }

    /** The same over stacks of GRU, RNN and LSTM layers: the stages work around any cell. */
    @Test
    void wholeNetworksAroundGruAndRnnStacks() throws Exception {
        randomWholeNetworks(NETWORKS / 2, 17000, RandomModels.Features.allCells());
    }

    private void randomWholeNetworks(int networks, long seedBase, RandomModels.Features features) throws Exception {
        List<Case> cases = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Integer> coverage = new TreeMap<>();
        for (long seed = 0; seed < networks; seed++) {
            Random rnd = new Random(seedBase + seed);
            // the stack's own features are BackendDifferentialTest's; here its activations stay the defaults,
            // since a discontinuous gate (HardShrink, ThresholdedRelu) fed by a scaled input can turn a
            // rounding difference into a different branch
            Model stack = RandomModels.model(rnd, features.withMaxSize(seed % 5 == 0 ? 40 : 12)
                    .withMaxLayers(2).without(RandomModels.Feature.ACTIVATIONS));
            // fp32, fp16 and int8 storage: the interpreter runs the dequantized model the class stores exactly
            WeightStorage storage = WeightStorage.values()[(int) (seed / 2 % 3)];
            Model model = Quantizer.quantize(withFixedLengths(rnd, seed, RandomStages.around(rnd, stack)), storage);
            coverage.merge("reduction " + model.reduction(), 1, Integer::sum);
            coverage.merge(model.embedding() != null ? "tokens" : model.inputAffine() != null ? "affine" : "features",
                    1, Integer::sum);
            coverage.merge(model.lengthsMaskRecurrence() ? "lengths mask" : "lengths pick only", 1, Integer::sum);
            if (model.initialState() != null) {
                coverage.merge("initial state", 1, Integer::sum);
            }
            if (model.fixedLengths() != null) {
                coverage.merge("fixed lengths", 1, Integer::sum);
            }
            for (HeadLayer stage : model.head()) {
                coverage.merge("head " + stage.getClass().getSimpleName(), 1, Integer::sum);
            }
            // an embedding folded into layer 0 (fp32 only): forced every third network, else as AUTO decides;
            // every fifth also with a pre-pass tile, whose scratch the folded layer's shares
            PlanOptions options = (seed % 2 == 0 ? PlanOptions.DEFAULT : PlanOptions.LOOPS_ONLY).withWeights(storage)
                    .withFolding(seed % 3 == 0 ? EmbeddingFolding.ON : EmbeddingFolding.AUTO)
                    .withPrecomputeTile(seed % 5 == 2 ? 3 : 0);
            Plan plan = Planner.plan(model, options);
            if (plan.stages() != null && plan.stages().folded() != null) {
                coverage.merge("folded embedding", 1, Integer::sum);
            }
            String className = "W" + seedBase + "x" + seed;
            cases.add(new Case(seed, model, className, BytecodeEmitter.emit(plan,
                    new CompileOptions(PACKAGE, className, Backend.BYTECODE, seed % 3 == 0 ? 8 : 17))));
            sources.put(PACKAGE + "." + className, JavaSourceEmitter.render(plan, PACKAGE, className));
        }
        for (TimeReduction r : TimeReduction.values()) {
            assertTrue(coverage.containsKey("reduction " + r), "no " + r + " among " + coverage);
        }
        for (String kind : List.of("tokens", "affine", "features", "lengths mask", "lengths pick only", "head Dense",
                "head Elementwise", "head PRelu", "head Softmax", "initial state", "fixed lengths", "folded embedding")) {
            assertTrue(coverage.containsKey(kind), "no " + kind + " among " + coverage);
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
        for (Case c : cases) {
            String qualified = PACKAGE + "." + c.className();
            LstmNetwork bytecode = new ModelClassLoader(c.bytecode()).newNetwork(qualified);
            LstmNetwork source = (LstmNetwork) compiled.load(qualified).getConstructor().newInstance();
            compare(c, Lstmc.compiler().interpreter(c.model()), source, bytecode);
        }
    }

    /** Every fourth network where lengths act gets constant lengths (0..5 per row, 1..4 rows) compiled in. */
    private static Model withFixedLengths(Random rnd, long seed, Model model) {
        boolean read = model.reduction() == TimeReduction.LAST_VALID_STEP || model.reduction() == TimeReduction.MEAN
                || model.reduction() == TimeReduction.MAX;
        if (seed % 4 != 1 || !model.lengthsMaskRecurrence() && !read) {
            return model;
        }
        List<Integer> lengths = new ArrayList<>();
        for (int b = 1 + rnd.nextInt(4); b > 0; b--) {
            lengths.add(rnd.nextInt(6));
        }
        return model.withFixedLengths(lengths);
    }

    private static void compare(Case c, LstmNetwork reference, LstmNetwork source, LstmNetwork bytecode) {
        String what = "seed " + c.seed() + " (" + c.model().reduction() + ", head " + c.model().head().size() + ")";
        Model model = c.model();
        Random rnd = new Random(9000 + c.seed());
        for (LstmNetwork net : List.of(source, bytecode)) {
            assertEquals(reference.inputSize(), net.inputSize(), what);
            assertEquals(reference.outputSize(), net.outputSize(), what);
            assertEquals(reference.vocabularySize(), net.vocabularySize(), what);
            assertEquals(reference.reducesTime(), net.reducesTime(), what);
            assertEquals(reference.isStreamable(), net.isStreamable(), what);
        }
        List<Integer> fixed = model.fixedLengths();
        if (fixed != null) {
            refusesOtherBatchesAndLengths(what, fixed, List.of(reference, source, bytecode));
        }
        for (int call = 0; call < 2; call++) {
            int batch = fixed != null ? fixed.size() : 1 + rnd.nextInt(4);
            int longest = fixed == null ? 1 : Math.max(1, fixed.stream().mapToInt(Integer::intValue).max().orElse(1));
            int steps = longest + rnd.nextInt(7 - longest);
            // constant lengths: null takes them, the same values given are accepted
            int[] lengths = !rnd.nextBoolean() ? null : fixed != null ? fixed.stream().mapToInt(Integer::intValue)
                    .toArray() : RandomModels.lengths(rnd, batch, steps);
            LstmState initial = reference.newState(batch);
            if (rnd.nextBoolean()) {
                RandomModels.fillState(rnd, initial);
            }
            for (LstmNetwork net : List.of(source, bytecode)) {
                LstmState fresh = net.newState(batch);
                LstmState expectedFresh = reference.newState(batch);
                for (int k = 0; k < fresh.size(); k++) {
                    identical(what + " newState hidden(" + k + ")", expectedFresh.hidden(k), fresh.hidden(k));
                    assertEquals(expectedFresh.cell(k).length, fresh.cell(k).length, what + " newState cell(" + k + ")");
                    if (fresh.cell(k).length > 0) { // a GRU or RNN layer has no cell state
                        identical(what + " newState cell(" + k + ")", expectedFresh.cell(k), fresh.cell(k));
                    }
                }
            }
            int outputs = batch * (model.reducesTime() ? 1 : steps) * model.outputSize();
            if (model.vocabularySize() > 0) {
                int[] tokens = new int[batch * steps];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = rnd.nextInt(model.vocabularySize());
                }
                NetworkRun expected = run(reference, outputs, initial, (n, s, o) -> n.forwardTokens(tokens, batch, steps, lengths, s,
                        n.newWorkspace(batch, steps), o));
                NetworkRun fromBytecode = run(bytecode, outputs, initial, (n, s, o) -> n.forwardTokens(tokens, batch, steps, lengths,
                        s, n.newWorkspace(batch, steps), o));
                NetworkRun fromSource = run(source, outputs, initial, (n, s, o) -> n.forwardTokens(tokens, batch, steps, lengths, s,
                        n.newWorkspace(batch, steps), o));
                close(what + " tokens", expected, fromBytecode);
                identical(what + " tokens", fromSource, fromBytecode);
                int bad = model.vocabularySize() + rnd.nextInt(3);
                tokens[tokens.length - 1] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bytecode.forwardTokens(tokens,
                        batch, steps, null, bytecode.newState(batch), bytecode.newWorkspace(batch, steps),
                        new float[outputs]));
                assertTrue(e.getMessage().contains("token id " + bad) && e.getMessage().contains(
                        model.vocabularySize() + " ids"), e.getMessage());
            }
            float[] input = new float[batch * steps * model.inputSize()];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) rnd.nextGaussian();
            }
            NetworkRun expected = run(reference, outputs, initial, (n, s, o) -> n.forward(input, batch, steps, lengths, s,
                    n.newWorkspace(batch, steps), o));
            NetworkRun fromBytecode = run(bytecode, outputs, initial, (n, s, o) -> n.forward(input, batch, steps, lengths, s,
                    n.newWorkspace(batch, steps), o));
            NetworkRun fromSource = run(source, outputs, initial, (n, s, o) -> n.forward(input, batch, steps, lengths, s,
                    n.newWorkspace(batch, steps), o));
            close(what + " features", expected, fromBytecode);
            identical(what + " features", fromSource, fromBytecode);
        }
        if (bytecode.isStreamable()) {
            int batch = 1 + rnd.nextInt(3);
            LstmNetwork[] nets = {reference, bytecode, source};
            LstmState[] states = new LstmState[3];
            for (int n = 0; n < 3; n++) {
                states[n] = nets[n].newState(batch);
            }
            for (int s = 0; s < 3; s++) {
                float[] x = new float[batch * model.inputSize()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                NetworkRun[] runs = new NetworkRun[3];
                for (int n = 0; n < 3; n++) {
                    float[] out = new float[batch * model.outputSize()];
                    Arrays.fill(out, Float.NaN);
                    nets[n].step(x, states[n], nets[n].newWorkspace(batch, 1), out);
                    runs[n] = new NetworkRun(out, states[n]);
                }
                close(what + " step " + s, runs[0], runs[1]);
                identical(what + " step " + s, runs[2], runs[1]);
            }
        } else {
            assertTrue(model.hasReverse() || !model.reduction().streamable() || fixed != null, what);
            assertThrows(UnsupportedOperationException.class, () -> bytecode.step(new float[model.inputSize()],
                    bytecode.newState(1), bytecode.newWorkspace(1, 1), new float[model.outputSize()]));
        }
    }

    /** The same IllegalArgumentException from every engine for another batch size, other lengths, too few steps. */
    private static void refusesOtherBatchesAndLengths(String what, List<Integer> fixed, List<LstmNetwork> nets) {
        int rows = fixed.size();
        int longest = fixed.stream().mapToInt(Integer::intValue).max().orElse(0);
        int[] other = fixed.stream().mapToInt(Integer::intValue).toArray();
        other[rows - 1] = other[rows - 1] == 0 ? 1 : 0;
        String compiled = "the network was compiled with the constant sequence lengths " + fixed + ": a call has"
                + " their " + rows + " rows, at least their longest length of steps, and lengths null or equal (got ";
        List<String> expected = List.of(
                compiled + "batch " + (rows + 1) + ", sequenceLength " + Math.max(longest, 1) + ", lengths null)",
                compiled + "batch " + rows + ", sequenceLength " + Math.max(longest, 1) + ", lengths "
                        + Arrays.toString(other) + ")",
                compiled + "batch " + rows + ", sequenceLength " + (longest - 1) + ", lengths null)");
        for (LstmNetwork net : nets) {
            int steps = Math.max(longest, 1);
            int in = net.inputSize();
            int out = net.outputSize() * steps;
            List<String> messages = new ArrayList<>();
            messages.add(assertThrows(IllegalArgumentException.class, () -> net.forward(new float[(rows + 1) * steps * in],
                    rows + 1, steps, null, net.newState(rows + 1), net.newWorkspace(rows + 1, steps),
                    new float[(rows + 1) * out])).getMessage());
            messages.add(assertThrows(IllegalArgumentException.class, () -> net.forward(new float[rows * steps * in],
                    rows, steps, other, net.newState(rows), net.newWorkspace(rows, steps), new float[rows * out]))
                    .getMessage());
            if (longest > 1) {
                messages.add(assertThrows(IllegalArgumentException.class, () -> net.forward(new float[rows * steps * in],
                        rows, longest - 1, null, net.newState(rows), net.newWorkspace(rows, steps),
                        new float[rows * out])).getMessage());
            }
            assertEquals(expected.subList(0, messages.size()), messages, what);
            assertTrue(assertThrows(UnsupportedOperationException.class, () -> net.step(new float[rows * in],
                    net.newState(rows), net.newWorkspace(rows, 1), new float[rows * net.outputSize()])).getMessage()
                    .startsWith("step cannot honour constant sequence lengths"), what);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run(LstmNetwork net, LstmState state, float[] output);
    }


    private static NetworkRun run(LstmNetwork net, int outputs, LstmState initial, Call call) {
        LstmState state = net.newState(initial.batch());
        for (int k = 0; k < initial.size(); k++) {
            System.arraycopy(initial.hidden(k), 0, state.hidden(k), 0, initial.hidden(k).length);
            System.arraycopy(initial.cell(k), 0, state.cell(k), 0, initial.cell(k).length);
        }
        float[] output = new float[outputs];
        Arrays.fill(output, Float.NaN);
        call.run(net, state, output);
        return new NetworkRun(output, state);
    }

    private static void close(String what, NetworkRun expected, NetworkRun actual) {
        NetworkRun.assertClose(what, expected, actual, TOLERANCE);
    }

    private static void identical(String what, NetworkRun source, NetworkRun bytecode) {
        NetworkRun.assertIdentical(what, source, bytecode);
    }

    private static void identical(String what, float[] source, float[] bytecode) {
        NetworkRun.assertIdentical(what, source, bytecode);
    }
}

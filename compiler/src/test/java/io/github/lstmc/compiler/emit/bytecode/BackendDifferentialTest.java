package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.VectorMatVec;
import io.github.lstmc.compiler.testing.NetworkRun;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bytecode back end against the two other implementations of the same model, over random
 * models with every feature (sizes 1..64, 1..3 layers, directions, projection, peepholes, both
 * clips, coupling, every activation, layouts, special weights), random lengths, random initial
 * states, and step():
 * <ul>
 *   <li>the reference interpreter, which reads the model and not the plan: within 1e-5 (relative
 *       above magnitude 1);</li>
 *   <li>the Java source back end compiled by javac in memory from the same plan: bit for bit
 *       ({@code Float.floatToRawIntBits}) on every output and every final state value, since both
 *       back ends must execute the same float operations in the same order.</li>
 * </ul>
 * Every generated class also passes the verifier and the method-size and constant-pool checks.
 */
class BackendDifferentialTest {
    private static final String PACKAGE = "lstmc.diff";
    private static final int MODELS = 120;
    private static final double TOLERANCE = 1e-5;
    private static final int VECTOR_MODELS = 40;
    private static final int GRU_MODELS = 60;

    /** One random model, its bytecode, and its source when it is compared with the source back end. */
    private record Case(long seed, Model model, String className, GeneratedCode bytecode, String source) {
    }

    @Test
    void randomModelsAgreeWithInterpreterAndBitwiseWithTheSourceBackEnd() throws Exception {
        int[] releases = {8, 11, 17};
        List<Case> cases = new ArrayList<>();
        Map<String, Integer> coverage = new java.util.TreeMap<>();
        for (long seed = 0; seed < MODELS; seed++) {
            // every size up to 64 appears, most models stay small so that javac stays fast
            int maxSize = seed % 10 == 0 ? 64 : seed % 3 == 0 ? 24 : 8;
            // fp32, fp16 and int8 storage: the interpreter runs the dequantized model the class stores exactly
            WeightStorage storage = WeightStorage.values()[(int) (seed / 4 % 3)];
            Model model = Quantizer.quantize(
                    RandomModels.model(new Random(seed), RandomModels.Features.all().withMaxSize(maxSize)), storage);
            PlanOptions options = switch ((int) (seed % 4)) {
                case 0 -> PlanOptions.LOOPS_ONLY.withPrecomputeTile(8); // looped products with the input pre-pass
                case 1 -> new PlanOptions(4096, 32768, 500);        // many small unrolled methods
                case 2 -> seed % 8 == 2 ? PlanOptions.DEFAULT : PlanOptions.DEFAULT.withBatchGroup(1);
                // plain loops sharing weight passes between 2..4 batch rows, or odd pre-pass tiles
                default -> seed % 8 == 3 ? PlanOptions.LOOPS_ONLY.withBatchGroup(2 + (int) (seed / 8 % 3))
                        : PlanOptions.LOOPS_ONLY.withPrecomputeTile(3);
            };
            Plan plan = Planner.plan(model, options.withWeights(storage));
            for (DirectionPlan direction : plan.directions()) {
                coverage.merge(direction.inputProjection() != null ? "pre-pass"
                        : direction.batchGroup() != null ? "grouped"
                        : direction.gates() instanceof UnrolledMatVec u
                        ? (u.methodCount() > 1 ? "unrolled, split" : "unrolled") : "looped", 1, Integer::sum);
            }
            String className = "M" + seed;
            GeneratedCode bytecode = BytecodeEmitter.emit(plan, new CompileOptions(PACKAGE, className,
                    Backend.BYTECODE, releases[(int) (seed % releases.length)]));
            ClassFileChecks.checkAll(bytecode);
            String source = seed % 8 < 4 ? JavaSourceEmitter.render(plan, PACKAGE, className) : null;
            cases.add(new Case(seed, model, className, bytecode, source));
        }
        for (String kind : List.of("unrolled", "unrolled, split", "looped", "pre-pass", "grouped")) {
            assertTrue(coverage.getOrDefault(kind, 0) > 0, "no " + kind + " gate products among " + coverage);
        }
        // javac dominates the cost: half of the models (every plan-option variant among them) also
        // go through the source back end; all are compared with the interpreter
        List<Case> withSource = cases.stream().filter(c -> c.seed() % 8 < 4).toList();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Case c : withSource) {
            sources.put(PACKAGE + "." + c.className(), c.source());
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources);
        for (Case c : cases) {
            String qualified = PACKAGE + "." + c.className();
            LstmNetwork bytecode = new ModelClassLoader(c.bytecode()).newNetwork(qualified);
            LstmNetwork source = c.source() != null ? newInstance(compiled.load(qualified)) : null;
            compare(c, Lstmc.compiler().interpreter(c.model()), source, bytecode);
        }
    }

    /**
     * The opt-in Vector API tier ({@link VectorMatVec}, vectorized {@link CellUpdate}s): random models
     * with every feature, sizes up to 64 so that chunk loops, remaining blocks and scalar tails all
     * occur, and cell updates with and without peepholes, merged gate passes, clips, coupling, scalar
     * remainders and cells that stay scalar (an activation without a vector form), through both back
     * ends (bit for bit with each other) and against the interpreter (within 1e-5).
     */
    @Test
    void vectorApiTierAgreesWithInterpreterAndBitwiseBetweenBackEnds() throws Exception {
        List<Case> cases = new ArrayList<>();
        Map<String, Integer> coverage = new java.util.TreeMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (long seed = 0; seed < VECTOR_MODELS; seed++) {
            int maxSize = seed % 4 == 0 ? 64 : 24;
            WeightStorage storage = WeightStorage.values()[(int) (seed % 3)];
            Model model = Quantizer.quantize(
                    RandomModels.model(new Random(5000 + seed), RandomModels.Features.all().withMaxSize(maxSize)), storage);
            // Vector API products with batch groups, the same with the input pre-pass, and with the
            // default unroll threshold (tiny products stay unrolled)
            PlanOptions options = (seed % 3 == 0 ? PlanOptions.DEFAULT
                    : seed % 3 == 1 ? PlanOptions.LOOPS_ONLY : PlanOptions.LOOPS_ONLY.withPrecomputeTile(1))
                    .withVectorApi(true).withWeights(storage);
            Plan plan = Planner.plan(model, options);
            for (DirectionPlan direction : plan.directions()) {
                if (direction.batchGroup() != null && direction.gates() instanceof VectorMatVec) {
                    coverage.merge("grouped", 1, Integer::sum);
                }
                if (direction.inputProjection() != null && direction.gates() instanceof VectorMatVec) {
                    coverage.merge("pre-pass", 1, Integer::sum);
                }
                cellCoverage(direction.cell(), coverage);
                for (MatVec product : direction.projection() == null ? List.of(direction.gates())
                        : List.of(direction.gates(), direction.projection())) {
                    if (product instanceof VectorMatVec v) {
                        int full = v.vectorColumns();
                        coverage.merge(v.concatenates() ? "concatenated" : "single operand", 1, Integer::sum);
                        coverage.merge(full >= VectorMatVec.CHUNK ? "chunk loop" : "no chunk", 1, Integer::sum);
                        if (full % VectorMatVec.CHUNK != 0) {
                            coverage.merge("remaining block", 1, Integer::sum);
                        }
                        if (v.rows() % VectorMatVec.LANES != 0) {
                            coverage.merge("scalar tail", 1, Integer::sum);
                        }
                    }
                }
            }
            String className = "V" + seed;
            GeneratedCode bytecode = BytecodeEmitter.emit(plan, new CompileOptions(PACKAGE, className,
                    Backend.BYTECODE, 17, true));
            ClassFileChecks.checkAll(bytecode);
            String source = JavaSourceEmitter.render(plan, PACKAGE, className);
            assertTrue(source.contains("import jdk.incubator.vector.FloatVector;") == source.contains("FloatVector."),
                    "seed " + seed);
            sources.put(PACKAGE + "." + className, source);
            cases.add(new Case(seed, model, className, bytecode, source));
        }
        for (String kind : List.of("concatenated", "single operand", "chunk loop", "remaining block", "scalar tail",
                "grouped", "pre-pass", "cell: vectorized", "cell: scalar (no vector form)", "cell: peepholes", "cell: no peepholes",
                "cell: merged gate pass", "cell: pre-activation clip", "cell: cell clip", "cell: coupled",
                "cell: scalar remainder", "cell: whole vectors only", "cell: non-default activation",
                "cell: affine", "cell: scaledTanh", "cell: hardSigmoid", "cell: relu", "cell: leakyRelu",
                "cell: softsign")) {
            assertTrue(coverage.getOrDefault(kind, 0) > 0, "no " + kind + " (Vector API products, cell updates) among " + coverage);
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources, true);
        for (Case c : cases) {
            String qualified = PACKAGE + "." + c.className();
            LstmNetwork bytecode = new ModelClassLoader(c.bytecode()).newNetwork(qualified);
            compare(c, Lstmc.compiler().interpreter(c.model()), newInstance(compiled.load(qualified)), bytecode);
        }
    }

    /**
     * GRU and RNN layers ({@link RandomModels.Feature#GRU}, {@link RandomModels.Feature#RNN}): random stacks
     * mixing them with LSTM layers, both GRU reset placements, RNN tanh, ReLU and other activations, clips,
     * directions, layouts, fp32/fp16/int8 storage, unrolled, split, looped, pre-pass, grouped and Vector API
     * products, Vector API elementwise updates, through both back ends (bit for bit with each other) and against the interpreter (1e-5).
     */
    @Test
    void gruAndRnnModelsAgreeWithInterpreterAndBitwiseBetweenBackEnds() throws Exception {
        List<Case> plain = new ArrayList<>();
        List<Case> vector = new ArrayList<>();
        Map<String, Integer> coverage = new java.util.TreeMap<>();
        for (long seed = 0; seed < GRU_MODELS; seed++) {
            int maxSize = seed % 6 == 0 ? 40 : 10;
            WeightStorage storage = WeightStorage.values()[(int) (seed / 5 % 3)];
            Model model = Quantizer.quantize(RandomModels.model(new Random(7000 + seed),
                    RandomModels.Features.allCells().withMaxSize(maxSize)), storage);
            boolean vectorApi = seed % 5 == 4;
            PlanOptions options = switch ((int) (seed % 5)) {
                case 0 -> PlanOptions.LOOPS_ONLY.withPrecomputeTile(seed % 2 == 0 ? 8 : 3);
                case 1 -> new PlanOptions(4096, 32768, 500);
                case 2 -> PlanOptions.DEFAULT;
                case 3 -> PlanOptions.LOOPS_ONLY.withBatchGroup(seed % 2 == 0 ? 1 : 2 + (int) (seed / 5 % 3));
                default -> (seed % 2 == 0 ? PlanOptions.LOOPS_ONLY : PlanOptions.LOOPS_ONLY.withPrecomputeTile(1))
                        .withVectorApi(true);
            };
            Plan plan = Planner.plan(model, options.withWeights(storage));
            for (int l = 0; l < model.layers().size(); l++) {
                io.github.lstmc.compiler.model.Layer layer = model.layers().get(l);
                coverage.merge(layer.kind() + (layer.kind() == io.github.lstmc.compiler.model.CellKind.GRU
                        ? (layer.linearBeforeReset() ? " linear before reset" : " reset before linear") : ""),
                        1, Integer::sum);
                if (l > 0 && layer.kind() != model.layers().get(l - 1).kind()) {
                    coverage.merge("mixed stack", 1, Integer::sum);
                }
            }
            for (DirectionPlan direction : plan.directions()) {
                if (direction.hiddenUpdate() != null) {
                    if (direction.gates() instanceof VectorMatVec) {
                        coverage.merge("vector", 1, Integer::sum);
                    }
                    if (direction.hiddenUpdate().vectorized()) {
                        coverage.merge(direction.hiddenUpdate().hiddenSize() >= 8 ? "vectorized update, 8+ units"
                                : "vectorized update, scalar only", 1, Integer::sum);
                    }
                    coverage.merge(direction.inputProjection() != null ? "pre-pass"
                            : direction.batchGroup() != null ? "grouped"
                            : direction.gates() instanceof UnrolledMatVec u
                            ? (u.methodCount() > 1 ? "unrolled, split" : "unrolled") : "looped", 1, Integer::sum);
                }
            }
            String className = "G" + seed;
            GeneratedCode bytecode = BytecodeEmitter.emit(plan, new CompileOptions(PACKAGE, className,
                    Backend.BYTECODE, vectorApi ? 17 : 8, vectorApi));
            ClassFileChecks.checkAll(bytecode);
            Case c = new Case(seed, model, className, bytecode, JavaSourceEmitter.render(plan, PACKAGE, className));
            (vectorApi ? vector : plain).add(c);
        }
        for (String kind : List.of("GRU linear before reset", "GRU reset before linear", "RNN", "LSTM", "mixed stack",
                "unrolled", "unrolled, split", "looped", "pre-pass", "grouped", "vector",
                "vectorized update, 8+ units")) {
            assertTrue(coverage.getOrDefault(kind, 0) > 0, "no " + kind + " among " + coverage);
        }
        for (boolean vectorApi : new boolean[] {false, true}) {
            List<Case> cases = vectorApi ? vector : plain;
            Map<String, String> sources = new LinkedHashMap<>();
            for (Case c : cases) {
                sources.put(PACKAGE + "." + c.className(), c.source());
            }
            InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources, vectorApi);
            for (Case c : cases) {
                String qualified = PACKAGE + "." + c.className();
                LstmNetwork bytecode = new ModelClassLoader(c.bytecode()).newNetwork(qualified);
                LstmNetwork interpreter = Lstmc.compiler().interpreter(c.model());
                for (int l = 0; l < c.model().layers().size(); l++) {
                    assertEquals(interpreter.cellSize(l), bytecode.cellSize(l), "seed " + c.seed());
                }
                compare(c, interpreter, newInstance(compiled.load(qualified)), bytecode);
            }
        }
    }

    /** Counts the cell update shapes the Vector API tier test covers (vectorized ones by feature). */
    private static void cellCoverage(CellUpdate cell, Map<String, Integer> coverage) {
        if (!cell.vectorized()) {
            coverage.merge("cell: scalar (no vector form)", 1, Integer::sum);
            return;
        }
        List<String> kinds = new ArrayList<>(List.of("cell: vectorized"));
        boolean peepholes = cell.peepholeInput() != null || cell.peepholeForget() != null
                || cell.peepholeOutput() != null;
        kinds.add(peepholes ? "cell: peepholes" : "cell: no peepholes");
        if (cell.mergedGateBlocks() > 0) {
            kinds.add("cell: merged gate pass");
        }
        if (cell.hasPreActivationClip()) {
            kinds.add("cell: pre-activation clip");
        }
        if (cell.hasCellClip()) {
            kinds.add("cell: cell clip");
        }
        if (cell.coupled()) {
            kinds.add("cell: coupled");
        }
        int h = cell.hiddenSize();
        // the lanes of the preferred species on an AVX2 machine (256 bits); other widths: VectorWidthTest
        int lanes = 8;
        if (h >= lanes) {
            kinds.add(h % lanes != 0 ? "cell: scalar remainder" : "cell: whole vectors only");
        }
        for (ActivationCall call : List.of(cell.gate(), cell.cell(), cell.hidden())) {
            if (!call.isIdentity() && !call.method().equals("sigmoid") && !call.method().equals("tanh")) {
                kinds.add("cell: non-default activation");
                kinds.add("cell: " + call.method());
            }
        }
        for (String kind : kinds) {
            coverage.merge(kind, 1, Integer::sum);
        }
    }

    private static LstmNetwork newInstance(Class<?> type)
            throws NoSuchMethodException, InstantiationException, IllegalAccessException, InvocationTargetException {
        return (LstmNetwork) type.getConstructor().newInstance();
    }

    private static void compare(Case c, LstmNetwork reference, LstmNetwork source, LstmNetwork bytecode) {
        String what = "seed " + c.seed();
        Random rnd = new Random(1000 + c.seed());
        Model model = c.model();
        assertEquals(reference.inputSize(), bytecode.inputSize(), what);
        assertEquals(reference.outputSize(), bytecode.outputSize(), what);
        assertEquals(reference.isStreamable(), bytecode.isStreamable(), what);
        for (int l = 0; l < model.layers().size(); l++) {
            assertEquals(reference.hiddenSize(l), bytecode.hiddenSize(l), what);
            assertEquals(reference.stateSize(l), bytecode.stateSize(l), what);
        }

        // up to two full groups of 4 rows (plain tier) or one of 6 (Vector API tier) and a remainder
        int batch = 1 + rnd.nextInt(9);
        int steps = 1 + rnd.nextInt(5);
        float[] input = flatten(RandomModels.input(rnd, batch, steps, model.inputSize()), model.layout());
        int[] lengths = rnd.nextBoolean() ? RandomModels.lengths(rnd, batch, steps) : null;
        LstmState initial = reference.newState(batch);
        if (rnd.nextBoolean()) {
            RandomModels.fillState(rnd, initial);
        }
        NetworkRun expected = forward(reference, input, batch, steps, lengths, initial);
        NetworkRun fromBytecode = forward(bytecode, input, batch, steps, lengths, initial);
        close(what + " forward", expected, fromBytecode);
        if (source != null) {
            identical(what + " forward", forward(source, input, batch, steps, lengths, initial), fromBytecode);
        }

        if (bytecode.isStreamable()) {
            LstmNetwork[] nets = source == null ? new LstmNetwork[] {reference, bytecode}
                    : new LstmNetwork[] {reference, bytecode, source};
            LstmState[] states = new LstmState[nets.length];
            for (int n = 0; n < nets.length; n++) {
                states[n] = copy(nets[n], initial);
            }
            for (int s = 0; s < 3; s++) {
                float[] x = flatten(RandomModels.input(rnd, batch, 1, model.inputSize()), model.layout());
                NetworkRun[] runs = new NetworkRun[nets.length];
                for (int n = 0; n < nets.length; n++) {
                    float[] out = new float[batch * model.outputSize()];
                    java.util.Arrays.fill(out, Float.NaN); // every element must be written
                    nets[n].step(x, states[n], nets[n].newWorkspace(batch, 1), out);
                    runs[n] = new NetworkRun(out, states[n]);
                }
                close(what + " step " + s, runs[0], runs[1]);
                if (source != null) {
                    identical(what + " step " + s, runs[2], runs[1]);
                }
            }
        }
    }

    /** An output buffer and the final state. */

    private static NetworkRun forward(LstmNetwork net, float[] input, int batch, int steps, int[] lengths,
                               LstmState initial) {
        LstmState state = copy(net, initial);
        float[] output = new float[batch * steps * net.outputSize()];
        java.util.Arrays.fill(output, Float.NaN); // every element must be written: a NaN left over fails close()
        net.forward(input, batch, steps, lengths == null ? null : lengths.clone(), state,
                net.newWorkspace(batch, steps), output);
        return new NetworkRun(output, state);
    }

    private static LstmState copy(LstmNetwork net, LstmState from) {
        LstmState state = net.newState(from.batch());
        for (int k = 0; k < from.size(); k++) {
            System.arraycopy(from.hidden(k), 0, state.hidden(k), 0, from.hidden(k).length);
            System.arraycopy(from.cell(k), 0, state.cell(k), 0, from.cell(k).length);
        }
        return state;
    }

    private static float[] flatten(float[][][] x, Layout layout) {
        int batch = x.length;
        int steps = x[0].length;
        int features = x[0][0].length;
        float[] flat = new float[batch * steps * features];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int position = layout == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(x[b][t], 0, flat, position * features, features);
            }
        }
        return flat;
    }

    private static void close(String what, NetworkRun expected, NetworkRun actual) {
        NetworkRun.assertClose(what, expected, actual, TOLERANCE);
    }

    private static void identical(String what, NetworkRun source, NetworkRun bytecode) {
        NetworkRun.assertIdentical(what, source, bytecode);
    }
}

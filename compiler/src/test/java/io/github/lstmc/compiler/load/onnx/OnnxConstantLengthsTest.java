package io.github.lstmc.compiler.load.onnx;

import static io.github.lstmc.compiler.load.onnx.GraphBuilder.in;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.integer;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto.DataType;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.ModelSummary;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import io.github.lstmc.compiler.testing.Engines;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.ParallelLstm;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A constant {@code sequence_lens} compiled in ({@link Model#fixedLengths()}): graphs as torch.onnx.export
 * writes {@code pack_padded_sequence} with lengths known at export time (an int64 Constant cast to int32)
 * and as tf2onnx writes a stacked Keras LSTM (one int32 initializer per layer), checked against ONNX
 * Runtime within 1e-5 on the interpreter and both back ends (the back ends bit for bit), and the call
 * contract: exactly the constant's batch, lengths null or equal, enough steps, no {@code step}.
 */
class OnnxConstantLengthsTest {
    private static final int F = WholeGraphs.F;
    private static final int H = WholeGraphs.H;
    private static final int K = WholeGraphs.K;
    private static final long[] LENGTHS = {5, 1, 3};
    private static final int BATCH = LENGTHS.length;
    private static final int STEPS = 6;
    private static final double TOLERANCE = 1e-5;
    private static final String CONTRACT = "in.json: the network was compiled with the constant sequence lengths"
            + " [5, 1, 3]: a call has their 3 rows, at least their longest length of steps, and lengths null or equal"
            + " (got ";

    /** An int32 initializer (ONNX's sequence_lens is int32). */
    private static String int32(GraphBuilder g, String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT32_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt32Data((int) v);
        }
        g.graph.addInitializer(t);
        return name;
    }

    /**
     * torch: pack_padded_sequence(x, [5, 1, 3], batch_first=True) → bidirectional LSTM → h_n →
     * cat(h[-2], h[-1]) → Linear → Softmax; the lengths are a Constant int64 node cast to int32.
     */
    static byte[] torchPackedFinalStates() {
        GraphBuilder g = new GraphBuilder(71).input("x", DataType.FLOAT, BATCH, "T", F);
        String constant = g.node("Constant", in(), AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).setT(LstmNodeModels.longs("v", LENGTHS, BATCH)).build());
        String lens = g.node("Cast", in(constant), integer("to", DataType.INT32_VALUE));
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, "bidirectional", lens, null, null);
        String hn = g.node("Transpose", in(y[1]), ints("perm", 1, 0, 2));
        String flat = g.node("Reshape", in(hn, g.ints(new long[] {0, -1}, 2)));
        String out = g.node("Softmax", in(WholeGraphs.gemm(g, flat, 2 * H, K)), integer("axis", -1));
        return g.output(out, BATCH, K).build(14);
    }

    /** tf2onnx: two stacked LSTM layers, each with its own int32 sequence_lens initializer; Dense per step. */
    static byte[] tf2onnxStackedPerStep() {
        GraphBuilder g = new GraphBuilder(72).input("x", DataType.FLOAT, BATCH, "T", F);
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] l0 = g.lstm("lstm0", xt, F, H, "forward", int32(g, "lens0", LENGTHS), null, null);
        String x1 = g.node("Squeeze", in(l0[0], g.ints(new long[] {1}, 1)));
        String[] l1 = g.lstm("lstm1", x1, H, H, "forward", int32(g, "lens1", LENGTHS), null, null);
        String seq = g.node("Squeeze", in(l1[0], g.ints(new long[] {1}, 1)));
        String bt = g.node("Transpose", in(seq), ints("perm", 1, 0, 2));
        return g.output(WholeGraphs.linear3(g, bt, H, K), BATCH, "T", K).build(13);
    }

    /** A sequence-first reverse LSTM's raw Y with its Y_h: the reverse starts at each row's last valid step. */
    static byte[] reverseSequenceFirst() {
        GraphBuilder g = new GraphBuilder(73).input("x", DataType.FLOAT, "T", BATCH, F);
        String[] y = g.lstm("lstm", "x", F, H, "reverse", int32(g, "lens", LENGTHS), null, null);
        String seq = g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)));
        g.output(seq, "T", BATCH, H);
        return g.output(y[1], 1, BATCH, H).build(14);
    }

    static Stream<Arguments> graphs() {
        return Stream.of(
                Arguments.of("torchPackedFinalStates", (Supplier<byte[]>) OnnxConstantLengthsTest::torchPackedFinalStates),
                Arguments.of("tf2onnxStackedPerStep", (Supplier<byte[]>) OnnxConstantLengthsTest::tf2onnxStackedPerStep),
                Arguments.of("reverseSequenceFirst", (Supplier<byte[]>) OnnxConstantLengthsTest::reverseSequenceFirst));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void everyEngineMatchesOnnxRuntime(String name, Supplier<byte[]> graph) throws Exception {
        byte[] bytes = graph.get();
        OnnxImport imported = OnnxLoader.read(bytes, name + ".onnx");
        Model model = imported.model();
        assertEquals(List.of(5, 1, 3), model.fixedLengths(), name);
        assertTrue(model.lengthsMaskRecurrence(), name);
        assertEquals(null, imported.sequenceLengths(), name);
        float[][][] x = input(new Random(name.hashCode()));
        float[][][] ort = runOrt(bytes, model, x);
        RunOutput expected = new RunOutput(perRow(model, ort[0]), ort[1] == null ? null : new float[][][] {ort[1]}, null,
                RunOutput.Form.of(model.reducesTime(), model.scalarOutput()));
        RunOutput[] ours = new RunOutput[3];
        for (int e = 0; e < 3; e++) {
            LstmNetwork net = Engines.all().get(e).create(model);
            // null lengths take the constant ones; the same values given are accepted
            int[] lengths = e == 1 ? Arrays.stream(LENGTHS).mapToInt(v -> (int) v).toArray() : null;
            ours[e] = Runner.run(net, new RunInput(x, null, null, lengths), name, model.scalarOutput());
            Compare.assertClose(name + " on " + Engines.all().get(e) + " (expected: ONNX Runtime)", expected,
                    ours[e], TOLERANCE);
        }
        Compare.assertClose(name + ": source against bytecode", ours[1], ours[2], 0);
    }

    /** ORT's two outputs: [0] the network's (in the graph's layout, as returned), [1] Y_h as [1][B][H] or null. */
    private static float[][][] runOrt(byte[] bytes, Model model, float[][][] x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean sequenceFirst = model.layout() == io.github.lstmc.runtime.Layout.SEQUENCE_FIRST;
        float[] flat = new float[BATCH * STEPS * F];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                System.arraycopy(x[b][t], 0, flat, ((sequenceFirst ? t * BATCH + b : b * STEPS + t)) * F, F);
            }
        }
        long[] shape = sequenceFirst ? new long[] {STEPS, BATCH, F} : new long[] {BATCH, STEPS, F};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(bytes, options);
                 OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), shape);
                 OrtSession.Result result = session.run(Map.of("x", xt))) {
                float[][][] out = new float[2][][];
                out[0] = flatten((OnnxTensor) result.get(0), sequenceFirst && !model.reducesTime());
                if (result.size() > 1) {
                    out[1] = flatten((OnnxTensor) result.get(1), false);
                }
                return out;
            }
        }
    }

    /** An ORT output as rows of its last axis, batch-major ([B*T][K] or [B][K]); {@code swap}: it is [T][B][K]. */
    private static float[][] flatten(OnnxTensor t, boolean swap) {
        long[] shape = t.getInfo().getShape();
        FloatBuffer fb = t.getFloatBuffer();
        float[] all = new float[fb.remaining()];
        fb.get(all);
        int k = (int) shape[shape.length - 1];
        float[][] rows = new float[all.length / k][k];
        for (int r = 0; r < rows.length; r++) {
            int from = swap ? (r % STEPS * BATCH + r / STEPS) : r;
            System.arraycopy(all, from * k, rows[r], 0, k);
        }
        return rows;
    }

    /** Rows [B*T][K] or [B][K] as lstmc's batch-first output. */
    private static float[][][] perRow(Model model, float[][] rows) {
        int steps = model.reducesTime() ? 1 : STEPS;
        float[][][] out = new float[BATCH][steps][];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < steps; t++) {
                out[b][t] = rows[b * steps + t];
            }
        }
        return out;
    }

    private static float[][][] input(Random rnd) {
        float[][][] x = new float[BATCH][STEPS][F];
        for (float[][] row : x) {
            for (float[] step : row) {
                for (int i = 0; i < F; i++) {
                    step[i] = 2 * rnd.nextFloat() - 1;
                }
            }
        }
        return x;
    }

    @Test
    void callsTakeExactlyTheConstantBatchAndLengths() throws Exception {
        Model model = OnnxLoader.read(torchPackedFinalStates(), "packed.onnx").model();
        assertEquals(TimeReduction.FINAL_STATE, model.reduction());
        for (Engines.Engine engine : Engines.all()) {
            LstmNetwork net = engine.create(model);
            float[][][] two = Arrays.copyOf(input(new Random(1)), 2);
            LstmcException e = assertThrows(LstmcException.class, () -> Runner.run(net, new RunInput(two, null, null,
                    null), "in.json", false));
            assertEquals(CONTRACT + "batch 2, sequenceLength 6, lengths null)", e.getMessage(), engine.name());
            e = assertThrows(LstmcException.class, () -> Runner.run(net, new RunInput(input(new Random(1)), null, null,
                    new int[] {5, 1, 2}), "in.json", false));
            assertEquals(CONTRACT + "batch 3, sequenceLength 6, lengths [5, 1, 2])", e.getMessage(), engine.name());
            float[][][] four = new float[BATCH][4][F];
            e = assertThrows(LstmcException.class, () -> Runner.run(net, new RunInput(four, null, null, null),
                    "in.json", false));
            assertEquals(CONTRACT + "batch 3, sequenceLength 4, lengths null)", e.getMessage(), engine.name());
            assertThrows(IllegalArgumentException.class, () -> net.predict(two), engine.name());
            assertEquals(3, net.predict(input(new Random(2))).length, engine.name());
        }
    }

    @Test
    void parallelLstmRunsTheWholeBatchUnsplit() throws Exception {
        Model model = OnnxLoader.read(tf2onnxStackedPerStep(), "stacked.onnx").model();
        LstmNetwork net = Engines.BYTECODE.create(model);
        float[][][] x = input(new Random(3));
        float[][][] alone = net.forward(x);
        try (ParallelLstm parallel = ParallelLstm.of(net, 2, Runnable::run, 0)) {
            float[][][] split = parallel.forward(x);
            for (int b = 0; b < BATCH; b++) {
                for (int t = 0; t < STEPS; t++) {
                    assertTrue(Arrays.equals(alone[b][t], split[b][t]), "row " + b + " step " + t);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parallel.forward(Arrays.copyOf(x, 2)));
            assertTrue(e.getMessage().endsWith("(got batch 2, sequenceLength 6, lengths null)"), e.getMessage());
        }
    }

    @Test
    void inspectShowsTheConstantLengths() throws Exception {
        Model model = OnnxLoader.read(reverseSequenceFirst(), "rev.onnx").model();
        String summary = ModelSummary.describe(model);
        assertTrue(summary.contains("sequence lengths: constant, compiled in: [5, 1, 3]\n"
                + "  every call has exactly 3 rows and at least 5 steps; step is refused\n"), summary);
    }

    /** fp16/int8 storage rounds weights; the lengths and a constant initial state are kept as they are. */
    @Test
    void weightStorageKeepsConstantLengthsAndInitialStates() throws Exception {
        Model lengths = OnnxLoader.read(torchPackedFinalStates(), "packed.onnx").model();
        Model state = OnnxLoader.read(WholeGraphs.constantInitialState(), "state.onnx").model();
        for (io.github.lstmc.compiler.WeightStorage storage : io.github.lstmc.compiler.WeightStorage.values()) {
            assertEquals(List.of(5, 1, 3), Quantizer.quantize(lengths, storage).fixedLengths(), storage.label());
            assertEquals(state.initialState(), Quantizer.quantize(state, storage).initialState(), storage.label());
        }
    }

    @Test
    void layersWithDifferentConstantLengthsAreRefused() {
        GraphBuilder g = new GraphBuilder(74).input("x", DataType.FLOAT, "T", BATCH, F);
        String[] l0 = g.lstm("lstm0", "x", F, H, "forward", int32(g, "lens0", LENGTHS), null, null);
        String x1 = g.node("Squeeze", in(l0[0], g.ints(new long[] {1}, 1)));
        String[] l1 = g.lstm("lstm1", x1, H, H, "forward", int32(g, "lens1", 5, 2, 3), null, null);
        g.output(g.node("Squeeze", in(l1[0], g.ints(new long[] {1}, 1))), "T", BATCH, H);
        LstmcException e = assertThrows(LstmcException.class, () -> OnnxLoader.read(g.build(14), "r.onnx"));
        assertEquals("r.onnx: node 'lstm1' (LSTM) input sequence_lens (constant sequence lengths [5, 2, 3]) differs"
                + " from the first layer's (constant sequence lengths [5, 1, 3]); lstmc applies one set of lengths to"
                + " every layer", e.getMessage());
    }
}

package io.github.lstmc.compiler.load.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import io.github.lstmc.runtime.Layout;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole networks through lstmc's interpreter against their references: goldens/whole and goldens/gru-rnn/whole against
 * PyTorch's expected.json (1e-5), goldens/tf2onnx and the graphs of {@link WholeGraphs} against
 * ONNX Runtime (1e-4; relative above 1).
 */
class OnnxWholeDifferentialTest {
    static final double TORCH_TOLERANCE = 1e-5;
    static final double ORT_TOLERANCE = 1e-4;

    static Stream<String> whole() throws Exception {
        return Stream.concat(OnnxWholeGoldensTest.cases("whole"), OnnxWholeGoldensTest.cases("gru-rnn/whole"));
    }

    static Stream<String> tf2onnx() throws Exception {
        return OnnxWholeGoldensTest.cases("tf2onnx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whole")
    void interpreterMatchesPyTorch(String name) throws Exception {
        Path dir = OnnxWholeGoldensTest.root("").resolve(name);
        Model model = OnnxLoader.read(dir.resolve("model.onnx")).model();
        RunOutput expected = RunOutput.read(dir.resolve("expected.json"));
        RunOutput actual = Runner.run(Lstmc.compiler().interpreter(model), RunInput.read(dir.resolve("input.json")), name,
                model.scalarOutput());
        Compare.assertClose(name, expected, actual, TORCH_TOLERANCE);
    }

    static Stream<String> gruRnnWhole() throws Exception {
        return OnnxWholeGoldensTest.cases("gru-rnn/whole");
    }

    /** The GRU/RNN whole models also through the bytecode back end (the interpreter is checked above). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gruRnnWhole")
    void bytecodeMatchesPyTorchOnGruAndRnnWholeModels(String name) throws Exception {
        Path dir = OnnxWholeGoldensTest.root("").resolve(name);
        Model model = OnnxLoader.read(dir.resolve("model.onnx")).model();
        RunOutput expected = RunOutput.read(dir.resolve("expected.json"));
        RunOutput actual = Runner.run(io.github.lstmc.compiler.testing.Engines.BYTECODE.create(model),
                RunInput.read(dir.resolve("input.json")), name, model.scalarOutput());
        Compare.assertClose(name, expected, actual, TORCH_TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tf2onnx")
    void interpreterMatchesOnnxRuntimeOnTf2onnxGraphs(String name) throws Exception {
        Path dir = OnnxWholeGoldensTest.root("").resolve(name);
        byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
        compareWithOrt(name, bytes, RunInput.read(dir.resolve("input.json")));
    }

    static Stream<Arguments> builtGraphs() {
        List<Arguments> all = new ArrayList<>();
        add(all, "tagger", WholeGraphs::tagger, false);
        add(all, "lastStepForward", () -> WholeGraphs.lastStepClassifier("forward"), false);
        add(all, "lastStepBidirectional", () -> WholeGraphs.lastStepClassifier("bidirectional"), false);
        add(all, "hnStackedBidirectional", WholeGraphs::hnStackedBidirectional, false);
        add(all, "tf2onnxBidirectionalSequences", () -> WholeGraphs.tf2onnxBidirectional(true), false);
        add(all, "tf2onnxBidirectionalFinal", () -> WholeGraphs.tf2onnxBidirectional(false), false);
        add(all, "lastValidMasked", () -> WholeGraphs.lastValidStep(true, true), false);
        add(all, "lastValidUnmasked", () -> WholeGraphs.lastValidStep(false, true), false);
        add(all, "embeddingTagger", () -> WholeGraphs.embeddingTagger(11), true);
        add(all, "kerasEmbedding", () -> WholeGraphs.kerasEmbedding(7), true);
        add(all, "normalizedInput", WholeGraphs::normalizedInput, false);
        add(all, "geluHead", WholeGraphs::geluHead, false);
        add(all, "meanPooled13", () -> WholeGraphs.meanPooled(13), false);
        add(all, "meanPooled18", () -> WholeGraphs.meanPooled(18), false);
        add(all, "batchNorms", WholeGraphs::batchNorms, false);
        add(all, "yhTransposed", WholeGraphs::yhTransposed, false);
        add(all, "activationZoo", WholeGraphs::activationZoo, false);
        add(all, "constantInitialState", WholeGraphs::constantInitialState, false);
        add(all, "selfGated", WholeGraphs::selfGated, false);
        add(all, "maskedMeanByLengths", () -> WholeGraphs.maskedMean(false), false);
        add(all, "maskedMeanByMaskSum", () -> WholeGraphs.maskedMean(true), false);
        add(all, "tf2onnxMultiAxisSlice", WholeGraphs::tf2onnxMultiAxisSlice, false);
        add(all, "univariateSqueeze", WholeGraphs::univariateSqueeze, false);
        add(all, "globalAveragePool", () -> WholeGraphs.globalPool("GlobalAveragePool"), false);
        add(all, "globalMaxPool", () -> WholeGraphs.globalPool("GlobalMaxPool"), false);
        add(all, "hnLayersView", WholeGraphs::hnLayersView, false);
        add(all, "maskedMaxNotWhere", () -> WholeGraphs.maskedMax(false), false);
        add(all, "maskedMaxEqualZero", () -> WholeGraphs.maskedMax(true), false);
        add(all, "clippedHead", WholeGraphs::clippedHead, false);
        return all.stream();
    }

    private static void add(List<Arguments> all, String name, Supplier<byte[]> graph, boolean tokens) {
        all.add(Arguments.of(name, graph, tokens));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtGraphs")
    void interpreterMatchesOnnxRuntimeOnBuiltGraphs(String name, Supplier<byte[]> graph, boolean tokens) throws Exception {
        byte[] bytes = graph.get();
        Model model = OnnxLoader.read(bytes, name + ".onnx").model();
        Random rnd = new Random(name.hashCode());
        int batch = 3;
        int steps = 5;
        RunInput in;
        int[] lengths = {5, 1, 3};
        boolean withLengths = name.startsWith("lastValid") || name.startsWith("masked");
        if (tokens) {
            int[][] ids = new int[batch][steps];
            for (int[] row : ids) {
                for (int t = 0; t < steps; t++) {
                    row[t] = rnd.nextInt(model.vocabularySize());
                }
            }
            in = new RunInput(null, ids, null, null, null);
        } else {
            float[][][] x = new float[batch][steps][name.startsWith("univariate") ? 1 : WholeGraphs.F];
            for (float[][] row : x) {
                for (float[] step : row) {
                    for (int i = 0; i < step.length; i++) {
                        step[i] = 2 * rnd.nextFloat() - 1;
                    }
                }
            }
            in = new RunInput(x, null, null, null, withLengths ? lengths : null);
        }
        compareWithOrt(name, bytes, in);
    }

    /**
     * Initial states packed in one rank-4 graph input ({@link WholeGraphs#packedStates}), cut at the
     * per-step output: lstmc's h0/c0 against ONNX Runtime fed the same states packed.
     */
    @org.junit.jupiter.api.Test
    void packedInitialStatesMatchOnnxRuntime() throws Exception {
        byte[] bytes = WholeGraphs.packedStates();
        ModelProto proto = ModelProto.parseFrom(bytes);
        String maskOutput = proto.getGraph().getOutput(0).getName();
        Model model = OnnxLoader.read(bytes, "packed.onnx",
                io.github.lstmc.compiler.load.LoadOptions.DEFAULT.withCut(null, maskOutput)).model();
        int batch = 2;
        int steps = 4;
        int layers = 2;
        int h = WholeGraphs.H;
        Random rnd = new Random(22);
        float[][][] x = new float[batch][steps][WholeGraphs.F];
        float[][][] h0 = new float[layers][batch][h];
        float[][][] c0 = new float[layers][batch][h];
        for (float[][][] a : List.of(x, h0, c0)) {
            for (float[][] m : a) {
                for (float[] row : m) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = 2 * rnd.nextFloat() - 1;
                    }
                }
            }
        }
        RunOutput ours = Runner.run(Lstmc.compiler().interpreter(model), new RunInput(x, h0, c0, null), "packed",
                model.scalarOutput());
        float[] packed = new float[batch * layers * h * 2];
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < layers; l++) {
                for (int k = 0; k < h; k++) {
                    packed[((b * layers + l) * h + k) * 2] = h0[l][b][k];
                    packed[((b * layers + l) * h + k) * 2 + 1] = c0[l][b][k];
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
             OnnxTensor xt = OnnxTensor.createTensor(env, x);
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(packed), new long[] {batch, layers, h, 2});
             OrtSession.Result result = session.run(Map.of("x", xt, "states", st))) {
            float[][][] ort = (float[][][]) result.get(maskOutput).orElseThrow().getValue();
            Compare.assertClose("packed (expected: ONNX Runtime)",
                    new RunOutput(ort, null, null, RunOutput.Form.of(false, false)), ours, ORT_TOLERANCE);
        }
    }

    /** Runs {@code bytes} in ONNX Runtime and through lstmc's interpreter on the same (batch-first) input. */
    static void compareWithOrt(String name, byte[] bytes, RunInput in) throws Exception {
        OnnxImport imported = OnnxLoader.read(bytes, name + ".onnx");
        Model model = imported.model();
        RunOutput ours = Runner.run(Lstmc.compiler().interpreter(model), in, name, model.scalarOutput());
        RunOutput ort = runOrt(bytes, imported, in);
        Compare.assertClose(name + " (expected: ONNX Runtime)", ort, ours, ORT_TOLERANCE);
    }

    private static RunOutput runOrt(byte[] bytes, OnnxImport imported, RunInput in) throws Exception {
        ModelProto proto = ModelProto.parseFrom(bytes);
        Model model = imported.model();
        boolean sequenceFirst = model.layout() == Layout.SEQUENCE_FIRST;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int batch = in.batch();
        int steps = in.sequenceLength();
        List<OnnxTensor> feeds = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(bytes, options)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (ValueInfoProto vi : proto.getGraph().getInputList()) {
                    String n = vi.getName();
                    int elem = vi.getType().getTensorType().getElemType();
                    if (n.equals(imported.inputName())) {
                        int rank = vi.getType().getTensorType().getShape().getDimCount();
                        inputs.put(n, track(feeds, dataTensor(env, in, elem, rank, sequenceFirst, batch, steps)));
                    } else if (n.equals(imported.sequenceLengths())) {
                        long[] l = new long[batch];
                        int[] li = new int[batch];
                        for (int b = 0; b < batch; b++) {
                            l[b] = in.lengths()[b];
                            li[b] = in.lengths()[b];
                        }
                        inputs.put(n, track(feeds, elem == TensorProto.DataType.INT32_VALUE
                                ? OnnxTensor.createTensor(env, li) : OnnxTensor.createTensor(env, l)));
                    }
                }
                String outName = proto.getGraph().getOutput(0).getName();
                try (OrtSession.Result result = session.run(inputs)) {
                    OnnxTensor out = (OnnxTensor) result.get(outName).orElseThrow();
                    long[] shape = out.getInfo().getShape();
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] flat = new float[fb.remaining()];
                    fb.get(flat);
                    return toRunOutput(model, flat, shape, batch, steps);
                }
            }
        } finally {
            feeds.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor dataTensor(OrtEnvironment env, RunInput in, int elem, int rank, boolean sequenceFirst,
                                         int batch, int steps) throws OrtException {
        if (in.tokens() != null) {
            int[][] ids = in.tokens();
            if (elem == TensorProto.DataType.FLOAT_VALUE) {
                float[][] f = new float[batch][steps];
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < steps; t++) {
                        f[b][t] = ids[b][t];
                    }
                }
                return OnnxTensor.createTensor(env, f);
            }
            if (elem == TensorProto.DataType.INT32_VALUE) {
                return OnnxTensor.createTensor(env, ids);
            }
            long[][] l = new long[batch][steps];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    l[b][t] = ids[b][t];
                }
            }
            return OnnxTensor.createTensor(env, l);
        }
        float[][][] x = in.input();
        if (rank == 2) { // a univariate series [batch, seq]: lstmc's one feature per step
            float[][] series = new float[batch][steps];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    series[b][t] = x[b][t][0];
                }
            }
            return OnnxTensor.createTensor(env, series);
        }
        if (!sequenceFirst) {
            return OnnxTensor.createTensor(env, x);
        }
        float[][][] s = new float[steps][batch][];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                s[t][b] = x[b][t];
            }
        }
        return OnnxTensor.createTensor(env, s);
    }

    /** ORT's output (the graph's layout) as lstmc's batch-first RunOutput of the model's form. */
    private static RunOutput toRunOutput(Model model, float[] flat, long[] shape, int batch, int steps) {
        RunOutput.Form form = RunOutput.Form.of(model.reducesTime(), model.scalarOutput());
        int k = model.scalarOutput() ? 1 : model.outputSize();
        if (model.reducesTime()) {
            float[][][] out = new float[batch][1][k];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(flat, b * k, out[b][0], 0, k);
            }
            return new RunOutput(out, null, null, form);
        }
        boolean timeFirst = shape[0] == steps && (shape[0] != batch || model.layout() == Layout.SEQUENCE_FIRST);
        float[][][] out = new float[batch][steps][k];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int at = (timeFirst ? t * batch + b : b * steps + t) * k;
                System.arraycopy(flat, at, out[b][t], 0, k);
            }
        }
        return new RunOutput(out, null, null, form);
    }

    private static OnnxTensor track(List<OnnxTensor> all, OnnxTensor t) {
        all.add(t);
        return t;
    }
}

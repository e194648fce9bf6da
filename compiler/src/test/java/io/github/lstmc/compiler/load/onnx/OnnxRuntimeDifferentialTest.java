package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random single LSTM nodes run in ONNX Runtime (CPU, one thread) and, after import, in lstmc's
 * interpreter; Y, Y_h and Y_c must agree within 1e-6 absolute (observed: at most 1.2e-7). The cases rotate every activation function
 * through every slot (f, g, h) with given or default alpha/beta, and vary direction (bidirectional
 * with different functions per direction), clip, input_forget, peepholes, missing bias,
 * sequence_lens (including 0 and 1), initial states and the weight encoding (raw_data or
 * float_data). ORT's CPU LSTM rejects layout=1, so that layout is checked against the
 * interpreter's batch-first path on the same weights instead.
 */
class OnnxRuntimeDifferentialTest {
    static final double TOLERANCE = 1e-6;
    static final int CASES = 44;
    static final List<String> FUNCTIONS = List.of("Sigmoid", "Tanh", "Relu", "Affine", "LeakyRelu", "ThresholdedRelu",
            "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus");

    private static OrtEnvironment env;

    @BeforeAll
    static void startOrt() {
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void stopOrt() {
        // The environment is a process-wide singleton; sessions are closed per case.
    }

    static Stream<Integer> cases() {
        return IntStream.range(0, CASES).boxed();
    }

    /** Half of the cases suffices for the layout check: layout does not interact with the cell math. */
    static Stream<Integer> layoutCases() {
        return cases().filter(index -> index % 4 == 0 || index % 4 == 3);
    }

    /** One case: a node, an input, and the ORT feeds for it. */
    record Case(LstmNodeModels.Spec spec, RunInput input, String description) {
    }

    static Case randomCase(int index) {
        Random rnd = new Random(7000 + index);
        LstmNodeModels.Spec s = new LstmNodeModels.Spec();
        s.inputSize = 1 + rnd.nextInt(4);
        s.hidden = 1 + rnd.nextInt(4);
        s.direction = List.of("forward", "reverse", "bidirectional").get(index % 3);
        int d = s.directions();
        int h = s.hidden;
        List<String> names = new ArrayList<>();
        for (int dir = 0; dir < d; dir++) {
            int shift = index + 5 * dir;
            names.add(FUNCTIONS.get(shift % 11));
            names.add(FUNCTIONS.get((shift + 3) % 11));
            names.add(FUNCTIONS.get((shift + 7) % 11));
        }
        if (index % 7 == 3) {
            names.replaceAll(n -> n.toLowerCase(Locale.ROOT)); // ORT matches names ignoring case
        }
        boolean defaultActivations = index % 11 == 10;
        if (!defaultActivations) {
            s.activations = names;
            if (index % 2 == 0) {
                // More values than the functions use, so that some are left over.
                s.alphas = uniform(rnd, 6, 0.1f, 1.5f);
                s.betas = uniform(rnd, 6, -0.5f, 0.5f);
            } else if (index % 4 == 1) {
                s.alphas = uniform(rnd, 1, 0.1f, 1.5f); // the first alpha-taker gets it, the rest default
            }
        }
        if (index % 3 == 0) {
            s.clip = 0.3f + 2 * rnd.nextFloat();
        }
        if (index % 4 == 1) {
            s.inputForget = 1;
        } else if (index % 4 == 2) {
            s.inputForget = 0;
        }
        s.w = uniform(rnd, d * 4 * h * s.inputSize, -0.6f, 0.6f);
        s.r = uniform(rnd, d * 4 * h * h, -0.6f, 0.6f);
        if (index % 5 != 0) {
            s.b = uniform(rnd, d * 8 * h, -0.5f, 0.5f);
        }
        if (index % 2 == 0) {
            s.p = uniform(rnd, d * 3 * h, -0.5f, 0.5f);
        }
        s.rawData = index % 3 != 2;
        s.initialH = index % 4 >= 2;
        s.initialC = index % 4 == 3 || index % 6 == 1;
        s.lengths = index % 3 == 1;
        s.opset = List.of(7L, 14L, 22L).get(index % 3);

        int batch = 1 + rnd.nextInt(3) + (s.lengths ? 2 : 0);
        int steps = 1 + rnd.nextInt(4);
        float[][][] x = randomInput(rnd, batch, steps, s.inputSize);
        float[][][] h0 = s.initialH ? state(rnd, d, batch, h) : null;
        float[][][] c0 = s.initialC ? state(rnd, d, batch, h) : null;
        int[] lengths = null;
        if (s.lengths) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = b == 0 ? 0 : b == 1 ? 1 : rnd.nextInt(steps + 1); // always a 0 and a 1
            }
        }
        String description = "case " + index + ": " + s.direction + " I=" + s.inputSize + " H=" + h + " B=" + batch + " T="
                + steps + " " + (s.activations == null ? "default activations" : s.activations) + " alphas="
                + (s.alphas == null ? "-" : s.alphas.length) + " clip=" + s.clip + " input_forget=" + s.inputForget
                + " bias=" + (s.b != null) + " peepholes=" + (s.p != null) + " h0=" + s.initialH + " c0=" + s.initialC
                + " lengths=" + (lengths == null ? "-" : java.util.Arrays.toString(lengths)) + " opset=" + s.opset;
        return new Case(s, new RunInput(x, h0, c0, lengths), description);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void interpreterMatchesOnnxRuntime(int index) throws Exception {
        Case c = randomCase(index);
        byte[] bytes = LstmNodeModels.build(c.spec());
        RunOutput ort = runOrt(bytes, c.spec(), c.input());
        Model model = OnnxLoader.read(bytes, "case" + index + ".onnx").model();
        RunOutput ours = Runner.run(Lstmc.compiler().interpreter(model), c.input());
        Compare.assertClose(c.description(), ort, ours, TOLERANCE);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("layoutCases")
    void layoutOneMatchesLayoutZeroThroughTheBatchFirstPath(int index) throws Exception {
        Case c = randomCase(index);
        LstmNodeModels.Spec spec = c.spec();
        spec.layout = 0;
        spec.opset = 14;
        Model sequenceFirst = OnnxLoader.read(LstmNodeModels.build(spec), "layout0.onnx").model();
        spec.layout = 1;
        OnnxImport batchFirst = OnnxLoader.read(LstmNodeModels.build(spec), "layout1.onnx");
        assertEquals(Layout.SEQUENCE_FIRST, sequenceFirst.layout());
        assertEquals(Layout.BATCH_FIRST, batchFirst.model().layout());
        assertEquals(sequenceFirst.layers(), batchFirst.model().layers());
        assertEquals(spec.initialH ? "initial_h" : null, batchFirst.initialHidden());
        RunOutput a = Runner.run(Lstmc.compiler().interpreter(sequenceFirst), c.input());
        RunOutput b = Runner.run(Lstmc.compiler().interpreter(batchFirst.model()), c.input());
        Compare.assertClose(c.description(), a, b, 0);
        assertArrayEquals(a.output()[0][0], b.output()[0][0]);
    }

    /** Runs the single-node model in ORT (CPU, one thread); Y_c only for an LSTM. */
    static RunOutput runOrt(byte[] model, LstmNodeModels.Spec spec, RunInput in) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment(); // the process-wide singleton, for callers in other tests
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        int batch = in.batch();
        int steps = in.sequenceLength();
        float[][][] x = new float[steps][batch][];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                x[t][b] = in.input()[b][t];
            }
        }
        List<ai.onnxruntime.OnnxTensor> feeds = new ArrayList<>();
        try (options; OrtSession session = env.createSession(model, options)) {
            Map<String, ai.onnxruntime.OnnxTensor> inputs = new HashMap<>();
            inputs.put("X", track(feeds, ai.onnxruntime.OnnxTensor.createTensor(env, x)));
            if (in.h0() != null) {
                inputs.put("initial_h", track(feeds, ai.onnxruntime.OnnxTensor.createTensor(env, in.h0())));
            }
            if (in.c0() != null) {
                inputs.put("initial_c", track(feeds, ai.onnxruntime.OnnxTensor.createTensor(env, in.c0())));
            }
            if (in.lengths() != null) {
                inputs.put("sequence_lens", track(feeds, ai.onnxruntime.OnnxTensor.createTensor(env, in.lengths())));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][][] y = (float[][][][]) value(result, "Y");
                float[][][] hN = (float[][][]) value(result, "Y_h");
                float[][][] cN = spec.lstm() ? (float[][][]) value(result, "Y_c") : null;
                int d = spec.directions();
                int h = spec.hidden;
                float[][][] output = new float[batch][steps][d * h];
                for (int t = 0; t < steps; t++) {
                    for (int dir = 0; dir < d; dir++) {
                        for (int b = 0; b < batch; b++) {
                            System.arraycopy(y[t][dir][b], 0, output[b][t], dir * h, h);
                        }
                    }
                }
                return new RunOutput(output, hN, cN);
            }
        } finally {
            feeds.forEach(ai.onnxruntime.OnnxTensor::close);
        }
    }

    private static Object value(OrtSession.Result result, String name) throws OrtException {
        OnnxValue v = result.get(name).orElseThrow(() -> new AssertionError("ORT returned no " + name));
        return v.getValue();
    }

    private static ai.onnxruntime.OnnxTensor track(List<ai.onnxruntime.OnnxTensor> all, ai.onnxruntime.OnnxTensor t) {
        all.add(t);
        return t;
    }

    /** Inputs uniform in [-1, 1), {@code [batch][steps][features]}. */
    static float[][][] randomInput(Random rnd, int batch, int steps, int features) {
        float[][][] x = new float[batch][steps][features];
        for (float[][] row : x) {
            for (float[] step : row) {
                for (int i = 0; i < step.length; i++) {
                    step[i] = 2 * rnd.nextFloat() - 1;
                }
            }
        }
        return x;
    }

    static float[] uniform(Random rnd, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextFloat();
        }
        return v;
    }

    static float[][][] state(Random rnd, int d, int batch, int h) {
        float[][][] s = new float[d][batch][h];
        for (float[][] a : s) {
            for (float[] row : a) {
                for (int i = 0; i < h; i++) {
                    row[i] = 2 * rnd.nextFloat() - 1;
                }
            }
        }
        return s;
    }
}

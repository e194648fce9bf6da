package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random single GRU and RNN nodes in ONNX Runtime (CPU, one thread) and, after import, in lstmc's
 * interpreter; Y and Y_h must agree within 1e-5 absolute. The cases rotate every activation function
 * through every slot (GRU f and g, RNN f) with given, partial or default alpha/beta, and vary
 * direction (bidirectional with other functions per direction), both {@code linear_before_reset}
 * values (and the attribute absent), clip, missing B, sequence_lens (including 0 and 1), initial_h,
 * the weight encoding and the opset. ORT's CPU kernels reject layout=1, so that layout is checked
 * against the interpreter's layout-0 import of the same weights, as for the LSTM
 * ({@link OnnxRuntimeDifferentialTest}).
 */
class OnnxRuntimeCellDifferentialTest {
    static final double TOLERANCE = 1e-5;
    static final int CASES = 33;

    static Stream<Arguments> cases() {
        return Stream.of("GRU", "RNN").flatMap(op -> IntStream.range(0, CASES).mapToObj(i -> Arguments.of(op, i)));
    }

    static Stream<Arguments> layoutCases() {
        return cases().filter(a -> (int) a.get()[1] % 4 == 0);
    }

    static OnnxRuntimeDifferentialTest.Case randomCase(String op, int index) {
        Random rnd = new Random((op.equals("GRU") ? 9000 : 9500) + index);
        LstmNodeModels.Spec s = new LstmNodeModels.Spec();
        s.op = op;
        s.inputSize = 1 + rnd.nextInt(4);
        s.hidden = 1 + rnd.nextInt(4);
        s.direction = List.of("forward", "reverse", "bidirectional").get(index % 3);
        int d = s.directions();
        int h = s.hidden;
        int g = s.gates();
        List<String> functions = OnnxRuntimeDifferentialTest.FUNCTIONS;
        List<String> names = new ArrayList<>();
        for (int dir = 0; dir < d; dir++) {
            int shift = index + 5 * dir;
            names.add(functions.get(shift % 11));
            if (g == 3) {
                names.add(functions.get((shift + 4) % 11));
            }
        }
        if (index % 7 == 3 && g == 3) {
            // ORT's GRU matches names ignoring case; its RNN kernel silently takes Tanh for any other spelling
            names.replaceAll(n -> n.toLowerCase(Locale.ROOT));
        }
        if (g == 1 && d == 1 && index % 6 == 4) {
            names.add("Tanh"); // the RNN schema's two-entry default form: ORT uses the first for one direction
        }
        if (index % 11 != 10) {
            s.activations = names;
            if (index % 2 == 0) {
                s.alphas = OnnxRuntimeDifferentialTest.uniform(rnd, 4, 0.1f, 1.5f);
                s.betas = OnnxRuntimeDifferentialTest.uniform(rnd, 4, -0.5f, 0.5f);
            } else if (index % 4 == 1) {
                // GRU: the first alpha-taker gets it, the rest their defaults; RNN: one value per direction
                s.alphas = OnnxRuntimeDifferentialTest.uniform(rnd, g == 3 ? 1 : d, 0.1f, 1.5f);
            }
        }
        if (g == 3 && index % 5 != 4) {
            s.linearBeforeReset = index % 2; // absent every fifth case: the default 0
        }
        if (index % 3 == 0) {
            s.clip = 0.3f + 2 * rnd.nextFloat();
        }
        s.w = OnnxRuntimeDifferentialTest.uniform(rnd, d * g * h * s.inputSize, -0.6f, 0.6f);
        s.r = OnnxRuntimeDifferentialTest.uniform(rnd, d * g * h * h, -0.6f, 0.6f);
        if (index % 5 != 0) {
            s.b = OnnxRuntimeDifferentialTest.uniform(rnd, d * 2 * g * h, -0.5f, 0.5f);
        }
        s.rawData = index % 3 != 2;
        s.initialH = index % 4 >= 2;
        s.lengths = index % 4 == 1; // with every direction (index % 3)
        s.opset = List.of(7L, 14L, 22L).get(index % 3);

        int batch = 1 + rnd.nextInt(3) + (s.lengths ? 2 : 0);
        int steps = 1 + rnd.nextInt(4);
        float[][][] x = OnnxRuntimeDifferentialTest.randomInput(rnd, batch, steps, s.inputSize);
        float[][][] h0 = s.initialH ? OnnxRuntimeDifferentialTest.state(rnd, d, batch, h) : null;
        int[] lengths = null;
        if (s.lengths) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                // always a 1, and for a GRU a 0 (ORT's RNN reads before its buffer for a forward length 0)
                int least = g == 1 ? 1 : 0;
                lengths[b] = b == 0 ? least : b == 1 ? 1 : least + rnd.nextInt(steps + 1 - least);
            }
        }
        String description = op + " case " + index + ": " + s.direction + " I=" + s.inputSize + " H=" + h + " B=" + batch
                + " T=" + steps + " " + (s.activations == null ? "default activations" : s.activations) + " alphas="
                + (s.alphas == null ? "-" : s.alphas.length) + " linear_before_reset=" + s.linearBeforeReset + " clip="
                + s.clip + " bias=" + (s.b != null) + " h0=" + s.initialH + " lengths="
                + (lengths == null ? "-" : java.util.Arrays.toString(lengths)) + " opset=" + s.opset;
        return new OnnxRuntimeDifferentialTest.Case(s, new RunInput(x, h0, null, lengths), description);
    }

    @ParameterizedTest(name = "{0} case {1}")
    @MethodSource("cases")
    void interpreterMatchesOnnxRuntime(String op, int index) throws Exception {
        OnnxRuntimeDifferentialTest.Case c = randomCase(op, index);
        byte[] bytes = LstmNodeModels.build(c.spec());
        RunOutput ort = OnnxRuntimeDifferentialTest.runOrt(bytes, c.spec(), c.input());
        Model model = OnnxLoader.read(bytes, op + index + ".onnx").model();
        assertEquals(List.of(CellKind.valueOf(op)), model.cellKinds());
        RunOutput ours = Runner.run(Lstmc.compiler().interpreter(model), c.input());
        Compare.assertClose(c.description(), ort, ours, TOLERANCE);
    }

    @ParameterizedTest(name = "{0} case {1}")
    @MethodSource("layoutCases")
    void layoutOneMatchesLayoutZero(String op, int index) throws Exception {
        OnnxRuntimeDifferentialTest.Case c = randomCase(op, index);
        LstmNodeModels.Spec spec = c.spec();
        spec.layout = 0;
        spec.opset = 14;
        Model sequenceFirst = OnnxLoader.read(LstmNodeModels.build(spec), "layout0.onnx").model();
        spec.layout = 1;
        Model batchFirst = OnnxLoader.read(LstmNodeModels.build(spec), "layout1.onnx").model();
        assertEquals(Layout.BATCH_FIRST, batchFirst.layout());
        assertEquals(sequenceFirst.layers(), batchFirst.layers());
        RunOutput a = Runner.run(Lstmc.compiler().interpreter(sequenceFirst), c.input());
        RunOutput b = Runner.run(Lstmc.compiler().interpreter(batchFirst), c.input());
        Compare.assertClose(c.description(), a, b, 0);
    }
}

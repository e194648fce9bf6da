package io.github.lstmc.compiler.load.onnx;

import static io.github.lstmc.compiler.load.onnx.LstmNodeModels.floats;
import static io.github.lstmc.compiler.load.onnx.LstmNodeModels.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IR the importer builds from single LSTM nodes, and its error messages. */
class OnnxLoaderTest {
    private static final String FILE = "m.onnx";

    /** H=2, I=3, W and R ramps (value = flat index), so every weight's source position is visible. */
    private static LstmNodeModels.Spec spec() {
        LstmNodeModels.Spec s = new LstmNodeModels.Spec();
        s.inputSize = 3;
        s.hidden = 2;
        s.w = ramp(4 * 2 * 3, 1f);
        s.r = ramp(4 * 2 * 2, 1f);
        return s;
    }

    private static Model load(LstmNodeModels.Spec s) throws LstmcException {
        return OnnxLoader.read(LstmNodeModels.build(s), FILE).model();
    }

    private static DirectionCell cell(Model m, int layer, int dir) {
        return m.layers().get(layer).directions().get(dir);
    }

    // --- what the IR holds -------------------------------------------------------------------------

    @Test
    void gateBlocksAreReorderedFromIofcToIfgo() throws Exception {
        DirectionCell c = cell(load(spec()), 0, 0);
        // ONNX rows (H=2): i = 0,1  o = 2,3  f = 4,5  c = 6,7. lstmc rows: i, f, g(c), o.
        int[] onnxRowOfOurRow = {0, 1, 4, 5, 6, 7, 2, 3};
        for (int row = 0; row < 8; row++) {
            int src = onnxRowOfOurRow[row];
            assertArrayEquals(new float[] {3 * src, 3 * src + 1, 3 * src + 2}, c.inputWeights().row(row), "W row " + row);
            assertArrayEquals(new float[] {2 * src, 2 * src + 1}, c.recurrentWeights().row(row), "R row " + row);
        }
        assertNull(c.inputBias());
        assertNull(c.recurrentBias());
        assertNull(c.peepholes());
        assertEquals(CellActivations.DEFAULT, c.activations());
        assertEquals(Direction.FORWARD, c.direction());
    }

    @Test
    void biasIsSplitIntoInputThenRecurrentHalvesEachReordered() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.b = ramp(16, 1f); // Wb = 0..7 (i o f c), Rb = 8..15
        DirectionCell c = cell(load(s), 0, 0);
        assertArrayEquals(new float[] {0, 1, 4, 5, 6, 7, 2, 3}, c.inputBias().row(0));
        assertArrayEquals(new float[] {8, 9, 12, 13, 14, 15, 10, 11}, c.recurrentBias().row(0));
    }

    @Test
    void peepholesAreReorderedFromIofToIfo() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.p = new float[] {10, 11, 20, 21, 30, 31}; // i, o, f
        DirectionCell c = cell(load(s), 0, 0);
        assertArrayEquals(new float[] {10, 11}, c.peepholes().row(0), "input peephole");
        assertArrayEquals(new float[] {30, 31}, c.peepholes().row(1), "forget peephole");
        assertArrayEquals(new float[] {20, 21}, c.peepholes().row(2), "output peephole");
    }

    @Test
    void bidirectionalTakesTheSecondSliceOfEveryTensorForTheReverseCell() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.direction = "bidirectional";
        s.w = ramp(2 * 24, 1f);
        s.r = ramp(2 * 16, 1f);
        s.b = ramp(2 * 16, 1f);
        s.p = ramp(2 * 6, 1f);
        s.activations = List.of("Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Softsign", "Relu");
        Model m = load(s);
        assertEquals(2, m.directionCount());
        DirectionCell reverse = cell(m, 0, 1);
        assertEquals(Direction.REVERSE, reverse.direction());
        assertArrayEquals(new float[] {24, 25, 26}, reverse.inputWeights().row(0));
        assertArrayEquals(new float[] {24 + 12, 24 + 13, 24 + 14}, reverse.inputWeights().row(2)); // f = ONNX row 4
        assertArrayEquals(new float[] {16 + 4 * 2, 16 + 4 * 2 + 1}, reverse.recurrentWeights().row(2));
        assertArrayEquals(new float[] {16, 17, 20, 21, 22, 23, 18, 19}, reverse.inputBias().row(0));
        assertArrayEquals(new float[] {24, 25, 28, 29, 30, 31, 26, 27}, reverse.recurrentBias().row(0));
        assertArrayEquals(new float[] {6, 7}, reverse.peepholes().row(0));
        assertArrayEquals(new float[] {10, 11}, reverse.peepholes().row(1));
        assertArrayEquals(new float[] {8, 9}, reverse.peepholes().row(2));
        assertEquals(CellActivations.DEFAULT, cell(m, 0, 0).activations());
        assertEquals(new CellActivations(Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f), Activation.of(Kind.SOFTSIGN),
                Activation.of(Kind.RELU)), reverse.activations());
    }

    @Test
    void alphaAndBetaAreConsumedInOrderByTheFunctionsThatTakeThemWithOrtDefaults() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.direction = "bidirectional";
        s.w = ramp(48, 0.01f);
        s.r = ramp(32, 0.01f);
        s.activations = List.of("LeakyRelu", "ScaledTanh", "Affine", "HardSigmoid", "Elu", "ThresholdedRelu");
        s.alphas = new float[] {0.1f, 0.2f, 0.3f, 0.4f};
        s.betas = new float[] {0.5f};
        Model m = load(s);
        assertEquals(new CellActivations(Activation.of(Kind.LEAKY_RELU, 0.1f), Activation.of(Kind.SCALED_TANH, 0.2f, 0.5f),
                Activation.of(Kind.AFFINE, 0.3f, 0f)), cell(m, 0, 0).activations());
        assertEquals(new CellActivations(Activation.of(Kind.HARD_SIGMOID, 0.4f, 0.5f), Activation.of(Kind.ELU, 1f),
                Activation.of(Kind.THRESHOLDED_RELU, 0f)), cell(m, 0, 1).activations());
    }

    @Test
    void withoutParametersOrtDefaultsApplyAndNamesIgnoreCase() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.activations = List.of("leakyrelu", "SCALEDTANH", "Affine");
        assertEquals(new CellActivations(Activation.of(Kind.LEAKY_RELU, 0.01f), Activation.of(Kind.SCALED_TANH, 0f, 0f),
                Activation.of(Kind.AFFINE, 0f, 0f)), cell(load(s), 0, 0).activations());
    }

    @Test
    void clipIsThePreActivationClipAndInputForgetCouplesTheGates() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.clip = 2.5f;
        s.inputForget = 1;
        Layer layer = load(s).layers().get(0);
        assertEquals(2.5f, layer.preActivationClip());
        assertFalse(layer.hasCellClip());
        assertTrue(layer.coupledInputForget());
        assertFalse(load(spec()).layers().get(0).hasPreActivationClip());
    }

    @Test
    void reverseDirectionAndLayouts() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.direction = "reverse";
        Model m = load(s);
        assertEquals(Direction.REVERSE, cell(m, 0, 0).direction());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        s.layout = 1;
        assertEquals(Layout.BATCH_FIRST, load(s).layout());
    }

    @Test
    void missingHiddenSizeIsInferredFromW() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.omitHiddenSize = true;
        assertEquals(2, load(s).layers().get(0).hiddenSize());
    }

    @Test
    void floatDataDoubleAndFloat16TensorsReadAsFloats() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.rawData = false;
        Model fromFloatData = load(s);
        assertEquals(load(spec()).layers(), fromFloatData.layers());
        ModelProto.Builder m = ModelProto.parseFrom(LstmNodeModels.build(spec())).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        // W as DOUBLE in double_data, R as FLOAT16 raw bits: both small integers, exact in every type.
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addAllDims(List.of(1L, 8L, 3L));
        for (float v : ramp(24, 1f)) {
            w.addDoubleData(v);
        }
        ByteBuffer half = ByteBuffer.allocate(2 * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            half.putShort(toHalfBits(i));
        }
        TensorProto r = TensorProto.newBuilder().setName("R").setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addAllDims(List.of(1L, 8L, 2L)).setRawData(ByteString.copyFrom(half.array())).build();
        g.clearInitializer().addInitializer(w).addInitializer(r);
        Model converted = OnnxLoader.read(m.build().toByteArray(), FILE).model();
        assertEquals(load(spec()).layers(), converted.layers());
    }

    /** binary16 bits of a small non-negative integer (exact). */
    private static short toHalfBits(int v) {
        if (v == 0) {
            return 0;
        }
        int exponent = 31 - Integer.numberOfLeadingZeros(v);
        int mantissa = (v << (10 - exponent)) & 0x3ff;
        return (short) ((exponent + 15) << 10 | mantissa);
    }

    @Test
    void halfToFloatHandlesSubnormalsAndSpecials() {
        assertEquals(1f, OnnxTensors.halfToFloat(0x3c00));
        assertEquals(-2f, OnnxTensors.halfToFloat(0xc000));
        assertEquals(0x1p-24f, OnnxTensors.halfToFloat(0x0001));
        assertEquals(65504f, OnnxTensors.halfToFloat(0x7bff));
        assertEquals(Float.POSITIVE_INFINITY, OnnxTensors.halfToFloat(0x7c00));
        assertTrue(Float.isNaN(OnnxTensors.halfToFloat(0x7e00)));
    }

    @Test
    void statesAndLengthsGivenAsGraphInputsAreNamedForTheRunner() throws Exception {
        LstmNodeModels.Spec s = spec();
        s.initialH = true;
        s.initialC = true;
        s.lengths = true;
        OnnxImport imported = OnnxLoader.read(LstmNodeModels.build(s), FILE);
        assertEquals("X", imported.inputName());
        assertEquals("initial_h", imported.initialHidden());
        assertEquals("initial_c", imported.initialCell());
        assertEquals("sequence_lens", imported.sequenceLengths());
    }

    @Test
    void zeroConstantInitialStateIsTheDefaultState() throws Exception {
        byte[] bytes = withGraph(spec(), g -> {
            g.addInitializer(floats("h0", new float[2 * 2], true, 1, 2, 2));
            g.getNodeBuilder(0).setInput(5, "h0");
        });
        assertNull(OnnxLoader.read(bytes, FILE).initialHidden());
    }

    @Test
    void modelLoaderDispatchesOnnxFilesAndLayoutOptionOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tagger.onnx");
        Files.write(file, LstmNodeModels.build(spec()));
        Model m = Lstmc.compiler().load(file);
        assertEquals("tagger", m.name());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        assertEquals(Layout.BATCH_FIRST, Lstmc.compiler().load(file, LoadOptions.DEFAULT.withLayout(Layout.BATCH_FIRST)).layout());
        assertError(() -> Lstmc.compiler().load(dir.resolve("missing.onnx")), "missing.onnx");
        assertError(() -> Lstmc.compiler().load(file, LoadOptions.DEFAULT.withPrefix("lstm")), "tagger.onnx", "prefix");
    }

    // --- errors ------------------------------------------------------------------------------------

    @Test
    void garbageTruncatedAndEmptyFiles() {
        assertError(() -> OnnxLoader.read("this is not protobuf at all".getBytes(), FILE), FILE, "not a valid ONNX model");
        byte[] good = LstmNodeModels.build(spec());
        assertError(() -> OnnxLoader.read(Arrays.copyOf(good, good.length / 2), FILE), FILE, "not a valid ONNX model");
        assertError(() -> OnnxLoader.read(new byte[0], FILE), FILE, "no graph");
    }

    @Test
    void graphWithoutLstm() {
        GraphProto g = GraphProto.newBuilder()
                .addInput(LstmNodeModels.valueInfo("X", TensorProto.DataType.FLOAT, new Object[] {"s", "b", 3}))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("act").addInput("X").addOutput("Y"))
                .addOutput(LstmNodeModels.valueInfo("Y", TensorProto.DataType.FLOAT, new Object[] {"s", "b", 3})).build();
        assertError(() -> OnnxLoader.read(LstmNodeModels.model(g, 14).toByteArray(), FILE), FILE, "no LSTM node",
                "Relu");
    }

    @Test
    void unsupportedNodeAfterTheLstmIsNamed() {
        byte[] bytes = withGraph(spec(), g -> {
            g.addInitializer(floats("head", new float[4], true, 2, 2));
            g.addNode(NodeProto.newBuilder().setOpType("Cos").setName("classifier").addInput("Y").addOutput("logits"));
            g.clearOutput().addOutput(LstmNodeModels.valueInfo("logits", TensorProto.DataType.FLOAT, new Object[] {"s", 1, "b", 2}));
        });
        assertError(() -> OnnxLoader.read(bytes, FILE), FILE + ": node 'classifier' (Cos): operator Cos is not supported by"
                + " lstmc's ONNX importer (it is after the LSTM: --to TENSOR can cut it off; lstmc inspect lists the"
                + " tensors)");
    }

    @Test
    void attributeErrorsNameTheNodeAndAttribute() {
        LstmNodeModels.Spec s = spec();
        s.hiddenSizeAttribute = 3L;
        assertError(() -> load(s), FILE, "node 'lstm' (LSTM)", "hidden_size is 3", "W");
        LstmNodeModels.Spec a = spec();
        a.activations = List.of("Sigmoid", "Swish", "Tanh");
        assertError(() -> load(a), FILE, "attribute 'activations'", "Swish");
        LstmNodeModels.Spec n = spec();
        n.activations = List.of("Sigmoid", "Tanh");
        assertError(() -> load(n), FILE, "attribute 'activations'", "has 2 entries, expected 3");
        LstmNodeModels.Spec d = spec();
        d.direction = "Forward";
        assertError(() -> load(d), FILE, "attribute 'direction'", "Forward");
        LstmNodeModels.Spec c = spec();
        c.clip = -1f;
        assertError(() -> load(c), FILE, "attribute 'clip'", "-1.0");
        LstmNodeModels.Spec l = spec();
        l.layout = 2;
        assertError(() -> load(l), FILE, "attribute 'layout'", "expected 0 or 1");
        LstmNodeModels.Spec f = spec();
        f.inputForget = 5;
        assertError(() -> load(f), FILE, "attribute 'input_forget'");
        byte[] unknown = withGraph(spec(), g -> g.getNodeBuilder(0).addAttribute(LstmNodeModels.intAttr("foo", 1)));
        assertError(() -> OnnxLoader.read(unknown, FILE), FILE, "attribute 'foo'");
        LstmNodeModels.Spec big = spec();
        big.hiddenSizeAttribute = 1L << 40;
        assertError(() -> load(big), FILE, "hidden_size", "expected 1..");
    }

    @Test
    void tensorShapeErrorsNameTheTensor() {
        byte[] badR = withGraph(spec(), g -> replaceInitializer(g, floats("R", new float[8 * 3], true, 1, 8, 3)));
        assertError(() -> OnnxLoader.read(badR, FILE), FILE, "input R", "[1, 8, 2]");
        byte[] badW = withGraph(spec(), g -> replaceInitializer(g, floats("W", new float[8 * 3], true, 8, 3)));
        assertError(() -> OnnxLoader.read(badW, FILE), FILE, "input W", "[1, 4*hidden_size, input_size]");
        LstmNodeModels.Spec b = spec();
        b.b = new float[8];
        byte[] badB = withGraph(b, g -> replaceInitializer(g, floats("B", new float[8], true, 1, 8)));
        assertError(() -> OnnxLoader.read(badB, FILE), FILE, "input B", "[1, 16]");
        LstmNodeModels.Spec bi = spec();
        bi.direction = "bidirectional";
        bi.w = ramp(48, 1f);
        bi.r = ramp(32, 1f);
        byte[] oneDirectionW = withGraph(bi, g -> replaceInitializer(g, floats("W", new float[24], true, 1, 8, 3)));
        assertError(() -> OnnxLoader.read(oneDirectionW, FILE), FILE, "input W", "[2, 4*hidden_size");
    }

    @Test
    void absurdSizesAreRefusedBeforeAllocating() {
        byte[] huge = withGraph(spec(), g -> replaceInitializer(g, TensorProto.newBuilder().setName("W")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addAllDims(List.of(1L, 1L << 40, 1L << 40))
                .setRawData(ByteString.copyFrom(new byte[16])).build()));
        assertError(() -> OnnxLoader.read(huge, FILE), FILE, "initializer 'W'", "absurd shape");
        byte[] short_ = withGraph(spec(), g -> replaceInitializer(g, TensorProto.newBuilder().setName("W")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addAllDims(List.of(1L, 8L, 3_000_000L))
                .setRawData(ByteString.copyFrom(new byte[16])).build()));
        assertError(() -> OnnxLoader.read(short_, FILE), FILE, "initializer 'W'", "16 bytes of raw_data");
        byte[] negative = withGraph(spec(), g -> replaceInitializer(g, TensorProto.newBuilder().setName("W")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addAllDims(List.of(1L, -8L, 3L)).build()));
        assertError(() -> OnnxLoader.read(negative, FILE), FILE, "initializer 'W'", "negative dimension");
    }

    @Test
    void nonFiniteWeightsAreRefused() {
        LstmNodeModels.Spec s = spec();
        s.r = ramp(16, 1f);
        s.r[5] = Float.NaN;
        assertError(() -> load(s), FILE, "input R", "non-finite", "index 5");
        LstmNodeModels.Spec a = spec();
        a.activations = List.of("LeakyRelu", "Tanh", "Tanh");
        a.alphas = new float[] {Float.POSITIVE_INFINITY};
        assertError(() -> load(a), FILE, "activation_alpha", "non-finite");
    }

    @Test
    void weightsMustBeConstants() {
        byte[] bytes = withGraph(spec(), g -> {
            g.removeInitializer(0); // W
            g.addInput(LstmNodeModels.valueInfo("W", TensorProto.DataType.FLOAT, new Object[] {1, 8, 3}));
        });
        assertError(() -> OnnxLoader.read(bytes, FILE), FILE, "node 'lstm' (LSTM)", "input W", "graph input",
                "constants");
    }

    @Test
    void constantStatesThatDifferPerRowAreRefusedAndConstantLengthsCompileIn() throws Exception {
        byte[] h0 = withGraph(spec(), g -> {
            float[] v = new float[4];
            v[3] = 0.5f;
            g.addInitializer(floats("h0", v, true, 1, 2, 2));
            g.getNodeBuilder(0).setInput(5, "h0");
        });
        assertError(() -> OnnxLoader.read(h0, FILE), FILE, "initial_h", "differs between batch rows", "graph input");
        byte[] lengths = withGraph(spec(), g -> {
            g.addInitializer(LstmNodeModels.longs("lens", new long[] {1, 2}, 2));
            g.getNodeBuilder(0).setInput(4, "lens");
        });
        assertEquals(List.of(1, 2), OnnxLoader.read(lengths, FILE).model().fixedLengths()); // compiled in
    }

    @Test
    void oldOpsetsAndExternalDataAreRefused() {
        LstmNodeModels.Spec s = spec();
        s.opset = 6;
        assertError(() -> load(s), FILE, "opset_import is 6");
        byte[] external = withGraph(spec(), g -> replaceInitializer(g, g.getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build()));
        assertError(() -> OnnxLoader.read(external, FILE), FILE, "initializer 'W'", "external");
    }

    @Test
    void undefinedTensorIsNamed() {
        byte[] bytes = withGraph(spec(), g -> g.getNodeBuilder(0).setInput(2, "nowhere"));
        assertError(() -> OnnxLoader.read(bytes, FILE), FILE, "node 'lstm' (LSTM)", "'nowhere'");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static byte[] withGraph(LstmNodeModels.Spec s, Consumer<GraphProto.Builder> edit) {
        try {
            ModelProto.Builder m = ModelProto.parseFrom(LstmNodeModels.build(s)).toBuilder();
            edit.accept(m.getGraphBuilder());
            return m.build().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static void replaceInitializer(GraphProto.Builder g, TensorProto t) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(t.getName())) {
                g.setInitializer(i, t);
                return;
            }
        }
        throw new AssertionError("no initializer " + t.getName());
    }

    interface Action {
        void run() throws Exception;
    }

    private static void assertError(Action action, String... fragments) {
        LstmcException e = assertThrows(LstmcException.class, action::run);
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "message should contain '" + fragment + "': " + message);
        }
    }
}

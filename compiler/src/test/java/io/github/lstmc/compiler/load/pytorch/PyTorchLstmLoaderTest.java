package io.github.lstmc.compiler.load.pytorch;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.safetensors.SafetensorsWriter;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchLstmLoaderTest {
    @TempDir
    Path dir;

    /**
     * The value stored at [r][c] of a tensor: encodes which tensor (id), row and column, so any
     * misplaced row, column, gate block, layer or direction changes what a test reads back.
     */
    static float value(int id, int r, int c) {
        return id * 1000 + r * 10 + c;
    }

    static float[] values(int id, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = value(id, r, c) / 1024f;
            }
        }
        return v;
    }

    /** Ids: layer*100 + reverse*50 + parameter. */
    static int id(int layer, boolean reverse, int parameter) {
        return layer * 100 + (reverse ? 50 : 0) + parameter;
    }

    /** Writes an nn.LSTM state dict as PyTorch names and shapes it. */
    static SafetensorsWriter lstm(SafetensorsWriter w, String prefix, int layers, boolean bidirectional, int input,
                                  int hidden, int proj, boolean bias) {
        int state = proj > 0 ? proj : hidden;
        int dirs = bidirectional ? 2 : 1;
        for (int k = 0; k < layers; k++) {
            for (int d = 0; d < dirs; d++) {
                boolean rev = d == 1;
                String sfx = "_l" + k + (rev ? "_reverse" : "");
                int in = k == 0 ? input : dirs * state;
                w.f32(prefix + "weight_ih" + sfx, shape(4 * hidden, in), values(id(k, rev, 1), 4 * hidden, in));
                w.f32(prefix + "weight_hh" + sfx, shape(4 * hidden, state), values(id(k, rev, 2), 4 * hidden, state));
                if (bias) {
                    w.f32(prefix + "bias_ih" + sfx, shape(4 * hidden), values(id(k, rev, 3), 1, 4 * hidden));
                    w.f32(prefix + "bias_hh" + sfx, shape(4 * hidden), values(id(k, rev, 4), 1, 4 * hidden));
                }
                if (proj > 0) {
                    w.f32(prefix + "weight_hr" + sfx, shape(proj, hidden), values(id(k, rev, 5), proj, hidden));
                }
            }
        }
        return w;
    }

    private Path file(SafetensorsWriter w) {
        return w.write(dir.resolve("m.safetensors"));
    }

    private Model load(SafetensorsWriter w) throws LstmcException {
        return PyTorchLstmLoader.load(file(w), LoadOptions.DEFAULT);
    }

    private String fails(SafetensorsWriter w, LoadOptions options, String... fragments) {
        Path f = file(w);
        LstmcException e = assertThrows(LstmcException.class, () -> PyTorchLstmLoader.load(f, options));
        String m = e.getMessage();
        assertTrue(m.startsWith("m.safetensors: "), m);
        assertFalse(m.contains("\n"), m);
        for (String fragment : fragments) {
            assertTrue(m.contains(fragment), () -> "expected '" + fragment + "' in: " + m);
        }
        return m;
    }

    private String fails(SafetensorsWriter w, String... fragments) {
        return fails(w, LoadOptions.DEFAULT, fragments);
    }

    private static void assertMatrix(int id, int rows, int cols, io.github.lstmc.compiler.model.Matrix m) {
        assertEquals(rows, m.rows(), "rows");
        assertEquals(cols, m.cols(), "cols");
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(value(id, r, c) / 1024f, m.get(r, c), "[" + r + ", " + c + "] of tensor id " + id);
            }
        }
    }

    // ---------------------------------------------------------------- inference

    @Test
    void loadsSingleLayerAsStoredWithPyTorchDefaults() throws Exception {
        Model m = load(lstm(new SafetensorsWriter(), "", 1, false, 3, 2, 0, true));
        assertEquals("m", m.name());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        assertEquals(1, m.layers().size());
        Layer layer = m.layers().get(0);
        assertFalse(layer.hasCellClip());
        assertFalse(layer.hasPreActivationClip());
        assertFalse(layer.coupledInputForget());
        DirectionCell cell = layer.directions().get(0);
        assertEquals(Direction.FORWARD, cell.direction());
        assertEquals(CellActivations.DEFAULT, cell.activations());
        assertMatrix(id(0, false, 1), 8, 3, cell.inputWeights());
        assertMatrix(id(0, false, 2), 8, 2, cell.recurrentWeights());
        assertMatrix(id(0, false, 3), 1, 8, cell.inputBias());
        assertMatrix(id(0, false, 4), 1, 8, cell.recurrentBias());
        assertNull(cell.peepholes());
        assertNull(cell.projection());
        // 4H(I + H) + 8H as PyTorch counts parameters
        assertEquals(8 * 3 + 8 * 2 + 16, m.parameterCount());
    }

    @Test
    void layoutOptionOverridesTheSequenceFirstDefault() throws Exception {
        Model m = PyTorchLstmLoader.load(file(lstm(new SafetensorsWriter(), "", 1, false, 3, 2, 0, true)),
                LoadOptions.DEFAULT.withLayout(Layout.BATCH_FIRST));
        assertEquals(Layout.BATCH_FIRST, m.layout());
    }

    @Test
    void infersStackedBidirectionalProjectedLayers() throws Exception {
        Model m = load(lstm(new SafetensorsWriter(), "", 3, true, 5, 4, 3, true));
        assertEquals(3, m.layers().size());
        assertEquals(2, m.directionCount());
        assertEquals(5, m.inputSize());
        assertEquals(6, m.outputSize());
        for (int k = 0; k < 3; k++) {
            Layer layer = m.layers().get(k);
            assertEquals(4, layer.hiddenSize());
            assertEquals(3, layer.stateSize());
            assertEquals(k == 0 ? 5 : 6, layer.inputSize());
            for (int d = 0; d < 2; d++) {
                DirectionCell cell = layer.directions().get(d);
                boolean rev = d == 1;
                assertEquals(rev ? Direction.REVERSE : Direction.FORWARD, cell.direction());
                assertMatrix(id(k, rev, 1), 16, k == 0 ? 5 : 6, cell.inputWeights());
                assertMatrix(id(k, rev, 2), 16, 3, cell.recurrentWeights());
                assertMatrix(id(k, rev, 3), 1, 16, cell.inputBias());
                assertMatrix(id(k, rev, 4), 1, 16, cell.recurrentBias());
                assertMatrix(id(k, rev, 5), 3, 4, cell.projection());
            }
        }
    }

    @Test
    void infersMissingBiases() throws Exception {
        Model m = load(lstm(new SafetensorsWriter(), "", 2, false, 3, 2, 0, false));
        for (Layer layer : m.layers()) {
            assertNull(layer.directions().get(0).inputBias());
            assertNull(layer.directions().get(0).recurrentBias());
        }
        assertEquals(2, m.layers().size());
    }

    @Test
    void readsHalfPrecisionWeights() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter()
                .bits16("weight_ih_l0", "F16", shape(4, 1), 0x3800, 0xC000, 0x7BFF, 0x0001)
                .bits16("weight_hh_l0", "BF16", shape(4, 1), 0x3F00, 0xC000, 0x3F80, 0x0000);
        DirectionCell cell = load(w).layers().get(0).directions().get(0);
        assertEquals(0.5f, cell.inputWeights().get(0, 0));
        assertEquals(-2f, cell.inputWeights().get(1, 0));
        assertEquals(65504f, cell.inputWeights().get(2, 0));
        assertEquals(0x1p-24f, cell.inputWeights().get(3, 0));
        assertEquals(0.5f, cell.recurrentWeights().get(0, 0));
        assertEquals(1f, cell.recurrentWeights().get(2, 0));
    }

    // ---------------------------------------------------------------- prefixes

    @Test
    void findsTheOnlyLstmUnderAPrefixAndIgnoresOtherModules() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter()
                .f32("embedding.weight", shape(10, 3), new float[30]);
        lstm(w, "encoder.lstm.", 1, true, 3, 2, 0, true)
                .f32("head.weight", shape(2, 4), new float[8])
                .i64("norm.num_batches_tracked", shape(), 3);
        Model m = load(w);
        assertEquals(2, m.directionCount());
        assertMatrix(id(0, true, 1), 8, 3, m.layers().get(0).directions().get(1).inputWeights());

        LoadResult r = PyTorchLstmLoader.loadResult(file(w), LoadOptions.DEFAULT);
        assertEquals(m, r.model());
        assertEquals(List.of("embedding.weight", "head.weight", "norm.num_batches_tracked"), r.uncompiledTensors());
        assertEquals(List.of("m.safetensors: 3 tensors not compiled (only the LSTM is read from a state dict): "
                + "embedding.weight, head.weight, norm.num_batches_tracked; export the whole model to ONNX to "
                + "compile it"), r.warnings());
    }

    @Test
    void theWarningNamesTheOtherLstmAndCountsPastTwelveNames() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        lstm(w, "encoder.rnn.", 1, false, 3, 2, 0, true);
        lstm(w, "decoder.rnn.", 1, false, 4, 5, 0, false);
        LoadResult dec = PyTorchLstmLoader.loadResult(file(w), new LoadOptions(null, "decoder.rnn"));
        assertEquals(List.of("encoder.rnn.bias_hh_l0", "encoder.rnn.bias_ih_l0", "encoder.rnn.weight_hh_l0",
                "encoder.rnn.weight_ih_l0"), dec.uncompiledTensors());

        for (int i = 0; i < 13; i++) {
            w.f32(String.format("head.%02d.weight", i), shape(1), 1f);
        }
        LoadResult many = PyTorchLstmLoader.loadResult(file(w), new LoadOptions(null, "encoder.rnn"));
        assertEquals(15, many.uncompiledTensors().size());
        String warning = many.warnings().get(0);
        assertTrue(warning.startsWith("m.safetensors: 15 tensors not compiled (only the LSTM is read from a state "
                + "dict): decoder.rnn.weight_hh_l0, decoder.rnn.weight_ih_l0, head.00.weight,"), warning);
        assertTrue(warning.endsWith(", head.09.weight, ... (3 more); export the whole model to ONNX to compile it"),
                warning);
    }

    @Test
    void aBareLstmHasNoWarning() throws Exception {
        LoadResult r = PyTorchLstmLoader.loadResult(file(lstm(new SafetensorsWriter(), "", 1, false, 3, 2, 0, true)),
                LoadOptions.DEFAULT);
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of(), r.uncompiledTensors());
    }

    @Test
    void requiresAPrefixWhenTheFileHoldsSeveralLstms() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        lstm(w, "encoder.rnn.", 1, false, 3, 2, 0, true);
        lstm(w, "decoder.rnn.", 2, false, 4, 5, 0, false);
        fails(w, "the file holds 2 LSTMs, under 'decoder.rnn', 'encoder.rnn'", "--prefix");
        Model dec = PyTorchLstmLoader.load(file(w), new LoadOptions(null, "decoder.rnn"));
        assertEquals(2, dec.layers().size());
        assertEquals(5, dec.layers().get(0).hiddenSize());
        Model enc = PyTorchLstmLoader.load(file(w), new LoadOptions(null, "encoder.rnn."));
        assertEquals(2, enc.layers().get(0).hiddenSize());
        fails(w, new LoadOptions(null, "rnn"), "no LSTM under prefix 'rnn'",
                "LSTM prefixes in the file: 'decoder.rnn', 'encoder.rnn'");
    }

    @Test
    void topLevelAndNestedLstmsAreDistinctPrefixes() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        lstm(w, "", 1, false, 3, 2, 0, true);
        lstm(w, "inner.", 1, false, 3, 4, 0, true);
        fails(w, "under (top level), 'inner'");
        assertEquals(2, PyTorchLstmLoader.load(file(w), new LoadOptions(null, "")).layers().get(0).hiddenSize());
        assertEquals(4, PyTorchLstmLoader.load(file(w), new LoadOptions(null, "inner")).layers().get(0).hiddenSize());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void refusesFilesWithoutLstmWeights() {
        fails(new SafetensorsWriter().f32("fc.weight", shape(1), 1f), "no nn.LSTM weights found", "'fc.weight'");
        fails(new SafetensorsWriter().f32("input_gate.input_transform.weight", shape(1), 1f),
                "no nn.LSTM weights found", "Burn weights", "--config");
    }

    @Test
    void refusesAMissingLayer() {
        SafetensorsWriter w = lstm(new SafetensorsWriter(), "lstm.", 1, false, 3, 2, 0, false)
                .f32("lstm.weight_ih_l2", shape(8, 2), new float[16])
                .f32("lstm.weight_hh_l2", shape(8, 2), new float[16]);
        fails(w, "LSTM 'lstm' has no layer 1", "missing tensor 'lstm.weight_ih_l1'", "found layers [0, 2]");
    }

    @Test
    void refusesMissingTensors() {
        SafetensorsWriter w = new SafetensorsWriter().f32("weight_ih_l0", shape(8, 3), new float[24]);
        fails(w, "missing tensor 'weight_hh_l0'");
        SafetensorsWriter noHh = new SafetensorsWriter()
                .f32("weight_ih_l0", shape(8, 3), new float[24])
                .f32("weight_hh_l0", shape(8, 2), new float[16])
                .f32("bias_ih_l0", shape(8), new float[8]);
        fails(noHh, "missing tensor 'bias_hh_l0'", "biases");
    }

    @Test
    void refusesBiasesPresentInOnlySomeLayers() {
        SafetensorsWriter w = lstm(new SafetensorsWriter(), "", 1, false, 3, 2, 0, true)
                .f32("weight_ih_l1", shape(8, 2), new float[16])
                .f32("weight_hh_l1", shape(8, 2), new float[16]);
        fails(w, "missing tensor 'bias_ih_l1'");
    }

    @Test
    void refusesAReverseDirectionInOnlySomeLayers() {
        SafetensorsWriter w = lstm(new SafetensorsWriter(), "", 1, true, 3, 2, 0, false)
                .f32("weight_ih_l1", shape(8, 4), new float[32])
                .f32("weight_hh_l1", shape(8, 2), new float[16]);
        fails(w, "missing tensor 'weight_ih_l1_reverse'", "every layer needs one");
    }

    @Test
    void refusesAMissingReverseTensor() {
        SafetensorsWriter w = new SafetensorsWriter()
                .f32("weight_ih_l0", shape(8, 3), new float[24])
                .f32("weight_hh_l0", shape(8, 2), new float[16])
                .f32("weight_ih_l0_reverse", shape(8, 3), new float[24]);
        fails(w, "missing tensor 'weight_hh_l0_reverse'");
    }

    @Test
    void refusesAProjectionInOnlySomeDirections() {
        SafetensorsWriter p = new SafetensorsWriter()
                .f32("weight_ih_l0", shape(16, 3), new float[48])
                .f32("weight_hh_l0", shape(16, 2), new float[32])
                .f32("weight_hr_l0", shape(2, 4), new float[8])
                .f32("weight_ih_l0_reverse", shape(16, 3), new float[48])
                .f32("weight_hh_l0_reverse", shape(16, 2), new float[32]);
        fails(p, "missing tensor 'weight_hr_l0_reverse'", "projection");
    }

    @Test
    void refusesInconsistentHiddenSizes() {
        SafetensorsWriter w = lstm(new SafetensorsWriter(), "", 1, false, 3, 2, 0, false)
                .f32("weight_ih_l1", shape(12, 2), new float[24])
                .f32("weight_hh_l1", shape(12, 3), new float[36]);
        fails(w, "tensor 'weight_ih_l1' has shape [12, 2], expected [8, 2]", "differs from layer 0's H=2");
    }

    @Test
    void refusesWrongShapes() {
        fails(new SafetensorsWriter()
                        .f32("weight_ih_l0", shape(8, 3), new float[24])
                        .f32("weight_hh_l0", shape(8, 3), new float[24]),
                "tensor 'weight_hh_l0' has shape [8, 3], expected [8, 2] [4*H, H]");
        fails(new SafetensorsWriter()
                        .f32("weight_ih_l0", shape(6, 3), new float[18])
                        .f32("weight_hh_l0", shape(5, 2), new float[10]),
                "tensor 'weight_ih_l0' has shape [6, 3]", "multiple of 4");
        fails(new SafetensorsWriter().f32("weight_ih_l0", shape(24), new float[24]),
                "tensor 'weight_ih_l0' has shape [24], expected [4*H, I]");
        fails(new SafetensorsWriter()
                        .f32("weight_ih_l0", shape(8, 3), new float[24])
                        .f32("weight_hh_l0", shape(8, 2), new float[16])
                        .f32("bias_ih_l0", shape(1, 8), new float[8])
                        .f32("bias_hh_l0", shape(8), new float[8]),
                "tensor 'bias_ih_l0' has shape [1, 8], expected [8]");
        fails(lstm(new SafetensorsWriter(), "", 1, false, 3, 4, 0, false)
                        .f32("weight_hr_l0", shape(2, 3), new float[6]),
                "tensor 'weight_hh_l0' has shape [16, 4], expected [16, 2] [4*H, proj_size]");
    }

    @Test
    void hintsAtACellOfAnotherKindInALaterLayer() {
        fails(lstm(new SafetensorsWriter(), "", 1, false, 3, 4, 0, false)
                        .f32("weight_ih_l1", shape(16, 4), new float[64])
                        .f32("weight_hh_l1", shape(12, 4), new float[48]),
                "tensor 'weight_hh_l1' has shape [12, 4], expected [16, 4] [4*H, H]; layer 0 is an LSTM but this shape"
                        + " is a GRU's (3*H rows)");
    }

    @Test
    void refusesNonFiniteWeightsNamingTheTensor() {
        SafetensorsWriter inf = new SafetensorsWriter()
                .f32("lstm.weight_ih_l0", shape(4, 1), new float[4])
                .bits16("lstm.weight_hh_l0", "F16", shape(4, 1), 0x0000, 0x3C00, 0x7C00, 0x0000);
        fails(inf, "tensor 'lstm.weight_hh_l0' holds Infinity at [2, 0]", "finite");
        SafetensorsWriter nan = lstm(new SafetensorsWriter(), "", 1, true, 1, 1, 0, false)
                .f32("bias_ih_l0_reverse", shape(4), 0, 0, 0, Float.NaN)
                .f32("bias_ih_l0", shape(4), new float[4])
                .f32("bias_hh_l0", shape(4), new float[4])
                .f32("bias_hh_l0_reverse", shape(4), new float[4]);
        fails(nan, "tensor 'bias_ih_l0_reverse' holds NaN at [3]");
    }

    @Test
    void refusesStrayTensorsInsideTheLstm() {
        SafetensorsWriter w = lstm(new SafetensorsWriter(), "rnn.", 1, false, 3, 2, 0, false)
                .f32("rnn.weight_ih_l01", shape(1), 0f);
        fails(w, "unexpected tensor 'rnn.weight_ih_l01' in LSTM 'rnn'");
    }

    @Test
    void refusesIntegerWeights() {
        SafetensorsWriter w = new SafetensorsWriter()
                .i64("weight_ih_l0", shape(4, 1), 1, 2, 3, 4)
                .f32("weight_hh_l0", shape(4, 1), new float[4]);
        fails(w, "tensor 'weight_ih_l0' has dtype I64");
    }
}

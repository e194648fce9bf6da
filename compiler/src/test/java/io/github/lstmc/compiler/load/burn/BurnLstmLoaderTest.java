package io.github.lstmc.compiler.load.burn;

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
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BurnLstmLoaderTest {
    static final List<String> GATES = List.of("input_gate", "forget_gate", "cell_gate", "output_gate");

    @TempDir
    Path dir;

    /**
     * The value Burn stores at [a][b] of a Linear parameter: encodes direction, gate, which
     * parameter, a and b, so a missing or extra transpose, a swapped gate or direction changes it.
     */
    static float burnValue(int direction, int gate, int param, int a, int b) {
        return (direction * 10000 + gate * 1000 + param * 100 + a * 10 + b) / 4096f;
    }

    /** Writes one Burn Lstm's tensors (Linear weights as Burn stores them: [d_in, d_out]). */
    static SafetensorsWriter burnLstm(SafetensorsWriter w, String prefix, int direction, int in, int h, boolean bias,
                                      boolean withForgetGate) {
        for (int g = 0; g < 4; g++) {
            if (g == 1 && !withForgetGate) {
                continue;
            }
            String gate = prefix + GATES.get(g) + ".";
            w.f32(gate + "input_transform.weight", shape(in, h), matrix(direction, g, 0, in, h));
            if (bias) {
                w.f32(gate + "input_transform.bias", shape(h), matrix(direction, g, 1, 1, h));
            }
            w.f32(gate + "hidden_transform.weight", shape(h, h), matrix(direction, g, 2, h, h));
            if (bias) {
                w.f32(gate + "hidden_transform.bias", shape(h), matrix(direction, g, 3, 1, h));
            }
        }
        return w;
    }

    static float[] matrix(int direction, int gate, int param, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < cols; b++) {
                v[a * cols + b] = burnValue(direction, gate, param, a, b);
            }
        }
        return v;
    }

    /** Checks the cell holds Burn's weights transposed into i, f, g, o row blocks. */
    static void assertBurnCell(DirectionCell cell, int direction, int in, int h, boolean bias) {
        assertEquals(4 * h, cell.inputWeights().rows());
        assertEquals(in, cell.inputWeights().cols());
        for (int g = 0; g < 4; g++) {
            for (int j = 0; j < h; j++) {
                int row = g * h + j;
                for (int c = 0; c < in; c++) {
                    assertEquals(burnValue(direction, g, 0, c, j), cell.inputWeights().get(row, c),
                            "W[" + row + "][" + c + "]");
                }
                for (int c = 0; c < h; c++) {
                    assertEquals(burnValue(direction, g, 2, c, j), cell.recurrentWeights().get(row, c),
                            "R[" + row + "][" + c + "]");
                }
                if (bias) {
                    assertEquals(burnValue(direction, g, 1, 0, j), cell.inputBias().get(row), "bW[" + row + "]");
                    assertEquals(burnValue(direction, g, 3, 0, j), cell.recurrentBias().get(row), "bR[" + row + "]");
                }
            }
        }
        if (!bias) {
            assertNull(cell.inputBias());
            assertNull(cell.recurrentBias());
        }
    }

    private Path config(String json) throws Exception {
        return Files.writeString(dir.resolve("lstm.json"), json);
    }

    private static String config(int in, int h, boolean bias, String extra) {
        return "{\"d_input\": " + in + ", \"d_hidden\": " + h + ", \"bias\": " + bias
                + ", \"clip\": null, \"initializer\": {\"XavierNormal\": {\"gain\": 1.0}}" + extra + "}";
    }

    private Model load(SafetensorsWriter w, String configJson, LoadOptions options) throws Exception {
        return BurnLstmLoader.load(w.write(dir.resolve("w.safetensors")), config(configJson), options);
    }

    private Model load(SafetensorsWriter w, String configJson) throws Exception {
        return load(w, configJson, LoadOptions.DEFAULT);
    }

    private String fails(SafetensorsWriter w, String configJson, LoadOptions options, String file, String... fragments)
            throws Exception {
        Path weights = w.write(dir.resolve("w.safetensors"));
        Path cfg = config(configJson);
        LstmcException e = assertThrows(LstmcException.class, () -> BurnLstmLoader.load(weights, cfg, options));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), m);
        assertFalse(m.contains("\n"), m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "expected '" + f + "' in: " + m);
        }
        return m;
    }

    private String fails(SafetensorsWriter w, String configJson, String... fragments) throws Exception {
        return fails(w, configJson, LoadOptions.DEFAULT, "w.safetensors", fragments);
    }

    // ---------------------------------------------------------------- Lstm

    @Test
    void transposesEachGatesLinearWeightsIntoItsRowBlock() throws Exception {
        Model m = load(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), BurnLstmConfigTest.SAVED);
        assertEquals("w", m.name());
        assertEquals(Layout.BATCH_FIRST, m.layout());
        assertEquals(1, m.layers().size());
        Layer layer = m.layers().get(0);
        assertFalse(layer.hasCellClip());
        assertFalse(layer.coupledInputForget());
        DirectionCell cell = layer.directions().get(0);
        assertEquals(Direction.FORWARD, cell.direction());
        assertBurnCell(cell, 0, 3, 2, true);
        // Burn's parameter count: 4 gates * (I*H + H + H*H + H)
        assertEquals(4 * (3 * 2 + 2 + 2 * 2 + 2), m.parameterCount());
    }

    @Test
    void squareWeightsAreTransposedToo() throws Exception {
        // with d_input == d_hidden a missing transpose would keep every shape and silently swap values
        Model m = load(burnLstm(new SafetensorsWriter(), "", 0, 3, 3, false, true), config(3, 3, false, ""));
        DirectionCell cell = m.layers().get(0).directions().get(0);
        assertBurnCell(cell, 0, 3, 3, false);
        assertEquals(burnValue(0, 2, 0, 1, 2), cell.inputWeights().get(2 * 3 + 2, 1));
    }

    @Test
    void readsLayoutReverseClipCouplingAndActivationsFromTheConfig() throws Exception {
        Model m = load(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), config(3, 2, true,
                ", \"batch_first\": false, \"reverse\": true, \"clip\": 2.5, \"input_forget\": true,"
                        + " \"gate_activation\": {\"HardSigmoid\": {\"alpha\": 0.2, \"beta\": 0.5}},"
                        + " \"cell_activation\": \"Softsign\", \"hidden_activation\": \"Identity\"")
                .replace("\"clip\": null, ", ""));
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        Layer layer = m.layers().get(0);
        assertEquals(2.5f, layer.cellClip());
        assertTrue(layer.coupledInputForget());
        assertFalse(layer.hasPreActivationClip());
        DirectionCell cell = layer.directions().get(0);
        assertEquals(Direction.REVERSE, cell.direction());
        assertEquals(Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f), cell.activations().gate());
        assertEquals(Activation.of(Kind.SOFTSIGN), cell.activations().cell());
        assertEquals(Activation.IDENTITY, cell.activations().hidden());
        assertBurnCell(cell, 0, 3, 2, true);
    }

    @Test
    void layoutOptionOverridesTheConfig() throws Exception {
        Model m = load(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), BurnLstmConfigTest.SAVED,
                LoadOptions.DEFAULT.withLayout(Layout.SEQUENCE_FIRST));
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
    }

    @Test
    void coupledGatesMayOmitTheForgetGate() throws Exception {
        Model m = load(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, false),
                config(3, 2, true, ", \"input_forget\": true"));
        DirectionCell cell = m.layers().get(0).directions().get(0);
        assertTrue(cell.inputWeights().rows(2, 4).isZero());
        assertTrue(cell.recurrentWeights().rows(2, 4).isZero());
        assertEquals(burnValue(0, 2, 0, 1, 0), cell.inputWeights().get(4, 1));
        fails(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, false), config(3, 2, true, ""),
                "missing tensor 'forget_gate.input_transform.weight'");
    }

    // ---------------------------------------------------------------- BiLstm and prefixes

    @Test
    void loadsABiLstmUnderAPrefix() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter().f32("embed.weight", shape(5, 3), new float[15]);
        burnLstm(w, "encoder.bilstm.forward.", 0, 3, 2, true, true);
        burnLstm(w, "encoder.bilstm.reverse.", 1, 3, 2, true, true);
        w.f32("head.weight", shape(4, 1), new float[4]);
        String biConfig = config(3, 2, true, ", \"batch_first\": true, \"input_forget\": false,"
                + " \"gate_activation\": \"Sigmoid\", \"cell_activation\": \"Tanh\", \"hidden_activation\": \"Tanh\"");
        Model m = load(w, biConfig);
        assertEquals(2, m.directionCount());
        assertEquals(4, m.outputSize());
        Layer layer = m.layers().get(0);
        assertEquals(Direction.FORWARD, layer.directions().get(0).direction());
        assertEquals(Direction.REVERSE, layer.directions().get(1).direction());
        assertBurnCell(layer.directions().get(0), 0, 3, 2, true);
        assertBurnCell(layer.directions().get(1), 1, 3, 2, true);

        LoadResult r = BurnLstmLoader.loadResult(w.write(dir.resolve("w.safetensors")), config(biConfig),
                LoadOptions.DEFAULT);
        assertEquals(m, r.model());
        assertEquals(java.util.List.of("w.safetensors: 2 tensors not compiled (only the Lstm module is read from a "
                + "Burn record): embed.weight, head.weight; export the whole model to ONNX to compile it"), r.warnings());
    }

    @Test
    void refusesAnLstmConfigForBiLstmWeights() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        burnLstm(w, "forward.", 0, 3, 2, true, true);
        burnLstm(w, "reverse.", 1, 3, 2, true, true);
        fails(w, BurnLstmConfigTest.SAVED, LoadOptions.DEFAULT, "lstm.json", "field 'reverse'",
                "w.safetensors holds a BiLstm");
    }

    @Test
    void requiresAPrefixWhenTheFileHoldsSeveralModules() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        burnLstm(w, "encoder.", 0, 3, 2, false, true);
        burnLstm(w, "decoder.lstm.", 1, 3, 2, false, true);
        String cfg = config(3, 2, false, "");
        fails(w, cfg, "holds 2 Burn Lstm modules, under 'decoder.lstm', 'encoder'", "--prefix");
        Model dec = load(w, cfg, new LoadOptions(null, "decoder.lstm"));
        assertBurnCell(dec.layers().get(0).directions().get(0), 1, 3, 2, false);
        Model enc = load(w, cfg, new LoadOptions(null, "encoder."));
        assertBurnCell(enc.layers().get(0).directions().get(0), 0, 3, 2, false);
        fails(w, cfg, new LoadOptions(null, "lstm"), "w.safetensors", "no Burn Lstm under prefix 'lstm'",
                "'decoder.lstm', 'encoder'");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void refusesMissingAndExtraTensors() throws Exception {
        SafetensorsWriter noBias = burnLstm(new SafetensorsWriter(), "", 0, 3, 2, false, true);
        fails(noBias, config(3, 2, true, ""), "missing tensor 'input_gate.input_transform.bias'", "lstm.json says bias: true");
        SafetensorsWriter withBias = burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true);
        fails(withBias, config(3, 2, false, ""), "unexpected tensor '", ".bias' in Burn Lstm (top level)",
                "lstm.json says bias: false");
        SafetensorsWriter extra = burnLstm(new SafetensorsWriter(), "rnn.", 0, 3, 2, false, true)
                .f32("rnn.output_gate.peephole", shape(2), 1, 2);
        fails(extra, config(3, 2, false, ""), "unexpected tensor 'rnn.output_gate.peephole' in Burn Lstm 'rnn'");
    }

    @Test
    void refusesShapesThatDisagreeWithTheConfig() throws Exception {
        // PyTorch orientation [out, in] instead of Burn's [in, out]
        SafetensorsWriter w = new SafetensorsWriter();
        for (String gate : GATES) {
            w.f32(gate + ".input_transform.weight", shape(2, 3), new float[6]);
            w.f32(gate + ".hidden_transform.weight", shape(2, 2), new float[4]);
        }
        fails(w, config(3, 2, false, ""),
                "tensor 'input_gate.input_transform.weight' has shape [2, 3], expected [3, 2] [d_input, d_hidden] "
                        + "from lstm.json");
        fails(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), config(4, 2, true, ""),
                "tensor 'input_gate.input_transform.weight' has shape [3, 2], expected [4, 2]");
        fails(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), config(3, 5, true, ""),
                "expected [3, 5] [d_input, d_hidden]");
    }

    @Test
    void refusesNonFiniteWeights() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String gate : GATES) {
            w.f32(gate + ".input_transform.weight", shape(1, 1), 0.5f);
            w.f32(gate + ".hidden_transform.weight", shape(1, 1),
                    gate.equals("cell_gate") ? Float.NEGATIVE_INFINITY : 0.5f);
        }
        fails(w, config(1, 1, false, ""), "tensor 'cell_gate.hidden_transform.weight' holds -Infinity at [0, 0]");
    }

    @Test
    void hintsAtPyTorchWeights() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter()
                .f32("weight_ih_l0", shape(8, 3), new float[24])
                .f32("weight_hh_l0", shape(8, 2), new float[16]);
        fails(w, config(3, 2, false, ""), "no Burn Lstm weights found", "PyTorch nn.LSTM");
    }

    @Test
    void configErrorsNameTheConfig() throws Exception {
        fails(burnLstm(new SafetensorsWriter(), "", 0, 3, 2, true, true), "{\"d_input\": 3}", LoadOptions.DEFAULT,
                "lstm.json", "missing field 'd_hidden'");
    }
}

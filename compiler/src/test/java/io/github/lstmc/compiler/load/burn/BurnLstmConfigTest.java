package io.github.lstmc.compiler.load.burn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Layer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BurnLstmConfigTest {
    /** An LstmConfig exactly as Burn's Config::save writes it (serde_json pretty, field order of the derive). */
    static final String SAVED = """
            {
              "d_input": 3,
              "d_hidden": 2,
              "bias": true,
              "clip": null,
              "initializer": {
                "XavierNormal": {
                  "gain": 1.0
                }
              },
              "batch_first": true,
              "reverse": false,
              "input_forget": false,
              "gate_activation": "Sigmoid",
              "cell_activation": "Tanh",
              "hidden_activation": "Tanh"
            }
            """;

    private static BurnLstmConfig parse(String json) throws LstmcException {
        return BurnLstmConfig.parse("lstm.json", json);
    }

    private static String fails(String json, String... fragments) {
        LstmcException e = assertThrows(LstmcException.class, () -> parse(json));
        String m = e.getMessage();
        assertTrue(m.startsWith("lstm.json: "), m);
        assertFalse(m.contains("\n"), m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "expected '" + f + "' in: " + m);
        }
        return m;
    }

    private static Activation gate(String activationJson) throws LstmcException {
        return parse("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": " + activationJson + "}")
                .activations().gate();
    }

    @Test
    void parsesTheConfigBurnSaves() throws Exception {
        BurnLstmConfig c = parse(SAVED);
        assertEquals(3, c.dInput());
        assertEquals(2, c.dHidden());
        assertTrue(c.bias());
        assertTrue(c.batchFirst());
        assertFalse(c.reverse());
        assertTrue(c.hasReverseField());
        assertEquals(Layer.NO_CLIP, c.cellClip());
        assertFalse(c.inputForget());
        assertEquals(CellActivations.DEFAULT, c.activations());
    }

    @Test
    void appliesBurnDefaultsToAbsentFields() throws Exception {
        BurnLstmConfig c = parse("{\"d_input\": 4, \"d_hidden\": 5, \"bias\": false}");
        assertEquals(4, c.dInput());
        assertEquals(5, c.dHidden());
        assertFalse(c.bias());
        assertTrue(c.batchFirst());
        assertFalse(c.reverse());
        assertFalse(c.hasReverseField());
        assertEquals(Layer.NO_CLIP, c.cellClip());
        assertFalse(c.inputForget());
        assertEquals(CellActivations.DEFAULT, c.activations());
    }

    @Test
    void readsEveryNonDefaultSetting() throws Exception {
        BurnLstmConfig c = parse("""
                {"d_input": 3, "d_hidden": 2, "bias": false, "clip": 0.75, "initializer": "Zeros",
                 "batch_first": false, "reverse": true, "input_forget": true,
                 "gate_activation": {"HardSigmoid": {"alpha": 0.25, "beta": 0.4}},
                 "cell_activation": "Relu", "hidden_activation": {"LeakyRelu": {"negative_slope": 0.2}}}
                """);
        assertFalse(c.batchFirst());
        assertTrue(c.reverse());
        assertTrue(c.inputForget());
        assertEquals(0.75f, c.cellClip());
        assertEquals(Activation.of(Kind.HARD_SIGMOID, 0.25f, 0.4f), c.activations().gate());
        assertEquals(Activation.of(Kind.RELU), c.activations().cell());
        assertEquals(Activation.of(Kind.LEAKY_RELU, 0.2f), c.activations().hidden());
    }

    @Test
    void clipIsNullOrPositive() throws Exception {
        assertEquals(Layer.NO_CLIP, parse("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"clip\": null}").cellClip());
        assertEquals(3f, parse("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"clip\": 3}").cellClip());
        assertEquals(Layer.NO_CLIP, parse("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"clip\": 1e300}").cellClip());
        for (String bad : new String[] {"0", "-1.5", "\"3\"", "true", "1e-60"}) {
            fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"clip\": " + bad + "}", "field 'clip'");
        }
    }

    @Test
    void mapsEveryElementwiseBurnActivation() throws Exception {
        Map<String, Activation> cases = Map.ofEntries(
                Map.entry("\"Sigmoid\"", Activation.SIGMOID),
                Map.entry("{\"Sigmoid\": null}", Activation.SIGMOID),
                Map.entry("\"Tanh\"", Activation.TANH),
                Map.entry("\"Relu\"", Activation.of(Kind.RELU)),
                Map.entry("\"Identity\"", Activation.IDENTITY),
                Map.entry("\"Gelu\"", Activation.of(Kind.GELU)),
                Map.entry("\"Selu\"", Activation.of(Kind.SELU)),
                Map.entry("\"HardSwish\"", Activation.of(Kind.HARD_SWISH)),
                Map.entry("\"Softsign\"", Activation.of(Kind.SOFTSIGN)),
                Map.entry("{\"LeakyRelu\": {\"negative_slope\": 0.125}}", Activation.of(Kind.LEAKY_RELU, 0.125f)),
                Map.entry("{\"LeakyRelu\": {}}", Activation.of(Kind.LEAKY_RELU, 0.01f)),
                Map.entry("{\"HardSigmoid\": {\"alpha\": 0.2, \"beta\": 0.5}}", Activation.of(Kind.HARD_SIGMOID, 0.2f, 0.5f)),
                Map.entry("{\"Elu\": {\"alpha\": 0.7}}", Activation.of(Kind.ELU, 0.7f)),
                Map.entry("{\"Celu\": {\"alpha\": 2.0}}", Activation.of(Kind.CELU, 2f)),
                Map.entry("{\"ThresholdedRelu\": {\"alpha\": 0.1}}", Activation.of(Kind.THRESHOLDED_RELU, 0.1f)),
                Map.entry("{\"Softplus\": {\"beta\": 1.0}}", Activation.of(Kind.SOFTPLUS)),
                Map.entry("{\"Softplus\": {}}", Activation.of(Kind.SOFTPLUS)),
                Map.entry("{\"Softplus\": {\"beta\": 2.0}}", Activation.of(Kind.SOFTPLUS_BETA, 2f)),
                Map.entry("{\"Softplus\": {\"beta\": -0.5}}", Activation.of(Kind.SOFTPLUS_BETA, -0.5f)),
                Map.entry("\"GeluApproximate\"", Activation.of(Kind.GELU_TANH)),
                Map.entry("{\"GeluApproximate\": null}", Activation.of(Kind.GELU_TANH)),
                Map.entry("{\"HardShrink\": {\"lambda\": 0.25}}", Activation.of(Kind.HARD_SHRINK, 0.25f)),
                Map.entry("{\"HardShrink\": {}}", Activation.of(Kind.HARD_SHRINK, 0.5f)),
                Map.entry("{\"SoftShrink\": {\"lambda\": 0.75}}", Activation.of(Kind.SOFT_SHRINK, 0.75f)),
                Map.entry("{\"SoftShrink\": {}}", Activation.of(Kind.SOFT_SHRINK, 0.5f)),
                Map.entry("{\"Shrink\": {\"lambda\": 0.25, \"bias\": 0.125}}", Activation.of(Kind.SHRINK, 0.25f, 0.125f)),
                Map.entry("{\"Shrink\": {}}", Activation.of(Kind.SHRINK, 0.5f, 0.5f)));
        for (Map.Entry<String, Activation> c : cases.entrySet()) {
            assertEquals(c.getValue(), gate(c.getKey()), c.getKey());
        }
    }

    @Test
    void refusesActivationsLstmcCannotCompute() {
        String[] unsupported = {
            "{\"PRelu\": {\"num_parameters\": 1, \"alpha\": 0.25}}",
            "{\"SwiGlu\": {\"d_input\": 2, \"d_output\": 2, \"bias\": false}}",
        };
        for (String a : unsupported) {
            fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"hidden_activation\": " + a + "}",
                    "field 'hidden_activation'", "unsupported activation");
        }
    }

    @Test
    void refusesUnknownOrMalformedActivations() {
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"cell_activation\": \"Swish\"}",
                "field 'cell_activation'", "unknown activation 'Swish'");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"cell_activation\": 3}",
                "field 'cell_activation'", "ActivationConfig");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"cell_activation\": {\"Elu\": {\"alpha\": 1}, \"Relu\": null}}",
                "field 'cell_activation'");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"LeakyRelu\": {\"slope\": 0.1}}}",
                "field 'gate_activation' (LeakyRelu)", "unknown parameter 'slope'");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"Elu\": {\"alpha\": \"big\"}}}",
                "field 'gate_activation' (Elu)", "parameter 'alpha' must be a finite number");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"Tanh\": {\"x\": 1}}}",
                "field 'gate_activation' (Tanh) takes no parameters");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"Celu\": {\"alpha\": 0}}}",
                "field 'gate_activation' (Celu)", "alpha must not be 0");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"Softplus\": {\"beta\": 0}}}",
                "field 'gate_activation' (Softplus)", "beta must not be 0");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"HardShrink\": {\"lambd\": 1}}}",
                "field 'gate_activation' (HardShrink)", "unknown parameter 'lambd'");
        fails("{\"d_input\": 1, \"d_hidden\": 1, \"bias\": true, \"gate_activation\": {\"Shrink\": {\"bias\": \"x\"}}}",
                "field 'gate_activation' (Shrink)", "parameter 'bias' must be a finite number");
    }

    @Test
    void refusesMalformedConfigs() {
        fails("{\"d_input\": 3", "not valid JSON");
        fails("[1]", "must be a JSON object");
        fails("{\"d_hidden\": 2, \"bias\": true}", "missing field 'd_input'");
        fails("{\"d_input\": 3, \"d_hidden\": 2}", "missing field 'bias'");
        fails("{\"d_input\": 3, \"d_hidden\": 0, \"bias\": true}", "field 'd_hidden' must be a positive integer, got 0");
        fails("{\"d_input\": 2.5, \"d_hidden\": 2, \"bias\": true}", "field 'd_input' must be a positive integer");
        fails("{\"d_input\": 3, \"d_hidden\": 2, \"bias\": \"yes\"}", "field 'bias' must be true or false");
        fails("{\"d_input\": 3, \"d_hidden\": 2, \"bias\": true, \"batch_first\": 1}", "field 'batch_first'");
        fails("{\"d_input\": 3, \"d_hidden\": 2, \"bias\": true, \"peepholes\": true}", "unknown field 'peepholes'");
        fails("{\"d_input\": 3, \"d_hidden\": 2, \"bias\": true, \"bias\": false}", "not valid JSON");
    }
}

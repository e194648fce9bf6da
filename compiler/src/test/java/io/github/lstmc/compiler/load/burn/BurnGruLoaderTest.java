package io.github.lstmc.compiler.load.burn;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.safetensors.SafetensorsWriter;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Burn {@code Gru}/{@code BiGru}: gate controllers update, reset and new become lstmc's z, r and n
 * with each Linear weight transposed; {@code reset_after} is the reset placement; refusals name the
 * config field. Numbers against torch are in the gru-rnn/burn goldens (PyTorchGoldenTest).
 */
class BurnGruLoaderTest {
    static final List<String> GATES = List.of("update_gate", "reset_gate", "new_gate");

    @TempDir
    Path dir;

    /** Gate g's Linear weight [in][h]: value 100*g + 10*a + b. */
    private static float[] weight(int g, int in, int h) {
        float[] v = new float[in * h];
        for (int a = 0; a < in; a++) {
            for (int b = 0; b < h; b++) {
                v[a * h + b] = 100 * g + 10 * a + b;
            }
        }
        return v;
    }

    private Path weights(int in, int h, boolean bias) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (int g = 0; g < 3; g++) {
            String gate = "gru." + GATES.get(g) + ".";
            w.f32(gate + "input_transform.weight", shape(in, h), weight(g, in, h));
            w.f32(gate + "hidden_transform.weight", shape(h, h), weight(g, h, h));
            if (bias) {
                w.f32(gate + "input_transform.bias", shape(h), weight(g, 1, h));
                w.f32(gate + "hidden_transform.bias", shape(h), weight(g, 1, h));
            }
        }
        return w.write(dir.resolve("gru.safetensors"));
    }

    private Path config(String json) throws Exception {
        return Files.writeString(dir.resolve("gru.json"), json);
    }

    @Test
    void gatesBecomeZrNRowsOfTheTransposedWeights() throws Exception {
        Path cfg = config("{\"d_input\": 2, \"d_hidden\": 3, \"bias\": true, \"reset_after\": false,"
                + " \"initializer\": {\"XavierNormal\": {\"gain\": 1.0}}}");
        Model m = BurnLstmLoader.load(weights(2, 3, true), cfg, LoadOptions.DEFAULT);
        assertEquals(List.of(CellKind.GRU), m.cellKinds());
        assertFalse(m.layers().get(0).linearBeforeReset());
        assertEquals(Layout.BATCH_FIRST, m.layout());
        DirectionCell c = m.layers().get(0).directions().get(0);
        // row 3 + j of W is the reset gate's (g = 1) column j: Burn's W[a][j] = 100 + 10a + j
        assertEquals(100 + 10 + 2, c.inputWeights().get(3 + 2, 1));
        assertEquals(200 + 20 + 1, c.recurrentWeights().get(6 + 1, 2));
        assertEquals(2, c.inputBias().get(2));
    }

    @Test
    void refusesAClipAndUnknownFields() throws Exception {
        Path w = weights(2, 3, false);
        LstmcException clip = assertThrows(LstmcException.class, () -> BurnLstmLoader.load(w,
                config("{\"d_input\": 2, \"d_hidden\": 3, \"bias\": false, \"reset_after\": true, \"clip\": 0.5}"),
                LoadOptions.DEFAULT));
        assertEquals("gru.json: field 'clip' is 0.5; lstmc does not compile Burn's GRU hidden-state clip (give"
                + " \"clip\": null)", clip.getMessage());
        LstmcException unknown = assertThrows(LstmcException.class, () -> BurnLstmLoader.load(w,
                config("{\"d_input\": 2, \"d_hidden\": 3, \"bias\": false, \"reset_after\": true, \"reverse\": true}"),
                LoadOptions.DEFAULT));
        assertTrue(unknown.getMessage().startsWith("gru.json: unknown field 'reverse' (a Burn GruConfig has d_input,"),
                unknown.getMessage());
    }

    @Test
    void gruWeightsWithAnLstmStyleConfigAreReadAsAGru() throws Exception {
        Path cfg = config("{\"d_input\": 2, \"d_hidden\": 3, \"bias\": false}");
        Model m = BurnLstmLoader.load(weights(2, 3, false), cfg, LoadOptions.DEFAULT);
        assertTrue(m.layers().get(0).linearBeforeReset(), "Burn's default reset_after is true");
    }

    @Test
    void missingGateTensorIsNamed() throws Exception {
        Path w = new SafetensorsWriter().f32("update_gate.input_transform.weight", shape(2, 3), new float[6])
                .write(dir.resolve("gru.safetensors"));
        LstmcException e = assertThrows(LstmcException.class, () -> BurnLstmLoader.load(w,
                config("{\"d_input\": 2, \"d_hidden\": 3, \"bias\": false, \"reset_after\": true}"), LoadOptions.DEFAULT));
        assertEquals("gru.safetensors: missing tensor 'update_gate.hidden_transform.weight'", e.getMessage());
    }
}

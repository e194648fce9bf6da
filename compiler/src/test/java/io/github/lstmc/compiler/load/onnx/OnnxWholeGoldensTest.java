package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The goldens/whole (torch.onnx.export) and goldens/tf2onnx fixtures import into the model their
 * meta.json describes; the goldens/refused fixtures are refused in one line naming the node.
 */
class OnnxWholeGoldensTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path root(String group) throws URISyntaxException {
        return Path.of(OnnxWholeGoldensTest.class.getResource("/goldens/" + group).toURI());
    }

    static Stream<String> cases(String group) throws IOException, URISyntaxException {
        try (Stream<Path> dirs = Files.list(root(group))) {
            return dirs.filter(Files::isDirectory).map(p -> group + "/" + p.getFileName()).sorted().toList().stream();
        }
    }

    static Stream<String> importable() throws IOException, URISyntaxException {
        return Stream.of(cases("whole"), cases("gru-rnn/whole"), cases("tf2onnx")).flatMap(s -> s);
    }

    static JsonNode meta(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("meta.json").toFile());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("importable")
    void importsTheModelMetaDescribes(String name) throws Exception {
        Path dir = root("").resolve(name);
        JsonNode meta = meta(dir);
        OnnxImport imported = OnnxLoader.read(dir.resolve("model.onnx"));
        Model m = imported.model();
        assertEquals(TimeReduction.valueOf(meta.get("reduction").asText()), m.reduction(), name);
        assertEquals(meta.path("vocabulary_size").asInt(0), m.vocabularySize(), name);
        assertEquals(meta.path("scalar_output").asBoolean(false), m.scalarOutput(), name);
        if (meta.has("lengths_mask_recurrence") && m.reduction() == TimeReduction.LAST_VALID_STEP) {
            assertEquals(meta.get("lengths_mask_recurrence").asBoolean(), m.lengthsMaskRecurrence(), name);
        }
        if (meta.has("batch_first")) {
            assertEquals(meta.get("batch_first").asBoolean() ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST, m.layout(), name);
        }
        assertEquals(meta.get("inputs").get(0).asText(), imported.inputName(), name);
        if (meta.get("inputs").size() > 1) {
            assertEquals(meta.get("inputs").get(1).asText(), imported.sequenceLengths(), name);
        }
        String cell = meta.path("cell").asText("lstm");
        assertTrue(m.cellKinds().stream().allMatch(k -> cell.contains(k.name().toLowerCase(java.util.Locale.ROOT))),
                () -> name + ": cells " + m.cellKinds());
        if (name.endsWith("mean_softplus_beta_sigmoid")) {
            assertEquals(Activation.softplus(2f), ((HeadLayer.Elementwise) m.head().get(1)).function());
        }
        if (meta.has("expected_shape")) {
            JsonNode shape = meta.get("expected_shape");
            int features = m.scalarOutput() ? 1 : shape.get(shape.size() - 1).asInt();
            assertEquals(features, m.outputSize(), name);
        }
    }

    @Test
    void loweredLstmIsRefusedAsAnotherFormat() throws Exception {
        Path file = root("refused").resolve("lstm_as_loop/model.onnx");
        LstmcException e = assertThrows(LstmcException.class, () -> OnnxLoader.read(file));
        assertOneLine(e);
        assertTrue(e.getMessage().startsWith("model.onnx: the graph has no LSTM, GRU or RNN node: its recurrence was"
                + " lowered into a Loop (operators: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("); lstmc compiles the ONNX LSTM, GRU and RNN operators, so re-export the"
                + " model with one of them"), e.getMessage());
    }

    @Test
    void convolutionFrontEndIsRefusedAndCanBeCutOff() throws Exception {
        Path file = root("refused").resolve("conv1d_front_end/model.onnx");
        LstmcException e = assertThrows(LstmcException.class, () -> OnnxLoader.read(file));
        assertOneLine(e);
        assertEquals("model.onnx: node '/conv/Conv' (Conv): operator Conv is not supported by lstmc's ONNX importer (it is"
                + " before the LSTM: --from TENSOR can cut it off; lstmc inspect lists the tensors)", e.getMessage());
        OnnxLoader.CutPoints cuts = OnnxLoader.cutPoints(file);
        assertFalse(cuts.from().isEmpty(), cuts.toString());
        assertFalse(cuts.to().isEmpty(), cuts.toString());
        OnnxImport cut = OnnxLoader.read(file, LoadOptions.DEFAULT.withCut(cuts.from().get(0), null));
        assertEquals(cuts.from().get(0), cut.inputName());
        assertEquals(TimeReduction.LAST_STEP, cut.model().reduction());
        assertEquals(6, cut.model().inputSize());
    }

    private static void assertOneLine(LstmcException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

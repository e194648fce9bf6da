package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
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
 * Whole graphs written by torch.onnx.export for nn.LSTM, imported and run through the interpreter
 * against PyTorch's own outputs at 1e-5 absolute: the exports at other opsets here; the
 * goldens/onnx-export cases (stacked, bidirectional, batch-first, state inputs) run on every engine
 * in {@code goldens.PyTorchGoldenTest}.
 */
class OnnxExportGoldensTest {
    static final double TOLERANCE = 1e-5;

    static Path root() throws URISyntaxException {
        return Path.of(OnnxExportGoldensTest.class.getResource("/goldens/onnx-export").toURI());
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Path opsetRoot() throws URISyntaxException {
        return Path.of(OnnxExportGoldensTest.class.getResource("/onnx-export-opsets").toURI());
    }

    static Stream<String> opsetCases() throws IOException, URISyntaxException {
        try (Stream<Path> dirs = Files.list(opsetRoot())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /**
     * Exports at opsets 7, 9, 11 and 17 (compiler/src/test/python/make_onnx_opset_exports.py):
     * weights behind Slice/Concat gate shuffles and ConstantFill zero states (7), attribute-form
     * Slice/Unsqueeze (9), state inputs sliced per layer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("opsetCases")
    void otherOpsetsMatchTorch(String name) throws Exception {
        Path dir = opsetRoot().resolve(name);
        Model model = Lstmc.compiler().load(dir.resolve("model.onnx"));
        assertEquals(name.contains("batch_first") ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST, model.layout(), name);
        RunOutput expected = RunOutput.read(dir.resolve("expected.json"));
        RunOutput actual = Runner.run(Lstmc.compiler().interpreter(model), RunInput.read(dir.resolve("input.json")));
        Compare.assertClose(name, expected, actual, TOLERANCE);
    }

    @Test
    void stackedBidirectionalWithStatesMapsOntoOneModel() throws Exception {
        OnnxImport imported = OnnxLoader.read(root().resolve("bidirectional_layers2_state/model.onnx"));
        assertEquals(2, imported.model().layers().size());
        assertEquals(2, imported.model().directionCount());
        assertEquals("input", imported.inputName());
        assertEquals("h0", imported.initialHidden());
        assertEquals("c0", imported.initialCell());
    }

    @Test
    void casesArePresent() throws Exception {
        assertTrue(cases().count() >= 9);
    }
}

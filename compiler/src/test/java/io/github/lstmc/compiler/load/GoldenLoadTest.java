package io.github.lstmc.compiler.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loaders against the committed PyTorch and Burn goldens: each case is loaded through
 * {@link ModelLoader} exactly as a user would (prefix and config from its meta.json), run by the
 * reference interpreter and compared with torch's outputs. A wrong tensor mapping, transpose,
 * gate order, direction or layout shows up as a numeric mismatch.
 */
class GoldenLoadTest {
    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> pytorchCases() throws Exception {
        return cases("pytorch");
    }

    static Stream<String> burnCases() throws Exception {
        return cases("burn");
    }

    private static Stream<String> cases(String group) throws Exception {
        Path root = goldens().resolve(group);
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> names = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            assertFalse(names.isEmpty(), "no golden cases in " + root);
            return names.stream();
        }
    }

    private static Path goldens() throws Exception {
        return Path.of(GoldenLoadTest.class.getResource("/goldens").toURI());
    }

    @ParameterizedTest(name = "pytorch/{0}")
    @MethodSource("pytorchCases")
    void pytorchGoldens(String name) throws Exception {
        Path dir = goldens().resolve("pytorch").resolve(name);
        JsonNode meta = JSON.readTree(dir.resolve("meta.json").toFile());
        String prefix = meta.hasNonNull("prefix") ? meta.get("prefix").asText() : null;
        Model model = Lstmc.compiler().load(dir.resolve("model.safetensors"), new LoadOptions(null, prefix));
        assertEquals(Layout.SEQUENCE_FIRST, model.layout(), "PyTorch default layout");
        assertEquals(meta.get("num_layers").asInt(), model.layers().size(), "layers");
        assertEquals(meta.get("bidirectional").asBoolean() ? 2 : 1, model.directionCount(), "directions");
        assertEquals(meta.get("hidden_size").asInt(), model.layers().get(0).hiddenSize(), "hidden size");
        compare("pytorch/" + name, dir, model);
    }

    @ParameterizedTest(name = "burn/{0}")
    @MethodSource("burnCases")
    void burnGoldens(String name) throws Exception {
        Path dir = goldens().resolve("burn").resolve(name);
        JsonNode meta = JSON.readTree(dir.resolve("meta.json").toFile());
        Path config = dir.resolve(meta.path("config").asText("config.json"));
        Path weights = dir.resolve(meta.path("weights").asText("model.safetensors"));
        Model model = Lstmc.compiler().load(weights, new LoadOptions(config, null));
        assertEquals("BiLstm".equals(meta.path("module").asText()) ? 2 : 1, model.directionCount(), "directions");
        compare("burn/" + name, dir, model);
    }

    private static void compare(String name, Path dir, Model model) throws Exception {
        RunInput input = RunInput.read(dir.resolve("input.json"));
        RunOutput expected = RunOutput.read(dir.resolve("expected.json"));
        RunOutput actual = Runner.run(Lstmc.compiler().interpreter(model), input);
        Compare.assertClose(name, expected, actual, TOLERANCE);
    }
}

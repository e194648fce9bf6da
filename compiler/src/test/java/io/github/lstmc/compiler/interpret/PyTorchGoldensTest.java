package io.github.lstmc.compiler.interpret;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.pytorch.PyTorchLstmLoader;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The interpreter against PyTorch 1.13 on every stored golden case (goldens/pytorch, see its README). */
class PyTorchGoldensTest {
    /** The goldens' stated tolerance. */
    private static final double TOLERANCE = 1e-5;

    static List<Path> cases() throws Exception {
        Path root = resource("goldens/pytorch");
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> cases = dirs.filter(d -> Files.isRegularFile(d.resolve("expected.json"))).sorted().toList();
            assertTrue(cases.size() >= 10, "golden cases missing under " + root);
            return cases;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void interpreterMatchesPyTorch(Path dir) throws Exception {
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        JsonNode prefix = meta.get("prefix");
        LoadOptions options = prefix == null || prefix.isNull() ? LoadOptions.DEFAULT
                : LoadOptions.DEFAULT.withPrefix(prefix.asText());
        Model model = PyTorchLstmLoader.load(dir.resolve("model.safetensors"), options);
        RunOutput actual = Runner.run(new Interpreter(model), RunInput.read(dir.resolve("input.json")));
        Compare.assertClose(dir.getFileName().toString(), RunOutput.read(dir.resolve("expected.json")), actual,
                TOLERANCE);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PyTorchGoldensTest.class.getClassLoader().getResource(name).toURI());
    }
}

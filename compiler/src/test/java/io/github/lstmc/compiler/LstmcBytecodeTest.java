package io.github.lstmc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's bytecode branch: generate, instantiate, loadNetwork. */
class LstmcBytecodeTest {
    private static final CompileOptions OPTIONS =
            new CompileOptions("com.example.models", "Tagger", Backend.BYTECODE, 11);

    private static Model model() {
        return RandomModels.model(new Random(42), RandomModels.Features.all().withMaxSize(6));
    }

    @Test
    void generateWritesOneClassFileAtThePackagePath() {
        GeneratedCode code = Lstmc.compiler().generate(model(), OPTIONS);
        assertEquals(1, code.files().size());
        GeneratedFile file = code.files().get(0);
        assertEquals("com/example/models/Tagger.class", file.relativePath());
        ByteBuffer header = ByteBuffer.wrap(file.content());
        assertEquals(0xCAFEBABE, header.getInt());
        header.getShort();
        assertEquals(55, header.getShort(), "class-file version of release 11");
    }

    @Test
    void generatedBytesAreReproducible() {
        assertEquals(Lstmc.compiler().generate(model(), OPTIONS), Lstmc.compiler().generate(model(), OPTIONS));
    }

    @Test
    void instantiateRunsLikeTheInterpreter() {
        Model model = model();
        LstmNetwork compiled = Lstmc.compiler().instantiate(model, OPTIONS);
        LstmNetwork reference = Lstmc.compiler().interpreter(model);
        assertEquals("com.example.models.Tagger", compiled.getClass().getName());
        float[][][] x = RandomModels.input(new Random(1), 2, 3, model.inputSize());
        float[][][] expected = reference.forward(x);
        float[][][] actual = compiled.forward(x);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int o = 0; o < model.outputSize(); o++) {
                    assertEquals(expected[b][t][o], actual[b][t][o], 1e-5, "[" + b + "][" + t + "][" + o + "]");
                }
            }
        }
    }

    @Test
    void loadNetworkCompilesAModelFile() throws Exception {
        Path file = resource("/onnx-node-tests/official-test_lstm_with_peepholes/model.onnx");
        LstmNetwork compiled = Lstmc.compiler().loadNetwork(file);
        assertEquals("lstmc.generated.Model", compiled.getClass().getName());
        assertSameAsInterpreter(Lstmc.compiler().load(file), compiled);
    }

    @Test
    void loadNetworkWithABurnConfig() throws Exception {
        Path weights = resource("/goldens/burn/bilstm/model.safetensors");
        LoadOptions options = new LoadOptions(resource("/goldens/burn/bilstm/config.json"), null);
        LstmNetwork compiled = Lstmc.compiler().loadNetwork(weights, options);
        assertEquals(2, compiled.directionCount());
        assertSameAsInterpreter(Lstmc.compiler().load(weights, options), compiled);
    }

    private Path resource(String name) throws Exception {
        return Path.of(getClass().getResource(name).toURI());
    }

    private static void assertSameAsInterpreter(Model model, LstmNetwork compiled) {
        float[][][] x = RandomModels.input(new Random(3), 2, 4, model.inputSize());
        float[][][] expected = Lstmc.compiler().interpreter(model).forward(x);
        float[][][] actual = compiled.forward(x);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                for (int o = 0; o < model.outputSize(); o++) {
                    assertEquals(expected[b][t][o], actual[b][t][o], 1e-5, "[" + b + "][" + t + "][" + o + "]");
                }
            }
        }
    }

    @Test
    void loadNetworkReportsAnUnreadableFile(@TempDir Path dir) {
        LstmcException e = assertThrows(LstmcException.class,
                () -> Lstmc.compiler().loadNetwork(dir.resolve("missing.safetensors")));
        assertTrue(e.getMessage().contains("missing.safetensors"), e.getMessage());
    }
}

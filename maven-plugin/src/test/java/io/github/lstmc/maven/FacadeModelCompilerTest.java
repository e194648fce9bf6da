package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.LstmcException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real compiler behind the plugin, on the integration tests' model files. */
class FacadeModelCompilerTest {
    private static final Path IT = Path.of("src/it");
    private final List<String> warnings = new ArrayList<>();
    private final FacadeModelCompiler compiler = new FacadeModelCompiler(warnings::add);

    @TempDir
    Path dir;

    private static ModelSource source(String project, String file, Path config) {
        Path p = IT.resolve(project).resolve(file);
        return new ModelSource(p.getFileName().toString(), p, config, null,
                io.github.lstmc.compiler.JavaNames.classNameFor(p.getFileName().toString()));
    }

    @Test
    void sourceBackEndGivesOneJavaFileInThePackageDirectory() throws Exception {
        GeneratedCode code = compiler.compile(source("source-backend", "src/main/lstm/speech_tagger.safetensors", null),
                CompileOptions.of("com.example.models", "SpeechTagger"));
        assertEquals(1, code.files().size());
        assertEquals("com/example/models/SpeechTagger.java", code.files().get(0).relativePath());
        String text = new String(code.files().get(0).content(), StandardCharsets.UTF_8);
        assertTrue(text.contains("public final class SpeechTagger"), text);
    }

    @Test
    void bytecodeBackEndGivesClassFiles() throws Exception {
        GeneratedCode code = compiler.compile(source("source-backend", "src/main/lstm/speech_tagger.safetensors", null),
                new CompileOptions("com.example.models", "SpeechTagger", Backend.BYTECODE, 11));
        assertEquals("com/example/models/SpeechTagger.class", code.files().get(0).relativePath());
        byte[] bytes = code.files().get(0).content();
        assertEquals(55, ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff), "class file version of Java 11");
    }

    @Test
    void burnWeightsAreReadWithTheirConfig() throws Exception {
        Path config = IT.resolve("source-backend/src/main/lstm/burn_cell.json");
        GeneratedCode code = compiler.compile(source("source-backend", "src/main/lstm/burn_cell.safetensors", config),
                CompileOptions.of("p", "BurnCell"));
        assertEquals("p/BurnCell.java", code.files().get(0).relativePath());
    }

    /** A state dict with a Linear head next to nn.LSTM(1, 1): the head is named in one warning, not dropped silently. */
    @Test
    void tensorsOutsideTheLstmAreNamedInAWarning() throws Exception {
        String header = "{\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[4,8]},"
                + "\"lstm.weight_hh_l0\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[8,24]},"
                + "\"lstm.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[24,40]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 40).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        Path model = dir.resolve("classifier.safetensors");
        Files.write(model, file.array()); // all weights 0
        GeneratedCode code = compiler.compile(new ModelSource("classifier.safetensors", model, null, null, "Classifier"),
                CompileOptions.of("p", "Classifier"));
        assertEquals(1, code.files().size());
        assertEquals(List.of("classifier.safetensors: 2 tensors not compiled (only the LSTM is read from a state "
                + "dict): fc.bias, fc.weight; export the whole model to ONNX to compile it"), warnings);
    }

    @Test
    void anLstmAloneGivesNoWarning() throws Exception {
        compiler.compile(source("source-backend", "src/main/lstm/speech_tagger.safetensors", null),
                CompileOptions.of("p", "SpeechTagger"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void badShapesGiveTheLoadersOneLineMessageNamingTheFile() {
        LstmcException e = assertThrows(LstmcException.class, () -> compiler.compile(
                source("bad-model", "src/main/lstm/broken_shapes.safetensors", null), CompileOptions.of("p", "B")));
        assertTrue(e.getMessage().startsWith("broken_shapes.safetensors: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void unknownActivationNamesTheConfig() {
        Path config = IT.resolve("bad-model/src/main/lstm/odd_activation.json");
        LstmcException e = assertThrows(LstmcException.class, () -> compiler.compile(
                source("bad-model", "src/main/lstm/odd_activation.safetensors", config), CompileOptions.of("p", "O")));
        assertTrue(e.getMessage().startsWith("odd_activation.json: ") && e.getMessage().contains("Swoosh"),
                e.getMessage());
    }
}

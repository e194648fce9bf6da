package io.github.lstmc.compiler.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.safetensors.SafetensorsWriter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
    private static final String CONFIG = "{\"d_input\": 1, \"d_hidden\": 1, \"bias\": false}";

    @TempDir
    Path dir;

    private static SafetensorsWriter pytorch() {
        return new SafetensorsWriter()
                .f32("weight_ih_l0", SafetensorsWriter.shape(4, 1), 1, 2, 3, 4)
                .f32("weight_hh_l0", SafetensorsWriter.shape(4, 1), 5, 6, 7, 8);
    }

    private static SafetensorsWriter burn() {
        SafetensorsWriter w = new SafetensorsWriter();
        float v = 1;
        for (String gate : new String[] {"input_gate", "forget_gate", "cell_gate", "output_gate"}) {
            w.f32(gate + ".input_transform.weight", SafetensorsWriter.shape(1, 1), v++);
            w.f32(gate + ".hidden_transform.weight", SafetensorsWriter.shape(1, 1), v++);
        }
        return w;
    }

    private String fails(Path file, LoadOptions options, String message) {
        LstmcException e = assertThrows(LstmcException.class, () -> ModelLoader.load(file, options));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        return e.getMessage();
    }

    @Test
    void safetensorsWithoutConfigIsPyTorch() throws Exception {
        Path f = pytorch().write(dir.resolve("tagger.safetensors"));
        Model m = Lstmc.compiler().load(f);
        assertEquals("tagger", m.name());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        assertEquals(3f, m.layers().get(0).directions().get(0).inputWeights().get(2, 0));
    }

    @Test
    void safetensorsWithConfigIsBurn() throws Exception {
        Path f = burn().write(dir.resolve("weights.safetensors"));
        Path cfg = Files.writeString(dir.resolve("cfg.json"), CONFIG);
        Model m = ModelLoader.load(f, new LoadOptions(cfg, null));
        assertEquals(Layout.BATCH_FIRST, m.layout());
        // cell_gate's input weight is the 5th value written
        assertEquals(5f, m.layers().get(0).directions().get(0).inputWeights().get(2, 0));
    }

    @Test
    void jsonConfigFindsItsWeightsBesideIt() throws Exception {
        burn().write(dir.resolve("lstm.safetensors"));
        Path cfg = Files.writeString(dir.resolve("lstm.json"), CONFIG);
        Model m = ModelLoader.load(cfg, LoadOptions.DEFAULT.withLayout(Layout.SEQUENCE_FIRST));
        assertEquals("lstm", m.name());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        assertEquals(7f, m.layers().get(0).directions().get(0).inputWeights().get(3, 0));
    }

    @Test
    void jsonConfigWithoutWeightsOrWithAnotherConfigFails() throws Exception {
        Path cfg = Files.writeString(dir.resolve("alone.json"), CONFIG);
        fails(cfg, LoadOptions.DEFAULT, "alone.json: Burn weights 'alone.safetensors' not found beside the config");
        fails(cfg, new LoadOptions(cfg, null), "alone.json: is already a Burn config");
    }

    @Test
    void missingConfigIsNamed() throws Exception {
        Path f = burn().write(dir.resolve("weights.safetensors"));
        Path cfg = dir.resolve("nope.json");
        fails(f, new LoadOptions(cfg, null), cfg + ": file not found");
    }

    @Test
    void onnxGoesToTheOnnxImporter() throws Exception {
        Path f = Files.write(dir.resolve("m.onnx"), new byte[] {1});
        fails(f, LoadOptions.DEFAULT, "m.onnx: not a valid ONNX model");
    }

    @Test
    void otherFormatsAreRefusedWithAHint() throws Exception {
        fails(Files.write(dir.resolve("m.pt"), new byte[] {1}), null, "m.pt: PyTorch pickle checkpoints are not read");
        fails(Files.write(dir.resolve("m.mpk"), new byte[] {1}), null, "m.mpk: Burn record files are not read");
        fails(Files.write(dir.resolve("m.h5"), new byte[] {1}), null, "m.h5: unsupported model format");
        fails(Files.write(dir.resolve("model"), new byte[] {1}), null, "model: unsupported model format");
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() throws Exception {
        Path missing = dir.resolve("absent.safetensors");
        fails(missing, null, missing + ": file not found");
        Path sub = Files.createDirectory(dir.resolve("folder.safetensors"));
        fails(sub, null, sub + ": is a directory, not a model file");
    }
}

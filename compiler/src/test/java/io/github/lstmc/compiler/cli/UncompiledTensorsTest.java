package io.github.lstmc.compiler.cli;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.load.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PyTorch state dict with a head next to its LSTM: only the LSTM compiles, and every command
 * says which tensors it left out (inspect lists them; compile and run warn in one stderr line).
 */
class UncompiledTensorsTest {
    private static final String WARNING = "warning: model.safetensors: 4 tensors not compiled (only the LSTM is read "
            + "from a state dict): fc.bias, fc.weight, head.0.bias, head.0.weight; export the whole model to ONNX "
            + "to compile it";

    @TempDir
    Path dir;

    /** nn.LSTM(2, 1) as {@code lstm}, then {@code head = Sequential(Linear(1, 3), ...)} and {@code fc = Linear(3, 1)}. */
    private Path model() throws IOException {
        byte[] bytes = new SafetensorsWriter()
                .f32("lstm.weight_ih_l0", shape(4, 2), 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f)
                .f32("lstm.weight_hh_l0", shape(4, 1), 0.1f, -0.2f, 0.3f, -0.4f)
                .f32("head.0.weight", shape(3, 1), 1f, 2f, 3f)
                .f32("head.0.bias", shape(3), 0f, 0f, 0f)
                .f32("fc.weight", shape(1, 3), 1f, 1f, 1f)
                .f32("fc.bias", shape(1), 0.5f)
                .toBytes();
        Path file = dir.resolve("model.safetensors");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void compileWarnsInOneLine() throws IOException {
        Cli.Result r = Cli.run("compile", model().toString(), "--out", dir.resolve("gen").toString()).assertOk();
        assertEquals(WARNING + "\n", r.err().replace("\r\n", "\n"));
    }

    @Test
    void runWarnsInOneLine() throws IOException {
        Path input = dir.resolve("in.json");
        Files.writeString(input, "{\"input\": [[[1, 2], [3, 4]]]}");
        Cli.Result r = Cli.run("run", model().toString(), "--input", input.toString(), "--output",
                dir.resolve("out.json").toString()).assertOk();
        assertEquals(WARNING + "\n", r.err().replace("\r\n", "\n"));
        assertTrue(Files.isRegularFile(dir.resolve("out.json")));
    }

    @Test
    void inspectListsThemAndWarns() throws IOException {
        Cli.Result r = Cli.run("inspect", model().toString()).assertOk();
        assertEquals(WARNING + "\n", r.err().replace("\r\n", "\n"));
        assertTrue(r.out().replace("\r\n", "\n").contains("not compiled: 4 tensors of the file outside the model\n"
                + "  fc.bias\n  fc.weight\n  head.0.bias\n  head.0.weight\n"), r.out());
    }

    @Test
    void aFileThatIsOnlyTheLstmGivesNoWarning() throws IOException {
        Path file = Fixtures.copy("pytorch/basic/model.safetensors", dir, "plain.safetensors");
        Cli.Result r = Cli.run("compile", file.toString(), "--out", dir.resolve("gen").toString()).assertOk();
        assertEquals("", r.err());
        assertTrue(!Cli.run("inspect", file.toString()).assertOk().out().contains("not compiled"));
    }
}

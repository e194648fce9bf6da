package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --from}/{@code --to} on the command line, on a graph whose convolutional front end lstmc refuses. */
class OnnxCutCliTest {
    private static Path conv() throws Exception {
        return Path.of(OnnxCutCliTest.class.getResource("/goldens/refused/conv1d_front_end/model.onnx").toURI());
    }

    @Test
    void refusedFrontEndNamesTheCut() throws Exception {
        Cli.Result r = Cli.run("inspect", conv().toString());
        r.assertUserError("node '/conv/Conv' (Conv)", "--from TENSOR can cut it off");
        // inspect lists where a cut works before it reports the refusal
        assertTrue(r.out().contains("tensors where a cut works"), r.out());
        assertTrue(r.out().contains("  --from /lstm/Transpose_output_0\n"), r.out());
        assertTrue(r.out().contains("  --to output\n"), r.out());
    }

    @Test
    void fromAndToCompileTheMiddle() throws Exception {
        Cli.Result r = Cli.run("inspect", conv().toString(), "--from", "/lstm/Transpose_output_0", "--to", "output");
        r.assertOk();
        assertTrue(r.out().contains("reduction over time: the output at the last step"), r.out());
    }
}

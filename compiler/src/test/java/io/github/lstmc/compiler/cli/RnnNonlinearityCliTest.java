package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.run.RunOutput;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rnn-nonlinearity}: a ReLU nn.RNN state dict matches PyTorch only with {@code relu}; without
 * the option it is compiled with tanh and {@code run} says so in one warning line; a value other than
 * tanh or relu is a usage error.
 */
class RnnNonlinearityCliTest {
    private static final String CASE = "gru-rnn/pytorch/rnn_relu_stacked2_bidirectional_initial_state/";

    @TempDir
    Path dir;

    private Cli.Result run(Path out, String... options) {
        Path model = dir.resolve("rnn.safetensors");
        Path in = dir.resolve("in.json");
        if (!java.nio.file.Files.exists(model)) {
            Fixtures.copy(CASE + "model.safetensors", dir, "rnn.safetensors");
            Fixtures.copy(CASE + "input.json", dir, "in.json");
        }
        String[] args = {"run", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--engine", "bytecode"};
        String[] all = java.util.Arrays.copyOf(args, args.length + options.length);
        System.arraycopy(options, 0, all, args.length, options.length);
        return Cli.run(all);
    }

    @Test
    void reluMatchesPyTorchAndTanhIsTheNoticedDefault() throws Exception {
        RunOutput expected = RunOutput.read(Fixtures.copy(CASE + "expected.json", dir, "expected.json"));
        Path relu = dir.resolve("relu.json");
        Cli.Result r = run(relu, "--rnn-nonlinearity", "relu");
        r.assertOk();
        assertFalse(r.err().contains("warning"), r.err());
        io.github.lstmc.compiler.testing.Compare.assertClose("relu", expected, RunOutput.read(relu), 1e-5);

        Path tanh = dir.resolve("tanh.json");
        Cli.Result t = run(tanh);
        t.assertOk();
        assertEquals("warning: rnn.safetensors: an nn.RNN state dict does not say its nonlinearity; compiled with tanh"
                + " (PyTorch's default; --rnn-nonlinearity relu for nonlinearity='relu')\n", t.err());
        assertTrue(maxOutputDiff(RunOutput.read(tanh), expected) > 1e-3, "tanh is not the ReLU model");
    }

    private static double maxOutputDiff(RunOutput a, RunOutput b) {
        double max = 0;
        for (int i = 0; i < a.output().length; i++) {
            for (int j = 0; j < a.output()[i].length; j++) {
                for (int k = 0; k < a.output()[i][j].length; k++) {
                    max = Math.max(max, Math.abs(a.output()[i][j][k] - b.output()[i][j][k]));
                }
            }
        }
        return max;
    }

    @Test
    void otherValuesAreUsageErrors() {
        Cli.Result r = run(dir.resolve("x.json"), "--rnn-nonlinearity", "sigmoid");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("expected tanh or relu, got 'sigmoid'"), r.err());
    }
}

package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.run.RunOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code lstmc run} against PyTorch's outputs (golden fixtures), and its error contract. */
class RunCommandTest {

    @TempDir
    Path dir;

    private Path model(String golden) {
        return Fixtures.copy("pytorch/" + golden + "/model.safetensors", dir, golden + ".safetensors");
    }

    private Path input(String golden) {
        return Fixtures.copy("pytorch/" + golden + "/input.json", dir, golden + "-input.json");
    }

    private RunOutput expected(String golden) throws Exception {
        return RunOutput.read(Fixtures.copy("pytorch/" + golden + "/expected.json", dir, golden + "-expected.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "source", "bytecode"})
    void matchesPyTorchOnEveryEngine(String engine) throws Exception {
        // lengths, initial state, two bidirectional layers: the whole JSON contract at once
        String golden = "packed_bidirectional_stacked";
        Path out = dir.resolve("out/result.json");
        Cli.Result r = Cli.run("run", model(golden).toString(), "--input", input(golden).toString(),
                "--output", out.toString(), "--engine", engine);
        r.assertOk();
        assertTrue(r.out().contains(out.toString()), r.out());
        double diff = DemoCommand.maxAbsDiff(RunOutput.read(out), expected(golden));
        assertTrue(diff < 1e-5, engine + ": max |diff| from PyTorch " + diff);
    }

    @Test
    void onnxModel() throws Exception {
        String c = "onnx-export/bidirectional_layers2_state/";
        Path model = Fixtures.copy(c + "model.onnx", dir, "exported.onnx");
        Path in = Fixtures.copy(c + "input.json", dir, "in.json");
        Path out = dir.resolve("out.json");
        Cli.run("run", model.toString(), "--input", in.toString(), "--output", out.toString(), "--engine", "bytecode")
                .assertOk();
        RunOutput expected = RunOutput.read(Fixtures.copy(c + "expected.json", dir, "expected.json"));
        assertTrue(DemoCommand.maxAbsDiff(RunOutput.read(out), expected) < 1e-5);
    }

    @Test
    void burnWeightsWithConfig() throws Exception {
        String c = "burn/lstm_clip_relu/";
        Path model = Fixtures.copy(c + "model.safetensors", dir, "weights.safetensors");
        Path config = Fixtures.copy(c + "config.json", dir, "lstm-config.json");
        Path in = Fixtures.copy(c + "input.json", dir, "in.json");
        RunOutput expected = RunOutput.read(Fixtures.copy(c + "expected.json", dir, "expected.json"));
        Path out = dir.resolve("out.json");
        Cli.run("run", model.toString(), "--config", config.toString(), "--input", in.toString(),
                "--output", out.toString(), "--engine", "bytecode").assertOk();
        assertTrue(DemoCommand.maxAbsDiff(RunOutput.read(out), expected) < 1e-5);
        // without the config the same file is read as a PyTorch state dict, whose tensor names it lacks
        Files.delete(out);
        Cli.run("run", model.toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError("weights.safetensors");
        assertFalse(Files.exists(out));
    }

    @Test
    void batchFirstLayoutDoesNotChangeTheJson() throws Exception {
        String golden = "packed";
        Path out = dir.resolve("o.json");
        Cli.run("run", model(golden).toString(), "--batch-first", "--input", input(golden).toString(),
                "--output", out.toString()).assertOk();
        assertTrue(DemoCommand.maxAbsDiff(RunOutput.read(out), expected(golden)) < 1e-5);
    }

    @Test
    void missingInputFile() {
        Path out = dir.resolve("o.json");
        Path in = dir.resolve("absent.json");
        Cli.run("run", model("basic").toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.toString(), "no such file");
        assertFalse(Files.exists(out));
    }

    @Test
    void malformedJson() throws IOException {
        Path out = dir.resolve("o.json");
        Path in = Files.writeString(dir.resolve("bad.json"), "{\"input\": [[[1.0, 2.0], ");
        Cli.run("run", model("basic").toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.getFileName().toString(), "JSON");
        assertFalse(Files.exists(out));
    }

    @Test
    void gruWritesHiddenStateOnly() throws Exception {
        String c = "gru-rnn/pytorch/gru_basic/";
        Path model = Fixtures.copy(c + "model.safetensors", dir, "gru.safetensors");
        Path in = Fixtures.copy(c + "input.json", dir, "in.json");
        Path out = dir.resolve("out.json");
        Cli.Result r = Cli.run("run", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--engine", "bytecode");
        r.assertOk();
        assertTrue(r.out().contains("h_n [") && !r.out().contains("c_n"), r.out());
        RunOutput written = RunOutput.read(out);
        assertEquals(null, written.cN());
        RunOutput expected = RunOutput.read(Fixtures.copy(c + "expected.json", dir, "expected.json"));
        assertTrue(DemoCommand.maxAbsDiff(written, expected) < 1e-5);
    }

    @Test
    void cellStateGivenToAGru() throws IOException {
        Path model = Fixtures.copy("gru-rnn/pytorch/gru_basic/model.safetensors", dir, "gru.safetensors");
        Path out = dir.resolve("o.json");
        // gru_basic: 1 layer, I = 3, H = 4
        Path in = Files.writeString(dir.resolve("in.json"), "{\"input\": [[[1.0, 2.0, 3.0]]],"
                + " \"c0\": [[[0.0, 0.0, 0.0, 0.0]]]}");
        Cli.run("run", model.toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.getFileName().toString(), "c0", "no cell state");
        assertFalse(Files.exists(out));
    }

    @Test
    void wrongFeatureCount() throws IOException {
        Path out = dir.resolve("o.json");
        // basic has I = 3
        Path in = Files.writeString(dir.resolve("in.json"), "{\"input\": [[[1.0, 2.0], [3.0, 4.0]]]}");
        Cli.run("run", model("basic").toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.getFileName().toString(), "features", "3");
        assertFalse(Files.exists(out));
    }

    @Test
    void wrongStateShape() throws IOException {
        Path out = dir.resolve("o.json");
        // basic: 1 layer, H = 4; h0 must be [1][1][4]
        Path in = Files.writeString(dir.resolve("in.json"),
                "{\"input\": [[[1.0, 2.0, 3.0]]], \"h0\": [[[0.0, 0.0, 0.0]]]}");
        Cli.run("run", model("basic").toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.getFileName().toString(), "h0");
        assertFalse(Files.exists(out));
    }

    @Test
    void lengthsOutOfRange() throws IOException {
        Path out = dir.resolve("o.json");
        Path in = Files.writeString(dir.resolve("in.json"), "{\"input\": [[[1.0, 2.0, 3.0]]], \"lengths\": [2]}");
        Cli.run("run", model("basic").toString(), "--input", in.toString(), "--output", out.toString())
                .assertUserError(in.getFileName().toString(), "lengths");
        assertFalse(Files.exists(out));
    }

    @Test
    void corruptModel() throws IOException {
        Path out = dir.resolve("o.json");
        Path bad = Files.write(dir.resolve("broken.safetensors"), new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, '{'});
        Cli.run("run", bad.toString(), "--input", input("basic").toString(), "--output", out.toString())
                .assertUserError(bad.getFileName().toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void outputIsADirectory() throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Cli.run("run", model("basic").toString(), "--input", input("basic").toString(), "--output", target.toString())
                .assertUserError(target.toString(), "directory");
    }

    @Test
    void verboseShowsTheTraceOfAUserError() throws IOException {
        Path in = Files.writeString(dir.resolve("bad.json"), "not json");
        Cli.Result r = Cli.run("--verbose", "run", model("basic").toString(), "--input", in.toString(),
                "--output", dir.resolve("o.json").toString());
        assertEquals(ExitCodes.USER_ERROR, r.status());
        assertTrue(r.firstErrLine().startsWith("error: ") && r.firstErrLine().contains(in.getFileName().toString()), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}

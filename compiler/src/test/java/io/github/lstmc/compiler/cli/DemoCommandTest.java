package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lstmc demo}: runs end to end, and every engine agrees with PyTorch on the bundled sample. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void everyAvailableEngineMatchesPyTorch() throws Exception {
        DemoCommand demo = new DemoCommand();
        demo.outputDirectory = dir.resolve("gen");
        demo.seconds = 0.02;
        DemoCommand.Report report = demo.run(new PrintWriter(new StringWriter()));
        assertTrue(report.engines().stream().anyMatch(e -> e.engine() == Engine.INTERPRETER && e.ran()),
                "the interpreter must always run");
        for (DemoCommand.EngineResult e : report.engines()) {
            if (e.ran()) {
                assertTrue(e.maxDiffFromPyTorch() < 1e-5, e.engine() + ": max |diff| from PyTorch " + e.maxDiffFromPyTorch());
                assertTrue(e.speed() != null && e.speed().stepsPerSecond() > 0, e.engine() + " was not timed");
            }
        }
        for (DemoCommand.BackendResult b : report.backends()) {
            for (var f : b.files()) {
                assertTrue(Files.isRegularFile(demo.outputDirectory.resolve(f.relativePath())), f.relativePath());
            }
        }
    }

    @Test
    void printsEverySection() {
        Cli.Result r = Cli.run("demo", "--seconds", "0.02", "--out", dir.resolve("gen").toString()).assertOk();
        for (String section : new String[] {"Model", "Generated code", "Agreement", "Speed", "interpreter"}) {
            assertTrue(r.out().contains(section), () -> "missing '" + section + "':\n" + r.out());
        }
        assertFalse(r.err().contains("error"), r.err());
    }

    @Test
    void rejectsBadSeconds() {
        Cli.run("demo", "--seconds", "-1").assertUserError("--seconds");
    }
}

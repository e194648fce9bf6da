package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lstmc demo}: runs end to end, and every engine agrees with PyTorch on the bundled sample. */
class DemoCommandTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** One demo run shared by the tests that inspect its report (each run compiles the model twice). */
    private static DemoCommand.Report report;

    private static synchronized DemoCommand.Report report() throws Exception {
        if (report == null) {
            DemoCommand demo = new DemoCommand();
            demo.outputDirectory = shared.resolve("gen");
            demo.seconds = 0.02;
            report = demo.run(new PrintWriter(new StringWriter()));
        }
        return report;
    }

    @Test
    void everyEngineMatchesPyTorch() throws Exception {
        DemoCommand.Report report = report();
        assertEquals(List.of(Engine.INTERPRETER, Engine.SOURCE, Engine.BYTECODE),
                report.engines().stream().map(DemoCommand.EngineResult::engine).toList());
        for (DemoCommand.EngineResult e : report.engines()) {
            assertTrue(e.ran(), e.engine() + ": " + e.unavailable());
            assertTrue(e.maxDiffFromPyTorch() < 1e-5, e.engine() + ": max |diff| from PyTorch " + e.maxDiffFromPyTorch());
            assertTrue(e.speed() != null && e.speed().stepsPerSecond() > 0, e.engine() + " was not timed");
        }
        assertEquals(List.of("lstmc/generated/SineForecaster.class", "lstmc/generated/SineForecaster.java"),
                report.backends().stream().flatMap(b -> b.files().stream()).map(f -> f.relativePath()).sorted().toList());
        for (DemoCommand.BackendResult b : report.backends()) {
            assertNull(b.unavailable(), b.backend() + ": " + b.unavailable());
            for (var f : b.files()) {
                assertTrue(Files.isRegularFile(report.outputDirectory().resolve(f.relativePath())), f.relativePath());
            }
        }
    }

    @Test
    void listsMissingEnginesInsteadOfFailing() throws Exception {
        DemoCommand.Report full = report();
        // as a build without the bytecode back end would report it
        String missing = EngineUnavailableException.notInBuild("the bytecode engine", null).getMessage();
        DemoCommand.Report partial = new DemoCommand.Report(full.sampleDirectory(), full.outputDirectory(), full.model(),
                full.summary(), full.batch(), full.steps(),
                List.of(full.backends().get(0),
                        new DemoCommand.BackendResult(io.github.lstmc.compiler.Backend.BYTECODE, missing, List.of())),
                List.of(full.engines().get(0), full.engines().get(1),
                        new DemoCommand.EngineResult(Engine.BYTECODE, missing, Double.NaN, Double.NaN, null)));
        StringWriter text = new StringWriter();
        DemoCommand.print(partial, new PrintWriter(text));
        assertTrue(text.toString().contains("bytecode     the bytecode engine is not available in this build"), text.toString());
        String speed = text.toString().substring(text.toString().indexOf("Speed"));
        assertTrue(speed.contains("source") && !speed.contains("bytecode"), speed);
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

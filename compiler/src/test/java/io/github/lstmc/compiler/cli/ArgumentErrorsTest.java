package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line mistakes: exit 2, an {@code error:} first line naming the problem, nothing written. */
class ArgumentErrorsTest {

    @TempDir
    Path dir;

    @Test
    void versionAndHelp() {
        Cli.Result version = Cli.run("--version").assertOk();
        assertEquals("lstmc " + Lstmc.VERSION, version.out().strip());
        for (String cmd : new String[] {"run", "inspect", "compile", "demo"}) {
            Cli.Result help = Cli.run(cmd, "--help").assertOk();
            assertTrue(help.out().startsWith("Usage: lstmc " + cmd), help.out());
            assertTrue(help.out().contains("--verbose"), cmd + " help should list --verbose");
        }
        assertTrue(Cli.run("--help").assertOk().out().contains("Exit status:"));
    }

    @Test
    void noCommand() {
        Cli.run().assertUserError("no command given");
    }

    @Test
    void unknownCommand() {
        Cli.run("frobnicate").assertUserError("frobnicate");
    }

    @Test
    void unknownOptionIsReportedBeforeMissingOnes() {
        Cli.Result r = Cli.run("run", "--bogus", "model.safetensors").assertUserError("Unknown option", "--bogus");
        assertTrue(r.err().contains("Try 'lstmc run --help'"), r.err());
    }

    @Test
    void missingRequiredOption() {
        Cli.Result r = Cli.run("run", "model.safetensors", "--input", "in.json")
                .assertUserError("Missing required option", "--output");
        assertTrue(r.err().contains("Try 'lstmc run --help'"), r.err());
        Cli.run("compile", "model.safetensors").assertUserError("--out");
        Cli.run("inspect").assertUserError("MODEL");
    }

    @Test
    void unknownEngineAndBackend() {
        Cli.run("run", "m.safetensors", "--input", "i.json", "--output", "o.json", "--engine", "turbo")
                .assertUserError("--engine", "unknown engine 'turbo'", "interpreter, source or bytecode");
        Cli.run("compile", "m.safetensors", "--out", dir.toString(), "--backend", "llvm")
                .assertUserError("--backend", "unknown backend 'llvm'");
    }

    @Test
    void badLayout() {
        Cli.run("inspect", "m.safetensors", "--layout", "diagonal").assertUserError("--layout", "diagonal");
        Cli.run("inspect", "m.safetensors", "--layout", "sequence-first", "--batch-first")
                .assertUserError("mutually exclusive");
    }

    @Test
    void missingModelFile() {
        Path missing = dir.resolve("nope.safetensors");
        Cli.run("inspect", missing.toString()).assertUserError(missing.toString(), "no such file");
        Cli.run("inspect", dir.toString()).assertUserError(dir.toString(), "is a directory");
    }

    @Test
    void missingConfigFile() throws IOException {
        Path model = Files.write(dir.resolve("m.mpk"), new byte[] {1});
        Path config = dir.resolve("lstm-config.json");
        Cli.run("inspect", model.toString(), "--config", config.toString())
                .assertUserError(config.toString(), "no such file");
    }

    @Test
    void badClassNamesAreRejectedBeforeAnythingIsWritten() {
        Path out = dir.resolve("out");
        String[][] cases = {
                {"--class", "class"},                     // keyword
                {"--class", "9Lives"},                    // starts with a digit
                {"--class", "Foo;System.exit(1);"},       // code injection
                {"--class", "../../Escape"},              // path traversal
                {"--class", "Foo\nerror: forged"},        // a forged second error line
                {"--class", ""},
                {"--package", "com.example.int"},         // keyword segment
                {"--package", "com..example"},
                {"--package", "a.b;import evil"},
                {"--package", "../x"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run("compile", "m.safetensors", "--out", out.toString(), c[0], c[1])
                    .assertUserError(c[0]);
            assertFalse(r.firstErrLine().contains("\n"));
            assertEquals(1, r.err().lines().count(), () -> "one error line expected: " + r.err());
            assertFalse(Files.exists(out), () -> "output directory created for " + String.join(" ", c));
        }
    }

    @Test
    void invalidDefaultClassNameFromFileNameIsNeverProduced() {
        // The default class name derives from the file name; even a hostile one yields a valid name,
        // so the error is about the missing file, not about a name.
        Path hostile = dir.resolve("class;rm -rf.safetensors");
        Cli.run("compile", hostile.toString(), "--out", dir.resolve("out").toString())
                .assertUserError("no such file");
    }

    @Test
    void badTarget() {
        Path out = dir.resolve("out");
        Cli.run("compile", "m.safetensors", "--out", out.toString(), "--target", "9").assertUserError("8, 11 or 17");
        Cli.run("compile", "m.safetensors", "--out", out.toString(), "--target", "x").assertUserError("--target");
        assertFalse(Files.exists(out));
    }

    @Test
    void vectorApiNeedsTarget17() {
        Path out = dir.resolve("out");
        for (String target : new String[] {"8", "11"}) {
            Cli.Result r = Cli.run("compile", "m.safetensors", "--out", out.toString(), "--vector-api", "--target", target)
                    .assertUserError("--vector-api", "--target 17", "--target " + target);
            assertEquals(1, r.err().lines().count(), () -> "one error line expected: " + r.err());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void compileHelpListsVectorApi() {
        String help = Cli.run("compile", "--help").assertOk().out();
        assertTrue(help.contains("--vector-api"), help);
        assertTrue(help.contains("jdk.incubator.vector"), help);
        assertTrue(help.contains("17 with --vector-api"), help);
    }

    @Test
    void outIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Cli.run("compile", "m.safetensors", "--out", file.toString()).assertUserError(file.toString(), "not a directory");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Path missing = dir.resolve("nope.safetensors");
        for (String[] args : new String[][] {
                {"--verbose", "inspect", missing.toString()},
                {"inspect", "--verbose", missing.toString()}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(ExitCodes.USER_ERROR, r.status());
            assertTrue(r.firstErrLine().startsWith("error: "), r.err());
            assertTrue(r.err().contains("\tat io.github.lstmc"), r.err());
        }
    }

    @Test
    void errorMessagesCannotForgeLines() {
        assertEquals("a b \\u001b[31m", ErrorHandler.oneLine("a\nb\r\u001b[31m"));
    }
}

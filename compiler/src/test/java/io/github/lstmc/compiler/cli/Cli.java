package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main} in process and captures what a shell would see. */
final class Cli {
    private Cli() {
    }

    /** The exit status and the two output streams of one command line. */
    record Result(int status, String out, String err) {

        /** The first line of stderr (the error contract puts {@code error: ...} there). */
        String firstErrLine() {
            int nl = err.indexOf('\n');
            return nl < 0 ? err : err.substring(0, nl);
        }

        Result assertOk() {
            assertEquals(ExitCodes.OK, status, () -> "expected success\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }

        /** Exit 2, first stderr line {@code error: ...} containing every fragment, no stack trace. */
        Result assertUserError(String... fragments) {
            assertEquals(ExitCodes.USER_ERROR, status, () -> "expected exit 2\nstdout:\n" + out + "\nstderr:\n" + err);
            assertTrue(firstErrLine().startsWith("error: "), () -> "first stderr line: " + firstErrLine());
            for (String f : fragments) {
                assertTrue(firstErrLine().contains(f), () -> "first stderr line lacks '" + f + "': " + firstErrLine());
            }
            assertNoStackTrace();
            return this;
        }

        Result assertNoStackTrace() {
            assertFalse(err.contains("\tat "), () -> "stack trace printed without --verbose:\n" + err);
            assertFalse(err.contains("Exception"), () -> "exception class printed without --verbose:\n" + err);
            return this;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

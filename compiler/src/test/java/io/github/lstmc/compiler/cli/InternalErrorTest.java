package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A failure that is not the user's: exit 1, {@code error: internal error: ...}, trace only with --verbose. */
class InternalErrorTest {

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Option(names = ErrorHandler.VERBOSE)
        boolean verbose;

        @Override
        public Integer call() {
            throw new IllegalStateException("planner lost a gate");
        }
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Boom());
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler(ErrorHandler::handleExecutionError);
        int status = cli.execute(args);
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void internalErrorExitsOneWithoutTrace() {
        String[] r = run();
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("error: internal error: IllegalStateException: planner lost a gate"), r[1]);
        assertFalse(r[1].contains("\tat "), r[1]);
    }

    @Test
    void verboseAddsTheTrace() {
        String[] r = run("--verbose");
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("error: internal error: "), r[1]);
        assertTrue(r[1].contains("\tat io.github.lstmc.compiler.cli.InternalErrorTest$Boom.call"), r[1]);
    }
}

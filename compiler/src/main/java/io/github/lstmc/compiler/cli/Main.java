package io.github.lstmc.compiler.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code lstmc} command line: {@code run}, {@code inspect}, {@code compile} and {@code demo}.
 *
 * <p>Exit status: {@value ExitCodes#OK} on success, {@value ExitCodes#USER_ERROR} for a bad file or
 * argument (the first line on stderr starts with {@code error:} and names the file and what is
 * wrong), {@value ExitCodes#INTERNAL_ERROR} for an unexpected failure inside lstmc. Stack traces
 * are printed only with {@code --verbose}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /**
     * Runs one command line in process, without exiting the JVM.
     *
     * @param args the arguments after {@code lstmc}
     * @param out  where results go
     * @param err  where errors and diagnostics go
     * @return the exit status: 0 success, 2 bad input or arguments, 1 internal error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return newCommandLine(outWriter, errWriter).execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The configured picocli command tree, writing to the given streams. */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LstmcCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(ErrorHandler::handleParameterError);
        cli.setExecutionExceptionHandler(ErrorHandler::handleExecutionError);
        return cli;
    }
}

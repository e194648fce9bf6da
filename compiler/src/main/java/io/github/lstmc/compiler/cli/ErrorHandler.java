package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into the CLI's error contract: the first stderr line starts with {@code error:},
 * then (for argument errors) a usage hint; a stack trace only with {@code --verbose}.
 */
final class ErrorHandler {
    /** The global option that asks for stack traces. */
    static final String VERBOSE = "--verbose";

    private ErrorHandler() {
    }

    /** Argument errors found by picocli: unknown option, missing required option, bad value. */
    static int handleParameterError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + oneLine(firstProblem(e)));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print("Usage: " + cmd.getHelp().synopsis(0));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        if (hasVerbose(args)) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USER_ERROR;
    }

    /**
     * picocli checks required options before it complains about unknown ones, so {@code run --bogus}
     * would first report the missing {@code --input}: the unknown option is the real mistake.
     */
    private static String firstProblem(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException)) {
            ParseResult partial = e.getCommandLine().getParseResult();
            if (partial != null) {
                for (String arg : partial.unmatched()) {
                    if (arg.startsWith("-")) {
                        return "Unknown option: '" + arg + "'";
                    }
                }
                if (!partial.unmatched().isEmpty()) {
                    return "Unmatched argument: '" + partial.unmatched().get(0) + "'";
                }
            }
        }
        return e.getMessage();
    }

    /** Failures while a command runs: {@link LstmcException} is the user's, anything else ours. */
    static int handleExecutionError(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int status;
        if (e instanceof LstmcException) {
            err.println("error: " + oneLine(e.getMessage()));
            status = ExitCodes.USER_ERROR;
        } else {
            String detail = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            err.println("error: internal error: " + oneLine(detail));
            status = ExitCodes.INTERNAL_ERROR;
        }
        if (isVerbose(parsed)) {
            e.printStackTrace(err);
        } else if (status == ExitCodes.INTERNAL_ERROR) {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
        return status;
    }

    /** True if {@code --verbose} was given on the command or any of its parents. */
    static boolean isVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** For parse errors, where there is no complete parse result: a plain look at the arguments. */
    private static boolean hasVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A message as a single printable line: the contract is one line per error, and a file name
     * or JSON value inside a message must not be able to forge extra lines or terminal escapes.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        StringBuilder b = new StringBuilder(message.length());
        message.strip().codePoints().forEach(cp -> {
            if (cp == '\n' || cp == '\r' || cp == '\t') {
                b.append(' ');
            } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}

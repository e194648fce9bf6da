package io.github.lstmc.compiler.cli;

/** The exit statuses of {@code lstmc}. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** Something went wrong inside lstmc (a bug); {@code --verbose} shows the stack trace. */
    public static final int INTERNAL_ERROR = 1;
    /** A malformed file or argument; nothing was written. */
    public static final int USER_ERROR = 2;

    private ExitCodes() {
    }
}

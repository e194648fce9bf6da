package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;

/**
 * A part of the compiler (an engine, a back end) that cannot be used here: this build of lstmc
 * does not include it, or the running Java lacks what it needs (javac for the source engine).
 */
final class EngineUnavailableException extends LstmcException {
    private static final long serialVersionUID = 1L;

    private EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code what} is missing from this build, e.g. "the bytecode engine". */
    static EngineUnavailableException notInBuild(String what, Throwable cause) {
        return new EngineUnavailableException(what + " is not available in this build of lstmc", cause);
    }

    /** {@code what} needs javac, which a JRE does not have. */
    static EngineUnavailableException needsJdk(String what) {
        return new EngineUnavailableException(what + " needs a JDK (no Java compiler in this Java runtime: "
                + System.getProperty("java.home") + ")", null);
    }
}

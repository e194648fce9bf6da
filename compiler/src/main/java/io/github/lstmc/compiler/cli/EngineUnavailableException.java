package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;

/** A part of the compiler (an engine, a back end, a summary) that this build of lstmc does not include. */
final class EngineUnavailableException extends LstmcException {
    private static final long serialVersionUID = 1L;

    EngineUnavailableException(String what) {
        super(what + " is not available in this build of lstmc");
    }

    EngineUnavailableException(String what, Throwable cause) {
        super(what + " is not available in this build of lstmc", cause);
    }
}

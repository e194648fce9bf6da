package io.github.lstmc.maven;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.LstmcException;

/** Turns one model file into generated files. The plugin's seam between staleness logic and the compiler. */
@FunctionalInterface
interface ModelCompiler {

    /**
     * Loads {@code model} and generates its code.
     *
     * @throws LstmcException with a one-line message naming the file when the model cannot be compiled
     */
    GeneratedCode compile(ModelSource model, CompileOptions options) throws LstmcException;
}

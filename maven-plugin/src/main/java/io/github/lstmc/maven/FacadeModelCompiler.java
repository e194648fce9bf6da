package io.github.lstmc.maven;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import java.util.function.Consumer;

/**
 * The real compiler: {@link Lstmc#loadResult} then {@link Lstmc#generate}. The loader's warnings
 * (e.g. tensors of a state dict outside the compiled LSTM) go to {@code warnings}, one line each.
 */
final class FacadeModelCompiler implements ModelCompiler {
    private final Consumer<String> warnings;

    /** @param warnings receives each warning of a model that loads, e.g. the mojo's {@code getLog()::warn} */
    FacadeModelCompiler(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    @Override
    public GeneratedCode compile(ModelSource source, CompileOptions options) throws LstmcException {
        Lstmc lstmc = Lstmc.compiler();
        try {
            LoadResult loaded = lstmc.loadResult(source.file(),
                    new LoadOptions(source.config(), source.prefix(), source.layout(), source.from(),
                            source.to(), source.rnnNonlinearity()));
            loaded.warnings().forEach(warnings);
            return lstmc.generate(loaded.model(), options);
        } catch (LstmcException e) {
            throw namingFile(source, e);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // A model the compiler cannot (yet) handle, e.g. a back end or feature not built in: the
            // user's problem to solve, so a one-line message rather than a stack trace.
            throw namingFile(source, new LstmcException(String.valueOf(e.getMessage()), e));
        }
    }

    /**
     * The loaders name the file at fault (the weights or the Burn config) in their messages; make
     * sure messages from later stages name the model too.
     */
    private static LstmcException namingFile(ModelSource source, LstmcException e) {
        String message = String.valueOf(e.getMessage());
        for (java.nio.file.Path input : source.inputs()) {
            if (message.contains(input.getFileName().toString())) {
                return e;
            }
        }
        return new LstmcException(source.relativePath() + ": " + message, e);
    }
}

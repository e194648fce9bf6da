package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.Optional;

/**
 * The CLI's single door to the compiler facade ({@link io.github.lstmc.compiler.Lstmc}). Parts of
 * the compiler that a build does not (yet) have are reported as {@link EngineUnavailableException},
 * which commands either report as an error (run, compile) or skip with a note (demo).
 */
final class Toolchain {
    private Toolchain() {
    }

    /** A ready-to-run network for {@code model} on {@code engine}. */
    static LstmNetwork network(Model model, Engine engine, CompileOptions options) throws LstmcException {
        if (engine == Engine.INTERPRETER) {
            return Lstmc.compiler().interpreter(model);
        }
        throw new EngineUnavailableException("the " + engine.label() + " engine");
    }

    /** The Java source or class files for {@code model}. */
    static GeneratedCode generate(Model model, CompileOptions options) throws LstmcException {
        throw new EngineUnavailableException("the " + Engine.of(options.backend()).label() + " back end");
    }

    /** The model summary (layers, directions, sizes, activations, parameters, FLOPs per step). */
    static String describeModel(Model model) throws LstmcException {
        throw new EngineUnavailableException("the model summary");
    }

    /** How the planner would generate {@code model} (unrolled or looped layers, methods), if the build can say. */
    static Optional<String> describePlan(Model model, CompileOptions options) {
        return Optional.empty();
    }
}

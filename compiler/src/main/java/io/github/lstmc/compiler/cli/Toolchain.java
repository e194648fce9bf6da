package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.ModelSummary;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.Optional;
import javax.tools.ToolProvider;

/**
 * The CLI's single door to the compiler facade ({@link Lstmc}). Parts of the compiler that a build
 * does not have (the facade throws {@link UnsupportedOperationException} for them) are reported as
 * {@link EngineUnavailableException}, which commands either report as an error (run, compile) or
 * list as not available (demo).
 */
final class Toolchain {
    private Toolchain() {
    }

    /** A ready-to-run network for {@code model} on {@code engine}; generated classes are compiled and loaded in memory. */
    static LstmNetwork network(Model model, Engine engine, CompileOptions options) throws LstmcException {
        if (engine == Engine.INTERPRETER) {
            // the values a class generated with this storage computes with
            return Lstmc.compiler().interpreter(Lstmc.compiler().withWeights(model, options.weights()));
        }
        if (engine == Engine.SOURCE && !hasJavaCompiler()) {
            throw EngineUnavailableException.needsJdk("the source engine");
        }
        try {
            return Lstmc.compiler().instantiate(model, options.withBackend(engine.backend()));
        } catch (UnsupportedOperationException e) {
            throw EngineUnavailableException.notInBuild("the " + engine.label() + " engine", e);
        }
    }

    /** The Java source or class files for {@code model}. */
    static GeneratedCode generate(Model model, CompileOptions options) throws LstmcException {
        try {
            return Lstmc.compiler().generate(model, options);
        } catch (UnsupportedOperationException e) {
            throw EngineUnavailableException.notInBuild("the " + Engine.of(options.backend()).label() + " back end", e);
        }
    }

    /** True when javac is available in process (a JDK, not a JRE). */
    static boolean hasJavaCompiler() {
        return ToolProvider.getSystemJavaCompiler() != null;
    }

    /** The model summary (layers, directions, sizes, activations, parameters, FLOPs per step). */
    static String describeModel(Model model) {
        return ModelSummary.describe(model);
    }

    /**
     * How {@code model} is compiled (unrolled or looped products, methods, largest method), if the
     * build can say; the class statistics come from compiling the source, so this needs a JDK.
     */
    static Optional<String> describePlan(Model model, io.github.lstmc.compiler.WeightStorage weights) {
        if (!hasJavaCompiler()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Lstmc.compiler().describePlan(model, weights));
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * What a stream (a key, a session) keeps between steps: one batch row of the state, its size as
     * floats and as the bytes {@code LstmState.toBytes(row)} writes, and the digest those bytes carry.
     */
    static String describeState(Model model, io.github.lstmc.compiler.WeightStorage weights) {
        io.github.lstmc.runtime.LstmNetwork net = Lstmc.compiler().interpreter(Lstmc.compiler().withWeights(model,
                weights));
        io.github.lstmc.runtime.LstmState state = net.newState(1);
        int floats = 0;
        for (int k = 0; k < state.size(); k++) {
            floats += state.hidden(k).length + state.cell(k).length;
        }
        return "state per stream (one batch row): " + floats + " floats, " + state.toBytes().length
                + " bytes serialized (LstmState.toBytes(row), header included)\n"
                + "model digest (" + weights.name().toLowerCase(java.util.Locale.ROOT) + " weights): "
                + net.modelDigest() + " (serialized states carry its first 128 bits)\n";
    }

    /** Class size and output difference from fp32 per weight storage. */
    static String describeStorage(Model model) {
        return Lstmc.compiler().describeStorage(model);
    }
}

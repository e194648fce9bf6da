package io.github.lstmc.compiler;

import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.ModelLoader;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.file.Path;

/**
 * The public entry point: load a model, plan it, generate Java source or bytecode, or get a
 * ready-to-run network in process.
 *
 * <pre>{@code
 * Model model = Lstmc.compiler().load(Path.of("tagger.safetensors"));
 * }</pre>
 */
public final class Lstmc {
    /** The compiler version written into generated code. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private static final Lstmc INSTANCE = new Lstmc();

    private Lstmc() {
    }

    /** The compiler. Stateless and thread-safe. */
    public static Lstmc compiler() {
        return INSTANCE;
    }

    /** Reads a model file (format chosen by its extension), validated. */
    public Model load(Path file) throws LstmcException {
        return load(file, LoadOptions.DEFAULT);
    }

    /** Reads a model file with a Burn config or a tensor prefix. */
    public Model load(Path file, LoadOptions options) throws LstmcException {
        return ModelLoader.load(file, options);
    }

    /**
     * The reference interpreter for {@code model}: runs the IR directly (float32 state, double
     * accumulation), slowly but obviously right. The oracle generated code is tested against;
     * also handy to try a model without generating anything.
     */
    public LstmNetwork interpreter(Model model) {
        return new Interpreter(model);
    }
}

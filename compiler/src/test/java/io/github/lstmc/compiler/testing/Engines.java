package io.github.lstmc.compiler.testing;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.List;

/**
 * The ways lstmc can turn a {@link Model} into a running {@link LstmNetwork}. Golden and
 * differential tests run every case on every engine, so a new engine (Java source, bytecode)
 * is tested by adding it to {@link #all()}.
 */
public final class Engines {
    private Engines() {
    }

    /** Makes a network from a model. */
    @FunctionalInterface
    public interface Factory {
        LstmNetwork create(Model model) throws Exception;
    }

    /** A named engine. */
    public record Engine(String name, Factory factory) {
        public LstmNetwork create(Model model) throws Exception {
            return factory.create(model);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The reference interpreter: reads the IR directly. */
    public static final Engine INTERPRETER = new Engine("interpreter", model -> Lstmc.compiler().interpreter(model));

    /** Generated Java source, compiled in process with javac and loaded in a fresh class loader. */
    public static final Engine SOURCE = generated("source", Backend.SOURCE);

    /** Bytecode emitted directly with ASM, loaded in a fresh class loader. */
    public static final Engine BYTECODE = generated("bytecode", Backend.BYTECODE);

    /** Every engine golden tests run on. */
    public static List<Engine> all() {
        return List.of(INTERPRETER, SOURCE, BYTECODE);
    }

    private static Engine generated(String name, Backend backend) {
        return new Engine(name, model -> Lstmc.compiler().instantiate(model,
                CompileOptions.of(CompileOptions.DEFAULT_PACKAGE, "Golden").withBackend(backend)));
    }
}

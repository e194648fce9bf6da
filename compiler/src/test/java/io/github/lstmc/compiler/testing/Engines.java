package io.github.lstmc.compiler.testing;

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

    /** Every engine golden tests run on. Codegen and bytecode add theirs here. */
    public static List<Engine> all() {
        return List.of(INTERPRETER);
    }
}

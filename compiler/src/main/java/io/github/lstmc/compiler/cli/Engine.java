package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.Backend;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How {@code lstmc run} and {@code lstmc demo} execute a model. */
enum Engine {
    /** The reference interpreter over the model IR: no code generation. */
    INTERPRETER("interpreter", null),
    /** Generated Java source, compiled in memory with javac and loaded. */
    SOURCE("source", Backend.SOURCE),
    /** Bytecode generated directly with ASM and loaded. */
    BYTECODE("bytecode", Backend.BYTECODE);

    private final String label;
    private final Backend backend;

    Engine(String label, Backend backend) {
        this.label = label;
        this.backend = backend;
    }

    /** The name used on the command line. */
    String label() {
        return label;
    }

    /** The code generator behind this engine, or null for the interpreter. */
    Backend backend() {
        return backend;
    }

    /** The engine that runs code from {@code backend}. */
    static Engine of(Backend backend) {
        return backend == Backend.SOURCE ? SOURCE : BYTECODE;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Parses {@code --engine}, case-insensitively, with a message listing the choices. */
    static final class Converter implements ITypeConverter<Engine> {
        @Override
        public Engine convert(String value) {
            String key = value.trim().toLowerCase(Locale.ROOT);
            for (Engine e : values()) {
                if (e.label.equals(key)) {
                    return e;
                }
            }
            throw new TypeConversionException("unknown engine '" + ErrorHandler.oneLine(value)
                    + "' (expected interpreter, source or bytecode)");
        }
    }

    /** Parses {@code --backend}: source or bytecode. */
    static final class BackendConverter implements ITypeConverter<Backend> {
        @Override
        public Backend convert(String value) {
            String key = value.trim().toLowerCase(Locale.ROOT);
            return switch (key) {
                case "source", "java" -> Backend.SOURCE;
                case "bytecode", "class" -> Backend.BYTECODE;
                default -> throw new TypeConversionException("unknown backend '" + ErrorHandler.oneLine(value)
                        + "' (expected source or bytecode)");
            };
        }
    }

    /** Parses {@code --weights}: fp32, fp16 or int8. */
    static final class WeightsConverter implements ITypeConverter<io.github.lstmc.compiler.WeightStorage> {
        @Override
        public io.github.lstmc.compiler.WeightStorage convert(String value) {
            try {
                return io.github.lstmc.compiler.WeightStorage.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown weight storage '" + ErrorHandler.oneLine(value)
                        + "' (expected fp32, fp16 or int8)");
            }
        }
    }
}

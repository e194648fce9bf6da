package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lstmc run MODEL --input IN.json --output OUT.json}: runs a model on JSON data. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the model on a JSON input and write the JSON output (batch-first).")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelArguments modelArguments;

    @Option(names = "--input", paramLabel = "IN.json", required = true,
            description = "{\"input\": [batch][seq][features], optional \"h0\": [layers*dirs][batch][out], "
                    + "\"c0\": [layers*dirs][batch][hidden], \"lengths\": [batch]}")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.json", required = true,
            description = "Written atomically on success: {\"output\": [batch][seq][out], \"h_n\", \"c_n\"}.")
    Path output;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interpreter", converter = Engine.Converter.class,
            description = "interpreter, source or bytecode (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Override
    public Integer call() throws LstmcException {
        throw new EngineUnavailableException("running models (io.github.lstmc.compiler.run)");
    }
}

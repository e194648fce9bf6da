package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.JavaNames;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lstmc run MODEL --input IN.json --output OUT.json}: runs a model on JSON data. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the model on a JSON input and write the JSON output (both batch-first).")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelArguments modelArguments;

    @Option(names = "--input", paramLabel = "IN.json", required = true,
            description = "{\"input\": [batch][seq][features] or [batch][seq] token ids} plus optional \"h0\": [layers*dirs][batch][out], "
                    + "\"c0\": [layers*dirs][batch][hidden], \"lengths\": [batch].")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.json", required = true,
            description = "Written atomically, only on success: {\"output\": [batch][seq][out] ([batch][out] after a "
                    + "reduction over time), \"h_n\", \"c_n\"}.")
    Path output;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interpreter", converter = Engine.Converter.class,
            description = "interpreter, source or bytecode (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--weights", paramLabel = "STORAGE", defaultValue = "fp32", converter = Engine.WeightsConverter.class,
            description = "How the generated class stores its weight matrices: fp32, fp16 (half floats) or int8 (one scale per"
                    + " output row); the interpreter runs the same dequantized weights; computation stays fp32 (default: ${DEFAULT-VALUE}).")
    WeightStorage weights;

    @Override
    public Integer call() throws LstmcException {
        CliFiles.requireReadableFile(input, "input");
        CliFiles.requireWritableTarget(output, "output");
        Model model = modelArguments.load(spec.commandLine().getErr());
        RunInput data = RunInput.read(input);
        CompileOptions options = CompileOptions.of(CompileOptions.DEFAULT_PACKAGE,
                JavaNames.classNameFor(modelArguments.fileName())).withWeights(weights);
        LstmNetwork network = Toolchain.network(model, engine, options);
        long start = System.nanoTime();
        RunOutput result = Runner.run(network, data, String.valueOf(input.getFileName()), model.scalarOutput());
        double millis = (System.nanoTime() - start) / 1e6;
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent); // only now, after success: a failed run leaves no directory behind
            }
            result.write(output);
        } catch (IOException e) {
            throw new LstmcException(output + ": cannot write the output: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        // GRU and RNN layers carry no cell state: c_n is then not written, so not named either
        out.printf("wrote %s: output %s, %s [%d][%d][...] (engine %s, %.1f ms)%n", output, shape(result),
                result.cN() == null ? "h_n" : "h_n and c_n", result.hN().length, result.output().length,
                engine.label(), millis);
        out.flush();
        return ExitCodes.OK;
    }

    /** The written shape of the output, e.g. {@code [2][5][3]}, {@code [2][3]} or {@code [2]}. */
    private static String shape(RunOutput result) {
        float[][][] o = result.output();
        return switch (result.form()) {
            case PER_STEP -> "[" + o.length + "][" + o[0].length + "][" + o[0][0].length + "]";
            case PER_ROW -> "[" + o.length + "][" + o[0][0].length + "]";
            case PER_STEP_SCALAR -> "[" + o.length + "][" + o[0].length + "]";
            case PER_ROW_SCALAR -> "[" + o.length + "]";
        };
    }
}

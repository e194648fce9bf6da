package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** The arguments that name a model and say how to read it; shared by run, inspect and compile. */
final class ModelArguments {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The trained model: .safetensors (a PyTorch nn.LSTM, nn.GRU or nn.RNN state dict, or Burn weights "
                    + "with --config), "
                    + "a Burn config .json (its weights .safetensors beside it), or .onnx.")
    Path model;

    @Option(names = "--config", paramLabel = "CONFIG",
            description = "Burn LstmConfig/BiLstmConfig/GruConfig/BiGruConfig JSON describing the weights.")
    Path config;

    @Option(names = "--prefix", paramLabel = "PREFIX",
            description = "Tensor name prefix of the LSTM when the file holds several modules, e.g. encoder.lstm.")
    String prefix;

    @Option(names = "--from", paramLabel = "TENSOR",
            description = "ONNX: compile the graph from this tensor on; it becomes the float input ([batch, seq, "
                    + "features] or [seq, batch, features] as the graph uses it). For front ends lstmc does not "
                    + "compile (convolutions, STFT); 'inspect' on a refused graph lists where a cut works.")
    String from;

    @Option(names = "--to", paramLabel = "TENSOR",
            description = "ONNX: compile the graph up to this tensor, which becomes the output.")
    String to;

    @Option(names = "--rnn-nonlinearity", paramLabel = "tanh|relu", converter = NonlinearityConverter.class,
            description = "PyTorch nn.RNN state dicts: the RNN's nonlinearity, which the file does not store "
                    + "(default tanh, with a notice).")
    String rnnNonlinearity;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    LayoutChoice layoutChoice;

    /** {@code --batch-first} is shorthand for {@code --layout batch-first}; they exclude each other. */
    static final class LayoutChoice {
        @Option(names = "--batch-first", required = true,
                description = "Same as --layout batch-first.")
        boolean batchFirst;

        @Option(names = "--layout", paramLabel = "LAYOUT", required = true, converter = LayoutConverter.class,
                description = "Layout of the flat buffers of the network's forward(): batch-first or sequence-first "
                        + "(default: the framework's — sequence-first for PyTorch and ONNX, batch-first for Burn). "
                        + "JSON files of 'run' are batch-first whatever this says.")
        Layout layout;

        Layout chosen() {
            return batchFirst ? Layout.BATCH_FIRST : layout;
        }
    }

    /**
     * Reads and validates the model, applying {@code --layout} when given, and prints the loader's
     * warnings (e.g. tensors of a state dict left out) on {@code err}, one {@code warning: } line each.
     */
    Model load(PrintWriter err) throws LstmcException {
        return loadResult(err).model();
    }

    /** {@link #load(PrintWriter)} with the whole load result, for {@code inspect}, which lists what was left out. */
    LoadResult loadResult(PrintWriter err) throws LstmcException {
        CliFiles.requireReadableFile(model, "model");
        if (config != null) {
            CliFiles.requireReadableFile(config, "config");
        }
        Layout layout = layoutChoice == null ? null : layoutChoice.chosen();
        LoadResult result = Lstmc.compiler().loadResult(model, new LoadOptions(config, prefix, layout, from, to,
                rnnNonlinearity));
        for (String warning : result.warnings()) {
            err.println("warning: " + ErrorHandler.oneLine(warning));
        }
        err.flush();
        return result;
    }

    /** True when --from or --to was given. */
    boolean hasCut() {
        return from != null || to != null;
    }

    /** The model file's name, e.g. {@code speech_tagger.safetensors}. */
    String fileName() {
        Path name = model.getFileName();
        return name == null ? model.toString() : name.toString();
    }

    /** Accepts {@code tanh} or {@code relu}, case-insensitively. */
    static final class NonlinearityConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String key = value.trim().toLowerCase(Locale.ROOT);
            if (!LoadOptions.RNN_NONLINEARITIES.contains(key)) {
                throw new TypeConversionException("expected tanh or relu, got '" + ErrorHandler.oneLine(value) + "'");
            }
            return key;
        }
    }

    /** Accepts {@code batch-first}/{@code sequence-first} (and the enum names), case-insensitively. */
    static final class LayoutConverter implements ITypeConverter<Layout> {
        @Override
        public Layout convert(String value) {
            String key = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (key) {
                case "batch-first" -> Layout.BATCH_FIRST;
                case "sequence-first", "seq-first" -> Layout.SEQUENCE_FIRST;
                default -> throw new TypeConversionException(
                        "expected batch-first or sequence-first, got '" + ErrorHandler.oneLine(value) + "'");
            };
        }
    }
}

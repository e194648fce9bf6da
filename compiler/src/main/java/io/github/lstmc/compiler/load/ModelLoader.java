package io.github.lstmc.compiler.load;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.burn.BurnLstmLoader;
import io.github.lstmc.compiler.load.onnx.OnnxLoader;
import io.github.lstmc.compiler.load.pytorch.PyTorchLstmLoader;
import io.github.lstmc.compiler.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses a loader by file extension:
 *
 * <ul>
 *   <li>{@code x.safetensors} with {@link LoadOptions#config()}: Burn weights, the config a Burn
 *       {@code LstmConfig}/{@code BiLstmConfig}/{@code GruConfig}/{@code BiGruConfig} JSON
 *       ({@code lstmc run x.safetensors --config lstm.json});</li>
 *   <li>{@code x.safetensors} without a config: a PyTorch {@code nn.LSTM}, {@code nn.GRU} or {@code nn.RNN}
 *       state dict;</li>
 *   <li>{@code x.json}: a Burn config whose weights are {@code x.safetensors} in the same directory
 *       ({@code lstmc run lstm.json});</li>
 *   <li>{@code x.onnx}: an ONNX model with LSTM, GRU or RNN nodes.</li>
 * </ul>
 *
 * A missing, unreadable or directory path, or any other extension, is an {@link LstmcException}
 * naming the file.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** Reads and validates {@code file}; {@code options} may be null for the defaults. */
    public static Model load(Path file, LoadOptions options) throws LstmcException {
        return loadResult(file, options).model();
    }

    /**
     * {@link #load}, with the warnings of the loader (e.g. the tensors of a PyTorch state dict
     * outside the compiled LSTM), for callers that show them to a user.
     */
    public static LoadResult loadResult(Path file, LoadOptions options) throws LstmcException {
        LoadOptions opts = options == null ? LoadOptions.DEFAULT : options;
        requireReadableFile(file);
        String name = LoaderSupport.fileName(file);
        if (opts.cuts() && !LoaderSupport.extension(file).equals("onnx")) {
            throw new LstmcException(name + ": --from/--to cut ONNX graphs; this is not an .onnx file");
        }
        switch (LoaderSupport.extension(file)) {
            case "safetensors":
                if (opts.config() != null) {
                    requireReadableFile(opts.config());
                    return BurnLstmLoader.loadResult(file, opts.config(), opts);
                }
                return PyTorchLstmLoader.loadResult(file, opts);
            case "json": {
                if (opts.config() != null) {
                    throw new LstmcException(name + ": is already a Burn config; give either the config (with its "
                            + "weights beside it) or the weights with --config, not both");
                }
                Path weights = file.resolveSibling(LoaderSupport.modelName(file) + ".safetensors");
                if (!Files.exists(weights)) {
                    throw new LstmcException(name + ": Burn weights '" + LoaderSupport.fileName(weights)
                            + "' not found beside the config (or give the weights file with --config " + name + ")");
                }
                requireReadableFile(weights);
                return BurnLstmLoader.loadResult(weights, file, opts);
            }
            case "onnx":
                return LoadResult.of(OnnxLoader.load(file, opts));
            case "pt":
            case "pth":
            case "bin":
            case "ckpt":
                throw new LstmcException(name + ": PyTorch pickle checkpoints are not read; save the state dict as "
                        + "safetensors (safetensors.torch.save_file(model.state_dict(), 'model.safetensors'))");
            case "mpk":
            case "bpk":
                throw new LstmcException(name + ": Burn record files are not read; save the module with burn-store's "
                        + "SafetensorsStore and pass its LstmConfig JSON with --config");
            default:
                throw new LstmcException(name + ": unsupported model format (expected .safetensors, .onnx or a Burn "
                        + ".json config)");
        }
    }

    private static void requireReadableFile(Path file) throws LstmcException {
        String name = file.toString();
        if (!Files.exists(file)) {
            throw new LstmcException(name + ": file not found");
        }
        if (Files.isDirectory(file)) {
            throw new LstmcException(name + ": is a directory, not a model file");
        }
        if (!Files.isRegularFile(file)) {
            // a device (/dev/zero) or a pipe would be read forever or block: refuse before opening it
            throw new LstmcException(name + ": is not a regular file (a device, pipe or socket?)");
        }
        if (!Files.isReadable(file)) {
            throw new LstmcException(name + ": cannot read (permission denied)");
        }
    }
}

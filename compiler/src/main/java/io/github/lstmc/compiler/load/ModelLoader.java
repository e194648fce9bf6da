package io.github.lstmc.compiler.load;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import java.nio.file.Path;

/** Chooses a loader by file extension. */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** Reads and validates {@code file}. */
    public static Model load(Path file, LoadOptions options) throws LstmcException {
        if (String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) return io.github.lstmc.compiler.load.onnx.OnnxLoader.load(file, options);
        throw new LstmcException(file + ": unsupported model format (expected .safetensors, .onnx or a Burn .json config)");
    }
}

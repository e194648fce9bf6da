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
        throw new LstmcException(file + ": unsupported model format (expected .safetensors, .onnx or a Burn .json config)");
    }
}

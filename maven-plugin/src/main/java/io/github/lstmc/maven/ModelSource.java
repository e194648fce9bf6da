package io.github.lstmc.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model to compile, as found under the source directory.
 *
 * @param relativePath the model file relative to the source directory, '/'-separated; the key of
 *                     its up-to-date state
 * @param file         the model file (weights; or a Burn config that names its weights)
 * @param config       a Burn config read with the weights, or null
 * @param prefix       the tensor name prefix of the LSTM inside the file, or null
 * @param className    the simple name of the generated class
 */
record ModelSource(String relativePath, Path file, Path config, String prefix, String className) {

    /** Every file whose content the generated code depends on: the model file, then its config if any. */
    List<Path> inputs() {
        List<Path> inputs = new ArrayList<>();
        inputs.add(file);
        if (config != null) {
            inputs.add(config);
        }
        return inputs;
    }
}

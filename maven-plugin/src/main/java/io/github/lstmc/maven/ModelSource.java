package io.github.lstmc.maven;

import io.github.lstmc.runtime.Layout;
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
 * @param layout       the flat buffer layout of the generated class, or null for the format's default
 * @param from         ONNX: the tensor to compile from (the model input), or null
 * @param to           ONNX: the tensor to compile up to (the model output), or null
 * @param rnnNonlinearity PyTorch {@code nn.RNN}: {@code tanh} or {@code relu}, or null (tanh, with a notice)
 */
record ModelSource(String relativePath, Path file, Path config, String prefix, String className, Layout layout,
                   String from, String to, String rnnNonlinearity) {

    /** A model without an RNN nonlinearity (the format's or tanh). */
    ModelSource(String relativePath, Path file, Path config, String prefix, String className, Layout layout,
                String from, String to) {
        this(relativePath, file, config, prefix, className, layout, from, to, null);
    }

    /** A model with the format's default layout. */
    ModelSource(String relativePath, Path file, Path config, String prefix, String className) {
        this(relativePath, file, config, prefix, className, null, null, null);
    }

    /** A whole model (no cut). */
    ModelSource(String relativePath, Path file, Path config, String prefix, String className, Layout layout) {
        this(relativePath, file, config, prefix, className, layout, null, null);
    }

    /**
     * Parses a layout as users write it: {@code batch_first}, {@code batch-first} or {@code BATCH_FIRST}
     * (likewise sequence first); null or blank gives null.
     *
     * @throws IllegalArgumentException for anything else
     */
    static Layout parseLayout(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT);
        for (Layout l : Layout.values()) {
            if (l.name().equals(t)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout '" + text + "' must be batch_first or sequence_first");
    }

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

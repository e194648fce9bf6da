package io.github.lstmc.compiler.load;

import io.github.lstmc.runtime.Layout;
import java.nio.file.Path;

/**
 * How to read a model file.
 *
 * @param config a Burn {@code LstmConfig}/{@code BiLstmConfig} JSON for Burn weights, or null
 * @param prefix the tensor name prefix of the LSTM when a file holds several (e.g. {@code encoder.lstm};
 *               a trailing dot is optional), or null to find the only one
 * @param layout the layout of the model's flat input/output buffers, or null for the format's default
 *               (PyTorch: sequence-first; Burn: the config's {@code batch_first}; ONNX: the node's layout)
 */
public record LoadOptions(Path config, String prefix, Layout layout) {

    /** No config, no prefix, the format's layout. */
    public static final LoadOptions DEFAULT = new LoadOptions(null, null, null);

    /** A config and/or prefix with the format's default layout. */
    public LoadOptions(Path config, String prefix) {
        this(config, prefix, null);
    }

    public LoadOptions withConfig(Path newConfig) {
        return new LoadOptions(newConfig, prefix, layout);
    }

    public LoadOptions withPrefix(String newPrefix) {
        return new LoadOptions(config, newPrefix, layout);
    }

    public LoadOptions withLayout(Layout newLayout) {
        return new LoadOptions(config, prefix, newLayout);
    }
}

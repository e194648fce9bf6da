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
 * @param from   ONNX only: compile the graph from this tensor on, read as the float input ({@code [batch,
 *               seq, features]} or {@code [seq, batch, features]} as the graph uses it), or null for the
 *               graph's inputs
 * @param to     ONNX only: compile the graph up to this tensor, the model's output, or null for the
 *               graph's outputs
 * @param rnnNonlinearity PyTorch state dicts only: the activation of an {@code nn.RNN}, {@code "tanh"} or
 *               {@code "relu"} (PyTorch's {@code nonlinearity}, which the state dict does not store), or
 *               null for tanh with a notice in the load result's warnings when the file holds an RNN
 */
public record LoadOptions(Path config, String prefix, Layout layout, String from, String to, String rnnNonlinearity) {

    /** No config, no prefix, the format's layout, the whole graph. */
    public static final LoadOptions DEFAULT = new LoadOptions(null, null, null, null, null, null);

    /** The nonlinearities of PyTorch's {@code nn.RNN}. */
    public static final java.util.List<String> RNN_NONLINEARITIES = java.util.List.of("tanh", "relu");

    public LoadOptions {
        if (rnnNonlinearity != null) {
            String lower = rnnNonlinearity.trim().toLowerCase(java.util.Locale.ROOT);
            if (!RNN_NONLINEARITIES.contains(lower)) {
                throw new IllegalArgumentException("rnn nonlinearity must be tanh or relu, got '" + rnnNonlinearity + "'");
            }
            rnnNonlinearity = lower;
        }
    }

    /** Everything but the RNN nonlinearity (null: tanh with a notice). */
    public LoadOptions(Path config, String prefix, Layout layout, String from, String to) {
        this(config, prefix, layout, from, to, null);
    }

    /** A config and/or prefix with the format's default layout. */
    public LoadOptions(Path config, String prefix) {
        this(config, prefix, null, null, null);
    }

    /** A config, prefix and layout; the whole graph. */
    public LoadOptions(Path config, String prefix, Layout layout) {
        this(config, prefix, layout, null, null);
    }

    public LoadOptions withConfig(Path newConfig) {
        return new LoadOptions(newConfig, prefix, layout, from, to, rnnNonlinearity);
    }

    public LoadOptions withPrefix(String newPrefix) {
        return new LoadOptions(config, newPrefix, layout, from, to, rnnNonlinearity);
    }

    public LoadOptions withLayout(Layout newLayout) {
        return new LoadOptions(config, prefix, newLayout, from, to, rnnNonlinearity);
    }

    /** These options with a cut: the tensors to compile from and to (either may be null). */
    public LoadOptions withCut(String newFrom, String newTo) {
        return new LoadOptions(config, prefix, layout, newFrom, newTo, rnnNonlinearity);
    }

    /** These options with the activation of a PyTorch {@code nn.RNN}: {@code "tanh"}, {@code "relu"} or null. */
    public LoadOptions withRnnNonlinearity(String nonlinearity) {
        return new LoadOptions(config, prefix, layout, from, to, nonlinearity);
    }

    /** True when a part of the graph is cut out ({@code from} or {@code to} given). */
    public boolean cuts() {
        return from != null || to != null;
    }
}

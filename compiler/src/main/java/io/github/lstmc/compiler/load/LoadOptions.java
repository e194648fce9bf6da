package io.github.lstmc.compiler.load;

import java.nio.file.Path;

/**
 * How to read a model file.
 *
 * @param config a Burn {@code LstmConfig}/{@code BiLstmConfig} JSON for Burn weights, or null
 * @param prefix the tensor name prefix of the LSTM when a file holds several (e.g. {@code encoder.lstm}), or null
 */
public record LoadOptions(Path config, String prefix) {

    /** No config, no prefix. */
    public static final LoadOptions DEFAULT = new LoadOptions(null, null);
}

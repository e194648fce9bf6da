package io.github.lstmc.compiler.model;

/**
 * How the recurrent stack's per-step output becomes one vector per batch row, or {@link #NONE}.
 * {@code Y} is the last layer's output {@code [B][T][O]} (forward features, then reverse), {@code len}
 * a row's length ({@code T} when no lengths are given).
 */
public enum TimeReduction {
    /** No reduction: the head runs on every step, the output is {@code [B][T][K]}. */
    NONE,
    /**
     * {@code Y[b][T-1]} ({@code out[:, -1]}): for a reverse direction its output at the last
     * position, i.e. after one step, as PyTorch computes it.
     */
    LAST_STEP,
    /**
     * {@code Y[b][max(len-1, 0)]}: each row's last valid position (exporters clamp {@code len - 1}
     * at 0, so an empty row reads position 0).
     */
    LAST_VALID_STEP,
    /**
     * The last layer's final hidden states {@code h_n}, forward then reverse ({@code torch.cat([h[-2],
     * h[-1]])}, Keras {@code return_sequences=False}); with lengths, each the state after the row's
     * last valid step.
     */
    FINAL_STATE,
    /** The mean of {@code Y[b][t]} over {@code t < len} (zeros when {@code len = 0}). */
    MEAN,
    /** The maximum of {@code Y[b][t]} over {@code t < len} (zeros when {@code len = 0}). */
    MAX;

    /** True when streaming one step at a time can give this reduction's current value. */
    public boolean streamable() {
        return this != MEAN && this != MAX;
    }
}

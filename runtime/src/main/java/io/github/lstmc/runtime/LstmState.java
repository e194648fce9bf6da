package io.github.lstmc.runtime;

/**
 * The recurrent state of a network for a batch: per layer and direction, the hidden state
 * {@code h} and the cell state {@code c}. Mutable and owned by the caller; not thread-safe.
 *
 * <p>Index {@code k = layer * directions + direction} (PyTorch's order; direction 0 is forward,
 * 1 reverse). {@code hidden(k)} holds {@code [B][stateSize(layer)]} and {@code cell(k)} holds
 * {@code [B][cellSize(layer)]}, row-major, batch first. The arrays are live: write an initial
 * state into them before a call, read the final state after it.
 *
 * <p>Only an LSTM layer has a cell state; for a GRU or RNN layer ({@link LstmNetwork#cellSize(int)} 0)
 * {@code cell(k)} is an empty array, never null, so that every entry has the same two arrays.
 */
public final class LstmState {
    private final int batch;
    private final float[][] hidden;
    private final float[][] cell;

    /**
     * @param batch      rows, at least 1
     * @param stateSizes per index {@code k}, the hidden state size
     * @param cellSizes  per index {@code k}, the cell size (0 for a layer without cell state)
     */
    public LstmState(int batch, int[] stateSizes, int[] cellSizes) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (stateSizes.length != cellSizes.length) {
            throw new IllegalArgumentException("stateSizes and cellSizes differ in length");
        }
        this.batch = batch;
        this.hidden = new float[stateSizes.length][];
        this.cell = new float[cellSizes.length][];
        for (int k = 0; k < stateSizes.length; k++) {
            hidden[k] = new float[Sizes.multiply(batch, stateSizes[k])];
            cell[k] = new float[Sizes.multiply(batch, cellSizes[k])];
        }
    }

    /** Batch rows this state holds. */
    public int batch() {
        return batch;
    }

    /** Number of (layer, direction) entries. */
    public int size() {
        return hidden.length;
    }

    /** The live hidden state {@code h} of entry {@code k}: {@code [B][stateSize]}. */
    public float[] hidden(int k) {
        return hidden[k];
    }

    /** The live cell state {@code c} of entry {@code k}: {@code [B][cellSize]}; empty for a GRU or RNN layer. */
    public float[] cell(int k) {
        return cell[k];
    }

    /** Sets every value to zero. */
    public void reset() {
        for (int k = 0; k < hidden.length; k++) {
            java.util.Arrays.fill(hidden[k], 0f);
            java.util.Arrays.fill(cell[k], 0f);
        }
    }
}

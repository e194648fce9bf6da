package io.github.lstmc.runtime;

/**
 * Caller-owned scratch memory for one call at a time, sized by the network that made it
 * ({@link LstmNetwork#newWorkspace(int, int)}). Reusing one workspace across calls is what makes
 * the flat {@code forward} and {@code step} allocation-free. Not thread-safe.
 */
public final class LstmWorkspace {
    private final int batch;
    private final int maxSequenceLength;
    private final float[][] buffers;
    /** The network whose newWorkspace made this, whose sizes it therefore has; null if made by hand. */
    final LstmNetwork owner;
    /**
     * Scratch that is not a float buffer, kept by a network of this package that needs it (the
     * per-part sub-states and sub-workspaces of {@link ParallelLstm}); null otherwise. Set once,
     * right after construction, by the owner's newWorkspace.
     */
    Object extension;

    /**
     * @param batch             largest batch this workspace serves
     * @param maxSequenceLength longest sequence it serves
     * @param bufferSizes       the length of each scratch buffer, as the network needs them
     */
    public LstmWorkspace(int batch, int maxSequenceLength, int[] bufferSizes) {
        this(batch, maxSequenceLength, bufferSizes, null);
    }

    LstmWorkspace(int batch, int maxSequenceLength, int[] bufferSizes, LstmNetwork owner) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (maxSequenceLength < 1) {
            throw new IllegalArgumentException("maxSequenceLength must be at least 1, got " + maxSequenceLength);
        }
        this.owner = owner;
        this.batch = batch;
        this.maxSequenceLength = maxSequenceLength;
        this.buffers = new float[bufferSizes.length][];
        for (int i = 0; i < bufferSizes.length; i++) {
            buffers[i] = new float[bufferSizes[i]];
        }
    }

    /** Largest batch this workspace serves. */
    public int batch() {
        return batch;
    }

    /** Longest sequence this workspace serves. */
    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    /** Number of scratch buffers. */
    public int bufferCount() {
        return buffers.length;
    }

    /** The live scratch buffer {@code i}. */
    public float[] buffer(int i) {
        return buffers[i];
    }
}

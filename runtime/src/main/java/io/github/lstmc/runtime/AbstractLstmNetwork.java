package io.github.lstmc.runtime;

/**
 * Base of every network: the argument checks and the convenience forms, written once so that
 * generated classes carry only the model's own arithmetic. Subclasses implement
 * {@link #forwardChecked} and {@link #stepChecked}, which may assume every size was checked.
 */
public abstract class AbstractLstmNetwork implements LstmNetwork {

    @Override
    public LstmState newState(int batch) {
        int entries = layerCount() * directionCount();
        int[] stateSizes = new int[entries];
        int[] cellSizes = new int[entries];
        for (int k = 0; k < entries; k++) {
            int layer = k / directionCount();
            stateSizes[k] = stateSize(layer);
            cellSizes[k] = hiddenSize(layer);
        }
        return new LstmState(batch, stateSizes, cellSizes);
    }

    @Override
    public LstmWorkspace newWorkspace(int batch, int maxSequenceLength) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (maxSequenceLength < 1) {
            throw new IllegalArgumentException("maxSequenceLength must be at least 1, got " + maxSequenceLength);
        }
        return new LstmWorkspace(batch, maxSequenceLength, workspaceSizes(batch, maxSequenceLength), this);
    }

    /** The scratch buffer lengths this network needs for {@code batch} rows of up to {@code maxSequenceLength} steps. */
    protected abstract int[] workspaceSizes(int batch, int maxSequenceLength);

    @Override
    public float[][][] forward(float[][][] input) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        int batch = input.length;
        if (batch == 0) {
            throw new IllegalArgumentException("input must have at least one batch row");
        }
        if (input[0] == null || input[0].length == 0) {
            throw new IllegalArgumentException("input[0] must have at least one time step");
        }
        int steps = input[0].length;
        int in = inputSize();
        int out = outputSize();
        float[] flat = new float[Math.multiplyExact(Math.multiplyExact(batch, steps), in)];
        boolean batchFirst = layout() == Layout.BATCH_FIRST;
        for (int b = 0; b < batch; b++) {
            if (input[b] == null || input[b].length != steps) {
                throw new IllegalArgumentException("input[" + b + "] must have " + steps + " time steps");
            }
            for (int t = 0; t < steps; t++) {
                float[] x = input[b][t];
                if (x == null || x.length != in) {
                    throw new IllegalArgumentException(
                            "input[" + b + "][" + t + "] must have " + in + " features, got "
                                    + (x == null ? "null" : String.valueOf(x.length)));
                }
                System.arraycopy(x, 0, flat, (batchFirst ? b * steps + t : t * batch + b) * in, in);
            }
        }
        float[] output = new float[Math.multiplyExact(Math.multiplyExact(batch, steps), out)];
        forward(flat, batch, steps, null, newState(batch), newWorkspace(batch, steps), output);
        float[][][] result = new float[batch][steps][out];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(output, (batchFirst ? b * steps + t : t * batch + b) * out, result[b][t], 0, out);
            }
        }
        return result;
    }

    @Override
    public final void forward(float[] input, int batch, int sequenceLength, int[] lengths,
                              LstmState state, LstmWorkspace workspace, float[] output) {
        checkBatch(batch, state, workspace);
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequenceLength must be at least 1, got " + sequenceLength);
        }
        if (sequenceLength > workspace.maxSequenceLength()) {
            throw new IllegalArgumentException("sequenceLength " + sequenceLength
                    + " exceeds the workspace's maxSequenceLength " + workspace.maxSequenceLength());
        }
        checkLength("input", input, (long) batch * sequenceLength * inputSize());
        checkLength("output", output, (long) batch * sequenceLength * outputSize());
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new IllegalArgumentException("lengths must have " + batch + " entries, got " + lengths.length);
            }
            for (int b = 0; b < batch; b++) {
                if (lengths[b] < 0 || lengths[b] > sequenceLength) {
                    throw new IllegalArgumentException("lengths[" + b + "] must be in 0.." + sequenceLength
                            + ", got " + lengths[b]);
                }
            }
        }
        forwardChecked(input, batch, sequenceLength, lengths, state, workspace, output);
    }

    @Override
    public final void step(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
        if (!isStreamable()) {
            throw new UnsupportedOperationException("step needs a network without a reverse direction");
        }
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        int batch = state.batch();
        checkBatch(batch, state, workspace);
        checkLength("input", input, (long) batch * inputSize());
        checkLength("output", output, (long) batch * outputSize());
        stepChecked(input, state, workspace, output);
    }

    /** {@link #forward(float[], int, int, int[], LstmState, LstmWorkspace, float[])} after its checks. */
    protected abstract void forwardChecked(float[] input, int batch, int sequenceLength, int[] lengths,
                                           LstmState state, LstmWorkspace workspace, float[] output);

    /** {@link #step} after its checks; {@code B = state.batch()}. */
    protected abstract void stepChecked(float[] input, LstmState state, LstmWorkspace workspace, float[] output);

    private void checkBatch(int batch, LstmState state, LstmWorkspace workspace) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        if (workspace == null) {
            throw new IllegalArgumentException("workspace must not be null");
        }
        if (batch > state.batch()) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the state's batch " + state.batch());
        }
        if (batch > workspace.batch()) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the workspace's batch " + workspace.batch());
        }
        checkWorkspace(workspace);
        int entries = layerCount() * directionCount();
        if (state.size() != entries) {
            throw new IllegalArgumentException("state must have " + entries + " layer-direction entries, got "
                    + state.size() + " (make it with newState)");
        }
        for (int k = 0; k < entries; k++) {
            int layer = k / directionCount();
            // Names are built only on failure: the checks run on every call, which must not allocate.
            if (state.hidden(k) == null || state.hidden(k).length < (long) state.batch() * stateSize(layer)) {
                checkLength("state.hidden(" + k + ")", state.hidden(k), (long) state.batch() * stateSize(layer));
            }
            if (state.cell(k) == null || state.cell(k).length < (long) state.batch() * hiddenSize(layer)) {
                checkLength("state.cell(" + k + ")", state.cell(k), (long) state.batch() * hiddenSize(layer));
            }
        }
    }

    /**
     * A workspace made by another network (or by hand) has other buffers: indexing them would fail
     * with an ArrayIndexOutOfBoundsException half way through, or silently overrun rows.
     */
    private void checkWorkspace(LstmWorkspace workspace) {
        if (workspace.owner == this) {
            return; // made by our newWorkspace: right by construction, and checked without allocating
        }
        int[] sizes = workspaceSizes(workspace.batch(), workspace.maxSequenceLength());
        if (workspace.bufferCount() != sizes.length) {
            throw new IllegalArgumentException("workspace must have " + sizes.length + " buffers, got "
                    + workspace.bufferCount() + " (make it with this network's newWorkspace)");
        }
        for (int i = 0; i < sizes.length; i++) {
            float[] buffer = workspace.buffer(i);
            if (buffer == null || buffer.length < sizes[i]) {
                throw new IllegalArgumentException("workspace buffer " + i + " must hold at least " + sizes[i]
                        + " floats, got " + (buffer == null ? "null" : String.valueOf(buffer.length))
                        + " (make it with this network's newWorkspace)");
            }
        }
    }

    private static void checkLength(String name, float[] array, long expected) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (array.length < expected) {
            throw new IllegalArgumentException(name + " must hold at least " + expected + " floats, got " + array.length);
        }
    }
}

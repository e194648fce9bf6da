package io.github.lstmc.runtime;

/**
 * Base of every network: the argument checks and the convenience forms, written once so that
 * generated classes carry only the model's own arithmetic. Subclasses implement
 * {@link #forwardChecked} and {@link #stepChecked}, which may assume every size was checked.
 */
public abstract class AbstractLstmNetwork implements LstmNetwork {
    /** A copy of the constant lengths, or null: final, so every thread sees its contents. */
    private final int[] fixed;

    /** A network whose constant lengths, if any, {@link #fixedLengths()} gives. */
    protected AbstractLstmNetwork() {
        this.fixed = copy(fixedLengths());
    }

    /**
     * A network with the given constant lengths (null: none), for a network whose lengths are not
     * literals ({@link #fixedLengths()} would have to read an instance field before it is set).
     */
    protected AbstractLstmNetwork(int[] fixedLengths) {
        this.fixed = copy(fixedLengths);
    }

    private static int[] copy(int[] lengths) {
        return lengths == null || lengths.length == 0 ? null : lengths.clone();
    }

    @Override
    public LstmState newState(int batch) {
        int entries = layerCount() * directionCount();
        int[] stateSizes = new int[entries];
        int[] cellSizes = new int[entries];
        for (int k = 0; k < entries; k++) {
            int layer = k / directionCount();
            stateSizes[k] = stateSize(layer);
            cellSizes[k] = cellSize(layer);
        }
        return new LstmState(batch, stateSizes, cellSizes, this);
    }

    /** Empty: generated classes and the interpreter override this with their model's digest. */
    @Override
    public String modelDigest() {
        return "";
    }

    /** {@link #hiddenSize(int)}: an LSTM layer. Networks with GRU or RNN layers return 0 for those. */
    @Override
    public int cellSize(int layer) {
        return hiddenSize(layer);
    }

    @Override
    public LstmWorkspace newWorkspace(int batch, int maxSequenceLength) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (maxSequenceLength < 1) {
            throw new IllegalArgumentException("maxSequenceLength must be at least 1, got " + maxSequenceLength);
        }
        return new LstmWorkspace(batch, maxSequenceLength, allWorkspaceSizes(batch, maxSequenceLength), this);
    }

    /** The scratch buffer lengths this network needs for {@code batch} rows of up to {@code maxSequenceLength} steps. */
    protected abstract int[] workspaceSizes(int batch, int maxSequenceLength);

    /** {@link #workspaceSizes}, then for a token network one buffer for the embedded input ({@code B*T*I}). */
    private int[] allWorkspaceSizes(int batch, int maxSequenceLength) {
        int[] own = workspaceSizes(batch, maxSequenceLength);
        if (vocabularySize() == 0) {
            return own;
        }
        int[] all = java.util.Arrays.copyOf(own, own.length + 1);
        long embedded = (long) batch * maxSequenceLength * inputSize();
        if (embedded > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a workspace of " + batch + " rows and " + maxSequenceLength
                    + " steps needs more than 2^31 floats");
        }
        all[own.length] = (int) embedded;
        return all;
    }

    /** 0: a network of float features. Token networks override this and {@link #embeddingTable()}. */
    @Override
    public int vocabularySize() {
        return 0;
    }

    /** False: an output per step. Networks that reduce over time override this. */
    @Override
    public boolean reducesTime() {
        return false;
    }

    /**
     * The embedding of a token network, {@code [V][I]}: row {@code id} is the input vector of token
     * {@code id}. Read only, never written. Null for a network of float features.
     */
    protected float[][] embeddingTable() {
        return null;
    }

    /**
     * Null, or the per-row sequence lengths compiled into the network ({@code [B]}, a graph's
     * constant {@code sequence_lens}): every call then has exactly {@code B} rows, takes these lengths
     * when its {@code lengths} argument is null and refuses lengths that differ, and {@code step} is
     * refused. Called once, by the no-argument constructor, before any subclass field is set: an
     * override returns a new array of constants.
     */
    protected int[] fixedLengths() {
        return null;
    }

    /** The constant lengths this network was made with (a copy held for its lifetime), or null. */
    final int[] fixed() {
        return fixed;
    }

    @Override
    public float[][][] forward(float[][][] input) {
        requirePerStep("forward", "predict");
        int batch = rows(input);
        int steps = input[0].length;
        float[] output = new float[Sizes.multiply(Sizes.multiply(batch, steps), outputSize())];
        forward(flatten(input), batch, steps, null, newState(batch), newWorkspace(batch, steps), output);
        return unflatten(output, batch, steps);
    }

    @Override
    public float[][][] forward(int[][] tokens) {
        requireTokens();
        requirePerStep("forward", "predict");
        int batch = rows(tokens);
        int steps = tokens[0].length;
        float[] output = new float[Sizes.multiply(Sizes.multiply(batch, steps), outputSize())];
        forwardTokens(flatten(tokens), batch, steps, null, newState(batch), newWorkspace(batch, steps), output);
        return unflatten(output, batch, steps);
    }

    @Override
    public float[][] predict(float[][][] input) {
        requireReduced();
        int batch = rows(input);
        int steps = input[0].length;
        float[] output = new float[Sizes.multiply(batch, outputSize())];
        forward(flatten(input), batch, steps, null, newState(batch), newWorkspace(batch, steps), output);
        return unflatten(output, batch);
    }

    @Override
    public float[][] predict(int[][] tokens) {
        requireTokens();
        requireReduced();
        int batch = rows(tokens);
        int steps = tokens[0].length;
        float[] output = new float[Sizes.multiply(batch, outputSize())];
        forwardTokens(flatten(tokens), batch, steps, null, newState(batch), newWorkspace(batch, steps), output);
        return unflatten(output, batch);
    }

    private void requirePerStep(String method, String other) {
        if (reducesTime()) {
            throw new UnsupportedOperationException("this network reduces over time to one output per sequence: use "
                    + other + " instead of " + method);
        }
    }

    private void requireReduced() {
        if (!reducesTime()) {
            throw new UnsupportedOperationException("this network has an output per step: use forward instead of predict");
        }
    }

    private static int rows(float[][][] input) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        return rows(input.length, input.length > 0 && input[0] != null && input[0].length > 0, "input");
    }

    private static int rows(int[][] tokens) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens must not be null");
        }
        return rows(tokens.length, tokens.length > 0 && tokens[0] != null && tokens[0].length > 0, "tokens");
    }

    private static int rows(int batch, boolean firstRowHasSteps, String name) {
        if (batch == 0) {
            throw new IllegalArgumentException(name + " must have at least one batch row");
        }
        if (!firstRowHasSteps) {
            throw new IllegalArgumentException(name + "[0] must have at least one time step");
        }
        return batch;
    }

    private float[] flatten(float[][][] input) {
        int batch = input.length;
        int steps = input[0].length;
        int in = inputSize();
        float[] flat = new float[Sizes.multiply(Sizes.multiply(batch, steps), in)];
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
        return flat;
    }

    private int[] flatten(int[][] tokens) {
        int batch = tokens.length;
        int steps = tokens[0].length;
        int[] flat = new int[Sizes.multiply(batch, steps)];
        boolean batchFirst = layout() == Layout.BATCH_FIRST;
        for (int b = 0; b < batch; b++) {
            if (tokens[b] == null || tokens[b].length != steps) {
                throw new IllegalArgumentException("tokens[" + b + "] must have " + steps + " time steps");
            }
            for (int t = 0; t < steps; t++) {
                int id = tokens[b][t];
                if (id < 0 || id >= vocabularySize()) {
                    throw new IllegalArgumentException("tokens[" + b + "][" + t + "] is token id " + id
                            + ", outside the vocabulary of " + vocabularySize() + " ids (0.." + (vocabularySize() - 1)
                            + ")");
                }
                flat[batchFirst ? b * steps + t : t * batch + b] = id;
            }
        }
        return flat;
    }

    private float[][][] unflatten(float[] output, int batch, int steps) {
        int out = outputSize();
        boolean batchFirst = layout() == Layout.BATCH_FIRST;
        float[][][] result = new float[batch][steps][out];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(output, (batchFirst ? b * steps + t : t * batch + b) * out, result[b][t], 0, out);
            }
        }
        return result;
    }

    private float[][] unflatten(float[] output, int batch) {
        int out = outputSize();
        float[][] result = new float[batch][out];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(output, b * out, result[b], 0, out);
        }
        return result;
    }

    @Override
    public final void forward(float[] input, int batch, int sequenceLength, int[] lengths,
                              LstmState state, LstmWorkspace workspace, float[] output) {
        int[] effective = checkCall(batch, sequenceLength, lengths, state, workspace, output);
        checkLength("input", input, (long) batch * sequenceLength * inputSize());
        forwardChecked(input, batch, sequenceLength, effective, state, workspace, output);
    }

    @Override
    public final void forwardTokens(int[] tokens, int batch, int sequenceLength, int[] lengths,
                              LstmState state, LstmWorkspace workspace, float[] output) {
        requireTokens();
        int[] effective = checkCall(batch, sequenceLength, lengths, state, workspace, output);
        checkTokens(tokens, batch * sequenceLength);
        forwardTokensChecked(tokens, batch, sequenceLength, effective, state, workspace, output);
    }

    /**
     * {@link #forwardTokens} after its checks (every id of {@code tokens[0..B*T)} is in range): looks the
     * ids up in {@link #embeddingTable()} and runs {@link #forwardChecked}. A network that folds its
     * embedding into its first layer's input product overrides this to copy rows of the folded table.
     */
    protected void forwardTokensChecked(int[] tokens, int batch, int sequenceLength, int[] lengths,
                                        LstmState state, LstmWorkspace workspace, float[] output) {
        forwardChecked(embed(tokens, batch * sequenceLength, workspace), batch, sequenceLength, lengths, state,
                workspace, output);
    }

    private void requireTokens() {
        if (vocabularySize() == 0) {
            throw new UnsupportedOperationException("this network takes float features, not token ids");
        }
    }

    /** Checks every id of {@code tokens[0..count)}, before any work. */
    private void checkTokens(int[] tokens, int count) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens must not be null");
        }
        if (tokens.length < count) {
            throw new IllegalArgumentException("tokens must hold at least " + count + " ids, got " + tokens.length);
        }
        int vocabulary = vocabularySize();
        for (int i = 0; i < count; i++) {
            int id = tokens[i];
            if (id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException("token id " + id + " (at index " + i + ") is outside the vocabulary of "
                        + vocabulary + " ids (0.." + (vocabulary - 1) + ")");
            }
        }
    }

    /** Writes the embeddings of the checked ids {@code tokens[0..count)} into the workspace's last buffer. */
    private float[] embed(int[] tokens, int count, LstmWorkspace workspace) {
        float[][] table = embeddingTable();
        int width = inputSize();
        float[] embedded = workspace.buffer(workspace.bufferCount() - 1);
        for (int i = 0; i < count; i++) {
            System.arraycopy(table[tokens[i]], 0, embedded, i * width, width);
        }
        return embedded;
    }

    /** Checks a call's arguments; returns the lengths to run with (the given ones, or the fixed ones). */
    private int[] checkCall(int batch, int sequenceLength, int[] lengths, LstmState state, LstmWorkspace workspace,
                            float[] output) {
        checkBatch(batch, state, workspace);
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequenceLength must be at least 1, got " + sequenceLength);
        }
        if (sequenceLength > workspace.maxSequenceLength()) {
            throw new IllegalArgumentException("sequenceLength " + sequenceLength
                    + " exceeds the workspace's maxSequenceLength " + workspace.maxSequenceLength());
        }
        checkLength("output", output, (long) batch * (reducesTime() ? 1 : sequenceLength) * outputSize());
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
        return fixed == null ? lengths : checkFixed(fixed, batch, sequenceLength, lengths);
    }

    /** Returns the constant lengths after checking that the call has their rows, enough steps, and null or equal lengths. */
    private static int[] checkFixed(int[] fixed, int batch, int sequenceLength, int[] lengths) {
        boolean fits = batch == fixed.length;
        for (int b = 0; fits && b < batch; b++) {
            fits = fixed[b] <= sequenceLength && (lengths == null || lengths[b] == fixed[b]);
        }
        if (!fits) {
            throw new IllegalArgumentException("the network was compiled with the constant sequence lengths "
                    + java.util.Arrays.toString(fixed) + ": a call has their " + fixed.length + " rows, at least their"
                    + " longest length of steps, and lengths null or equal (got batch " + batch + ", sequenceLength "
                    + sequenceLength + ", lengths " + java.util.Arrays.toString(lengths) + ")");
        }
        return fixed;
    }

    @Override
    public final void step(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
        checkStep(state, workspace, output);
        checkLength("input", input, (long) state.batch() * inputSize());
        stepChecked(input, state, workspace, output);
    }

    @Override
    public final void stepTokens(int[] tokens, LstmState state, LstmWorkspace workspace, float[] output) {
        requireTokens();
        checkStep(state, workspace, output);
        checkTokens(tokens, state.batch());
        stepChecked(embed(tokens, state.batch(), workspace), state, workspace, output);
    }

    private void checkStep(LstmState state, LstmWorkspace workspace, float[] output) {
        if (fixed != null) {
            throw new UnsupportedOperationException("step cannot honour constant sequence lengths: use forward");
        }
        if (!isStreamable()) {
            throw new UnsupportedOperationException(reducesTime()
                    ? "step needs a network without a reverse direction whose reduction over time can be read after"
                            + " each step (a last step or final state, not a mean or maximum)"
                    : "step needs a network without a reverse direction");
        }
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        checkBatch(state.batch(), state, workspace);
        checkLength("output", output, (long) state.batch() * outputSize());
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
            if (state.cell(k) == null || state.cell(k).length < (long) state.batch() * cellSize(layer)) {
                checkLength("state.cell(" + k + ")", state.cell(k), (long) state.batch() * cellSize(layer));
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
        int[] sizes = allWorkspaceSizes(workspace.batch(), workspace.maxSequenceLength());
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

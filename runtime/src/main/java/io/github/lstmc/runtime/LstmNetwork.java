package io.github.lstmc.runtime;

/**
 * A trained LSTM network with fixed dimensions: a stack of {@link #layerCount()} layers, each
 * with {@link #directionCount()} directions (1: forward only or reverse only, 2: forward then
 * reverse). Implemented by every class lstmc generates and by the reference interpreter.
 *
 * <p><b>Threading.</b> Implementations are immutable and safe to share between threads. All
 * mutable data lives in the {@link LstmState} and {@link LstmWorkspace} objects the caller owns;
 * give each thread its own. Generated classes keep only final fields (their weights) and no static
 * scratch, so any number of threads may call one instance at once, each with its own state and
 * workspace, and get exactly (bitwise) what sequential calls give.
 *
 * <p><b>Arguments.</b> Wrong buffer lengths, a batch or sequence length below 1, a state or
 * workspace made for another network, and null arguments are an {@link IllegalArgumentException}
 * naming the argument and the expected size, thrown before any work (nothing is written). NaN
 * inputs are not checked: they run and give NaN outputs.
 *
 * <p><b>Shapes.</b> {@code I = inputSize()}, {@code O = outputSize()} (features per time step of
 * the output: directions &times; the last layer's {@link #stateSize(int) state size}), {@code B}
 * the batch size, {@code T} the sequence length. All values are float32.
 */
public interface LstmNetwork {

    /** Features per time step of the input, {@code I}. */
    int inputSize();

    /** Features per time step of the output, {@code O}: directions times the last layer's state size. */
    int outputSize();

    /** Number of stacked layers (at least 1). */
    int layerCount();

    /** Directions per layer: 1 or 2. With 2, outputs concatenate forward then reverse features. */
    int directionCount();

    /** Cell size {@code H} of a layer (the length of its cell state per batch row). */
    int hiddenSize(int layer);

    /** Size of a layer's hidden state and output per direction: its projection size if it has one, else {@code H}. */
    int stateSize(int layer);

    /** The layout of the flat buffers taken and returned by {@link #forward(float[], int, int, int[], LstmState, LstmWorkspace, float[])}. */
    Layout layout();

    /** True when {@link #step} is available: no layer runs in reverse, so each step depends only on the past. */
    boolean isStreamable();

    /** A zero state for {@code batch} rows, the shape this network's forward and step expect. */
    LstmState newState(int batch);

    /** Scratch space for calls with up to {@code batch} rows and {@code maxSequenceLength} steps. */
    LstmWorkspace newWorkspace(int batch, int maxSequenceLength);

    /**
     * Convenience form: runs whole sequences from a zero state. Allocates its result and scratch.
     *
     * @param input {@code [B][T][I]}, batch-first whatever {@link #layout()} says; every row the same length
     * @return {@code [B][T][O]}
     * @throws IllegalArgumentException if the input is null, empty, ragged or has the wrong feature count
     */
    float[][][] forward(float[][][] input);

    /**
     * Runs whole sequences without allocating.
     *
     * @param input  {@code B*T*I} floats laid out as {@link #layout()} says: batch-first
     *               {@code [B][T][I]} or sequence-first {@code [T][B][I]}
     * @param batch  {@code B}, at least 1 and at most the state's and workspace's batch
     * @param sequenceLength {@code T}, at least 1 and at most the workspace's maximum
     * @param lengths null, or {@code [B]} valid lengths in {@code 0..T}: outputs at {@code t >= lengths[b]}
     *               are 0, the final state of row {@code b} is the one after its last valid step, and a
     *               reverse direction starts at step {@code lengths[b]-1}
     * @param state  initial state in, final state out (see {@link LstmState})
     * @param workspace scratch from {@link #newWorkspace(int, int)}
     * @param output {@code B*T*O} floats, same layout as the input
     * @throws IllegalArgumentException naming the argument when a size does not fit
     */
    void forward(float[] input, int batch, int sequenceLength, int[] lengths,
                 LstmState state, LstmWorkspace workspace, float[] output);

    /**
     * Advances every batch row of {@code state} by one time step (streaming use). Only for
     * {@link #isStreamable() streamable} networks.
     *
     * @param input  {@code [B][I]} flat, {@code B = state.batch()}
     * @param state  state before the step in, after it out
     * @param workspace scratch from {@link #newWorkspace(int, int)} with at least {@code B} rows
     * @param output {@code [B][O]} flat
     * @throws UnsupportedOperationException if the network has a reverse direction
     */
    void step(float[] input, LstmState state, LstmWorkspace workspace, float[] output);
}

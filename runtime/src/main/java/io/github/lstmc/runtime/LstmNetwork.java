package io.github.lstmc.runtime;

/**
 * A trained recurrent network with fixed dimensions: a stack of {@link #layerCount()} layers, each
 * with {@link #directionCount()} directions (1: forward only or reverse only, 2: forward then
 * reverse). Implemented by every class lstmc generates and by the reference interpreter.
 *
 * <p><b>Cells.</b> The name says LSTM, the family lstmc started with; GRU and simple (Elman) RNN
 * networks, and stacks mixing them with LSTM layers, implement this same interface (and use the same
 * {@link LstmState}, {@link LstmWorkspace} and {@link ParallelLstm}). A GRU or RNN layer has no cell
 * state: its {@link #cellSize(int) cell size} is 0, so its {@link LstmState#cell(int)} arrays are empty.
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
 * <p><b>Shapes.</b> {@code I = inputSize()}, {@code O = outputSize()} (features of the output:
 * for a bare LSTM, directions &times; the last layer's {@link #stateSize(int) state size}; for a
 * whole network, what its head gives), {@code B} the batch size, {@code T} the sequence length. All
 * values are float32.
 *
 * <p><b>Whole networks.</b> A network may surround its LSTM stack with an input stage (an embedding
 * of token ids, {@link #vocabularySize()} &gt; 0, or a constant per-feature transform), a reduction
 * over time ({@link #reducesTime()}: the output is then one vector per batch row, {@code [B][O]},
 * instead of one per step, {@code [B][T][O]}) and a head (dense layers, elementwise functions,
 * softmax). {@link #forward(float[][][])} and {@link #forward(int[][])} serve networks with an output
 * per step, {@link #predict(float[][][])} and {@link #predict(int[][])} networks that reduce over
 * time. The final states in {@link LstmState} stay the recurrent stack's {@code h_n} and {@code c_n}.
 */
public interface LstmNetwork {

    /**
     * Features per time step of float input, {@code I}. For a token network, the embedding's dimension:
     * its float methods take already embedded vectors.
     */
    int inputSize();

    /** Features of the output, {@code O}, per step or (when {@link #reducesTime()}) per batch row. */
    int outputSize();

    /**
     * Token ids the network's embedding knows, {@code V}: the token methods take ids {@code 0..V-1}.
     * 0 when the network takes float features only.
     */
    int vocabularySize();

    /**
     * True when the output is one vector per batch row ({@code [B][O]}: the network reduces the
     * sequence, e.g. to its last step, its final hidden state, or a mean), false when it is one vector
     * per step ({@code [B][T][O]} in {@link #layout()}).
     */
    boolean reducesTime();

    /** Number of stacked layers (at least 1). */
    int layerCount();

    /** Directions per layer: 1 or 2. With 2, outputs concatenate forward then reverse features. */
    int directionCount();

    /** Cell size {@code H} of a layer: its number of hidden units (for an LSTM, its cell state per batch row). */
    int hiddenSize(int layer);

    /**
     * Cell state values per batch row of a layer: {@link #hiddenSize(int) H} for an LSTM layer, 0 for a GRU
     * or RNN layer, which carries only its hidden state.
     */
    int cellSize(int layer);

    /** Size of a layer's hidden state and output per direction: its projection size if it has one, else {@code H}. */
    int stateSize(int layer);

    /** The layout of the flat buffers taken and returned by {@link #forward(float[], int, int, int[], LstmState, LstmWorkspace, float[])}. */
    Layout layout();

    /**
     * True when {@link #step} is available: no layer runs in reverse, so each step depends only on the past,
     * and any reduction over time can be read after each step (a last step or final state, not a mean or maximum).
     */
    boolean isStreamable();

    /**
     * A state for {@code batch} rows, the shape this network's forward and step expect, holding the
     * model's initial state (zeros, or a constant the model defines) in every row. It can be written to
     * and read from bytes, and {@link LstmState#reset() reset} to that initial state.
     */
    LstmState newState(int batch);

    /**
     * The model's identity: SHA-256 (64 lowercase hex digits) over a canonical encoding of its structure,
     * weights (as the class stores them) and stages, computed by the compiler. Equal for the classes both
     * back ends generate from one model and for the reference interpreter of that model, whatever the
     * package, class name or back end; different for another model or another version of it. Serialized
     * states carry its first 128 bits. Empty for a network not made by lstmc, whose states cannot be
     * serialized.
     */
    String modelDigest();

    /** Scratch space for calls with up to {@code batch} rows and {@code maxSequenceLength} steps. */
    LstmWorkspace newWorkspace(int batch, int maxSequenceLength);

    /**
     * Convenience form: runs whole sequences from a zero state. Allocates its result and scratch.
     *
     * @param input {@code [B][T][I]}, batch-first whatever {@link #layout()} says; every row the same length
     * @return {@code [B][T][O]}
     * @throws IllegalArgumentException if the input is null, empty, ragged or has the wrong feature count
     * @throws UnsupportedOperationException if the network {@link #reducesTime() reduces over time} (use {@link #predict(float[][][])})
     */
    float[][][] forward(float[][][] input);

    /**
     * Convenience form of a token network with an output per step: runs whole sequences of ids from a
     * zero state. Allocates its result and scratch.
     *
     * @param tokens {@code [B][T]} ids in {@code 0..V-1}; every row the same length
     * @return {@code [B][T][O]}
     * @throws IllegalArgumentException if an id is out of range (naming it and the vocabulary size), or the
     *         rows are null, empty or ragged
     * @throws UnsupportedOperationException if the network takes no token ids or reduces over time
     */
    float[][][] forward(int[][] tokens);

    /**
     * Convenience form of a network that {@link #reducesTime() reduces over time}: one output vector per
     * sequence, from a zero state. Allocates its result and scratch.
     *
     * @param input {@code [B][T][I]}, batch-first; every row the same length
     * @return {@code [B][O]}
     * @throws UnsupportedOperationException if the network has an output per step (use {@link #forward(float[][][])})
     */
    float[][] predict(float[][][] input);

    /**
     * Convenience form of a token network that reduces over time (a classifier of sequences of ids).
     *
     * @param tokens {@code [B][T]} ids in {@code 0..V-1}; every row the same length
     * @return {@code [B][O]}
     * @throws IllegalArgumentException if an id is out of range (naming it and the vocabulary size)
     * @throws UnsupportedOperationException if the network takes no token ids or has an output per step
     */
    float[][] predict(int[][] tokens);

    /**
     * Runs whole sequences without allocating.
     *
     * @param input  {@code B*T*I} floats laid out as {@link #layout()} says: batch-first
     *               {@code [B][T][I]} or sequence-first {@code [T][B][I]}
     * @param batch  {@code B}, at least 1 and at most the state's and workspace's batch
     * @param sequenceLength {@code T}, at least 1 and at most the workspace's maximum
     * @param lengths null, or {@code [B]} valid lengths in {@code 0..T}: outputs at {@code t >= lengths[b]}
     *               are 0, the final state of row {@code b} is the one after its last valid step, and a
     *               reverse direction starts at step {@code lengths[b]-1}. A network compiled with constant
     *               lengths (an ONNX graph's constant {@code sequence_lens}) takes exactly their {@code B}
     *               rows and uses them when this is null; other lengths are refused
     * @param state  initial state in, final state out (see {@link LstmState})
     * @param workspace scratch from {@link #newWorkspace(int, int)}
     * @param output {@code B*T*O} floats, same layout as the input; {@code B*O} ({@code [B][O]}) when the
     *               network {@link #reducesTime() reduces over time}
     * @throws IllegalArgumentException naming the argument when a size does not fit
     */
    void forward(float[] input, int batch, int sequenceLength, int[] lengths,
                 LstmState state, LstmWorkspace workspace, float[] output);

    /**
     * Runs whole sequences of token ids without allocating: looks each id up in the embedding, then
     * runs as {@link #forward(float[], int, int, int[], LstmState, LstmWorkspace, float[])} does.
     *
     * @param tokens {@code B*T} ids in {@code 0..V-1}, laid out as {@link #layout()} says; every id is
     *               checked before any work
     * @throws IllegalArgumentException naming the first id out of range and the vocabulary size, or a
     *         size that does not fit
     * @throws UnsupportedOperationException if the network takes no token ids
     */
    void forwardTokens(int[] tokens, int batch, int sequenceLength, int[] lengths,
                 LstmState state, LstmWorkspace workspace, float[] output);

    /**
     * Advances every batch row of {@code state} by one time step (streaming use). Only for
     * {@link #isStreamable() streamable} networks.
     *
     * @param input  {@code [B][I]} flat, {@code B = state.batch()}
     * @param state  state before the step in, after it out
     * @param workspace scratch from {@link #newWorkspace(int, int)} with at least {@code B} rows
     * @param output {@code [B][O]} flat: the head's output at this step, or for a network that reduces over
     *               time its current prediction (the reduction of the sequence so far)
     * @throws UnsupportedOperationException if the network has a reverse direction or reduces by a mean or maximum
     */
    void step(float[] input, LstmState state, LstmWorkspace workspace, float[] output);

    /**
     * {@link #step(float[], LstmState, LstmWorkspace, float[])} for a token network: one id per batch row.
     *
     * @param tokens {@code [B]} ids in {@code 0..V-1}
     */
    void stepTokens(int[] tokens, LstmState state, LstmWorkspace workspace, float[] output);
}

package io.github.lstmc.compiler.interpret;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Gate;
import io.github.lstmc.compiler.model.InitialState;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.Peephole;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.ModelDescription;
import io.github.lstmc.runtime.AbstractLstmNetwork;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.Arrays;
import java.util.List;

/**
 * The reference interpreter: runs a {@link Model} directly from its IR, one batch row, one time
 * step and one hidden unit at a time, exactly as the equations in {@link DirectionCell},
 * {@link io.github.lstmc.compiler.model.CellKind} and {@code shared/notes/semantics.md} read
 * (GRU and RNN steps: {@link HiddenStateCells}). It is the oracle that generated code is checked
 * against, so it is written to be obviously right, not fast; it never looks at a plan.
 *
 * <p><b>One LSTM step</b> of one direction for one batch row, for each hidden unit j:
 * <pre>
 *   z_k   = W_k[j]·x + R_k[j]·h + b_Wk[j] + b_Rk[j]         k in i, f, g, o
 *   z_i  += p_i[j] c[j];  z_f += p_f[j] c[j]                 peepholes see the previous cell
 *   i = gate(clip(z_i));  f = gate(clip(z_f)) or 1 - i if coupled;  g = cell(clip(z_g))
 *   c'[j] = f c[j] + i g,  then clamped to ±cellClip
 *   z_o  += p_o[j] c'[j];  o = gate(clip(z_o))               the output peephole sees the new (clamped) cell
 *   r[j]  = o hidden(c'[j])
 *   h'    = W_hr r  with a projection, else r
 * </pre>
 * where {@code clip} is the layer's pre-activation clip (ONNX; applied to the whole pre-activation,
 * bias and peephole terms included, as ONNX Runtime does) and cellClip is Burn's clip.
 *
 * <p><b>Precision.</b> Everything stored between operations is float32, as in PyTorch and ONNX
 * Runtime: states, gate values, layer outputs. Each pre-activation {@code z} and each projected
 * hidden value is a sum of products accumulated in double and rounded once to float32, so it
 * is independent of summation order (frameworks differ from it by their own float32 rounding
 * error, a few ulps times the number of terms). Activations are evaluated by
 * {@link ReferenceActivations} in double and rounded once. The elementwise cell update
 * {@code f c + i g} and {@code o hidden(c')} are float32 operations, as in the frameworks.
 *
 * <p><b>Sequences.</b> Layer k+1 reads layer k's whole output (directions &times; state size
 * features). A reverse direction walks {@code t = len-1 .. 0} and writes its output at the input's
 * time {@code t}; a bidirectional layer's output is the forward features then the reverse ones.
 * Row {@code b} with {@code len = lengths[b]} has zero outputs at {@code t >= len} in every layer,
 * and its final state is the one after its last valid step. A row with {@code len = 0} ends with
 * zero hidden and cell states whatever its initial state (as ONNX Runtime does; PyTorch rejects
 * empty sequences).
 *
 * <p><b>Workspace.</b> Two inter-layer buffers of {@code B*T*max(layer output)} floats (layer
 * outputs in the network's layout) and one buffer of {@code 4*max(H)} floats: {@code r} of an LSTM step, or z, r,
 * {@code r * h} and n of a GRU step.
 *
 * <p>Immutable and thread-safe: every mutable value lives in the caller's state and workspace.
 */
public final class Interpreter extends AbstractLstmNetwork {
    private static final int EVEN_LAYER_BUFFER = 0;
    private static final int ODD_LAYER_BUFFER = 1;
    private static final int ACTIVATED_CELL_BUFFER = 2;
    /** The transformed input (with an input affine stage). */
    private static final int AFFINE_BUFFER = 3;
    /** The last layer's output when stages follow it. */
    private static final int RECURRENT_BUFFER = 4;
    /** The reduced vectors, one per row. */
    private static final int REDUCED_BUFFER = 5;
    private static final int HEAD_A_BUFFER = 6;
    private static final int HEAD_B_BUFFER = 7;

    private final Model model;
    private final List<Layer> layers;
    private final int directions;
    private final float[][] embedding;
    private final String digest;

    /** @param model the network to run; the interpreter reads its weights on every step */
    public Interpreter(Model model) {
        // the model's constant lengths, which the runtime's checks then substitute for null lengths
        super(fixedLengths(model));
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        this.model = model;
        this.layers = model.layers();
        this.directions = model.directionCount();
        this.embedding = model.embedding() == null ? null : rows(model.embedding().table());
        this.digest = ModelDescription.digest(model);
    }

    /** The generated class's digest of the same model: states move between the two (see {@link LstmState}). */
    @Override
    public String modelDigest() {
        return digest;
    }

    private static int[] fixedLengths(Model model) {
        return model == null || model.fixedLengths() == null ? null
                : model.fixedLengths().stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[][] rows(io.github.lstmc.compiler.model.Matrix table) {
        float[][] rows = new float[table.rows()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = table.row(r);
        }
        return rows;
    }

    /** The model this interpreter runs. */
    public Model model() {
        return model;
    }

    @Override
    public int inputSize() {
        return model.inputSize();
    }

    @Override
    public int outputSize() {
        return model.outputSize();
    }

    @Override
    public int layerCount() {
        return layers.size();
    }

    @Override
    public int directionCount() {
        return directions;
    }

    @Override
    public int hiddenSize(int layer) {
        return layers.get(layer).hiddenSize();
    }

    @Override
    public int cellSize(int layer) {
        return layers.get(layer).cellSize();
    }

    @Override
    public int stateSize(int layer) {
        return layers.get(layer).stateSize();
    }

    @Override
    public Layout layout() {
        return model.layout();
    }

    @Override
    public boolean isStreamable() {
        return model.streamable();
    }

    @Override
    public int vocabularySize() {
        return model.vocabularySize();
    }

    @Override
    public boolean reducesTime() {
        return model.reducesTime();
    }

    @Override
    protected float[][] embeddingTable() {
        return embedding;
    }

    /** Zeros, or the model's constant initial state in every row. */
    @Override
    public LstmState newState(int batch) {
        LstmState state = super.newState(batch);
        InitialState initial = model.initialState();
        if (initial != null) {
            for (int k = 0; k < initial.size(); k++) {
                fill(state.hidden(k), initial.hidden().get(k));
                fill(state.cell(k), initial.cell().get(k));
            }
        }
        return state;
    }

    private static void fill(float[] rows, io.github.lstmc.compiler.model.Matrix vector) {
        if (vector == null) {
            return;
        }
        for (int at = 0; at < rows.length; at += vector.cols()) {
            for (int j = 0; j < vector.cols(); j++) {
                rows[at + j] = vector.get(j);
            }
        }
    }

    @Override
    protected int[] workspaceSizes(int batch, int maxSequenceLength) {
        int maxOutput = 0;
        int maxHidden = 0;
        // The last layer writes straight into the caller's output; only the others need a buffer.
        for (int k = 0; k < layers.size(); k++) {
            if (k < layers.size() - 1) {
                maxOutput = Math.max(maxOutput, layers.get(k).outputSize());
            }
            maxHidden = Math.max(maxHidden, layers.get(k).hiddenSize());
        }
        int positions = Math.multiplyExact(batch, maxSequenceLength);
        int interLayer = Math.multiplyExact(positions, maxOutput);
        int affine = model.inputAffine() == null ? 0 : Math.multiplyExact(positions, model.inputSize());
        boolean staged = model.reducesTime() || !model.head().isEmpty();
        int recurrent = staged ? Math.multiplyExact(positions, model.recurrentOutputSize()) : 0;
        int reduced = model.reducesTime() ? Math.multiplyExact(batch, model.recurrentOutputSize()) : 0;
        int head = StageReference.headWidth(model.head());
        // The cell scratch: r for an LSTM, z, r, r * h and n for a GRU (HiddenStateCells).
        return new int[] {interLayer, interLayer, 4 * maxHidden, affine, recurrent, reduced, head, head};
    }

    /**
     * The network in stage order: input transform, the LSTM stack (masked by the lengths only when the
     * model says they mask it), the reduction over time, the head.
     */
    @Override
    protected void forwardChecked(float[] input, int batch, int sequenceLength, int[] lengths,
                                  LstmState state, LstmWorkspace workspace, float[] output) {
        float[] layerInput = input;
        if (model.inputAffine() != null) {
            layerInput = workspace.buffer(AFFINE_BUFFER);
            StageReference.affine(model.inputAffine(), input, batch * sequenceLength, layerInput);
        }
        boolean staged = model.reducesTime() || !model.head().isEmpty();
        float[] recurrent = staged ? workspace.buffer(RECURRENT_BUFFER) : output;
        int[] recurrentLengths = model.lengthsMaskRecurrence() ? lengths : null;
        for (int k = 0; k < layers.size(); k++) {
            boolean last = k == layers.size() - 1;
            float[] layerOutput = last ? recurrent : workspace.buffer(k % 2 == 0 ? EVEN_LAYER_BUFFER : ODD_LAYER_BUFFER);
            runLayer(k, layerInput, batch, sequenceLength, recurrentLengths, state,
                    workspace.buffer(ACTIVATED_CELL_BUFFER), layerOutput);
            layerInput = layerOutput;
        }
        if (!staged) {
            return;
        }
        float[] vectors = recurrent;
        int count = batch * sequenceLength;
        if (model.reducesTime()) {
            vectors = model.head().isEmpty() ? output : workspace.buffer(REDUCED_BUFFER);
            count = batch;
            int width = model.recurrentOutputSize();
            if (model.reduction() == TimeReduction.FINAL_STATE) {
                int last = (layers.size() - 1) * directions;
                int size = layers.get(layers.size() - 1).stateSize();
                for (int b = 0; b < batch; b++) {
                    for (int d = 0; d < directions; d++) {
                        System.arraycopy(state.hidden(last + d), b * size, vectors, b * width + d * size, size);
                    }
                }
            } else {
                StageReference.reduce(model.reduction(), recurrent, batch, sequenceLength, width, lengths,
                        (b, t) -> index(b, t, batch, sequenceLength), vectors);
            }
        }
        if (!model.head().isEmpty()) {
            StageReference.head(model.head(), vectors, count, output, workspace.buffer(HEAD_A_BUFFER),
                    workspace.buffer(HEAD_B_BUFFER));
        }
    }

    /** A step is a forward pass over a sequence of length 1 that keeps its state (no reverse direction here). */
    @Override
    protected void stepChecked(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
        forwardChecked(input, state.batch(), 1, null, state, workspace, output);
    }

    /**
     * Runs every direction of layer {@code k} over the whole batch.
     *
     * @param input  {@code B*T*layer.inputSize()} floats in the network's layout
     * @param output {@code B*T*layer.outputSize()} floats in the network's layout; fully overwritten
     */
    private void runLayer(int k, float[] input, int batch, int steps, int[] lengths, LstmState state,
                          float[] activatedCell, float[] output) {
        Layer layer = layers.get(k);
        int in = layer.inputSize();
        int out = layer.outputSize();
        int s = layer.stateSize();
        int h = layer.hiddenSize();
        // Steps past a row's length are never written below: they stay zero.
        Arrays.fill(output, 0, batch * steps * out, 0f);
        for (int d = 0; d < layer.directions().size(); d++) {
            DirectionCell cell = layer.directions().get(d);
            int entry = k * directions + d;
            float[] hidden = state.hidden(entry);
            float[] cellState = state.cell(entry);
            for (int b = 0; b < batch; b++) {
                int len = lengths == null ? steps : lengths[b];
                if (len == 0) {
                    Arrays.fill(hidden, b * s, b * s + s, 0f);
                    Arrays.fill(cellState, b * layer.cellSize(), (b + 1) * layer.cellSize(), 0f);
                    continue;
                }
                for (int n = 0; n < len; n++) {
                    int t = cell.direction() == Direction.FORWARD ? n : len - 1 - n;
                    int at = index(b, t, batch, steps);
                    switch (layer.kind()) {
                        case LSTM -> step(layer, cell, input, at * in, hidden, b * s, cellState, b * h, activatedCell);
                        case GRU -> HiddenStateCells.gru(layer, cell, input, at * in, hidden, b * s, activatedCell);
                        case RNN -> HiddenStateCells.rnn(layer, cell, input, at * in, hidden, b * s, activatedCell);
                    }
                    System.arraycopy(hidden, b * s, output, at * out + d * s, s);
                }
            }
        }
    }

    /** The position of (row b, time t) among the B*T feature vectors of a buffer in the network's layout. */
    private int index(int b, int t, int batch, int steps) {
        return model.layout() == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
    }

    /**
     * One LSTM time step of one direction for one batch row; updates {@code h} and {@code c} in place
     * (GRU and RNN: {@link HiddenStateCells}).
     *
     * @param x    input vector at {@code x[xAt .. xAt+I)}
     * @param h    hidden state at {@code h[hAt .. hAt+S)}: read as h_{t-1}, overwritten with h_t
     * @param c    cell state at {@code c[cAt .. cAt+H)}: read as c_{t-1}, overwritten with c_t
     * @param r    scratch for {@code o * hidden(c_t)}, at least H floats
     */
    private static void step(Layer layer, DirectionCell cell, float[] x, int xAt, float[] h, int hAt,
                             float[] c, int cAt, float[] r) {
        int hiddenSize = cell.hiddenSize();
        Activation gateAct = cell.activations().gate();
        Activation cellAct = cell.activations().cell();
        Activation hiddenAct = cell.activations().hidden();
        boolean peepholes = cell.peepholes() != null;
        // Unit j reads all of h_{t-1} but only c_{t-1}[j], so c may be updated unit by unit while h
        // must wait until every unit has read it.
        for (int j = 0; j < hiddenSize; j++) {
            float cPrev = c[cAt + j];

            double zi = preActivation(cell, Gate.INPUT, j, x, xAt, h, hAt);
            if (peepholes) {
                zi += (double) cell.peepholes().get(Peephole.INPUT.ordinal(), j) * cPrev;
            }
            float i = activate(gateAct, zi, layer);

            float f;
            if (layer.coupledInputForget()) {
                f = 1f - i;
            } else {
                double zf = preActivation(cell, Gate.FORGET, j, x, xAt, h, hAt);
                if (peepholes) {
                    zf += (double) cell.peepholes().get(Peephole.FORGET.ordinal(), j) * cPrev;
                }
                f = activate(gateAct, zf, layer);
            }

            float g = activate(cellAct, preActivation(cell, Gate.CELL, j, x, xAt, h, hAt), layer);

            float cNew = f * cPrev + i * g;
            if (layer.hasCellClip()) {
                cNew = Math.max(-layer.cellClip(), Math.min(layer.cellClip(), cNew));
            }

            double zo = preActivation(cell, Gate.OUTPUT, j, x, xAt, h, hAt);
            if (peepholes) {
                zo += (double) cell.peepholes().get(Peephole.OUTPUT.ordinal(), j) * cNew;
            }
            float o = activate(gateAct, zo, layer);

            c[cAt + j] = cNew;
            r[j] = o * ReferenceActivations.apply(hiddenAct, cNew);
        }
        if (cell.projection() == null) {
            System.arraycopy(r, 0, h, hAt, hiddenSize);
        } else {
            for (int p = 0; p < cell.stateSize(); p++) {
                double sum = 0;
                for (int j = 0; j < hiddenSize; j++) {
                    sum += (double) cell.projection().get(p, j) * r[j];
                }
                h[hAt + p] = (float) sum;
            }
        }
    }

    /** W_k[j]·x + R_k[j]·h + b_Wk[j] + b_Rk[j] in double, for gate k and hidden unit j. */
    private static double preActivation(DirectionCell cell, Gate gate, int j, float[] x, int xAt, float[] h, int hAt) {
        int row = gate.offset(cell.hiddenSize()) + j;
        double sum = 0;
        for (int col = 0; col < cell.inputSize(); col++) {
            sum += (double) cell.inputWeights().get(row, col) * x[xAt + col];
        }
        for (int col = 0; col < cell.stateSize(); col++) {
            sum += (double) cell.recurrentWeights().get(row, col) * h[hAt + col];
        }
        if (cell.inputBias() != null) {
            sum += cell.inputBias().get(row);
        }
        if (cell.recurrentBias() != null) {
            sum += cell.recurrentBias().get(row);
        }
        return sum;
    }

    /** Rounds the pre-activation to float32, applies the layer's pre-activation clip, then the activation. */
    static float activate(Activation activation, double z, Layer layer) {
        float clipped = (float) z;
        if (layer.hasPreActivationClip()) {
            clipped = Math.max(-layer.preActivationClip(), Math.min(layer.preActivationClip(), clipped));
        }
        return ReferenceActivations.apply(activation, clipped);
    }
}

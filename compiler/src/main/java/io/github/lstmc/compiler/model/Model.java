package io.github.lstmc.compiler.model;

import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole sequence network, framework-neutral: an input stage, a stack of recurrent layers (LSTM,
 * GRU or RNN, {@link CellKind}; layer k+1 reads layer k's full output, whatever the kinds), an optional reduction over time, and a head. A bare LSTM has no
 * embedding, no input transform, no reduction and an empty head. Validated on construction;
 * messages name the layer, direction, stage and tensor.
 *
 * <pre>
 *   x   = embedding == null ? input features : embedding.table[token id]      per position
 *   x   = inputAffine == null ? x : x * scale + shift
 *   Y   = the recurrent stack over x (masked by lengths when lengthsMaskRecurrence)
 *   v   = reduction(Y)  (or Y per step when NONE)
 *   out = head(v)        stage by stage
 * </pre>
 *
 * @param name       a display name (usually the model file's base name); never trusted as Java text
 * @param embedding  token-id input: the lookup table; null for float features
 * @param inputAffine a constant per-feature transform of float input, or null
 * @param layers     at least one; all with the same number of directions
 * @param layout     the layout of the flat buffers of the generated API (the user's framework default)
 * @param reduction  how the per-step output becomes one vector per row; {@link TimeReduction#NONE} for none
 * @param head       the stages after the reduction (or per step), in order; possibly empty
 * @param lengthsMaskRecurrence true when given lengths also mask the recurrent stack (outputs past a row's length are
 *                   0, its final state is the one after its last valid step, a reverse direction starts at its last
 *                   valid step); false when they only choose what the reduction reads (an exported graph whose LSTM
 *                   node has no {@code sequence_lens} runs over the padding too)
 * @param scalarOutput true when the framework's output has no feature axis (a regressor's
 *                   {@code squeeze(-1)}): the output size is then 1 and {@code lstmc run} writes {@code [batch]}
 *                   (or {@code [batch][seq]})
 * @param initialState a constant initial state compiled in (what {@code newState} returns), or null for zeros
 * @param fixedLengths null, or constant per-row sequence lengths {@code [B]} compiled in (an ONNX graph's constant
 *                   {@code sequence_lens}): 1..{@value #MAX_FIXED_ROWS} rows, each at least 0. They act exactly as
 *                   run-time lengths would (masking the stack when lengthsMaskRecurrence, choosing the step of
 *                   LAST_VALID_STEP, bounding MEAN and MAX); every call then has exactly B rows, and a call's
 *                   sequence length must be at least the largest of them
 */
public record Model(String name, Embedding embedding, InputAffine inputAffine, List<Layer> layers, Layout layout,
                    TimeReduction reduction, List<HeadLayer> head, boolean lengthsMaskRecurrence,
                    boolean scalarOutput, InitialState initialState, List<Integer> fixedLengths) {

    /** Rows of constant lengths at most: they are compiled into code as an array literal. */
    public static final int MAX_FIXED_ROWS = 4096;

    /** A network that takes its lengths (if any) at run time. */
    public Model(String name, Embedding embedding, InputAffine inputAffine, List<Layer> layers, Layout layout,
                 TimeReduction reduction, List<HeadLayer> head, boolean lengthsMaskRecurrence,
                 boolean scalarOutput, InitialState initialState) {
        this(name, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence, scalarOutput,
                initialState, null);
    }

    /** A bare LSTM stack: no input stage, no reduction, no head. */
    public Model(String name, List<Layer> layers, Layout layout) {
        this(name, null, null, layers, layout, TimeReduction.NONE, List.of(), true, false, null);
    }

    /** A network that starts from zeros. */
    public Model(String name, Embedding embedding, InputAffine inputAffine, List<Layer> layers, Layout layout,
                 TimeReduction reduction, List<HeadLayer> head, boolean lengthsMaskRecurrence, boolean scalarOutput) {
        this(name, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence, scalarOutput, null);
    }

    public Model {
        if (name == null) {
            name = "model";
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        if (reduction == null) {
            reduction = TimeReduction.NONE;
        }
        head = head == null ? List.of() : List.copyOf(head);
        layers = List.copyOf(layers);
        int directions = layers.get(0).directions().size();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            if (layer.directions().size() != directions) {
                throw new IllegalArgumentException("layer " + k + ": has " + layer.directions().size()
                        + " direction(s), layer 0 has " + directions);
            }
            if (directions == 1 && layer.directions().get(0).direction() != layers.get(0).directions().get(0).direction()) {
                throw new IllegalArgumentException("layer " + k + ": runs " + layer.directions().get(0).direction()
                        + " but layer 0 runs " + layers.get(0).directions().get(0).direction());
            }
            if (k > 0 && layer.inputSize() != layers.get(k - 1).outputSize()) {
                throw new IllegalArgumentException("layer " + k + ": input size must be " + layers.get(k - 1).outputSize()
                        + " (layer " + (k - 1) + "'s output), got " + layer.inputSize());
            }
        }
        int stackInput = layers.get(0).inputSize();
        if (embedding != null && inputAffine != null) {
            throw new IllegalArgumentException("a model takes token ids (embedding) or float features (input affine),"
                    + " not both");
        }
        if (embedding != null && embedding.dimension() != stackInput) {
            throw new IllegalArgumentException("embedding: dimension must be layer 0's input size " + stackInput
                    + ", got " + embedding.dimension());
        }
        if (inputAffine != null && inputAffine.size() != stackInput) {
            throw new IllegalArgumentException("input affine: must have layer 0's input size " + stackInput
                    + ", got " + inputAffine.size());
        }
        int width = layers.get(layers.size() - 1).outputSize();
        for (int k = 0; k < head.size(); k++) {
            HeadLayer stage = head.get(k);
            if (stage == null) {
                throw new IllegalArgumentException("head stage " + k + ": must not be null");
            }
            if (stage.inputSize() != width) {
                throw new IllegalArgumentException("head stage " + k + " (" + stage.getClass().getSimpleName()
                        + "): takes " + stage.inputSize() + " features, gets " + width);
            }
            width = stage.outputSize();
        }
        if (scalarOutput && width != 1) {
            throw new IllegalArgumentException("a scalar output needs 1 output feature, got " + width);
        }
        if (initialState != null) {
            if (initialState.size() != layers.size() * directions) {
                throw new IllegalArgumentException("initial state: has " + initialState.size() + " entries, expected "
                        + layers.size() * directions + " (layers * directions)");
            }
            for (int k = 0; k < initialState.size(); k++) {
                Layer layer = layers.get(k / directions);
                Matrix h = initialState.hidden().get(k);
                Matrix c = initialState.cell().get(k);
                if (c != null && !layer.kind().hasCellState()) {
                    throw new IllegalArgumentException("initial state entry " + k + ": cell: layer " + k / directions
                            + " is a " + layer.kind() + " and has no cell state");
                }
                if (h != null && h.cols() != layer.stateSize() || c != null && c.cols() != layer.hiddenSize()) {
                    throw new IllegalArgumentException("initial state entry " + k + ": hidden must have "
                            + layer.stateSize() + " values and cell " + layer.hiddenSize());
                }
            }
            if (initialState.isZero()) {
                initialState = null;
            }
        }
        if (fixedLengths != null) {
            fixedLengths = checkFixedLengths(fixedLengths, lengthsMaskRecurrence, reduction);
        }
    }

    private static List<Integer> checkFixedLengths(List<Integer> lengths, boolean mask, TimeReduction reduction) {
        if (lengths.isEmpty() || lengths.size() > MAX_FIXED_ROWS) {
            throw new IllegalArgumentException("fixed sequence lengths: need 1.." + MAX_FIXED_ROWS + " rows, got "
                    + lengths.size());
        }
        for (int b = 0; b < lengths.size(); b++) {
            if (lengths.get(b) == null || lengths.get(b) < 0) {
                throw new IllegalArgumentException("fixed sequence lengths: row " + b + " must be at least 0, got "
                        + lengths.get(b));
            }
        }
        boolean read = reduction == TimeReduction.LAST_VALID_STEP || reduction == TimeReduction.MEAN
                || reduction == TimeReduction.MAX;
        if (!mask && !read) {
            throw new IllegalArgumentException("fixed sequence lengths: neither mask the recurrent stack nor choose"
                    + " the steps of the reduction (" + reduction + ")");
        }
        return List.copyOf(lengths);
    }

    /** This model starting from {@code state} (null: zeros). */
    public Model withInitialState(InitialState state) {
        return new Model(name, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence,
                scalarOutput, state, fixedLengths);
    }

    /** This model with another input stage, reduction and head (the recurrent stack kept). */
    public Model withStages(Embedding embedding, InputAffine inputAffine, TimeReduction reduction, List<HeadLayer> head,
                            boolean lengthsMaskRecurrence, boolean scalarOutput) {
        return new Model(name, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence,
                scalarOutput, initialState, fixedLengths);
    }

    /** This model with constant per-row sequence lengths compiled in (null: lengths given at run time). */
    public Model withFixedLengths(List<Integer> lengths) {
        return new Model(name, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence,
                scalarOutput, initialState, lengths);
    }

    /** This model with another layout of its flat buffers (everything else kept). */
    public Model withLayout(Layout newLayout) {
        return new Model(name, embedding, inputAffine, layers, newLayout, reduction, head, lengthsMaskRecurrence,
                scalarOutput, initialState, fixedLengths);
    }

    /** This model with another name. */
    public Model withName(String newName) {
        return new Model(newName, embedding, inputAffine, layers, layout, reduction, head, lengthsMaskRecurrence,
                scalarOutput, initialState, fixedLengths);
    }

    /**
     * True when this is more than a bare LSTM stack: an input stage, a reduction or a head surrounds it,
     * or lengths do not mask it, or the output has no feature axis, or it starts from a constant state,
     * or it has constant lengths.
     */
    public boolean hasStages() {
        return embedding != null || inputAffine != null || reduction != TimeReduction.NONE || !head.isEmpty()
                || !lengthsMaskRecurrence || scalarOutput || initialState != null || fixedLengths != null;
    }

    /** A single-layer model with the given layout. */
    public static Model of(String name, Layout layout, Layer... layers) {
        return new Model(name, new ArrayList<>(List.of(layers)), layout);
    }

    /**
     * Features per position of float input: the recurrent stack's input size (for a token model, the
     * embedding dimension: its float path takes embedded vectors).
     */
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** Token ids the embedding knows ({@code 0..V-1}); 0 for a model of float features. */
    public int vocabularySize() {
        return embedding == null ? 0 : embedding.vocabularySize();
    }

    /** Output features per time step of the last recurrent layer (directions times its state size). */
    public int recurrentOutputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    /** Features of the network's output: per step, or per row after a reduction. */
    public int outputSize() {
        return head.isEmpty() ? recurrentOutputSize() : head.get(head.size() - 1).outputSize();
    }

    /** True when the output is one vector per batch row rather than one per step. */
    public boolean reducesTime() {
        return reduction != TimeReduction.NONE;
    }

    /**
     * True when {@code step} can stream this network: no reverse direction, a streamable reduction, and no
     * constant lengths (a step cannot tell where a row ends).
     */
    public boolean streamable() {
        return !hasReverse() && reduction.streamable() && fixedLengths == null;
    }

    /** True when some layer is an LSTM: only those carry a cell state ({@code c0}, {@code c_n}). */
    public boolean hasCellState() {
        return layers.stream().anyMatch(l -> l.kind().hasCellState());
    }

    /** The cells of the stack in order, e.g. {@code [GRU, LSTM]}. */
    public List<CellKind> cellKinds() {
        return layers.stream().map(Layer::kind).toList();
    }

    public int directionCount() {
        return layers.get(0).directions().size();
    }

    /** True if any layer walks the sequence in reverse (then streaming step-by-step use is impossible). */
    public boolean hasReverse() {
        return layers.stream().flatMap(l -> l.directions().stream()).anyMatch(d -> d.direction() == Direction.REVERSE);
    }

    /** Stored parameters: embedding, input transform, recurrent stack and head. */
    public long parameterCount() {
        long count = layers.stream().mapToLong(Layer::parameterCount).sum();
        if (initialState != null) {
            for (int k = 0; k < initialState.size(); k++) {
                count += initialState.hidden().get(k) == null ? 0 : initialState.hidden().get(k).size();
                count += initialState.cell().get(k) == null ? 0 : initialState.cell().get(k).size();
            }
        }
        count += embedding == null ? 0 : embedding.parameterCount();
        count += inputAffine == null ? 0 : 2L * inputAffine.size();
        return count + head.stream().mapToLong(HeadLayer::parameterCount).sum();
    }

    /**
     * Floating-point operations per time step for one batch row, counting a multiply-add as 2:
     * 2*G*H*(I+S) for the gate products (G gate blocks: LSTM 4, GRU 3, RNN 1), plus 2*P*H for a
     * projection, per direction.
     */
    public long flopsPerStep() {
        long flops = 0;
        for (Layer layer : layers) {
            for (DirectionCell d : layer.directions()) {
                long h = d.hiddenSize();
                flops += 2L * d.kind().gateCount() * h * (d.inputSize() + d.stateSize());
                if (d.projection() != null) {
                    flops += 2L * d.projection().rows() * h;
                }
            }
        }
        return flops;
    }

    /** Floating-point operations of the head per applied vector (per step, or per row after a reduction). */
    public long headFlops() {
        return head.stream().mapToLong(HeadLayer::flops).sum();
    }
}

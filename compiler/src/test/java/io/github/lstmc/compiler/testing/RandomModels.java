package io.github.lstmc.compiler.testing;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random {@link Model}s, inputs, initial states and lengths for differential tests: the
 * interpreter against generated code, generated code against goldens, and invariants.
 *
 * <p>Everything is a pure function of the {@link Random} (or seed) passed in, so a failing case is
 * reproduced by its seed alone. Typical use:
 *
 * <pre>{@code
 * for (long seed = 0; seed < 50; seed++) {
 *     Random rnd = new Random(seed);
 *     Model model = RandomModels.model(rnd, RandomModels.Features.all().withMaxSize(8));
 *     RunInput in = RandomModels.runInput(rnd, model, 3, 5, true, true);
 *     Compare.assertClose("seed " + seed, Runner.run(Lstmc.compiler().interpreter(model), in),
 *             Runner.run(generated, in), 1e-5);
 * }
 * }</pre>
 *
 * <p>Streamable models only (for {@code step}): {@code Features.all().without(Feature.REVERSE,
 * Feature.BIDIRECTIONAL)}. One feature forced on, others random: build the layer with
 * {@link #layer(Random, Features, List, int)} and wrap it in a {@link Model}.
 *
 * <p>Weights are uniform in {@code ±1/sqrt(H)} (PyTorch's initialisation, so activations stay in
 * a realistic range); with {@link Feature#SPECIAL_WEIGHTS} about 10% of them are exactly 0, 5%
 * exactly +1 and 5% exactly -1, and now and then a whole bias or peephole vector is zero, so that
 * code generators' constant folding is exercised.
 */
public final class RandomModels {

    /** A model feature that random generation may use. */
    public enum Feature {
        /** Reverse-only models. */
        REVERSE,
        /** Bidirectional models (forward then reverse). */
        BIDIRECTIONAL,
        /** Dropping b_W and/or b_R (when disabled, every direction has both biases, as PyTorch does). */
        OPTIONAL_BIASES,
        /** A projection W_hr [P][H] with P in 1..max(1, H-1) (PyTorch requires P &lt; H). */
        PROJECTION,
        /** ONNX peepholes. */
        PEEPHOLES,
        /** Burn's cell clip, a clip in [0.1, 1.5]. */
        CELL_CLIP,
        /** ONNX's pre-activation clip, a clip in [0.25, 2]. */
        PRE_ACTIVATION_CLIP,
        /** Coupled input-forget gate (f = 1 - i). */
        COUPLED,
        /**
         * Non-default activations, drawn per slot and direction. Unbounded gate or candidate
         * activations (which can make the cell grow geometrically until it overflows) are drawn only
         * when both clip features are enabled, and then force both clips on their layer; otherwise
         * those slots draw from bounded kinds. The hidden slot draws from every kind.
         */
        ACTIVATIONS,
        /** Sequence-first layout (when disabled, every model is batch-first). */
        LAYOUT,
        /** Exact zeros, ±1 and all-zero vectors among the weights. */
        SPECIAL_WEIGHTS,
        /**
         * GRU layers, both reset placements (not in {@link Features#all()}: enable with {@code with}). With
         * GRU and/or RNN enabled each layer draws its cell among LSTM and the enabled kinds, so stacks mix.
         */
        GRU,
        /** Simple RNN layers, tanh, ReLU or (with {@link #ACTIVATIONS}) any activation; not in {@link Features#all()}. */
        RNN
    }

    /**
     * What random generation may produce.
     *
     * @param maxSize     largest input, hidden and projection size (sizes are drawn from
     *                    {@code 1..maxSize}, biased towards small ones), at least 1
     * @param maxLayers   largest number of stacked layers, at least 1
     * @param enabled     the features that may appear
     * @param probability the chance that an enabled feature is used, drawn independently per model
     *                    (directions, layout), per layer (projection, peepholes, clips, coupling) or
     *                    per direction (biases, each activation slot); 1 forces every enabled feature
     *                    (bidirectional then wins over reverse)
     */
    public record Features(int maxSize, int maxLayers, Set<Feature> enabled, double probability) {

        public Features {
            if (maxSize < 1 || maxLayers < 1) {
                throw new IllegalArgumentException("maxSize and maxLayers must be at least 1");
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
            }
            enabled = Collections.unmodifiableSet(copy(enabled));
        }

        /**
         * Every LSTM feature, sizes up to 64, up to 3 layers, each feature used half the time (add
         * {@link Feature#GRU} and {@link Feature#RNN} with {@link #with} for other cells).
         */
        public static Features all() {
            return new Features(64, 3, EnumSet.complementOf(EnumSet.of(Feature.GRU, Feature.RNN)), 0.5);
        }

        /** {@link #all()} with GRU and RNN layers too. */
        public static Features allCells() {
            return all().with(Feature.GRU, Feature.RNN);
        }

        /**
         * A plain PyTorch-style stack: forward only, both biases, default activations, batch-first,
         * no extras; sizes up to 64 and up to 3 layers.
         */
        public static Features plain() {
            return new Features(64, 3, EnumSet.noneOf(Feature.class), 0.5);
        }

        public Features withMaxSize(int size) {
            return new Features(size, maxLayers, enabled, probability);
        }

        public Features withMaxLayers(int layers) {
            return new Features(maxSize, layers, enabled, probability);
        }

        public Features withProbability(double p) {
            return new Features(maxSize, maxLayers, enabled, p);
        }

        /** These features enabled in addition. */
        public Features with(Feature first, Feature... more) {
            EnumSet<Feature> set = copy(enabled);
            set.addAll(EnumSet.of(first, more));
            return new Features(maxSize, maxLayers, set, probability);
        }

        /** These features disabled. */
        public Features without(Feature first, Feature... more) {
            EnumSet<Feature> set = copy(enabled);
            set.removeAll(EnumSet.of(first, more));
            return new Features(maxSize, maxLayers, set, probability);
        }

        private static EnumSet<Feature> copy(Set<Feature> features) {
            EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
            set.addAll(features);
            return set;
        }

        /** True if {@code f} is enabled. */
        public boolean has(Feature f) {
            return enabled.contains(f);
        }
    }

    private RandomModels() {
    }

    /** {@link #model(Random, Features)} with {@code new Random(seed)}. */
    public static Model model(long seed, Features features) {
        return model(new Random(seed), features);
    }

    /**
     * The first of {@code model(seed)}, {@code model(seed + 1)}, ... (at most 10,000) that {@code wanted}
     * accepts, e.g. a stack with both a GRU and an RNN layer.
     */
    public static Model model(long seed, Features features, java.util.function.Predicate<Model> wanted) {
        for (long s = seed; s < seed + 10_000; s++) {
            Model m = model(s, features);
            if (wanted.test(m)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no random model from seed " + seed + " has the wanted shape");
    }

    /** True when the model has layers of each of {@code kinds} (a predicate for {@link #model(long, Features, java.util.function.Predicate)}). */
    public static java.util.function.Predicate<Model> withCells(CellKind... kinds) {
        return m -> m.cellKinds().containsAll(List.of(kinds));
    }

    /**
     * A valid random model; draws only from {@code seeds} (one {@code nextLong}). Its name is "random".
     */
    public static Model model(Random seeds, Features f) {
        // java.util.Random's first draws are nearly linear in small consecutive seeds (new Random(0),
        // new Random(1), ...), which would make e.g. the direction choice the same for every seed.
        // Scramble once through SplitMix64's finalizer and draw from the scrambled generator.
        Random rnd = new Random(mix(seeds.nextLong()));
        List<Direction> directions = directions(rnd, f);
        Layout layout = f.has(Feature.LAYOUT) && rnd.nextBoolean() ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST;
        int layerCount = 1 + rnd.nextInt(f.maxLayers());
        int inputSize = size(rnd, f.maxSize());
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < layerCount; k++) {
            Layer layer = layer(rnd, f, directions, inputSize);
            layers.add(layer);
            inputSize = layer.outputSize();
        }
        return new Model("random", layers, layout);
    }

    /**
     * One random layer.
     *
     * @param directions FORWARD, REVERSE, or FORWARD then REVERSE
     * @param inputSize  its input features
     */
    public static Layer layer(Random rnd, Features f, List<Direction> directions, int inputSize) {
        CellKind kind = cellKind(rnd, f);
        if (kind != CellKind.LSTM) {
            return RandomHiddenCells.layer(rnd, f, kind, directions, inputSize);
        }
        int hidden = size(rnd, f.maxSize());
        int projection = use(rnd, f, Feature.PROJECTION) ? 1 + rnd.nextInt(Math.max(1, hidden - 1)) : 0;
        boolean peepholes = use(rnd, f, Feature.PEEPHOLES);
        float cellClip = use(rnd, f, Feature.CELL_CLIP) ? uniform(rnd, 0.1f, 1.5f) : Layer.NO_CLIP;
        float preClip = use(rnd, f, Feature.PRE_ACTIVATION_CLIP) ? uniform(rnd, 0.25f, 2f) : Layer.NO_CLIP;
        boolean coupled = use(rnd, f, Feature.COUPLED);
        boolean mayBeUnstable = f.has(Feature.CELL_CLIP) && f.has(Feature.PRE_ACTIVATION_CLIP);
        List<DirectionCell> cells = new ArrayList<>();
        boolean unstable = false;
        for (Direction d : directions) {
            CellActivations activations = new CellActivations(
                    activation(rnd, f, Activation.SIGMOID, mayBeUnstable ? null : stableGateKinds(coupled)),
                    activation(rnd, f, Activation.TANH, mayBeUnstable ? null : STABLE_CELL_KINDS),
                    activation(rnd, f, Activation.TANH, null));
            unstable |= !isStableGate(activations.gate(), coupled) || !isStableCell(activations.cell());
            cells.add(cell(rnd, f, d, inputSize, hidden, projection, peepholes, activations));
        }
        if (unstable) {
            // Bounded pre-activations bound every gate value; a bounded cell then bounds h.
            cellClip = cellClip == Layer.NO_CLIP ? uniform(rnd, 0.1f, 1.5f) : cellClip;
            preClip = preClip == Layer.NO_CLIP ? uniform(rnd, 0.25f, 2f) : preClip;
        }
        return new Layer(cells, cellClip, preClip, coupled);
    }

    /** LSTM, or (drawn only when GRU or RNN is enabled, so LSTM-only streams stay as they were) another kind. */
    private static CellKind cellKind(Random rnd, Features f) {
        if (!f.has(Feature.GRU) && !f.has(Feature.RNN)) {
            return CellKind.LSTM;
        }
        List<CellKind> kinds = new ArrayList<>(List.of(CellKind.LSTM));
        if (f.has(Feature.GRU)) {
            kinds.add(CellKind.GRU);
        }
        if (f.has(Feature.RNN)) {
            kinds.add(CellKind.RNN);
        }
        return kinds.get(rnd.nextInt(kinds.size()));
    }

    /** Candidate activations (bounded by 1.5) that keep the cell bounded without a clip. */
    static final List<Activation.Kind> STABLE_CELL_KINDS = List.of(Activation.Kind.SIGMOID,
            Activation.Kind.TANH, Activation.Kind.HARD_SIGMOID, Activation.Kind.SOFTSIGN, Activation.Kind.SCALED_TANH);

    /**
     * Gate activations that keep |f| &lt; 1, so that the cell cannot grow geometrically: values in
     * [0, 1], or in (-1, 1) when f is not 1 - i.
     */
    private static List<Activation.Kind> stableGateKinds(boolean coupled) {
        return coupled ? List.of(Activation.Kind.SIGMOID, Activation.Kind.HARD_SIGMOID)
                : List.of(Activation.Kind.SIGMOID, Activation.Kind.HARD_SIGMOID, Activation.Kind.TANH,
                        Activation.Kind.SOFTSIGN);
    }

    /**
     * True if a layer with this gate activation stays bounded without clips. Hard-sigmoid counts
     * as stable (values in [0, 1]) whatever its parameters.
     */
    public static boolean isStableGate(Activation gate, boolean coupled) {
        return stableGateKinds(coupled).contains(gate.kind());
    }

    /** True if this candidate (cell-slot) activation is bounded (by 1.5) for every input. */
    public static boolean isStableCell(Activation cell) {
        return STABLE_CELL_KINDS.contains(cell.kind()) && Math.abs(cell.alpha()) <= 1.5f;
    }

    private static DirectionCell cell(Random rnd, Features f, Direction direction, int inputSize, int hidden,
                                      int projection, boolean peepholes, CellActivations activations) {
        float scale = (float) (1 / Math.sqrt(hidden));
        int state = projection > 0 ? projection : hidden;
        boolean dropBiases = use(rnd, f, Feature.OPTIONAL_BIASES);
        // When dropping, drop one or both (never neither), so "with" and "without" each get coverage.
        int dropped = dropBiases ? 1 + rnd.nextInt(3) : 0; // bit 0: b_W, bit 1: b_R
        Matrix inputBias = (dropped & 1) != 0 ? null : vector(rnd, f, 4 * hidden, scale);
        Matrix recurrentBias = (dropped & 2) != 0 ? null : vector(rnd, f, 4 * hidden, scale);
        return new DirectionCell(direction,
                matrix(rnd, f, 4 * hidden, inputSize, scale),
                matrix(rnd, f, 4 * hidden, state, scale),
                inputBias,
                recurrentBias,
                peepholes ? vectors(rnd, f, 3, hidden, scale) : null,
                projection > 0 ? matrix(rnd, f, projection, hidden, scale) : null,
                activations);
    }

    /**
     * The default in {@code fallback}, or (with {@link Feature#ACTIVATIONS}) a random kind with
     * sensible parameters: any kind when {@code kinds} is null, else one of {@code kinds}.
     */
    static Activation activation(Random rnd, Features f, Activation fallback, List<Activation.Kind> kinds) {
        Activation any = randomActivation(rnd);
        if (!use(rnd, f, Feature.ACTIVATIONS)) {
            return fallback;
        }
        if (kinds == null || kinds.contains(any.kind())) {
            return any;
        }
        return parameters(rnd, kinds.get(rnd.nextInt(kinds.size())));
    }

    /** Any {@link Activation.Kind}, uniformly, with parameters in a range where the function is well-behaved. */
    public static Activation randomActivation(Random rnd) {
        Activation.Kind[] kinds = Activation.Kind.values();
        return parameters(rnd, kinds[rnd.nextInt(kinds.length)]);
    }

    /** {@code kind} with parameters drawn in a range where the function is well-behaved. */
    public static Activation parameters(Random rnd, Activation.Kind kind) {
        return switch (kind) {
            case AFFINE -> Activation.of(kind, uniform(rnd, 0.5f, 1.5f), uniform(rnd, -0.5f, 0.5f));
            case LEAKY_RELU -> Activation.of(kind, uniform(rnd, 0.01f, 0.3f));
            case THRESHOLDED_RELU -> Activation.of(kind, uniform(rnd, 0f, 1f));
            case SCALED_TANH -> Activation.of(kind, uniform(rnd, 0.5f, 1.5f), uniform(rnd, 0.5f, 1.5f));
            case HARD_SIGMOID -> Activation.of(kind, uniform(rnd, 0.1f, 0.5f), uniform(rnd, 0.3f, 0.7f));
            case ELU -> Activation.of(kind, uniform(rnd, 0.5f, 1.5f));
            case CELU -> Activation.of(kind, uniform(rnd, 0.5f, 2f));
            case SOFTPLUS_BETA -> Activation.of(kind, uniform(rnd, 0.25f, 4f));
            case HARD_SHRINK, SOFT_SHRINK -> Activation.of(kind, uniform(rnd, 0f, 0.5f));
            case SHRINK -> Activation.of(kind, uniform(rnd, 0f, 0.5f), uniform(rnd, 0f, 0.5f));
            case CLIP -> Activation.of(kind, uniform(rnd, -1f, -0.25f), uniform(rnd, 0.25f, 1f));
            default -> Activation.of(kind);
        };
    }

    /**
     * Random inputs, uniform in [-1, 1).
     *
     * @return {@code [batch][steps][features]}, batch-first as {@code LstmNetwork.forward(float[][][])} takes it
     */
    public static float[][][] input(Random rnd, int batch, int steps, int features) {
        float[][][] x = new float[batch][steps][features];
        for (float[][] row : x) {
            for (float[] step : row) {
                fill(rnd, step, 1f);
            }
        }
        return x;
    }

    /**
     * Random per-row lengths in {@code 0..steps}: with 2 or more rows, row 0 is full ({@code steps})
     * and row 1 is empty (0), so both edges are always covered; other rows are uniform.
     *
     * @return {@code [batch]}
     */
    public static int[] lengths(Random rnd, int batch, int steps) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = batch >= 2 && b == 0 ? steps : batch >= 2 && b == 1 ? 0 : rnd.nextInt(steps + 1);
        }
        return lengths;
    }

    /**
     * A random {@link RunInput} for {@code model} (batch-first, the JSON contract of
     * {@link io.github.lstmc.compiler.run.Runner}): inputs uniform in [-1, 1), optionally random
     * initial states and {@link #lengths random lengths} (row 0 full, row 1 empty when B &gt;= 2).
     *
     * @param initialState true for random h0 and c0, false for none (zeros)
     * @param withLengths  true for random lengths, false for none (every row T steps)
     */
    public static RunInput runInput(Random rnd, Model model, int batch, int steps, boolean initialState,
                                    boolean withLengths) {
        float[][][] x = input(rnd, batch, steps, model.inputSize());
        float[][][] h0 = initialState ? initialHidden(rnd, model, batch) : null;
        float[][][] c0 = initialState && model.hasCellState() ? initialCell(rnd, model, batch) : null;
        return new RunInput(x, h0, c0, withLengths ? lengths(rnd, batch, steps) : null);
    }

    /** Overwrites every hidden and cell value of {@code state} with a random value in [-1, 1). */
    public static void fillState(Random rnd, LstmState state) {
        for (int k = 0; k < state.size(); k++) {
            fill(rnd, state.hidden(k), 1f);
            fill(rnd, state.cell(k), 1f);
        }
    }

    /**
     * A random initial hidden state in PyTorch's shape (never batch-first), values in [-1, 1).
     *
     * @return {@code [layers*dirs][batch][stateSize(layer)]}, index {@code layer * dirs + dir}
     */
    public static float[][][] initialHidden(Random rnd, Model model, int batch) {
        return initial(rnd, model, batch, true);
    }

    /**
     * A random initial cell state in PyTorch's shape, values in [-1, 1).
     *
     * @return {@code [layers*dirs][batch][cellSize(layer)]} (empty rows for GRU and RNN layers), index
     *         {@code layer * dirs + dir}
     */
    public static float[][][] initialCell(Random rnd, Model model, int batch) {
        return initial(rnd, model, batch, false);
    }

    private static float[][][] initial(Random rnd, Model model, int batch, boolean hidden) {
        int dirs = model.directionCount();
        float[][][] s = new float[model.layers().size() * dirs][][];
        for (int k = 0; k < s.length; k++) {
            Layer layer = model.layers().get(k / dirs);
            s[k] = new float[batch][hidden ? layer.stateSize() : layer.cellSize()];
            for (float[] row : s[k]) {
                fill(rnd, row, 1f);
            }
        }
        return s;
    }

    private static List<Direction> directions(Random rnd, Features f) {
        boolean bidirectional = use(rnd, f, Feature.BIDIRECTIONAL);
        if (bidirectional) {
            return List.of(Direction.FORWARD, Direction.REVERSE);
        }
        return List.of(use(rnd, f, Feature.REVERSE) ? Direction.REVERSE : Direction.FORWARD);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static boolean use(Random rnd, Features f, Feature feature) {
        // Always draw, so that toggling one feature does not shift every later draw.
        boolean draw = rnd.nextDouble() < f.probability();
        return f.has(feature) && draw;
    }

    /** 1..max, squared-uniform so small sizes (the interesting edge cases) come up often. */
    static int size(Random rnd, int max) {
        double u = rnd.nextDouble();
        return 1 + (int) Math.floor(u * u * max);
    }

    static Matrix matrix(Random rnd, Features f, int rows, int cols, float scale) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = weight(rnd, f, scale);
        }
        return Matrix.of(rows, cols, data);
    }

    static Matrix vector(Random rnd, Features f, int size, float scale) {
        return vectors(rnd, f, 1, size, scale);
    }

    /** Bias-like: with special weights, one in ten is all zero. */
    private static Matrix vectors(Random rnd, Features f, int rows, int size, float scale) {
        boolean zero = rnd.nextInt(10) == 0;
        if (f.has(Feature.SPECIAL_WEIGHTS) && zero) {
            return Matrix.of(rows, size, new float[rows * size]);
        }
        return matrix(rnd, f, rows, size, scale);
    }

    private static float weight(Random rnd, Features f, float scale) {
        float value = uniform(rnd, -scale, scale);
        int special = rnd.nextInt(20);
        if (!f.has(Feature.SPECIAL_WEIGHTS) || special >= 4) {
            return value;
        }
        return special < 2 ? 0f : special == 2 ? 1f : -1f;
    }

    private static void fill(Random rnd, float[] values, float scale) {
        for (int i = 0; i < values.length; i++) {
            values[i] = uniform(rnd, -scale, scale);
        }
    }

    static float uniform(Random rnd, float low, float high) {
        return low + (high - low) * rnd.nextFloat();
    }
}

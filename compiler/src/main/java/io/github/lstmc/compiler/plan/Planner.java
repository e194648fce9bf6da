package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.Version;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Gate;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.Peephole;
import io.github.lstmc.compiler.model.TimeReduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lowers a {@link Model} to a {@link Plan}: the only place where unroll/loop choices, weight storage,
 * constant folding and method cuts are decided. Folding: the two biases are pre-summed (float32, as
 * {@link DirectionCell#combinedBias}); zero weights vanish from unrolled code and ±1 weights lose
 * their multiply ({@link Term}); a coupled layer computes no forget rows; identity activations
 * (and {@code Affine(1, 0)}) vanish; all-zero peepholes and absent clips and projections leave nothing.
 */
public final class Planner {
    /** Conservative bytecode bytes per unrolled term: load of v[off + k] (7), ldc_w (3), fmul, fadd. */
    static final int BYTES_PER_TERM = 12;
    /** Bytecode bytes per unrolled row besides its terms: out, index, start constant, fastore. */
    static final int BYTES_PER_ROW = 10;
    /** Method prologue/epilogue allowance. */
    static final int BYTES_PER_METHOD = 16;

    private final PlanOptions options;
    private final List<WeightField> weights = new ArrayList<>();
    private long unrolledSoFar;
    /** Workspace index of the precomputed input projections: after z, hraw, pz and the layer outputs. */
    private int xzBuffer;
    private int maxPrecomputedRows;
    private int maxTile;
    private int maxGroup = 1;
    /** Whether layer 0 reads a folded embedding ({@link FoldedEmbedding}): its directions then have a pre-pass. */
    private boolean fold;
    /** The first workspace buffer of batch groups: after xz and the pre-pass scratch when layer 0 folds. */
    private int groupBase;
    /** Floats of the largest Vector API group's concatenated inputs (BatchGroup#inputs), 0 without. */
    private int maxGroupInputs;
    /** Positions per pre-pass: each needs its own scratch array and its accumulator register. */
    static final int MAX_PRECOMPUTE_TILE = 4;
    /**
     * Input elements per pre-pass pass: 4 positions x 2 elements keep 8 broadcast inputs, 2 weight
     * vectors and 4 accumulators within AVX2's 16 vector registers.
     */
    static final int PRE_PASS_BLOCK = 2;

    private Planner(PlanOptions options) {
        this.options = options;
    }

    /** Plans {@code model} with the default options. */
    public static Plan plan(Model model) {
        return plan(model, PlanOptions.DEFAULT);
    }

    /** Plans {@code model}. */
    public static Plan plan(Model model, PlanOptions options) {
        return new Planner(options).lower(model);
    }

    private Plan lower(Model model) {
        int layerCount = model.layers().size();
        int directions = model.directionCount();
        xzBuffer = 3 + Math.min(2, layerCount - 1);
        Layer first = model.layers().get(0);
        int firstRows = slots(first).size() * first.hiddenSize();
        fold = FoldedEmbedding.chosen(model, options, firstRows,
                (long) firstRows * (first.inputSize() + first.stateSize()) <= options.maxUnrolledPerProduct());
        groupBase = fold ? xzBuffer + prePassTile() : xzBuffer;
        List<LayerPlan> layers = new ArrayList<>();
        int maxGateRows = 1;
        int maxHraw = 0;
        int maxProjected = 0;
        int maxIntermediate = 0;
        for (int l = 0; l < layerCount; l++) {
            Layer layer = model.layers().get(l);
            List<DirectionPlan> dirs = new ArrayList<>();
            for (int d = 0; d < layer.directions().size(); d++) {
                DirectionCell cell = layer.directions().get(d);
                dirs.add(direction(l, d, directions, layer, cell));
                // the gate rows, then the cell scratch of the cell update (CellUpdate#cellOffset); a GRU's or
                // RNN's update needs only its gate rows (HiddenUpdate)
                maxGateRows = Math.max(maxGateRows, layer.kind() == CellKind.LSTM
                        ? (slots(layer).size() + 1) * layer.hiddenSize() : dirs.get(d).gates().rows());
                if (dirs.get(d).gates() instanceof VectorMatVec v && v.concatenates()) {
                    // the Vector API product copies x and h after the gate rows (VectorMatVec#concatenates)
                    maxGateRows = Math.max(maxGateRows, v.rows() + v.inputLength());
                }
                if (cell.projection() != null || layer.kind() == CellKind.GRU) {
                    // a GRU's r * h goes to hraw, its reset product to pz
                    maxHraw = Math.max(maxHraw, layer.hiddenSize());
                    maxProjected = Math.max(maxProjected, layer.stateSize());
                }
            }
            boolean last = l == layerCount - 1;
            if (!last) {
                maxIntermediate = Math.max(maxIntermediate, layer.outputSize());
            }
            int inputBuffer = l == 0 ? -1 : 3 + (l - 1) % 2;
            int outputBuffer = last ? -1 : 3 + l % 2;
            layers.add(new LayerPlan(l, layer.hiddenSize(), layer.stateSize(), inputBuffer, outputBuffer, dirs));
        }
        List<WorkspaceBuffer> workspace = new ArrayList<>();
        workspace.add(new WorkspaceBuffer("z: gate pre-activations of one step, then the cell", maxGateRows, 0));
        boolean gru = model.cellKinds().contains(CellKind.GRU);
        workspace.add(new WorkspaceBuffer("hraw: hidden vector before projection" + (gru ? "; GRU: r * h" : ""),
                maxHraw, 0));
        workspace.add(new WorkspaceBuffer("pz: projected hidden vector" + (gru ? "; GRU: reset product" : ""),
                maxProjected, 0));
        if (layerCount > 1) {
            workspace.add(new WorkspaceBuffer("output of even intermediate layers", 0, maxIntermediate));
            if (layerCount > 2) {
                workspace.add(new WorkspaceBuffer("output of odd intermediate layers", 0, maxIntermediate));
            }
        }
        if (maxPrecomputedRows > 0) {
            workspace.add(new WorkspaceBuffer("xz: input projections of every position", 0, maxPrecomputedRows));
            for (int q = 1; q < maxTile; q++) {
                workspace.add(new WorkspaceBuffer("input pre-pass scratch " + q, maxPrecomputedRows, 0));
            }
        }
        if (maxGroup > 1) {
            if (maxPrecomputedRows > 0 && groupBase != xzBuffer + maxTile) {
                throw new IllegalStateException("batch groups and input pre-passes cannot share the workspace");
            }
            for (int q = 1; q < maxGroup; q++) {
                workspace.add(new WorkspaceBuffer("z of batch row " + q + " of a group", maxGateRows, 0));
            }
            if (maxGroupInputs > 0) {
                workspace.add(new WorkspaceBuffer("inputs of every row of a group", maxGroupInputs, 0));
            }
        }
        NetworkStages stages = null;
        if (model.hasStages()) {
            stages = stages(model, workspace);
            layers = withStageBuffers(layers, stages);
        }
        List<String> summary = new ArrayList<>(ModelDescription.summary(model));
        for (LayerPlan layer : layers) {
            for (DirectionPlan d : layer.directions()) {
                summary.add(d.method() + ": gates " + describe(d.gates())
                        + (d.inputProjection() == null ? "" : ", input part precomputed " + d.inputProjection().tile()
                        + " positions per pass")
                        + (d.batchGroup() == null ? "" : ", " + d.batchGroup().size() + " batch rows per pass")
                        + (d.projection() == null ? "" : "; projection " + describe(d.projection()))
                        + (d.resetProduct() == null ? "" : "; GRU reset product " + describe(d.resetProduct())));
            }
        }
        if (stages != null && stages.folded() != null) {
            summary.add("embedding folded into layer 0: a " + model.vocabularySize() + "x" + stages.folded().rows()
                    + " table of gate pre-activations per direction (" + (long) model.vocabularySize()
                    * stages.folded().rows() * directions + " floats); token calls copy a row instead of the input"
                    + " product");
        }
        if (stages != null && stages.head() != null) {
            for (HeadPlan.Step step : stages.head().steps()) {
                if (step instanceof HeadPlan.Product p) {
                    summary.add("head dense " + p.product().rows() + "x" + p.product().weightCount() / p.product().rows()
                            + ": " + describe(p.product()));
                }
            }
        }
        Plan.Header header = new Plan.Header(model.name(), summary, model.parameterCount(),
                ModelDescription.digest(model), Version.CURRENT);
        return new Plan(header, model.layout(), model.inputSize(), model.outputSize(), directions, model.streamable(),
                layers, weights, workspace, stages);
    }

    /**
     * The stages around the stack: their weights as fields, their buffers appended to {@code workspace}
     * (after every buffer of the stack, so the stack's indices do not move).
     */
    private NetworkStages stages(Model model, List<WorkspaceBuffer> workspace) {
        String embeddingField = null;
        if (model.embedding() != null) {
            Matrix table = model.embedding().table();
            embeddingField = "EMBEDDING";
            weights.add(WeightField.rows(embeddingField, table.rows(), table.cols(), table.toArray(), options.weights(),
                    FloatPacking.ScaleMap.PER_ROW));
        }
        String scale = null;
        String shift = null;
        int affineBuffer = -1;
        if (model.inputAffine() != null) {
            scale = "INPUT_SCALE";
            shift = "INPUT_SHIFT";
            weights.add(WeightField.vector(scale, model.inputAffine().scale().toArray(), options.weights()));
            weights.add(WeightField.vector(shift, model.inputAffine().shift().toArray(), options.weights()));
            affineBuffer = workspace.size();
            workspace.add(new WorkspaceBuffer("input after the per-feature transform", 0, model.inputSize()));
        }
        boolean hasHead = !model.head().isEmpty();
        int width = model.recurrentOutputSize();
        int recurrentBuffer = -1;
        if (model.reducesTime() || hasHead) {
            recurrentBuffer = workspace.size();
            workspace.add(new WorkspaceBuffer("output of the last layer", 0, width));
        }
        int reducedBuffer = -1;
        if (model.reducesTime() && hasHead) {
            reducedBuffer = workspace.size();
            // B vectors; sized per position (B * T >= B) because buffers scale with batch * maxSeq
            workspace.add(new WorkspaceBuffer("the reduced vector of each row", 0, width));
        }
        HeadPlan head = null;
        if (hasHead) {
            int scratch = 1;
            for (HeadLayer stage : model.head()) {
                scratch = Math.max(scratch, Math.max(stage.inputSize(), stage.outputSize()));
            }
            int a = workspace.size();
            workspace.add(new WorkspaceBuffer("head scratch a", scratch, 0));
            workspace.add(new WorkspaceBuffer("head scratch b", scratch, 0));
            head = head(model.head(), a, a + 1);
        }
        FoldedEmbedding folded = fold ? FoldedEmbedding.plan(model, slots(model.layers().get(0)), options.weights(),
                weights) : null;
        List<String> initialHidden = new ArrayList<>();
        List<String> initialCell = new ArrayList<>();
        if (model.initialState() != null) {
            for (int k = 0; k < model.initialState().size(); k++) {
                initialHidden.add(stateField("INITIAL_HIDDEN_" + k, model.initialState().hidden().get(k)));
                initialCell.add(stateField("INITIAL_CELL_" + k, model.initialState().cell().get(k)));
            }
        }
        int lastLayer = model.layers().size() - 1;
        return new NetworkStages(embeddingField, model.vocabularySize(), scale, shift, affineBuffer, recurrentBuffer,
                width, model.reduction(), reducedBuffer, lastLayer * model.directionCount(), model.directionCount(),
                model.layers().get(lastLayer).stateSize(), model.lengthsMaskRecurrence(), head, initialHidden,
                initialCell, model.fixedLengths(), folded);
    }

    /** Positions per pass of the looped input pre-pass: the options' tile, at least 1 (a folded layer 0 needs one). */
    private int prePassTile() {
        return Math.max(1, Math.min(MAX_PRECOMPUTE_TILE, options.precomputeTile()));
    }

    /** A constant initial state vector as a field; null (nothing to write over the zeros) when absent or zero. */
    private String stateField(String name, Matrix vector) {
        if (vector == null || vector.isZero()) {
            return null;
        }
        weights.add(WeightField.vector(name, vector.toArray()));
        return name;
    }

    /** Layer 0 reads the transformed input, the last layer writes the stages' buffer. */
    private static List<LayerPlan> withStageBuffers(List<LayerPlan> layers, NetworkStages stages) {
        List<LayerPlan> changed = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            LayerPlan layer = layers.get(l);
            int in = l == 0 && stages.affineBuffer() >= 0 ? stages.affineBuffer() : layer.inputBuffer();
            int out = l == layers.size() - 1 ? stages.recurrentBuffer() : layer.outputBuffer();
            changed.add(new LayerPlan(layer.index(), layer.hiddenSize(), layer.stateSize(), in, out, layer.directions()));
        }
        return changed;
    }

    /**
     * The head's steps: a dense layer reads the input slot (or the scratch the last result is in) and
     * writes the other scratch array; the functions work in place; a head that starts with a function
     * first copies its input, and the result is copied to the output last.
     */
    private HeadPlan head(List<HeadLayer> stages, int bufferA, int bufferB) {
        List<HeadPlan.Step> steps = new ArrayList<>();
        HeadPlan.Slot current = HeadPlan.Slot.IN;
        for (int k = 0; k < stages.size(); k++) {
            HeadLayer stage = stages.get(k);
            HeadPlan.Slot target = current == HeadPlan.Slot.A ? HeadPlan.Slot.B : HeadPlan.Slot.A;
            if (stage instanceof HeadLayer.Dense dense) {
                Matrix w = dense.weight();
                float[][] rows = new float[w.rows()][];
                for (int r = 0; r < w.rows(); r++) {
                    rows[r] = w.row(r);
                }
                float[] start = dense.bias() == null ? new float[w.rows()] : dense.bias().toArray();
                MatVec product = product("headDense" + k, "HEAD" + k, w.rows(), start, new Operand[] {Operand.INPUT},
                        new float[][][] {rows}, false, true);
                steps.add(new HeadPlan.Product(product, current, target));
                current = target;
                continue;
            }
            if (current == HeadPlan.Slot.IN) {
                steps.add(new HeadPlan.Copy(HeadPlan.Slot.IN, target, stage.inputSize()));
                current = target;
            }
            if (stage instanceof HeadLayer.Elementwise f) {
                ActivationCall call = call(f.function());
                if (!call.isIdentity()) {
                    steps.add(new HeadPlan.Apply(call, current, f.size()));
                }
            } else if (stage instanceof HeadLayer.PRelu prelu) {
                String field = "HEAD" + k + "_SLOPE";
                weights.add(WeightField.vector(field, prelu.slope().toArray(), options.weights()));
                steps.add(new HeadPlan.PRelu(field, current, prelu.inputSize()));
            } else if (stage instanceof HeadLayer.Softmax softmax) {
                steps.add(new HeadPlan.Softmax(softmax.log(), current, softmax.size()));
            }
        }
        int outputSize = stages.get(stages.size() - 1).outputSize();
        steps.add(new HeadPlan.Copy(current, HeadPlan.Slot.OUT, outputSize));
        return new HeadPlan("head", stages.get(0).inputSize(), outputSize, bufferA, bufferB, steps);
    }

    /** "unrolled in 2 methods" / "looped". */
    private static String describe(MatVec product) {
        if (product instanceof UnrolledMatVec u) {
            return "unrolled in " + u.methodCount() + (u.methodCount() == 1 ? " method" : " methods");
        }
        return product instanceof VectorMatVec
                ? "Vector API (jdk.incubator.vector), weights in strips of " + VectorMatVec.STRIP + " rows"
                : "looped over transposed weights";
    }

    /**
     * The gate blocks computed, in z order: i, f, o, g, or i, o, g when f = 1 - i. The gates that share
     * the gate activation come first, so that the cell update can apply it in one pass
     * ({@link CellUpdate#mergedGateBlocks()}).
     */
    static List<Gate> slots(Layer layer) {
        return layer.coupledInputForget()
                ? List.of(Gate.INPUT, Gate.OUTPUT, Gate.CELL)
                : List.of(Gate.INPUT, Gate.FORGET, Gate.OUTPUT, Gate.CELL);
    }

    private DirectionPlan direction(int l, int d, int directions, Layer layer, DirectionCell cell) {
        String base = "layer" + l + (cell.direction() == Direction.FORWARD ? "Forward" : "Reverse");
        String field = "L" + l + "_" + cell.direction().name();
        int h = layer.hiddenSize();
        int s = layer.stateSize();
        GateRows gateRows = layer.kind() == CellKind.LSTM ? lstmRows(layer, cell) : HiddenCells.gateRows(cell);
        int rows = gateRows.bias().length;
        boolean folded = fold && l == 0; // a folded layer 0 needs the looped products' pre-pass and recurrent part
        MatVec gates = product(base + "Gates", field, rows, gateRows.bias(), new Operand[] {Operand.INPUT, Operand.STATE},
                new float[][][] {gateRows.input(), gateRows.recurrent()}, true, !folded);
        MatVec projection = null;
        if (cell.projection() != null) {
            Matrix p = cell.projection();
            float[][] pw = new float[p.rows()][];
            for (int i = 0; i < p.rows(); i++) {
                pw[i] = p.row(i);
            }
            projection = product(base + "Projection", field + "_PROJECTION", s, new float[s],
                    new Operand[] {Operand.INPUT}, new float[][][] {pw});
        }
        CellUpdate update = null;
        HiddenUpdate hiddenUpdate = null;
        MatVec resetProduct = null;
        if (layer.kind() == CellKind.LSTM) {
            update = lstmUpdate(base, field, layer, cell);
        } else {
            hiddenUpdate = HiddenCells.update(base, layer, cell, options.vectorApi());
            if (layer.kind() == CellKind.GRU) {
                resetProduct = product(base + "Reset", field + "_RESET", h, HiddenCells.resetStart(cell),
                        new Operand[] {Operand.INPUT}, new float[][][] {HiddenCells.candidateRecurrentRows(cell)});
            }
        }
        InputProjection precompute = null;
        if (gates instanceof LoopedMatVec && (options.precomputeTile() > 0 || folded)) {
            int tile = prePassTile();
            List<Integer> scratch = new ArrayList<>();
            scratch.add(0); // z is free before the driver runs
            for (int q = 1; q < tile; q++) {
                scratch.add(xzBuffer + q);
            }
            precompute = new InputProjection(base + "Inputs", base + "Recurrent", rows, tile, xzBuffer, scratch,
                    PRE_PASS_BLOCK);
            maxPrecomputedRows = Math.max(maxPrecomputedRows, rows);
            maxTile = Math.max(maxTile, tile);
        } else if (gates instanceof VectorMatVec && (options.precomputeTile() > 0 || folded)) {
            // the Vector API pre-pass groups positions itself and writes xz directly: no scratch
            precompute = new InputProjection(base + "Inputs", base + "Recurrent", rows, 1, xzBuffer, List.of(0), 1);
            maxPrecomputedRows = Math.max(maxPrecomputedRows, rows);
            maxTile = Math.max(maxTile, 1);
        }
        BatchGroup group = null;
        int groupSize = gates instanceof VectorMatVec ? BatchGroup.VECTOR_SIZE : options.batchGroup();
        if ((gates instanceof LoopedMatVec || gates instanceof VectorMatVec) && precompute == null
                && options.batchGroup() > 1) {
            List<Integer> buffers = new ArrayList<>();
            for (int q = 1; q < groupSize; q++) {
                // no direction has an input pre-pass when one has a group (both need a looped product,
                // and the pre-pass, when enabled, takes every looped product), so xz's slot is free; a
                // folded layer 0 has its own pre-pass, and groups of later layers come after its buffers
                buffers.add(groupBase + q - 1);
            }
            int inputs = -1;
            if (gates instanceof VectorMatVec v) {
                // after z1..z5 (see lower): every row's concatenated inputs
                inputs = groupBase + groupSize - 1;
                maxGroupInputs = Math.max(maxGroupInputs, groupSize * v.inputLength());
            }
            group = new BatchGroup(base + "GatesGrouped", groupSize, buffers, inputs);
            maxGroup = Math.max(maxGroup, groupSize);
        }
        return new DirectionPlan(base, cell.direction(), l * directions + d, layer.inputSize(), layer.outputSize(),
                d * s, h, s, gates, update, projection, precompute, group, hiddenUpdate, resetProduct);
    }

    /** The weights and start vector of a gate product, rows in z order. */
    record GateRows(float[][] input, float[][] recurrent, float[] bias) {
    }

    /** An LSTM's gate rows in z order: row r = slot * H + j is the model's row gate.offset(H) + j. */
    private static GateRows lstmRows(Layer layer, DirectionCell cell) {
        int h = layer.hiddenSize();
        List<Gate> slots = slots(layer);
        int rows = slots.size() * h;
        float[][] w = new float[rows][];
        float[][] r = new float[rows][];
        float[] bias = new float[rows];
        for (int slot = 0; slot < slots.size(); slot++) {
            for (int j = 0; j < h; j++) {
                int modelRow = slots.get(slot).offset(h) + j;
                w[slot * h + j] = cell.inputWeights().row(modelRow);
                r[slot * h + j] = cell.recurrentWeights().row(modelRow);
                bias[slot * h + j] = cell.combinedBias(modelRow);
            }
        }
        return new GateRows(w, r, bias);
    }

    private CellUpdate lstmUpdate(String base, String field, Layer layer, DirectionCell cell) {
        List<Gate> slots = slots(layer);
        ActivationCall gate = call(cell.activations().gate());
        ActivationCall candidate = call(cell.activations().cell());
        ActivationCall hidden = call(cell.activations().hidden());
        // the Vector API tier vectorizes the cell update too when every activation has a vector form
        boolean vectorCell = options.vectorApi() && gate.hasVectorForm() && candidate.hasVectorForm()
                && hidden.hasVectorForm();
        return new CellUpdate(base + "Cell", layer.hiddenSize(), slots.indexOf(Gate.INPUT),
                slots.indexOf(Gate.FORGET), slots.indexOf(Gate.CELL), slots.indexOf(Gate.OUTPUT), gate, candidate,
                hidden, layer.preActivationClip(), layer.cellClip(),
                peephole(cell, Peephole.INPUT, field),
                layer.coupledInputForget() ? null : peephole(cell, Peephole.FORGET, field),
                peephole(cell, Peephole.OUTPUT, field), vectorCell);
    }

    /** Stores a non-zero start vector as field {@code <field>_BIAS}; null (start from zeros) otherwise. */
    private String startField(String field, float[] start) {
        if (Matrix.vector(start).isZero()) {
            return null;
        }
        String name = field + "_BIAS";
        weights.add(WeightField.vector(name, start, options.weights()));
        return name;
    }

    /** {@link VectorMatVec}: every operand's weights side by side, packed in strips for the Vector API tier. */
    private VectorMatVec vectorized(String method, String field, int rows, float[] start, Operand[] operands,
                                    float[][][] mats, long count) {
        String startField = startField(field, start);
        List<Integer> lengths = new ArrayList<>();
        for (float[][] m : mats) {
            lengths.add(m.length == 0 ? 0 : m[0].length);
        }
        int cols = lengths.stream().mapToInt(Integer::intValue).sum();
        float[][] side = new float[rows][cols];
        for (int row = 0; row < rows; row++) {
            int at = 0;
            for (int op = 0; op < mats.length; op++) {
                System.arraycopy(mats[op][row], 0, side[row], at, lengths.get(op));
                at += lengths.get(op);
            }
        }
        String name = field + "_WEIGHTS_STRIPS";
        weights.add(WeightField.rows(name, (rows + VectorMatVec.STRIP - 1) / VectorMatVec.STRIP,
                Math.multiplyExact(cols, VectorMatVec.STRIP), VectorMatVec.pack(side, rows, cols), options.weights(),
                // strip s, column k * STRIP + j holds row s * STRIP + j: one scale per row
                new FloatPacking.ScaleMap(VectorMatVec.STRIP, VectorMatVec.STRIP)));
        return new VectorMatVec(rows, method, startField, List.of(operands), lengths, name, count);
    }

    private String peephole(DirectionCell cell, Peephole which, String field) {
        if (cell.peepholes() == null) {
            return null;
        }
        float[] p = cell.peepholes().row(which.ordinal());
        if (Matrix.vector(p).isZero()) {
            return null;
        }
        String name = field + "_PEEPHOLE_" + which.name();
        weights.add(WeightField.vector(name, p, options.weights()));
        return name;
    }

    /**
     * Plans {@code out = start + sum_op W_op v_op}; {@code mats[op][row]} is row {@code row} of operand
     * {@code op}'s weight matrix.
     */
    private MatVec product(String method, String field, int rows, float[] start, Operand[] operands, float[][][] mats) {
        return product(method, field, rows, start, operands, mats, true, true);
    }

    /**
     * {@code vectorOk}: whether the Vector API tier may render it as a {@link VectorMatVec}, whose
     * drivers stage its inputs in the gate buffer; the head's products stay unrolled or looped.
     */
    private MatVec product(String method, String field, int rows, float[] start, Operand[] operands, float[][][] mats,
                           boolean vectorOk, boolean mayUnroll) {
        long count = 0;
        int rowWidth = 0;
        for (float[][] m : mats) {
            int cols = m.length == 0 ? 0 : m[0].length;
            count += (long) rows * cols;
            rowWidth += cols;
        }
        boolean rowFits = BYTES_PER_METHOD + BYTES_PER_ROW + (long) rowWidth * BYTES_PER_TERM
                <= options.methodBytecodeBudget();
        if (mayUnroll && count <= options.maxUnrolledPerProduct()
                && unrolledSoFar + count <= options.maxUnrolledPerClass() && rowFits) {
            unrolledSoFar += count;
            return unrolled(method, rows, start, operands, mats, count);
        }
        return options.vectorApi() && vectorOk
                ? vectorized(method, field, rows, start, operands, mats, count)
                : looped(method, field, rows, start, operands, mats, count);
    }

    private UnrolledMatVec unrolled(String method, int rows, float[] start, Operand[] operands, float[][][] mats,
                                    long count) {
        List<UnrolledMethod> methods = new ArrayList<>();
        List<UnrolledRow> current = new ArrayList<>();
        int size = BYTES_PER_METHOD;
        for (int row = 0; row < rows; row++) {
            List<Term> terms = new ArrayList<>();
            for (int op = 0; op < operands.length; op++) {
                float[] weightsRow = mats[op][row];
                for (int k = 0; k < weightsRow.length; k++) {
                    if (weightsRow[k] != 0f) {
                        terms.add(new Term(operands[op], k, weightsRow[k]));
                    }
                }
            }
            int rowSize = BYTES_PER_ROW + terms.size() * BYTES_PER_TERM;
            if (!current.isEmpty() && size + rowSize > options.methodBytecodeBudget()) {
                methods.add(new UnrolledMethod(method + methods.size(), current, size));
                current = new ArrayList<>();
                size = BYTES_PER_METHOD;
            }
            current.add(new UnrolledRow(row, start[row], terms));
            size += rowSize;
        }
        methods.add(new UnrolledMethod(method + methods.size(), current, size));
        return new UnrolledMatVec(rows, List.of(operands), count, methods);
    }

    private LoopedMatVec looped(String method, String field, int rows, float[] start, Operand[] operands,
                                float[][][] mats, long count) {
        String startField = startField(field, start);
        List<LoopedMatVec.LoopedOperand> ops = new ArrayList<>();
        for (int op = 0; op < operands.length; op++) {
            float[][] m = mats[op];
            int cols = m.length == 0 ? 0 : m[0].length;
            // W^T: row k holds column k of W, so the inner loop runs over the output index.
            float[] transposed = new float[Math.multiplyExact(rows, cols)];
            for (int row = 0; row < rows; row++) {
                for (int k = 0; k < cols; k++) {
                    transposed[k * rows + row] = m[row][k];
                }
            }
            String name = field + "_" + operands[op].name() + "_WEIGHTS_T";
            // column r of W^T is row r of W: one int8 scale per column
            weights.add(WeightField.rows(name, cols, rows, transposed, options.weights(),
                    FloatPacking.ScaleMap.perColumn(rows)));
            ops.add(new LoopedMatVec.LoopedOperand(operands[op], cols, name));
        }
        return new LoopedMatVec(rows, method, startField, ops, count, options.accumulationBlock());
    }

    /** The runtime call for an activation; identities (and Affine(1, 0)) fold away. */
    static ActivationCall call(Activation a) {
        return switch (a.kind()) {
            case IDENTITY -> ActivationCall.IDENTITY;
            case AFFINE -> a.alpha() == 1f && a.beta() == 0f
                    ? ActivationCall.IDENTITY
                    : new ActivationCall("affine", List.of(a.alpha(), a.beta()));
            default -> new ActivationCall(methodName(a.kind()), a.kind().parameterCount() == 0 ? List.of()
                    : a.kind().parameterCount() == 1 ? List.of(a.alpha()) : List.of(a.alpha(), a.beta()));
        };
    }

    /** SCALED_TANH -> scaledTanh. */
    private static String methodName(Activation.Kind kind) {
        StringBuilder b = new StringBuilder();
        for (String part : kind.name().toLowerCase(Locale.ROOT).split("_")) {
            b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return b.toString();
    }
}

package io.github.lstmc.compiler.load.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Meaning;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import io.github.lstmc.compiler.model.InitialState;
import io.github.lstmc.compiler.load.onnx.GraphWalker.LstmNode;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.OperatorSetIdProto;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.InputAffine;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Imports an ONNX model holding an LSTM stack and what surrounds it: a single LSTM node (opset 7
 * to 22, every attribute and input), or a whole network as {@code torch.onnx.export} (opsets 7–18)
 * and tf2onnx (Keras 2 and 3) write it:
 * <ul>
 * <li>input stage: token ids looked up in an embedding table ({@code Gather} on an initializer,
 *     with Keras's Cast/Clip/Max/Min clamping), or float features with constant per-feature
 *     {@code Sub/Div/Mul/Add} or an eval-mode BatchNormalization folded into an input transform;</li>
 * <li>the LSTM nodes with their layout glue (Transpose/Squeeze/Unsqueeze/Reshape/Flatten), zero
 *     initial states built from Shape/Gather/ConstantOfShape/Expand, If nodes with constant
 *     conditions, tf2onnx's split of a bidirectional Y per direction and its join;</li>
 * <li>a choice of time step or reduction: the last step ({@code Gather}/{@code Slice} -1 on the time
 *     axis), the last valid step from a lengths input (GatherElements, or torch's arange index),
 *     the final states (Y_h rows, or forward's last step with reverse's first), mean or max over time;</li>
 * <li>a head: Gemm, MatMul+Add, the elementwise functions of {@link io.github.lstmc.compiler.model.Activation}
 *     (GELU also as its Erf or Tanh chain, Softplus(beta) as Mul/Softplus/Div), PRelu, Softmax and
 *     LogSoftmax over the features, Dropout and Identity folded away.</li>
 * </ul>
 *
 * <p>What the model holds and what it takes at run time:
 * <ul>
 * <li>W, R, B and P must be constants (initializers, possibly behind Constant/Identity/Cast nodes);
 *     they are compiled in. A weight fed by a graph input is an error.</li>
 * <li>initial_h/initial_c may be absent, all-zero constants, or a graph input ({@code [D, batch, H]},
 *     or {@code [layers*D, batch, H]} sliced per layer): the caller passes that tensor as the initial
 *     state at run time ({@link OnnxImport#initialHidden()}). A non-zero constant whose batch rows are
 *     all alike is compiled in ({@link io.github.lstmc.compiler.model.Model#initialState()}: what
 *     {@code newState} returns); one whose rows differ is refused.</li>
 * <li>sequence_lens may be absent or an integer graph input, passed as lengths at run time (then
 *     they also mask the recurrence); a constant sequence_lens is compiled in
 *     ({@link io.github.lstmc.compiler.model.Model#fixedLengths()}: the model then takes exactly its
 *     batch size). A lengths input that only picks the last valid step leaves the LSTM running over
 *     the padding, as the graph does.</li>
 * </ul>
 *
 * <p>{@link LoadOptions#from()}/{@link LoadOptions#to()} compile the part of a graph between two
 * tensors; {@link #cutPoints(Path)} lists where such cuts work. Every problem is one line, an
 * {@link LstmcException} naming the file and the node (its operator, and whether a cut can avoid
 * it), attribute or tensor. Sizes are checked before anything is allocated.
 */
public final class OnnxLoader {
    /** The oldest opset whose LSTM (LSTM-7) lstmc reads; later versions only add layout (14) and types. */
    static final long MIN_OPSET = 7;

    private OnnxLoader() {
    }

    /**
     * Reads {@code file} and returns its model. The model's layout is the graph input's unless
     * {@code options} names one; a config or tensor prefix is an error (ONNX files need neither);
     * {@code from}/{@code to} cut out the part of the graph between two tensors.
     */
    public static Model load(Path file, LoadOptions options) throws LstmcException {
        if (options != null && (options.config() != null || options.prefix() != null)) {
            throw new LstmcException(file + ": ONNX models take no config or tensor prefix");
        }
        Model model = read(file, options).model();
        if (options != null && options.layout() != null && options.layout() != model.layout()) {
            return model.withLayout(options.layout());
        }
        return model;
    }

    /** Reads {@code file}, with the names of the graph inputs the model takes at run time. */
    public static OnnxImport read(Path file) throws LstmcException {
        return read(file, null);
    }

    /** Reads {@code file} (cut as {@code options} says, if it does), with the graph inputs the model takes. */
    public static OnnxImport read(Path file, LoadOptions options) throws LstmcException {
        return read(readBytes(file), String.valueOf(file.getFileName()), options);
    }

    private static byte[] readBytes(Path file) throws LstmcException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // Files.size is 0 for a device such as /dev/zero, which readAllBytes would read forever
            throw new LstmcException(file + ": is not a regular file (a device, pipe or socket?)");
        }
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new LstmcException(file + ": " + size + " bytes is more than lstmc reads from one ONNX file (2 GiB)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LstmcException(file + ": no such file");
        } catch (IOException e) {
            throw new LstmcException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Imports a serialized {@code ModelProto}.
     *
     * @param bytes    the file's contents
     * @param fileName the name used in messages and as the model's name (extension stripped)
     */
    public static OnnxImport read(byte[] bytes, String fileName) throws LstmcException {
        return read(bytes, fileName, null);
    }

    /** Imports a serialized {@code ModelProto}, cut as {@code options} says (null: the whole graph). */
    public static OnnxImport read(byte[] bytes, String fileName, LoadOptions options) throws LstmcException {
        Objects.requireNonNull(bytes, "bytes");
        String file = fileName == null ? "model.onnx" : fileName;
        ModelProto model = parse(bytes, file);
        long opset = checkOpset(file, model);
        String from = options == null ? null : options.from();
        String to = options == null ? null : options.to();
        return importGraph(file, model.getGraph(), opset, from, to);
    }

    private static ModelProto parse(byte[] bytes, String file) throws LstmcException {
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new LstmcException(file + ": not a valid ONNX model (protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new LstmcException(file + ": not a valid ONNX model (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph()) {
            throw new LstmcException(file + ": not an ONNX model (no graph)");
        }
        return model;
    }

    /**
     * Where {@code --from}/{@code --to} cuts of {@code file} give a model lstmc compiles: tensors
     * before the first LSTM node that can be the input, and tensors after the last one that can be
     * the output (for {@code lstmc inspect} on a refused graph). Empty lists when the graph has no
     * LSTM node.
     */
    public static CutPoints cutPoints(Path file) throws LstmcException {
        return cutPoints(readBytes(file), String.valueOf(file.getFileName()));
    }

    /** {@link #cutPoints(Path)} of a serialized {@code ModelProto}. */
    public static CutPoints cutPoints(byte[] bytes, String fileName) throws LstmcException {
        String file = fileName == null ? "model.onnx" : fileName;
        ModelProto model = parse(bytes, file);
        return Cuts.find(file, model.getGraph(), checkOpset(file, model));
    }

    /**
     * Tensors a graph can be cut at.
     *
     * @param from tensors that work as {@code --from} (the float input), in graph order
     * @param to   tensors that work as {@code --to} (the output), in graph order
     */
    public record CutPoints(List<String> from, List<String> to) {
        public CutPoints {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }
    }

    private static long checkOpset(String file, ModelProto model) throws LstmcException {
        Long opset = null;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = id.getVersion();
            }
        }
        if (opset == null) {
            throw new LstmcException(file + ": opset_import declares no version of the default ONNX domain");
        }
        if (opset < MIN_OPSET) {
            throw new LstmcException(file + ": opset_import is " + opset + "; lstmc reads LSTM from opset " + MIN_OPSET
                    + " on (re-export with a newer opset)");
        }
        return opset;
    }

    static OnnxImport importGraph(String file, GraphProto graph, long opset, String from, String to)
            throws LstmcException {
        return importGraph(file, graph, opset, from, to, false, new java.util.HashMap<>());
    }

    /**
     * {@code stackOnly}: check the input side and the LSTM stack, not the outputs; {@code decoded}:
     * initializers decoded so far, shared between imports of one graph (for finding cut points).
     */
    static OnnxImport importGraph(String file, GraphProto graph, long opset, String from, String to, boolean stackOnly,
                                  java.util.Map<String, OnnxTensor> decoded) throws LstmcException {
        RecurrenceCheck.refuseWithoutLstm(file, graph);
        GraphWalker walker = new GraphWalker(file, graph, opset, from, to, decoded);
        walker.walk();
        List<LstmNode> lstms = walker.lstms();
        if (lstms.isEmpty()) {
            TreeSet<String> ops = new TreeSet<>();
            graph.getNodeList().forEach(n -> ops.add(n.getOpType()));
            throw new LstmcException(file + ": the graph" + (from != null || to != null ? " between the cut tensors" : "")
                    + " has no LSTM node (operators: " + (ops.isEmpty() ? "none" : String.join(", ", ops)) + ")");
        }
        LstmNode first = lstms.get(0);
        Seq x0 = first.input();
        if (!x0.origin().isInput()) {
            throw new LstmcException(file + ": " + first.description() + " input X must come from a graph input");
        }
        String input = x0.origin().graphInput();
        Axis time = walker.time();
        Axis batch = walker.batch();
        Factor timeFactor = time.factors().get(0);
        Layout layout = timeFactor.id().equals(input + ":0") ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST;
        Meaning stage = x0.meaning();
        List<Factor> inputFeatures = stage.embedding() != null
                ? List.of(new Factor("emb:" + input, stage.embedding().dims()[1])) : List.of(new Factor(input + ":2", -1));
        boolean univariate = stage.embedding() == null && x0.axes().get(2).isUnit(); // [batch, seq] unsqueezed
        if (!x0.axes().get(2).factors().equals(inputFeatures) && !univariate) {
            throw new LstmcException(file + ": " + first.description() + " input X must have the features of graph input '"
                    + input + "' on its last axis, got axes " + x0.axes());
        }
        if (univariate && first.layer().inputSize() != 1) {
            throw new LstmcException(file + ": " + first.description() + " takes " + first.layer().inputSize()
                    + " features per step but graph input '" + input + "' gives one (it is [batch, seq] unsqueezed)");
        }
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < lstms.size(); k++) {
            LstmNode node = lstms.get(k);
            Seq x = node.input();
            if (k > 0) {
                LstmNode previous = lstms.get(k - 1);
                if (x.origin().isInput() || x.origin().lstm() != k - 1) {
                    throw new LstmcException(file + ": " + node.description() + " input X must be the output of the"
                            + " previous LSTM node (" + previous.description() + "), got data from " + x.origin());
                }
                Axis t = x.axes().get(node.layout() == 0 ? 0 : 1);
                Axis b = x.axes().get(node.layout() == 0 ? 1 : 0);
                if (!t.equals(time) || !b.equals(batch)) {
                    throw new LstmcException(file + ": " + node.description() + " input X has its sequence and batch"
                            + " axes swapped relative to the first LSTM (axes " + x.axes() + ")");
                }
                if (!x.axes().get(2).factors().equals(walker.features(k - 1))) {
                    throw new LstmcException(file + ": " + node.description() + " input X must have the previous"
                            + " layer's output features (" + new Axis(walker.features(k - 1)) + ") on its last axis, got "
                            + x.axes().get(2));
                }
            }
            layers.add(node.layer());
        }
        String h0 = stateInput(file, lstms, true, input);
        String c0 = stateInput(file, lstms, false, input);
        RecurrenceCheck.packedSlots(file, lstms);
        GraphValue lstmLengths = lengths(file, lstms);
        if (stackOnly) {
            return null;
        }
        NetworkOutput.Stages out = NetworkOutput.find(file, walker, layout, lstmLengths);
        String name = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        try {
            Model bare = new Model(name, layers, layout);
            Embedding embedding = stage.embedding() == null ? null : new Embedding(Matrix.of(
                    (int) stage.embedding().dims()[0], (int) stage.embedding().dims()[1], stage.embedding().floats()));
            InputAffine affine = stage.scale() == null ? null : inputAffine(file, stage, bare.inputSize());
            Model model = bare.withStages(embedding, affine, out.reduction(), out.head(), out.lengthsMaskRecurrence(),
                    out.scalar()).withInitialState(initialState(file, lstms, h0 != null, c0 != null))
                    .withFixedLengths(lstmLengths instanceof GraphValue.FixedLengths f ? f.rows() : null);
            return new OnnxImport(model, input, h0, c0, out.lengths());
        } catch (IllegalArgumentException e) {
            throw new LstmcException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The constant initial states of the LSTM nodes as one IR initial state (null when none is constant). A
     * graph that gives some states as a graph input and others as constants is refused: the caller's
     * initial state would have to be merged with the constant one.
     */
    private static InitialState initialState(String file, List<LstmNode> lstms, boolean hiddenInput,
                                             boolean cellInput) throws LstmcException {
        List<Matrix> hidden = new ArrayList<>();
        List<Matrix> cell = new ArrayList<>();
        boolean any = false;
        for (LstmNode node : lstms) {
            for (int dir = 0; dir < node.directions(); dir++) {
                Matrix h = constantRow(node.initialH(), dir);
                Matrix c = constantRow(node.initialC(), dir);
                any |= h != null || c != null;
                if (h != null && hiddenInput || c != null && cellInput) {
                    throw new LstmcException(file + ": " + node.description() + " starts from a constant initial state"
                            + " while other layers take theirs from a graph input; lstmc takes either");
                }
                hidden.add(h);
                cell.add(c);
            }
        }
        return any ? new InitialState(hidden, cell) : null;
    }

    private static Matrix constantRow(GraphValue state, int direction) {
        return state instanceof GraphValue.ConstState cst ? Matrix.vector(cst.perDirection()[direction]) : null;
    }

    private static InputAffine inputAffine(String file, Meaning stage, int features) throws LstmcException {
        double[] scale = stage.scale();
        double[] shift = stage.shift();
        int n = Math.max(scale.length, shift.length);
        if (n != 1 && n != features) {
            throw new LstmcException(file + ": the input transform has " + n + " values per position, the first LSTM"
                    + " takes " + features + " features");
        }
        float[] s = new float[features];
        float[] b = new float[features];
        for (int i = 0; i < features; i++) {
            s[i] = (float) scale[scale.length == 1 ? 0 : i];
            b[i] = (float) shift[shift.length == 1 ? 0 : i];
        }
        return new InputAffine(Matrix.vector(s), Matrix.vector(b));
    }

    private static String stateInput(String file, List<LstmNode> lstms, boolean hidden, String dataInput)
            throws LstmcException {
        String what = hidden ? "initial_h" : "initial_c";
        String input = null;
        int given = 0;
        for (int k = 0; k < lstms.size(); k++) {
            LstmNode node = lstms.get(k);
            GraphValue state = hidden ? node.initialH() : node.initialC();
            if (state instanceof GraphValue.PackedState p) {
                given++;
                if (input != null && !input.equals(p.input()) || p.layer() != k) {
                    throw new LstmcException(file + ": " + node.description() + " (layer " + k + ") input " + what
                            + " is " + GraphWalker.describeValue(p) + "; lstmc takes layer k's state from [:, k, :, slot]"
                            + " of one graph input");
                }
                input = p.input();
                continue;
            }
            if (!(state instanceof StateRows rows)) {
                continue; // zeros, or a constant compiled in (initialState)
            }
            given++;
            if (rows.input().equals(dataInput)) {
                throw new LstmcException(file + ": " + node.description() + " input " + what + " is the data input '"
                        + dataInput + "'");
            }
            if (input != null && !input.equals(rows.input())) {
                throw new LstmcException(file + ": " + node.description() + " input " + what + " comes from graph input '"
                        + rows.input() + "' but an earlier layer's comes from '" + input + "'; lstmc takes one"
                        + " initial state tensor for all layers");
            }
            input = rows.input();
            long from = (long) k * node.directions();
            if (rows.from() != from || rows.to() != from + node.directions()) {
                throw new LstmcException(file + ": " + node.description() + " (layer " + k + ") input " + what
                        + " takes rows " + rows.from() + ".." + (rows.to() - 1) + " of graph input '" + rows.input()
                        + "', expected rows " + from + ".." + (from + node.directions() - 1) + " (layer * directions +"
                        + " direction)");
            }
        }
        if (given != 0 && given != lstms.size()) {
            throw new LstmcException(file + ": " + what + " is a graph input for " + given + " of " + lstms.size()
                    + " layers; lstmc takes it for all layers or none");
        }
        return input;
    }

    /**
     * The one sequence_lens of every layer: null, a graph input ({@link Lengths}), or a constant
     * ({@link GraphValue.FixedLengths}; equal values in every layer, tf2onnx writes one initializer per layer).
     */
    private static GraphValue lengths(String file, List<LstmNode> lstms) throws LstmcException {
        GraphValue first = lstms.get(0).lengths();
        for (int k = 1; k < lstms.size(); k++) {
            if (!Objects.equals(lstms.get(k).lengths(), first)) {
                throw new LstmcException(file + ": " + lstms.get(k).description() + " input sequence_lens ("
                        + describe(lstms.get(k).lengths()) + ") differs from the first layer's (" + describe(first)
                        + "); lstmc applies one set of lengths to every layer");
            }
        }
        return first;
    }

    private static String describe(GraphValue lengths) {
        return lengths == null ? "none" : GraphWalker.describeValue(lengths);
    }
}

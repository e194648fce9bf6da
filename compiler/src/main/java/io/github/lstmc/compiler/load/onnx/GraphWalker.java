package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Ids;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Origin;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorShapeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import io.github.lstmc.compiler.model.Layer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the nodes of a graph in order (ONNX graphs are topologically sorted) and computes a
 * {@link GraphValue} for every tensor the outputs need: constants are folded, shape arithmetic is
 * followed symbolically, layout glue is checked to only relabel data, and what a network computes
 * around its LSTM nodes (embedding, input normalisation, time step choice or reduction, head) is
 * recorded in the values' {@link GraphValue.Meaning}. Each operator is one handler of
 * {@link OpTable}; each LSTM node becomes an {@link LstmNode}.
 *
 * <p>An operator the walker does not know, or a known operator used in a way it cannot follow,
 * yields an {@link Unsupported} value naming the node; it becomes an error as soon as anything
 * uses it (a node input or a graph output). Nodes the outputs do not need are not evaluated.
 *
 * <p>A cut ({@code from}/{@code to}) makes tensor {@code from} a float graph input and {@code to}
 * the only output: the nodes before {@code from} and after {@code to} are not evaluated.
 */
final class GraphWalker {

    /** One imported LSTM node and how its inputs were wired. */
    record LstmNode(int index, String description, Layer layer, int directions, int hidden, int layout, Seq input,
                    GraphValue initialH, GraphValue initialC, GraphValue lengths) {
    }

    private final String file;
    private final GraphProto graph;
    private final String from;
    private final List<String> outputs;
    private final long opset;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, GraphValue> values = new HashMap<>();
    private final List<LstmNode> lstms = new ArrayList<>();
    private final OpTable table = OpTable.standard();
    private final Map<String, OnnxTensor> decoded;
    /** Graph positions of the top-level LSTM nodes, for cut hints. */
    private final List<Integer> lstmPositions = new ArrayList<>();
    private Axis time;
    private Axis batch;

    GraphWalker(String file, GraphProto graph) throws LstmcException {
        this(file, graph, 14, null, null, new HashMap<>());
    }

    /**
     * @param opset the model's default-domain opset
     * @param from  a tensor to read as the float data input instead of computing it, or null
     * @param to    the tensor to compute instead of the graph outputs, or null
     * @param decoded initializers decoded so far (filled as they are decoded; shareable between walks)
     */
    GraphWalker(String file, GraphProto graph, long opset, String from, String to, Map<String, OnnxTensor> decoded)
            throws LstmcException {
        this.file = file;
        this.decoded = decoded;
        this.graph = graph;
        this.opset = opset;
        this.from = from;
        for (TensorProto t : graph.getInitializerList()) {
            if (initializers.put(t.getName(), t) != null) {
                throw new LstmcException(file + ": initializer '" + t.getName() + "' is defined twice");
            }
        }
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializers.containsKey(in.getName())) {
                values.put(in.getName(), graphInput(in));
            }
        }
        Set<String> produced = new HashSet<>(values.keySet());
        produced.addAll(initializers.keySet());
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            produced.addAll(n.getOutputList());
            if (RecurrenceCheck.RECURRENT_OPS.contains(n.getOpType())) {
                lstmPositions.add(i);
            }
        }
        if (from != null) {
            if (!produced.contains(from)) {
                throw new LstmcException(file + ": --from names tensor '" + from + "', which the graph does not have");
            }
            List<Axis> axes = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                axes.add(Axis.of(new Factor(from + ":" + k, -1)));
            }
            values.put(from, new Seq(Origin.input(from), axes));
        }
        if (to != null) {
            if (!produced.contains(to)) {
                throw new LstmcException(file + ": --to names tensor '" + to + "', which the graph does not have");
            }
            outputs = List.of(to);
        } else {
            outputs = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        }
    }

    /** Walks every node the outputs need. */
    void walk() throws LstmcException {
        boolean[] needed = neededNodes();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (needed[i]) {
                NodeProto node = graph.getNode(i);
                evaluateInto(node, describe(node, i), i);
            }
        }
    }

    /** The names of the tensors the model computes: the graph outputs, or the {@code to} tensor. */
    List<String> outputs() {
        return outputs;
    }

    /** The names of the graph's own outputs. */
    List<String> graphOutputNames() {
        return graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /** The data input's name when cut with {@code from}, else null. */
    String from() {
        return from;
    }

    long opset() {
        return opset;
    }

    private void evaluateInto(NodeProto node, String description, int index) throws LstmcException {
        List<GraphValue> outs = evaluate(node, description, index);
        for (int k = 0; k < node.getOutputCount(); k++) {
            String name = node.getOutput(k);
            if (name.isEmpty() || name.equals(from)) {
                continue;
            }
            if (values.containsKey(name) || initializers.containsKey(name)) {
                throw new LstmcException(file + ": " + description + " output '" + name
                        + "' is already defined by an earlier node, initializer or graph input");
            }
            values.put(name, k < outs.size() ? outs.get(k)
                    : new Unsupported(file + ": " + description + " output " + k + " is not supported by lstmc"
                    + cutHint(index)));
        }
    }

    /** Marks the nodes the outputs depend on, not looking past the {@code from} tensor. */
    private boolean[] neededNodes() {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            for (String out : graph.getNode(i).getOutputList()) {
                producer.putIfAbsent(out, i);
            }
        }
        boolean[] needed = new boolean[graph.getNodeCount()];
        Deque<String> work = new ArrayDeque<>(outputs);
        Set<String> seen = new HashSet<>();
        while (!work.isEmpty()) {
            String name = work.pop();
            if (!seen.add(name) || name.equals(from)) {
                continue;
            }
            Integer p = producer.get(name);
            if (p == null || needed[p]) {
                continue;
            }
            needed[p] = true;
            inputsOf(graph.getNode(p), work);
        }
        return needed;
    }

    /** The inputs of a node, and those its subgraphs (If branches) read from the outer graph. */
    private static void inputsOf(NodeProto node, Deque<String> into) {
        for (String in : node.getInputList()) {
            if (!in.isEmpty()) {
                into.push(in);
            }
        }
        for (AttributeProto a : node.getAttributeList()) {
            List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            for (GraphProto g : graphs) {
                for (NodeProto n : g.getNodeList()) {
                    inputsOf(n, into);
                }
            }
        }
    }

    /**
     * Evaluates the nodes of an If branch in this graph's scope and returns its outputs' values
     * (branch tensor names must not clash with the outer graph's, as ONNX requires).
     */
    List<GraphValue> evaluateBranch(GraphProto branch, NodeContext ifNode) throws LstmcException {
        for (TensorProto t : branch.getInitializerList()) {
            values.put(t.getName(), new Const(OnnxTensors.decode(file, "initializer '" + t.getName() + "'", t)));
        }
        for (int i = 0; i < branch.getNodeCount(); i++) {
            NodeProto node = branch.getNode(i);
            evaluateInto(node, ifNode.description + " branch " + describe(node, i), ifNode.index);
        }
        List<GraphValue> out = new ArrayList<>();
        for (ValueInfoProto o : branch.getOutputList()) {
            out.add(value(o.getName(), ifNode.description));
        }
        return out;
    }

    List<LstmNode> lstms() {
        return lstms;
    }

    /** The value of a tensor (initializers decoded on first use). */
    GraphValue value(String name, String usedBy) throws LstmcException {
        GraphValue v = values.get(name);
        if (v != null) {
            return v;
        }
        TensorProto t = initializers.get(name);
        if (t != null) {
            OnnxTensor tensor = decoded.get(name);
            if (tensor == null) {
                tensor = OnnxTensors.decode(file, "initializer '" + name + "'", t);
                decoded.put(name, tensor);
            }
            GraphValue c = new Const(tensor);
            values.put(name, c);
            return c;
        }
        throw new LstmcException(file + ": " + usedBy + " uses tensor '" + name
                + "', which no earlier node, initializer or graph input defines");
    }

    static String describe(NodeProto node, int index) {
        String name = node.getName().isEmpty() ? "#" + index : "'" + node.getName() + "'";
        String domain = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx") ? "" : node.getDomain() + ".";
        return "node " + name + " (" + domain + node.getOpType() + ")";
    }

    // ---------------------------------------------------------------------------------------------

    private GraphValue graphInput(ValueInfoProto in) {
        String name = in.getName();
        if (!in.hasType() || !in.getType().hasTensorType()) {
            return new Unsupported(file + ": graph input '" + name + "' is not a tensor");
        }
        int elem = in.getType().getTensorType().getElemType();
        TensorShapeProto shape = in.getType().getTensorType().hasShape() ? in.getType().getTensorType().getShape() : null;
        int rank = shape == null ? -1 : shape.getDimCount();
        boolean isFloat = elem == TensorProto.DataType.FLOAT_VALUE || elem == TensorProto.DataType.DOUBLE_VALUE
                || elem == TensorProto.DataType.FLOAT16_VALUE || elem == TensorProto.DataType.BFLOAT16_VALUE;
        boolean isInt = elem == TensorProto.DataType.INT32_VALUE || elem == TensorProto.DataType.INT64_VALUE;
        if (isFloat && (rank == 3 || rank == -1)) {
            // Sizes of input dimensions are deliberately not used: the compiled model accepts any
            // sequence length and batch, and feature sizes are checked against the weights.
            List<Axis> axes = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                axes.add(Axis.of(new Factor(name + ":" + k, -1)));
            }
            return new Seq(Origin.input(name), axes);
        }
        if (isFloat && rank == 4) {
            return new GraphValue.PackedState(name, -1, -1, -1); // initial states packed per layer, if sliced so
        }
        if (isInt && (rank == 1 || rank == -1)) {
            return new Lengths(name);
        }
        if ((isInt || isFloat) && rank == 2) {
            // Token ids for an embedding (Keras declares them float and casts them).
            return new Ids(name, isFloat);
        }
        return new Unsupported(file + ": graph input '" + name + "' (element type " + elem + ", rank " + rank
                + ") is neither sequence data [seq, batch, features], token ids [batch, seq], an initial state nor"
                + " sequence lengths (--from TENSOR can start the model at a tensor computed from it; lstmc inspect"
                + " lists the tensors)");
    }

    private List<GraphValue> evaluate(NodeProto node, String description, int index) throws LstmcException {
        String op = node.getOpType();
        String domain = node.getDomain();
        NodeContext c = new NodeContext(this, node, description, index);
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            return Collections.nCopies(Math.max(1, node.getOutputCount()),
                    c.unsupported("operator domain '" + domain + "' is not supported by lstmc"));
        }
        OpTable.Entry entry = table.get(op);
        if (entry == null) {
            // every output carries the cause, whichever of them the LSTM or an output needs
            return Collections.nCopies(Math.max(1, node.getOutputCount()),
                    c.unsupported("operator " + op + " is not supported by lstmc's ONNX importer"));
        }
        if (entry.checked()) {
            // Unsupported inputs make the results unsupported too, keeping the first cause; it becomes
            // an error where the LSTM or an output needs it.
            for (int k = 0; k < node.getInputCount(); k++) {
                if (!node.getInput(k).isEmpty() && c.in(k) instanceof Unsupported u) {
                    List<GraphValue> outs = new ArrayList<>();
                    for (int o = 0; o < Math.max(1, node.getOutputCount()); o++) {
                        outs.add(u);
                    }
                    return outs;
                }
            }
        }
        return entry.handler().apply(c);
    }

    /** A note for refusals of node {@code index}: whether {@code --from}/{@code --to} can cut around it. */
    String cutHint(int index) {
        if (lstmPositions.isEmpty()) {
            return "";
        }
        if (index < lstmPositions.get(0)) {
            return " (it is before the LSTM: --from TENSOR can cut it off; lstmc inspect lists the tensors)";
        }
        if (index > lstmPositions.get(lstmPositions.size() - 1)) {
            return " (it is after the LSTM: --to TENSOR can cut it off; lstmc inspect lists the tensors)";
        }
        return " (it is between LSTM nodes: --from/--to cannot cut around it)";
    }

    /** Registers an imported LSTM node; the first one fixes the time and batch axes. */
    void addLstm(LstmNode node) {
        if (lstms.isEmpty()) {
            time = node.input().axes().get(node.layout() == 0 ? 0 : 1);
            batch = node.input().axes().get(node.layout() == 0 ? 1 : 0);
        }
        lstms.add(node);
    }

    /** The time axis of the first LSTM's input, or null before it. */
    Axis time() {
        return time;
    }

    /** The batch axis of the first LSTM's input, or null before it. */
    Axis batch() {
        return batch;
    }

    /** The factors of LSTM node {@code k}'s output features: (direction,) hidden. */
    List<Factor> features(int k) {
        LstmNode node = lstms.get(k);
        List<Factor> f = new ArrayList<>();
        if (node.directions() == 2) {
            f.add(new Factor("dir:" + k, 2));
        }
        f.add(new Factor("hid:" + k, node.hidden()));
        return f;
    }

    String file() {
        return file;
    }

    static String describeValue(GraphValue v) {
        return ValueDescriptions.of(v);
    }
}

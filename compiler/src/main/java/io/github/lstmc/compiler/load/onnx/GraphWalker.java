package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Origin;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorShapeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import io.github.lstmc.compiler.model.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the nodes of a graph in order (ONNX graphs are topologically sorted) and computes a
 * {@link GraphValue} for every tensor: constants are folded, shape arithmetic is followed
 * symbolically, and the glue torch.onnx.export puts around LSTM nodes (Transpose, Squeeze,
 * Unsqueeze, Reshape, Slice, Concat, Shape/Gather/ConstantOfShape/Expand chains for zero initial
 * states) is checked to only relabel data. Each LSTM node becomes an {@link LstmNode}.
 *
 * <p>An operator the walker does not know, or a known operator used in a way it cannot follow,
 * yields an {@link Unsupported} value naming the node; it becomes an error as soon as anything
 * uses it (a node input or a graph output), so only dead nodes escape.
 */
final class GraphWalker {

    /** One imported LSTM node and how its inputs were wired. */
    record LstmNode(int index, String description, Layer layer, int directions, int hidden, int layout, Seq input,
                    GraphValue initialH, GraphValue initialC, GraphValue lengths) {
    }

    private final String file;
    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, GraphValue> values = new HashMap<>();
    private final List<LstmNode> lstms = new ArrayList<>();
    private final OpTable table = OpTable.standard();

    GraphWalker(String file, GraphProto graph) throws LstmcException {
        this.file = file;
        this.graph = graph;
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
    }

    /** Walks every node. */
    void walk() throws LstmcException {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            String description = describe(node, i);
            List<GraphValue> outs = evaluate(node, description, i);
            for (int k = 0; k < node.getOutputCount(); k++) {
                String name = node.getOutput(k);
                if (name.isEmpty()) {
                    continue;
                }
                if (values.containsKey(name) || initializers.containsKey(name)) {
                    throw new LstmcException(file + ": " + description + " output '" + name
                            + "' is already defined by an earlier node, initializer or graph input");
                }
                values.put(name, k < outs.size() ? outs.get(k)
                        : new Unsupported(file + ": " + description + " output " + k + " is not supported by lstmc"));
            }
        }
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
            GraphValue c = new Const(OnnxTensors.decode(file, "initializer '" + name + "'", t));
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
        if (isInt && (rank == 1 || rank == -1)) {
            return new Lengths(name);
        }
        return new Unsupported(file + ": graph input '" + name + "' (element type " + elem + ", rank " + rank
                + ") is neither sequence data [seq, batch, features], an initial state nor sequence lengths");
    }


    private List<GraphValue> evaluate(NodeProto node, String description, int index) throws LstmcException {
        String op = node.getOpType();
        String domain = node.getDomain();
        NodeContext c = new NodeContext(this, node, description, index);
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            return List.of(c.unsupported("operator domain '" + domain + "' is not supported by lstmc"));
        }
        OpTable.Entry entry = table.get(op);
        if (entry == null) {
            return List.of(c.unsupported("operator " + op + " is not supported by lstmc's ONNX importer (it imports"
                    + " LSTM nodes and the Transpose/Reshape/Squeeze/Unsqueeze/Concat/Slice/Shape/Gather/"
                    + "ConstantOfShape/Expand glue around them)"));
        }
        if (entry.checked()) {
            // Unsupported inputs make the result unsupported too, keeping the first cause.
            for (int k = 0; k < node.getInputCount(); k++) {
                if (!node.getInput(k).isEmpty() && c.in(k) instanceof Unsupported u) {
                    throw new LstmcException(u.message());
                }
            }
        }
        return entry.handler().apply(c);
    }

    /** A note for refusals of node {@code index}: whether {@code --from}/{@code --to} can cut around it. */
    String cutHint(int index) {
        return "";
    }

    /** Registers an imported LSTM node; returns its index among the graph's LSTM nodes. */
    int addLstm(LstmNode node) {
        lstms.add(node);
        return lstms.size() - 1;
    }

    String file() {
        return file;
    }

    static String describeValue(GraphValue v) {
        if (v instanceof Const cst) {
            return "constant " + cst.tensor();
        } else if (v instanceof Dims) {
            return "a shape vector";
        } else if (v instanceof Fill f) {
            return "a tensor filled with " + f.value();
        } else if (v instanceof Seq s) {
            return "data from " + s.origin() + " with axes " + s.axes();
        } else if (v instanceof StateRows r) {
            return "rows " + r.from() + ".." + (r.to() - 1) + " of graph input '" + r.input() + "'";
        } else if (v instanceof Lengths l) {
            return "integer graph input '" + l.input() + "'";
        } else if (v instanceof StateOut o) {
            return "final state of LSTM node #" + o.lstm();
        }
        return "an unsupported value";
    }
}

package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dim;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            List<GraphValue> outs = evaluate(node, description);
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

    private List<GraphValue> evaluate(NodeProto node, String description) throws LstmcException {
        String op = node.getOpType();
        String domain = node.getDomain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            return List.of(new Unsupported(file + ": " + description + " is from operator domain '" + domain
                    + "', which lstmc does not support"));
        }
        Ctx c = new Ctx(node, description);
        return switch (op) {
            case "LSTM" -> lstm(c);
            case "Constant" -> List.of(constant(c));
            default -> {
                // Unsupported inputs make the result unsupported too, keeping the first cause.
                for (int k = 0; k < node.getInputCount(); k++) {
                    if (!node.getInput(k).isEmpty() && c.in(k) instanceof Unsupported u) {
                        throw new LstmcException(u.message());
                    }
                }
                GraphValue v = switch (op) {
                    case "Identity" -> c.in(0);
                    case "Dropout" -> dropout(c);
                    case "Cast" -> cast(c);
                    case "Shape" -> shape(c);
                    case "Gather" -> gather(c);
                    case "Unsqueeze" -> unsqueeze(c);
                    case "Squeeze" -> squeeze(c);
                    case "Concat" -> concat(c);
                    case "ConstantOfShape" -> constantOfShape(c);
                    case "ConstantFill" -> constantFill(c);
                    case "Expand" -> expand(c);
                    case "Slice" -> slice(c);
                    case "Transpose" -> transpose(c);
                    case "Reshape" -> reshape(c);
                    default -> c.unsupported("operator " + op + " is not supported by lstmc's ONNX importer (it imports"
                            + " LSTM nodes and the Transpose/Reshape/Squeeze/Unsqueeze/Concat/Slice/Shape/Gather/"
                            + "ConstantOfShape/Expand glue around them)");
                };
                yield List.of(v);
            }
        };
    }

    /** Access to one node's inputs and attributes. */
    private final class Ctx {
        final NodeProto node;
        final String description;
        final NodeAttributes attrs;

        Ctx(NodeProto node, String description) throws LstmcException {
            this.node = node;
            this.description = description;
            this.attrs = new NodeAttributes(file, description, node);
        }

        boolean has(int k) {
            return k < node.getInputCount() && !node.getInput(k).isEmpty();
        }

        GraphValue in(int k) throws LstmcException {
            if (!has(k)) {
                throw new LstmcException(file + ": " + description + " is missing input " + k);
            }
            return value(node.getInput(k), description);
        }

        /** Input k as an integer constant vector (or a fully known shape vector). */
        long[] ints(int k, String what) throws LstmcException {
            GraphValue v = in(k);
            if (v instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() <= 1) {
                return cst.tensor().longs();
            }
            if (v instanceof Dims d) {
                long[] out = new long[d.dims().size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = d.dims().get(i).known();
                    if (out[i] < 0 && d.dims().get(i).axis() != null) {
                        throw fail(what + " (input " + k + ") depends on the sequence length or batch size");
                    }
                }
                return out;
            }
            throw fail(what + " (input " + k + ") must be a constant integer vector");
        }

        /** An int list from input k if present, else from attribute {@code attribute} (older opsets), or null. */
        long[] intsFromInputOrAttribute(int k, String attribute) throws LstmcException {
            if (has(k)) {
                return ints(k, attribute);
            }
            return attrs.getInts(attribute);
        }

        LstmcException fail(String what) {
            return new LstmcException(file + ": " + description + ": " + what);
        }

        Unsupported unsupported(String what) {
            return new Unsupported(file + ": " + description + ": " + what);
        }
    }

    // --- constants -------------------------------------------------------------------------------

    private GraphValue constant(Ctx c) throws LstmcException {
        NodeAttributes a = c.attrs;
        a.requireOnly(Set.of("value", "value_float", "value_floats", "value_int", "value_ints"));
        String name = c.node.getOutputCount() > 0 ? c.node.getOutput(0) : "";
        if (a.has("value")) {
            return new Const(OnnxTensors.decode(file, c.description + " attribute 'value'", a.getTensor("value")));
        }
        if (a.has("value_float")) {
            return new Const(OnnxTensor.ofFloats(name, new long[0], new float[] {a.getFloat("value_float", 0f)}));
        }
        if (a.has("value_floats")) {
            float[] v = a.getFloats("value_floats");
            return new Const(OnnxTensor.ofFloats(name, new long[] {v.length}, v));
        }
        if (a.has("value_int")) {
            return new Const(OnnxTensor.ofLongs(name, new long[0], new long[] {a.getInt("value_int", 0)}));
        }
        if (a.has("value_ints")) {
            long[] v = a.getInts("value_ints");
            return new Const(OnnxTensor.ofLongs(name, new long[] {v.length}, v));
        }
        throw c.fail("has no value attribute lstmc can read");
    }

    /** Inference-mode Dropout is the identity; training mode (a true training_mode input) is refused. */
    private GraphValue dropout(Ctx c) throws LstmcException {
        if (c.has(2)) {
            GraphValue training = c.in(2);
            if (!(training instanceof Const t) || t.tensor().size() != 1) {
                return c.unsupported("Dropout with a training_mode that is not a constant is not supported");
            }
            if (t.tensor().value(0) != 0) {
                return c.unsupported("Dropout in training mode is random; export the model in eval mode");
            }
        }
        return c.in(0);
    }

    private GraphValue cast(Ctx c) throws LstmcException {
        long to = c.attrs.getInt("to", 0);
        GraphValue v = c.in(0);
        boolean toFloat = to == TensorProto.DataType.FLOAT_VALUE || to == TensorProto.DataType.DOUBLE_VALUE
                || to == TensorProto.DataType.FLOAT16_VALUE;
        boolean toInt = to == TensorProto.DataType.INT32_VALUE || to == TensorProto.DataType.INT64_VALUE;
        if (v instanceof Const cst) {
            OnnxTensor t = cst.tensor();
            if (toInt) {
                return new Const(OnnxTensor.ofLongs(t.name(), t.dims(), t.asLongs()));
            }
            if (toFloat) {
                float[] f = new float[t.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) t.value(i);
                }
                return new Const(OnnxTensor.ofFloats(t.name(), t.dims(), f));
            }
        }
        if (v instanceof Seq && to == TensorProto.DataType.FLOAT_VALUE) {
            return v;
        }
        if ((v instanceof Dims || v instanceof Lengths) && toInt) {
            return v;
        }
        if (v instanceof Fill || v instanceof StateRows || v instanceof StateOut) {
            return toFloat || toInt ? v : c.unsupported("Cast to type " + to + " is not supported");
        }
        return c.unsupported("Cast of this value to type " + to + " is not supported");
    }

    // --- shape arithmetic ------------------------------------------------------------------------

    private GraphValue shape(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        long start = c.attrs.getInt("start", 0);
        List<Dim> dims = new ArrayList<>();
        int rank;
        if (v instanceof Seq s) {
            rank = s.rank();
            for (Axis a : s.axes()) {
                dims.add(new Dim(a.size(), a));
            }
        } else if (v instanceof Const cst) {
            rank = cst.tensor().rank();
            for (long d : cst.tensor().dims()) {
                dims.add(Dim.literal(d));
            }
        } else {
            return c.unsupported("Shape of this value is not supported");
        }
        long end = c.attrs.getInt("end", rank);
        int from = (int) clampIndex(start, rank);
        int to = (int) clampIndex(end, rank);
        return new Dims(dims.subList(from, Math.max(from, to)), false);
    }

    private static long clampIndex(long i, int rank) {
        long k = i < 0 ? i + rank : i;
        return Math.max(0, Math.min(rank, k));
    }

    private GraphValue gather(Ctx c) throws LstmcException {
        long axis = c.attrs.getInt("axis", 0);
        GraphValue data = c.in(0);
        GraphValue idx = c.in(1);
        if (!(idx instanceof Const ic) || ic.tensor().isFloat() || ic.tensor().rank() > 1) {
            return c.unsupported("Gather needs constant scalar or vector indices");
        }
        boolean scalar = ic.tensor().rank() == 0;
        long[] indices = ic.tensor().longs();
        if (axis != 0) {
            return c.unsupported("Gather on axis " + axis + " is not supported");
        }
        if (data instanceof Dims d && !d.scalar()) {
            List<Dim> out = new ArrayList<>();
            for (long i : indices) {
                long k = i < 0 ? i + d.dims().size() : i;
                if (k < 0 || k >= d.dims().size()) {
                    throw c.fail("Gather index " + i + " is outside a shape of rank " + d.dims().size());
                }
                out.add(d.dims().get((int) k));
            }
            return new Dims(out, scalar);
        }
        if (data instanceof Const cst && cst.tensor().rank() == 1) {
            OnnxTensor t = cst.tensor();
            long[] dims = scalar ? new long[0] : new long[] {indices.length};
            float[] f = t.isFloat() ? new float[indices.length] : null;
            long[] l = t.isFloat() ? null : new long[indices.length];
            for (int j = 0; j < indices.length; j++) {
                long k = indices[j] < 0 ? indices[j] + t.size() : indices[j];
                if (k < 0 || k >= t.size()) {
                    throw c.fail("Gather index " + indices[j] + " is outside [0, " + t.size() + ")");
                }
                if (f != null) {
                    f[j] = t.floats()[(int) k];
                } else {
                    l[j] = t.longs()[(int) k];
                }
            }
            return new Const(new OnnxTensor(t.name(), dims, f, l));
        }
        return c.unsupported("Gather on this value is not supported");
    }

    private GraphValue unsqueeze(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] axes = c.intsFromInputOrAttribute(1, "axes");
        if (axes == null) {
            throw c.fail("has no axes");
        }
        if (v instanceof Dims d && d.scalar() && axes.length == 1 && (axes[0] == 0 || axes[0] == -1)) {
            return new Dims(d.dims(), false);
        }
        if (v instanceof Const cst) {
            return new Const(reshapeConst(cst.tensor(), unsqueezedDims(cst.tensor().dims(), axes, c)));
        }
        if (v instanceof Seq s) {
            int rank = s.rank() + axes.length;
            List<Axis> out = new ArrayList<>();
            boolean[] inserted = new boolean[rank];
            for (long a : axes) {
                long k = a < 0 ? a + rank : a;
                if (k < 0 || k >= rank || inserted[(int) k]) {
                    throw c.fail("Unsqueeze axis " + a + " is invalid for output rank " + rank);
                }
                inserted[(int) k] = true;
            }
            int next = 0;
            for (int k = 0; k < rank; k++) {
                out.add(inserted[k] ? new Axis(List.of()) : s.axes().get(next++));
            }
            return new Seq(s.origin(), out);
        }
        if (v instanceof Fill || v instanceof StateRows || v instanceof StateOut) {
            return v instanceof StateRows ? c.unsupported("Unsqueeze of an initial state is not supported") : v;
        }
        return c.unsupported("Unsqueeze of this value is not supported");
    }

    private long[] unsqueezedDims(long[] dims, long[] axes, Ctx c) throws LstmcException {
        int rank = dims.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            long k = a < 0 ? a + rank : a;
            if (k < 0 || k >= rank || inserted[(int) k]) {
                throw c.fail("Unsqueeze axis " + a + " is invalid for output rank " + rank);
            }
            inserted[(int) k] = true;
        }
        long[] out = new long[rank];
        int next = 0;
        for (int k = 0; k < rank; k++) {
            out[k] = inserted[k] ? 1 : dims[next++];
        }
        return out;
    }

    private GraphValue squeeze(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] axes = c.intsFromInputOrAttribute(1, "axes");
        if (v instanceof Seq s) {
            boolean[] drop = new boolean[s.rank()];
            if (axes == null) {
                for (int k = 0; k < s.rank(); k++) {
                    if (s.axes().get(k).size() < 0) {
                        return c.unsupported("Squeeze without axes of data whose axes may or may not be 1 is not supported");
                    }
                    drop[k] = s.axes().get(k).isUnit();
                }
            } else {
                for (long a : axes) {
                    long k = a < 0 ? a + s.rank() : a;
                    if (k < 0 || k >= s.rank()) {
                        throw c.fail("Squeeze axis " + a + " is outside rank " + s.rank());
                    }
                    if (!s.axes().get((int) k).isUnit()) {
                        throw c.fail("Squeeze axis " + a + " has size " + s.axes().get((int) k) + ", not 1");
                    }
                    drop[(int) k] = true;
                }
            }
            List<Axis> out = new ArrayList<>();
            for (int k = 0; k < s.rank(); k++) {
                if (!drop[k]) {
                    out.add(s.axes().get(k));
                }
            }
            return new Seq(s.origin(), out);
        }
        if (v instanceof Dims d && !d.scalar() && d.dims().size() == 1) {
            return new Dims(d.dims(), true);
        }
        if (v instanceof Const cst) {
            long[] dims = cst.tensor().dims();
            List<Long> out = new ArrayList<>();
            for (int k = 0; k < dims.length; k++) {
                boolean listed = axes == null ? dims[k] == 1 : contains(axes, k, dims.length);
                if (listed && dims[k] != 1) {
                    throw c.fail("Squeeze axis " + k + " of " + cst.tensor() + " is not 1");
                }
                if (!listed) {
                    out.add(dims[k]);
                }
            }
            return new Const(reshapeConst(cst.tensor(), out.stream().mapToLong(Long::longValue).toArray()));
        }
        if (v instanceof Fill || v instanceof StateOut) {
            return v;
        }
        return c.unsupported("Squeeze of this value is not supported");
    }

    private static boolean contains(long[] axes, int k, int rank) {
        for (long a : axes) {
            if (a == k || a + rank == k) {
                return true;
            }
        }
        return false;
    }

    private static OnnxTensor reshapeConst(OnnxTensor t, long[] dims) {
        return new OnnxTensor(t.name(), dims, t.floats(), t.longs());
    }

    private GraphValue concat(Ctx c) throws LstmcException {
        long axis = c.attrs.getInt("axis", 0);
        List<GraphValue> ins = new ArrayList<>();
        for (int k = 0; k < c.node.getInputCount(); k++) {
            ins.add(c.in(k));
        }
        if (ins.isEmpty()) {
            throw c.fail("has no inputs");
        }
        boolean allStateOut = ins.stream().allMatch(v -> v instanceof StateOut);
        if (allStateOut) {
            return ins.get(ins.size() - 1);
        }
        boolean allFill = ins.stream().allMatch(v -> v instanceof Fill);
        if (allFill && ins.stream().map(v -> ((Fill) v).value()).distinct().count() == 1) {
            return ins.get(0);
        }
        if (ins.stream().allMatch(v -> v instanceof Const) && !(axis == 0 && ins.stream().allMatch(
                v -> ((Const) v).tensor().rank() == 1 && !((Const) v).tensor().isFloat()))) {
            List<OnnxTensor> tensors = new ArrayList<>();
            ins.forEach(v -> tensors.add(((Const) v).tensor()));
            return new Const(ConstOps.concat(tensors, axis, c.node.getOutput(0), file + ": " + c.description));
        }
        boolean shapeLike = ins.stream().allMatch(v -> v instanceof Dims d && !d.scalar()
                || v instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() == 1);
        if (shapeLike && (axis == 0 || axis == -1)) {
            boolean anyDims = ins.stream().anyMatch(v -> v instanceof Dims);
            if (!anyDims) {
                List<Long> all = new ArrayList<>();
                for (GraphValue v : ins) {
                    for (long x : ((Const) v).tensor().longs()) {
                        all.add(x);
                    }
                }
                long[] l = all.stream().mapToLong(Long::longValue).toArray();
                return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), new long[] {l.length}, l));
            }
            List<Dim> out = new ArrayList<>();
            for (GraphValue v : ins) {
                if (v instanceof Dims d) {
                    out.addAll(d.dims());
                } else {
                    for (long x : ((Const) v).tensor().longs()) {
                        out.add(Dim.literal(x));
                    }
                }
            }
            return new Dims(out, false);
        }
        return c.unsupported("Concat of these values is not supported (lstmc follows Concat of shapes, of zero"
                + " states and of final states)");
    }

    private GraphValue constantOfShape(Ctx c) throws LstmcException {
        GraphValue shape = c.in(0);
        if (!(shape instanceof Dims) && !(shape instanceof Const)) {
            return c.unsupported("ConstantOfShape needs a shape computed from constants and Shape");
        }
        TensorProto value = c.attrs.getTensor("value");
        double fill = 0;
        if (value != null) {
            OnnxTensor t = OnnxTensors.decode(file, c.description + " attribute 'value'", value);
            if (t.size() != 1) {
                throw c.fail("attribute 'value' must hold one element, got " + t.shapeText());
            }
            fill = t.value(0);
        }
        return new Fill(fill);
    }

    /** The experimental ConstantFill that torch still writes for opset 7 zero states. */
    private GraphValue constantFill(Ctx c) throws LstmcException {
        c.attrs.requireOnly(Set.of("dtype", "extra_shape", "input_as_shape", "shape", "value"));
        if (c.has(0)) {
            GraphValue shape = c.in(0);
            if (c.attrs.getInt("input_as_shape", 0) != 1 || !(shape instanceof Dims) && !(shape instanceof Const)) {
                return c.unsupported("ConstantFill is supported only with input_as_shape=1 and a shape from constants"
                        + " and Shape");
            }
        }
        return new Fill(c.attrs.getFloat("value", 0f));
    }

    private GraphValue expand(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue shape = c.in(1);
        if (!(shape instanceof Dims) && !(shape instanceof Const)) {
            return c.unsupported("Expand needs a shape computed from constants and Shape");
        }
        if (v instanceof Fill) {
            return v;
        }
        if (v instanceof Const cst && cst.tensor().size() > 0) {
            OnnxTensor t = cst.tensor();
            for (int i = 1; i < t.size(); i++) {
                if (t.value(i) != t.value(0)) {
                    return c.unsupported("Expand of a non-uniform constant is not supported");
                }
            }
            return new Fill(t.value(0));
        }
        return c.unsupported("Expand of this value is not supported (lstmc follows Expand of constants into zero states)");
    }

    private GraphValue slice(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.node.getInputCount() > 1) {
            starts = c.ints(1, "starts");
            ends = c.ints(2, "ends");
            axes = c.has(3) ? c.ints(3, "axes") : null;
            steps = c.has(4) ? c.ints(4, "steps") : null;
        } else {
            starts = c.attrs.getInts("starts");
            ends = c.attrs.getInts("ends");
            axes = c.attrs.getInts("axes");
        }
        if (starts == null || ends == null || starts.length != ends.length
                || axes != null && axes.length != starts.length || steps != null && steps.length != starts.length) {
            throw c.fail("starts, ends, axes and steps must have the same length");
        }
        if (steps != null) {
            for (long s : steps) {
                if (s != 1) {
                    return c.unsupported("Slice with step " + s + " is not supported");
                }
            }
        }
        if (v instanceof Fill) {
            return v;
        }
        if (v instanceof Seq s && s.origin().isInput() && starts.length == 1
                && (axes == null || axes[0] == 0 || axes[0] == -s.rank())) {
            long from = starts[0];
            long to = ends[0];
            if (from < 0 || to < 0) {
                return c.unsupported("Slice of an initial state with negative bounds is not supported");
            }
            return new StateRows(s.origin().graphInput(), from, to);
        }
        if (v instanceof StateRows r && starts.length == 1 && (axes == null || axes[0] == 0)) {
            long from = r.from() + starts[0];
            long to = Math.min(r.to(), r.from() + ends[0]);
            if (starts[0] < 0 || ends[0] < 0) {
                return c.unsupported("Slice of an initial state with negative bounds is not supported");
            }
            return new StateRows(r.input(), from, to);
        }
        if (v instanceof Const cst) {
            OnnxTensor t = cst.tensor();
            for (int j = 0; j < starts.length; j++) {
                long axis = axes == null ? j : axes[j];
                if (axis < 0) {
                    axis += t.rank();
                }
                if (axis < 0 || axis >= t.rank()) {
                    throw c.fail("Slice axis " + (axes == null ? j : axes[j]) + " is outside " + t);
                }
                int n = (int) t.dims()[(int) axis];
                int from = (int) clampIndex(starts[j], n);
                int to = Math.max(from, (int) clampIndex(ends[j], n));
                t = ConstOps.slice(t, (int) axis, from, to);
            }
            return new Const(t);
        }
        if (v instanceof Dims d && !d.scalar() && starts.length == 1) {
            int n = d.dims().size();
            int from = (int) clampIndex(starts[0], n);
            int to = (int) clampIndex(ends[0], n);
            return new Dims(d.dims().subList(from, Math.max(from, to)), false);
        }
        return c.unsupported("Slice of this value is not supported (lstmc follows Slice of initial states along"
                + " their first axis)");
    }

    // --- data movement -----------------------------------------------------------------------------

    private GraphValue transpose(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        if (!(v instanceof Seq s)) {
            return v instanceof Fill ? v : c.unsupported("Transpose of this value is not supported");
        }
        long[] perm = c.attrs.getInts("perm");
        int rank = s.rank();
        if (perm == null) {
            perm = new long[rank];
            for (int k = 0; k < rank; k++) {
                perm[k] = rank - 1 - k;
            }
        }
        if (perm.length != rank) {
            throw c.fail("perm " + Arrays.toString(perm) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        List<Axis> out = new ArrayList<>();
        for (long p : perm) {
            if (p < 0 || p >= rank || seen[(int) p]) {
                throw c.fail("perm " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[(int) p] = true;
            out.add(s.axes().get((int) p));
        }
        return new Seq(s.origin(), out);
    }

    private GraphValue reshape(Ctx c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue shape = c.in(1);
        long allowZero = c.attrs.getInt("allowzero", 0);
        List<Dim> target = new ArrayList<>();
        if (shape instanceof Dims d && !d.scalar()) {
            target.addAll(d.dims());
        } else if (shape instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() == 1) {
            for (long x : cst.tensor().longs()) {
                target.add(Dim.literal(x));
            }
        } else {
            return c.unsupported("Reshape needs a shape computed from constants and Shape");
        }
        if (v instanceof Fill || v instanceof StateOut) {
            return v;
        }
        if (!(v instanceof Seq s)) {
            return c.unsupported("Reshape of this value is not supported");
        }
        List<List<Factor>> parts = new ArrayList<>();
        int minus = -1;
        for (int i = 0; i < target.size(); i++) {
            Dim d = target.get(i);
            if (d.axis() != null) {
                parts.add(d.axis().factors());
            } else if (d.literal() == 0 && allowZero == 0) {
                if (i >= s.rank()) {
                    throw c.fail("Reshape copies dimension " + i + " of an input of rank " + s.rank());
                }
                parts.add(s.axes().get(i).factors());
            } else if (d.literal() == -1) {
                if (minus >= 0) {
                    throw c.fail("Reshape shape has more than one -1");
                }
                minus = i;
                parts.add(null);
            } else if (d.literal() >= 1) {
                parts.add(List.of(new Factor("#" + d.literal(), d.literal())));
            } else {
                throw c.fail("Reshape shape entry " + d.literal() + " is not supported");
            }
        }
        List<Factor> flat = new ArrayList<>();
        s.axes().forEach(a -> flat.addAll(a.factors()));
        Axis[] out = new Axis[parts.size()];
        int front = 0;
        int back = flat.size();
        int stop = minus >= 0 ? minus : parts.size();
        for (int i = 0; i < stop; i++) {
            int n = match(flat, front, parts.get(i), true);
            if (n < 0) {
                return c.unsupported("Reshape to " + describeTarget(target) + " does not keep the sequence, batch and"
                        + " feature axes of its input " + s.axes() + " apart");
            }
            out[i] = new Axis(flat.subList(front, front + n));
            front += n;
        }
        if (minus >= 0) {
            for (int i = parts.size() - 1; i > minus; i--) {
                int n = match(flat, back, parts.get(i), false);
                if (n < 0 || back - n < front) {
                    return c.unsupported("Reshape to " + describeTarget(target) + " does not keep the sequence, batch"
                            + " and feature axes of its input " + s.axes() + " apart");
                }
                out[i] = new Axis(flat.subList(back - n, back));
                back -= n;
            }
            out[minus] = new Axis(flat.subList(front, back));
        } else if (front != flat.size()) {
            return c.unsupported("Reshape to " + describeTarget(target) + " does not use all of its input " + s.axes());
        }
        return new Seq(s.origin(), List.of(out));
    }

    private static String describeTarget(List<Dim> target) {
        List<String> parts = new ArrayList<>();
        for (Dim d : target) {
            parts.add(d.axis() != null ? d.axis().toString() : Long.toString(d.literal()));
        }
        return parts.toString();
    }

    /**
     * How many factors of {@code flat}, read forward from {@code at} (or backward from {@code at}
     * when not {@code forward}), make up the wanted dimension, or -1. Symbolic factors must match
     * one to one; known sizes must multiply up to the wanted size.
     */
    private static int match(List<Factor> flat, int at, List<Factor> wanted, boolean forward) {
        long wantedSize = new Axis(wanted).size();
        if (wantedSize < 0) {
            for (int j = 0; j < wanted.size(); j++) {
                int idx = forward ? at + j : at - wanted.size() + j;
                if (idx < 0 || idx >= flat.size() || !flat.get(idx).equals(wanted.get(j))) {
                    return -1;
                }
            }
            return wanted.size();
        }
        long product = 1;
        int n = 0;
        while (product < wantedSize) {
            int idx = forward ? at + n : at - 1 - n;
            if (idx < 0 || idx >= flat.size() || !flat.get(idx).known()) {
                return -1;
            }
            product *= flat.get(idx).size();
            n++;
        }
        return product == wantedSize ? n : -1;
    }

    // --- LSTM ------------------------------------------------------------------------------------

    private List<GraphValue> lstm(Ctx c) throws LstmcException {
        int index = lstms.size();
        String where = file + ": " + c.description;
        LstmNodeImporter.Attributes a = LstmNodeImporter.attributes(c.attrs);
        if (c.node.getInputCount() > 8) {
            throw c.fail("has " + c.node.getInputCount() + " inputs, an LSTM takes at most 8");
        }
        OnnxTensor w = weight(c, 1, "W", true);
        OnnxTensor r = weight(c, 2, "R", true);
        OnnxTensor b = weight(c, 3, "B", false);
        OnnxTensor p = weight(c, 7, "P", false);
        Layer layer = LstmNodeImporter.layer(where, a, w, r, b, p);
        int d = a.directions();
        int h = layer.hiddenSize();

        GraphValue x = c.in(0);
        if (x instanceof Unsupported u) {
            throw new LstmcException(u.message());
        }
        if (!(x instanceof Seq seq) || seq.rank() != 3) {
            throw c.fail("input X must be sequence data of rank 3 computed from a graph input or an earlier LSTM, got "
                    + describeValue(x));
        }
        for (Axis axis : seq.axes().subList(0, 2)) {
            if (axis.factors().size() != 1 || axis.size() >= 0) {
                throw c.fail("input X has axes " + seq.axes() + "; lstmc cannot tell its sequence and batch axes apart");
            }
        }
        GraphValue lengths = c.has(4) ? c.in(4) : null;
        if (lengths != null && !(lengths instanceof Lengths)) {
            throw c.fail("input sequence_lens must be an integer graph input (lstmc takes lengths at run time), got "
                    + describeValue(lengths));
        }
        GraphValue initialH = state(c, 5, "initial_h", d, h, a.layout());
        GraphValue initialC = state(c, 6, "initial_c", d, h, a.layout());
        lstms.add(new LstmNode(index, c.description, layer, d, h, a.layout(), seq, initialH, initialC, lengths));

        Axis time = seq.axes().get(a.layout() == 0 ? 0 : 1);
        Axis batch = seq.axes().get(a.layout() == 0 ? 1 : 0);
        Axis dirs = d == 1 ? new Axis(List.of()) : Axis.of(new Factor("dir:" + index, d));
        Axis hidden = Axis.of(new Factor("hid:" + index, h));
        List<Axis> yAxes = a.layout() == 0 ? List.of(time, dirs, batch, hidden) : List.of(batch, time, dirs, hidden);
        Seq y = new Seq(Origin.lstm(index), yAxes);
        return List.of(y, new StateOut(index), new StateOut(index));
    }

    private OnnxTensor weight(Ctx c, int k, String name, boolean required) throws LstmcException {
        if (!c.has(k)) {
            if (required) {
                throw c.fail("input " + name + " is missing");
            }
            return null;
        }
        GraphValue v = c.in(k);
        if (v instanceof Const cst) {
            return cst.tensor();
        }
        if (v instanceof Seq s && s.origin().isInput() || v instanceof Lengths) {
            throw c.fail("input " + name + " ('" + c.node.getInput(k) + "') is fed by a graph input; lstmc compiles"
                    + " weights in, so they must be constants (initializers or Constant nodes)");
        }
        if (v instanceof Unsupported u) {
            throw new LstmcException(u.message());
        }
        throw c.fail("input " + name + " ('" + c.node.getInput(k) + "') must be a constant (initializer or Constant"
                + " node), got " + describeValue(v));
    }

    /** An initial state: null (zero), or a StateRows of a graph input. */
    private GraphValue state(Ctx c, int k, String name, int d, int h, int layout) throws LstmcException {
        if (!c.has(k)) {
            return null;
        }
        GraphValue v = c.in(k);
        if (v instanceof Fill f) {
            if (f.value() != 0) {
                throw c.fail("input " + name + " is filled with " + f.value() + "; lstmc takes non-zero initial states"
                        + " at run time, not as constants");
            }
            return null;
        }
        if (v instanceof Const cst) {
            OnnxTensor t = cst.tensor();
            long[] dims = t.dims();
            if (dims.length != 3 || dims[layout == 0 ? 0 : 1] != d || dims[2] != h) {
                throw c.fail("input " + name + " " + t + " must have shape " + (layout == 0 ? "[" + d + ", batch, " + h + "]"
                        : "[batch, " + d + ", " + h + "]"));
            }
            if (!t.isAllZero()) {
                throw c.fail("input " + name + " " + t + " is a non-zero constant; lstmc models take their initial"
                        + " state at run time (LstmState), so make it a graph input");
            }
            return null;
        }
        if (v instanceof Seq s && s.origin().isInput()) {
            return new StateRows(s.origin().graphInput(), 0, d);
        }
        if (v instanceof StateRows r) {
            if (layout != 0) {
                throw c.fail("input " + name + " is a slice of graph input '" + r.input() + "', which lstmc does not"
                        + " support with layout=1");
            }
            if (r.to() - r.from() != d) {
                throw c.fail("input " + name + " takes rows " + r.from() + ".." + (r.to() - 1) + " of graph input '"
                        + r.input() + "', expected " + d + " row(s)");
            }
            return r;
        }
        if (v instanceof Unsupported u) {
            throw new LstmcException(u.message());
        }
        throw c.fail("input " + name + " must be zero, a graph input or a slice of one, got " + describeValue(v));
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

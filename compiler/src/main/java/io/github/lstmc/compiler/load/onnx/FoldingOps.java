package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dim;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Constants and shape arithmetic: what exporters compute from static shapes and constants. */
final class FoldingOps {
    private FoldingOps() {
    }

    static void register(OpTable table) {
        table.add("Constant", FoldingOps::constant);
        table.add("Identity", c -> c.in(0));
        table.add("Dropout", FoldingOps::dropout);
        table.add("Cast", FoldingOps::cast);
        table.addRaw("Shape", c -> List.of(shape(c)));
        table.add("ConstantOfShape", FoldingOps::constantOfShape);
        table.add("ConstantFill", FoldingOps::constantFill);
        table.add("Expand", FoldingOps::expand);
        table.addRaw("If", FoldingOps::ifNode);
        table.add("Where", FoldingOps::where);
        table.add("Range", FoldingOps::range);
    }

    static GraphValue constant(NodeContext c) throws LstmcException {
        NodeAttributes a = c.attrs;
        a.requireOnly(Set.of("value", "value_float", "value_floats", "value_int", "value_ints"));
        String name = c.node.getOutputCount() > 0 ? c.node.getOutput(0) : "";
        if (a.has("value")) {
            return new Const(OnnxTensors.decode(c.file(), c.description + " attribute 'value'", a.getTensor("value")));
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
    static GraphValue dropout(NodeContext c) throws LstmcException {
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

    static GraphValue cast(NodeContext c) throws LstmcException {
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
        if (v instanceof GraphValue.Spread || v instanceof GraphValue.ValidMask) {
            return v; // a mask of valid steps or its divisor: bool, int or float alike
        }
        if (v instanceof Seq && to == TensorProto.DataType.FLOAT_VALUE) {
            return v;
        }
        if ((v instanceof Dims || v instanceof Lengths || v instanceof GraphValue.LengthIndex
                || v instanceof GraphValue.UnknownShape
                || v instanceof GraphValue.Arange) && toInt) {
            return v;
        }
        if (v instanceof GraphValue.Ids ids && toInt) {
            return new GraphValue.Ids(ids.input(), false);
        }
        if (v instanceof Fill || v instanceof StateRows || v instanceof StateOut) {
            return toFloat || toInt ? v : c.unsupported("Cast to type " + to + " is not supported");
        }
        return c.unsupported("Cast of " + GraphWalker.describeValue(v) + " to type " + to + " is not supported");
    }


    static GraphValue shape(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        if (v instanceof Unsupported) {
            return new GraphValue.UnknownShape(c.node.getInput(0));
        }
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
        } else if (v instanceof GraphValue.Ids ids) {
            rank = 2;
            dims.add(new Dim(-1, Axis.of(new GraphValue.Factor(ids.input() + ":0", -1))));
            dims.add(new Dim(-1, Axis.of(new GraphValue.Factor(ids.input() + ":1", -1))));
        } else if (v instanceof GraphValue.LengthIndex && c.walker.batch() != null) {
            rank = 1;
            dims.add(new Dim(-1, c.walker.batch()));
        } else if (v instanceof Dims d) {
            rank = 1;
            dims.add(Dim.literal(d.scalar() ? 0 : d.dims().size()));
            if (d.scalar()) {
                return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), new long[] {0}, new long[0]));
            }
        } else {
            return c.unsupported("Shape of " + GraphWalker.describeValue(v) + " is not supported");
        }
        long end = c.attrs.getInt("end", rank);
        int from = (int) clampIndex(start, rank);
        int to = (int) clampIndex(end, rank);
        return new Dims(dims.subList(from, Math.max(from, to)), false);
    }

    /** A shape vector whose entries are all known as a constant; other values as they are. */
    static GraphValue constant(GraphValue v) {
        if (v instanceof Dims d && known(d) != null) {
            long[] k = known(d);
            return new Const(OnnxTensor.ofLongs("shape", d.scalar() ? new long[0] : new long[] {k.length}, k));
        }
        return v;
    }

    /** The values of a shape vector whose entries are all known, else null. */
    static long[] known(Dims d) {
        long[] v = new long[d.dims().size()];
        for (int i = 0; i < v.length; i++) {
            if (d.dims().get(i).isSymbolic()) {
                return null;
            }
            v[i] = d.dims().get(i).known();
        }
        return v;
    }

    static long clampIndex(long i, int rank) {
        long k = i < 0 ? i + rank : i;
        return Math.max(0, Math.min(rank, k));
    }

    static GraphValue constantOfShape(NodeContext c) throws LstmcException {
        GraphValue shape = c.in(0);
        if (shape instanceof GraphValue.UnknownShape) {
            return new Fill(c.attrs.getTensor("value") == null ? 0
                    : OnnxTensors.decode(c.file(), c.description + " attribute 'value'", c.attrs.getTensor("value")).value(0));
        }
        if (!(shape instanceof Dims) && !(shape instanceof Const)) {
            return c.unsupported("ConstantOfShape needs a shape computed from constants and Shape");
        }
        TensorProto value = c.attrs.getTensor("value");
        double fill = 0;
        OnnxTensor t = null;
        if (value != null) {
            t = OnnxTensors.decode(c.file(), c.description + " attribute 'value'", value);
            if (t.size() != 1) {
                throw c.fail("attribute 'value' must hold one element, got " + t.shapeText());
            }
            fill = t.value(0);
        }
        long[] dims = shape instanceof Const k ? k.tensor().longs() : known((Dims) shape);
        long count = 1;
        for (int i = 0; dims != null && i < dims.length; i++) {
            count = dims[i] < 0 || count > (1 << 20) ? Long.MAX_VALUE : count * dims[i];
        }
        if (dims != null && count <= (1 << 20)) {
            // a known shape: a real constant, which later arithmetic (Mul, Equal, Where) can fold
            int n = (int) count;
            if (t != null && !t.isFloat()) {
                long[] l = new long[n];
                java.util.Arrays.fill(l, (long) fill);
                return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), dims, l));
            }
            float[] v = new float[n];
            java.util.Arrays.fill(v, (float) fill);
            return new Const(OnnxTensor.ofFloats(c.node.getOutput(0), dims, v));
        }
        return new Fill(fill);
    }

    /** The experimental ConstantFill that torch still writes for opset 7 zero states. */
    static GraphValue constantFill(NodeContext c) throws LstmcException {
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

    static GraphValue expand(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue shape = c.in(1);
        if (!(shape instanceof Dims) && !(shape instanceof Const) && !(shape instanceof GraphValue.UnknownShape)) {
            return c.unsupported("Expand needs a shape computed from constants and Shape");
        }
        if (v instanceof Fill || v instanceof GraphValue.LengthIndex) {
            return v;
        }
        if (v instanceof Const cst && cst.tensor().size() > 0) {
            OnnxTensor t = cst.tensor();
            for (int i = 1; i < t.size(); i++) {
                if (t.value(i) != t.value(0)) {
                    // a learned initial state expanded over the batch; anything else refuses it
                    return t.isFloat() ? new GraphValue.Broadcast(t)
                            : c.unsupported("Expand of a non-uniform constant is not supported");
                }
            }
            return new Fill(t.value(0));
        }
        return c.unsupported("Expand of " + GraphWalker.describeValue(v) + " is not supported (lstmc follows Expand of"
                + " constants into zero states)");
    }

    /** If with a constant condition (exporters guard squeezes with shape checks): the chosen branch, inlined. */
    static List<GraphValue> ifNode(NodeContext c) throws LstmcException {
        GraphValue cond = c.in(0);
        if (cond instanceof Unsupported u) {
            throw new LstmcException(u.message());
        }
        if (!(cond instanceof Const k) || k.tensor().size() != 1) {
            return List.of(c.unsupported("If with a condition that is not constant is not supported (lstmc folds If"
                    + " whose condition follows from constants and static shapes)"));
        }
        GraphProto branch = c.attrs.getGraph(k.tensor().value(0) != 0 ? "then_branch" : "else_branch");
        if (branch == null) {
            throw c.fail("has no " + (k.tensor().value(0) != 0 ? "then_branch" : "else_branch"));
        }
        return c.walker.evaluateBranch(branch, c);
    }

    /** Where on constants. */
    static GraphValue where(NodeContext c) throws LstmcException {
        if (c.in(0) instanceof GraphValue.ValidMask m) {
            return MaskOps.where(c, m, c.in(1), c.in(2));
        }
        if (!(constant(c.in(0)) instanceof Const cond) || !(constant(c.in(1)) instanceof Const a)
                || !(constant(c.in(2)) instanceof Const b)) {
            return c.unsupported("Where of values that are not constants is not supported");
        }
        OnnxTensor x = a.tensor();
        OnnxTensor y = b.tensor();
        OnnxTensor k = cond.tensor();
        int n = Math.max(k.size(), Math.max(x.size(), y.size()));
        for (OnnxTensor t : List.of(k, x, y)) {
            if (t.size() != 1 && t.size() != n) {
                return c.unsupported("Where with broadcasting is not supported");
            }
        }
        OnnxTensor shape = k.size() == n ? k : x.size() == n ? x : y;
        boolean isFloat = x.isFloat() || y.isFloat();
        float[] f = isFloat ? new float[n] : null;
        long[] l = isFloat ? null : new long[n];
        for (int i = 0; i < n; i++) {
            boolean pick = k.value(k.size() == 1 ? 0 : i) != 0;
            double v = pick ? x.value(x.size() == 1 ? 0 : i) : y.value(y.size() == 1 ? 0 : i);
            if (isFloat) {
                f[i] = (float) v;
            } else {
                l[i] = (long) v;
            }
        }
        return new Const(new OnnxTensor(c.node.getOutput(0), shape.dims(), f, l));
    }

    /** Range over constants, or {@code 0 .. n-1} for the size n of a data axis (the batch of an arange index). */
    static GraphValue range(NodeContext c) throws LstmcException {
        GraphValue start = c.in(0);
        GraphValue limit = c.in(1);
        GraphValue delta = c.in(2);
        boolean unitSteps = start instanceof Const s && s.tensor().size() == 1 && s.tensor().value(0) == 0
                && delta instanceof Const d && d.tensor().size() == 1 && d.tensor().value(0) == 1;
        if (unitSteps && limit instanceof Dims n && n.scalar() && n.dims().get(0).isSymbolic()) {
            return new GraphValue.Arange(n.dims().get(0).axis(), null);
        }
        if (start instanceof Const s && limit instanceof Const n && delta instanceof Const d
                && !s.tensor().isFloat() && !n.tensor().isFloat() && !d.tensor().isFloat() && d.tensor().value(0) != 0) {
            long from = s.tensor().longs()[0];
            long to = n.tensor().longs()[0];
            long step = d.tensor().longs()[0];
            long count = Math.max(0, (to - from + step - (step > 0 ? 1 : -1)) / step);
            if (count > (1 << 20)) {
                return c.unsupported("Range of " + count + " values is too long to fold");
            }
            long[] v = new long[(int) count];
            for (int i = 0; i < v.length; i++) {
                v[i] = from + i * step;
            }
            return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), new long[] {count}, v));
        }
        return c.unsupported("Range is supported over constants or as 0 .. batch - 1");
    }
}

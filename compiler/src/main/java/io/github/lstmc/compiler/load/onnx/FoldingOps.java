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
        table.add("Shape", FoldingOps::shape);
        table.add("ConstantOfShape", FoldingOps::constantOfShape);
        table.add("ConstantFill", FoldingOps::constantFill);
        table.add("Expand", FoldingOps::expand);
        table.addRaw("If", FoldingOps::ifNode);
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
        if (v instanceof Seq && to == TensorProto.DataType.FLOAT_VALUE) {
            return v;
        }
        if ((v instanceof Dims || v instanceof Lengths || v instanceof GraphValue.LengthIndex) && toInt) {
            return v;
        }
        if (v instanceof GraphValue.Ids ids && toInt) {
            return new GraphValue.Ids(ids.input(), false);
        }
        if (v instanceof Fill || v instanceof StateRows || v instanceof StateOut) {
            return toFloat || toInt ? v : c.unsupported("Cast to type " + to + " is not supported");
        }
        return c.unsupported("Cast of this value to type " + to + " is not supported");
    }


    static GraphValue shape(NodeContext c) throws LstmcException {
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

    static long clampIndex(long i, int rank) {
        long k = i < 0 ? i + rank : i;
        return Math.max(0, Math.min(rank, k));
    }

    static GraphValue constantOfShape(NodeContext c) throws LstmcException {
        GraphValue shape = c.in(0);
        if (!(shape instanceof Dims) && !(shape instanceof Const)) {
            return c.unsupported("ConstantOfShape needs a shape computed from constants and Shape");
        }
        TensorProto value = c.attrs.getTensor("value");
        double fill = 0;
        if (value != null) {
            OnnxTensor t = OnnxTensors.decode(c.file(), c.description + " attribute 'value'", value);
            if (t.size() != 1) {
                throw c.fail("attribute 'value' must hold one element, got " + t.shapeText());
            }
            fill = t.value(0);
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
        if (!(shape instanceof Dims) && !(shape instanceof Const)) {
            return c.unsupported("Expand needs a shape computed from constants and Shape");
        }
        if (v instanceof Fill || v instanceof GraphValue.LengthIndex) {
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
}

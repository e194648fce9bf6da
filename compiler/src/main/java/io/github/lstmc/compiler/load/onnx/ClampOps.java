package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.Ids;
import io.github.lstmc.compiler.load.onnx.GraphValue.LengthIndex;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;

/**
 * Clamps and comparisons: Clip/Max/Min of token ids (Keras keeps them in the table) and of
 * {@code lengths - 1} (at 0), Clip(min 0) of data as ReLU, and Equal/Not folded on constants and
 * static shapes (exporters' guards).
 */
final class ClampOps {
    private ClampOps() {
    }

    static void register(OpTable table) {
        table.add("Clip", ClampOps::clip);
        table.add("Max", c -> minMax(c, true));
        table.add("Min", c -> minMax(c, false));
        table.add("Equal", ClampOps::equal);
        table.add("Not", ClampOps::not);
    }

    /** Clip: index clamping of token ids and of lengths - 1; Clip(min 0) of data is ReLU. */
    private static GraphValue clip(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        Double min = bound(c, 1, "min");
        Double max = bound(c, 2, "max");
        if (v instanceof Ids ids) {
            return InputOps.clampIds(c, ids);
        }
        if (v instanceof LengthIndex l && min != null && min == 0) {
            return new LengthIndex(l.input(), true);
        }
        if (v instanceof Const cst && min == null && max == null) {
            return cst;
        }
        if (min != null && min == 0 && max == null && (v instanceof Seq || v instanceof Expr)) {
            return HeadOps.elementwise(c, Activation.of(Kind.RELU));
        }
        if (v instanceof Seq && min != null && max != null && min <= max) {
            // ReLU6, Hardtanh and Keras's relu(max_value=...)
            return HeadOps.elementwise(c, Activation.of(Kind.CLIP, min.floatValue(), max.floatValue()));
        }
        return c.unsupported("Clip of " + GraphWalker.describeValue(v) + " is not supported");
    }

    private static Double bound(NodeContext c, int input, String attribute) throws LstmcException {
        if (c.has(input)) {
            GraphValue b = c.in(input);
            if (b instanceof Const cst && cst.tensor().size() == 1) {
                return cst.tensor().value(0);
            }
            return Double.NaN; // not a constant: only token ids accept it
        }
        if (c.node.getInputCount() <= 1 && c.attrs.has(attribute)) {
            return (double) c.attrs.getFloat(attribute, 0f);
        }
        return null;
    }

    private static GraphValue minMax(NodeContext c, boolean max) throws LstmcException {
        GraphValue a = c.in(0);
        GraphValue b = c.node.getInputCount() > 1 ? c.in(1) : null;
        if (a instanceof Ids ids || b instanceof Ids) {
            return InputOps.clampIds(c, a instanceof Ids i ? i : (Ids) b);
        }
        GraphValue other = a instanceof LengthIndex ? b : a;
        LengthIndex l = a instanceof LengthIndex la ? la : b instanceof LengthIndex lb ? lb : null;
        if (max && l != null && other instanceof Const z && z.tensor().size() == 1 && z.tensor().value(0) == 0) {
            return new LengthIndex(l.input(), true);
        }
        if (a instanceof Const ca && b instanceof Const cb && ca.tensor().size() == 1 && cb.tensor().size() == 1) {
            double r = max ? Math.max(ca.tensor().value(0), cb.tensor().value(0))
                    : Math.min(ca.tensor().value(0), cb.tensor().value(0));
            return new Const(ca.tensor().isFloat() ? OnnxTensor.ofFloats("m", new long[0], new float[] {(float) r})
                    : OnnxTensor.ofLongs("m", new long[0], new long[] {(long) r}));
        }
        return c.unsupported((max ? "Max" : "Min") + " of " + GraphWalker.describeValue(a) + " is not supported");
    }

    private static GraphValue equal(NodeContext c) throws LstmcException {
        GraphValue a = c.in(0);
        GraphValue b = c.in(1);
        a = a instanceof Dims d ? ArithOps.known(d) : a;
        b = b instanceof Dims d ? ArithOps.known(d) : b;
        if (a instanceof GraphValue.ValidMask m) {
            return MaskOps.equal(c, m, b);
        }
        if (b instanceof GraphValue.ValidMask m) {
            return MaskOps.equal(c, m, a);
        }
        if (!(a instanceof Const ca) || !(b instanceof Const cb)) {
            return c.unsupported("Equal of values that depend on the sequence length or batch size is not supported");
        }
        OnnxTensor x = ca.tensor();
        OnnxTensor y = cb.tensor();
        if (x.size() != y.size() && x.size() != 1 && y.size() != 1) {
            return c.unsupported("Equal of " + x + " and " + y + " with broadcasting is not supported");
        }
        OnnxTensor shape = x.size() >= y.size() ? x : y;
        long[] out = new long[shape.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.value(x.size() == 1 ? 0 : i) == y.value(y.size() == 1 ? 0 : i) ? 1 : 0;
        }
        return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), shape.dims(), out));
    }

    private static GraphValue not(NodeContext c) throws LstmcException {
        if (c.in(0) instanceof GraphValue.ValidMask m) {
            return m.negated();
        }
        if (!(c.in(0) instanceof Const a)) {
            return c.unsupported("Not of a value that is not constant is not supported");
        }
        long[] out = new long[a.tensor().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.tensor().value(i) == 0 ? 1 : 0;
        }
        return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), a.tensor().dims(), out));
    }
}

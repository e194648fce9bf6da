package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.LengthIndex;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Matrix;
import java.util.List;

/**
 * Elementwise arithmetic: folded on constants; {@code lengths - 1} (clamped at 0) for the last
 * valid step; per-feature affine transforms of the input; a bias or scale after a dense layer;
 * the chains exporters write for GELU ({@code x * 0.5 * (1 + erf(x / sqrt 2))} and the tanh form), and
 * the self-gated {@code x * sigmoid(x)} (SiLU) and {@code x * hardsigmoid(x)} (HardSwish).
 */
final class ArithOps {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double TANH_K = Math.sqrt(2 / Math.PI);
    private static final double TANH_A = 0.044715;

    private ArithOps() {
    }

    static void register(OpTable table) {
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            table.add(op, c -> binary(c, op));
        }
        table.add("Erf", ArithOps::erf);
        table.add("Pow", ArithOps::pow);
    }

    private static GraphValue binary(NodeContext c, String op) throws LstmcException {
        GraphValue a = c.in(0);
        GraphValue b = c.in(1);
        if (a instanceof Dims da) {
            a = known(da);
        }
        if (b instanceof Dims db) {
            b = known(db);
        }
        if (a instanceof Const ca && b instanceof Const cb) {
            return fold(c, op, ca.tensor(), cb.tensor());
        }
        if (op.equals("Mul") && (a instanceof GraphValue.ValidMask || b instanceof GraphValue.ValidMask)) {
            return MaskOps.multiply(c, a, b);
        }
        if (op.equals("Div") && MaskOps.isValidSum(a)) {
            return MaskOps.divide(c, (Expr) a, b);
        }
        GraphValue index = arangeIndex(c, op, a, b);
        if (index != null) {
            return index;
        }
        if (a instanceof Lengths || a instanceof LengthIndex) {
            return lengths(c, op, a, b);
        }
        if (a instanceof Seq x && x.origin().isInput() && b instanceof Const v && noStepMeaning(x)) {
            return InputOps.affine(c, op, x, v, false);
        }
        if (b instanceof Seq x && x.origin().isInput() && a instanceof Const v && noStepMeaning(x)) {
            return InputOps.affine(c, op, x, v, true);
        }
        if (a instanceof Const || b instanceof Const) {
            boolean constantFirst = a instanceof Const;
            Const v = (Const) (constantFirst ? a : b);
            GraphValue x = constantFirst ? b : a;
            return withConstant(c, op, x, v, constantFirst);
        }
        if (op.equals("Mul") || op.equals("Add")) {
            GraphValue out = combine(c, op, a, b);
            if (out == null) {
                out = combine(c, op, b, a);
            }
            if (out != null) {
                return out;
            }
        }
        return c.unsupported(op + " of " + GraphWalker.describeValue(a) + " and " + GraphWalker.describeValue(b)
                + " is not supported");
    }

    private static boolean noStepMeaning(Seq x) {
        return x.meaning().head().isEmpty() && x.meaning().pick() == GraphValue.Pick.ALL;
    }

    static GraphValue known(Dims d) {
        long[] v = new long[d.dims().size()];
        for (int i = 0; i < v.length; i++) {
            if (d.dims().get(i).isSymbolic()) {
                return d;
            }
            v[i] = d.dims().get(i).known();
        }
        return new Const(OnnxTensor.ofLongs("shape", d.scalar() ? new long[0] : new long[] {v.length}, v));
    }

    /** Elementwise op of two constants, broadcasting a single value. */
    static GraphValue fold(NodeContext c, String op, OnnxTensor a, OnnxTensor b) throws LstmcException {
        OnnxTensor shape = a.size() >= b.size() ? a : b;
        if (a.size() != b.size() && a.size() != 1 && b.size() != 1) {
            return c.unsupported(op + " of constants " + a + " and " + b + " with broadcasting is not supported");
        }
        boolean isFloat = a.isFloat() || b.isFloat();
        int n = shape.size();
        float[] f = isFloat ? new float[n] : null;
        long[] l = isFloat ? null : new long[n];
        for (int i = 0; i < n; i++) {
            int ia = a.size() == 1 ? 0 : i;
            int ib = b.size() == 1 ? 0 : i;
            if (isFloat) {
                float x = (float) a.value(ia);
                float y = (float) b.value(ib);
                f[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y;
                };
            } else {
                long x = a.longs()[ia];
                long y = b.longs()[ib];
                if (op.equals("Div") && y == 0) {
                    throw c.fail("integer division by zero");
                }
                l[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y; // ONNX truncates, as Java does
                };
            }
        }
        return new Const(new OnnxTensor(c.node.getOutput(0), shape.dims(), f, l));
    }

    /**
     * The steps of torch's {@code out[arange(B), lengths - 1]}: {@code arange(B) * T}, then
     * {@code lengths - 1 + arange(B) * T}; null for anything else.
     */
    private static GraphValue arangeIndex(NodeContext c, String op, GraphValue a, GraphValue b) {
        GraphValue.Arange r = a instanceof GraphValue.Arange x ? x : b instanceof GraphValue.Arange y ? y : null;
        if (r == null) {
            return null;
        }
        GraphValue other = r == a ? b : a;
        if (op.equals("Mul") && r.stride() == null && other instanceof Dims d && d.dims().size() == 1
                && d.dims().get(0).isSymbolic()) {
            return new GraphValue.Arange(r.axis(), d.dims().get(0).axis());
        }
        if (op.equals("Add") && r.stride() != null && other instanceof LengthIndex l && l.rowStride() == null
                && r.axis().equals(c.walker.batch()) && r.stride().equals(c.walker.time())) {
            return new LengthIndex(l.input(), l.clamped(), r.stride());
        }
        return c.unsupported(op + " of " + GraphWalker.describeValue(a) + " and " + GraphWalker.describeValue(b)
                + " is not supported");
    }

    /** {@code lengths - 1} (or {@code + -1}), and casts of it. */
    private static GraphValue lengths(NodeContext c, String op, GraphValue a, GraphValue b) {
        if (a instanceof Lengths l && b instanceof Const v && v.tensor().size() == 1
                && (op.equals("Sub") && v.tensor().value(0) == 1 || op.equals("Add") && v.tensor().value(0) == -1)) {
            return new LengthIndex(l.input(), false);
        }
        return c.unsupported(op + " of sequence lengths is supported only as lengths - 1 (the last valid step)");
    }

    /** Sequence data (or a partial GELU) with a constant. */
    private static GraphValue withConstant(NodeContext c, String op, GraphValue x, Const v, boolean constantFirst)
            throws LstmcException {
        double[] vec = v.tensor().isFloat() ? InputOps.perFeature(v) : null;
        if (vec == null) {
            return c.unsupported(op + " of " + GraphWalker.describeValue(x) + " with " + v.tensor() + " is not supported");
        }
        boolean scalar = vec.length == 1;
        double s = vec[0];
        if (x instanceof Expr e && scalar) {
            String f = e.form();
            if (op.equals("Add") && s == 1 && (f.equals("erf") || f.equals("tanh"))) {
                return new Expr(e.x(), "1+" + f, null);
            }
            if (op.equals("Mul") && near(s, 0.5) && (f.equals("x(1+erf)") || f.equals("x(1+tanh)"))) {
                return gelu(c, e.x(), f.equals("x(1+erf)"));
            }
            if (op.equals("Mul") && near(s, TANH_A) && f.equals("x3")) {
                return new Expr(e.x(), "ax3", null);
            }
            if (op.equals("Mul") && near(s, TANH_K) && f.equals("x+ax3")) {
                return new Expr(e.x(), "k(x+ax3)", null);
            }
            if (op.equals("Div") && !constantFirst && f.equals("sp:" + (float) s)) {
                Seq x0 = e.x();
                return x0.with(x0.axes(), x0.meaning().withHead(new HeadLayer.Elementwise(HeadOps.features(c, x0),
                        Activation.softplus((float) s))));
            }
            if (e.plain() != null) {
                return withConstant(c, op, e.plain(), v, constantFirst);
            }
            return c.unsupported(op + " of " + GraphWalker.describeValue(x) + " with " + s + " is not supported");
        }
        if (!(x instanceof Seq seq)) {
            return c.unsupported(op + " of " + GraphWalker.describeValue(x) + " with a constant is not supported");
        }
        GraphValue plain = denseAffine(c, op, seq, vec, constantFirst);
        Seq plainSeq = plain instanceof Seq p ? p : null;
        if (scalar && !constantFirst && op.equals("Div") && near(s, SQRT2)
                || scalar && op.equals("Mul") && near(s, 1 / SQRT2)) {
            return new Expr(seq, "x/r2", plainSeq);
        }
        if (scalar && op.equals("Mul") && near(s, 0.5)) {
            return new Expr(seq, "0.5x", plainSeq);
        }
        if (scalar && op.equals("Mul") && s > 0 && HeadOps.features(c, seq) >= 0) {
            // perhaps the start of Softplus(beta): Mul(x, beta) → Softplus → Div(beta)
            return new Expr(seq, "bx:" + (float) s, plainSeq);
        }
        return plain;
    }

    /** A bias or a per-output scale after a dense layer, folded into it. */
    static GraphValue denseAffine(NodeContext c, String op, Seq x, double[] vec, boolean constantFirst)
            throws LstmcException {
        List<HeadLayer> head = x.meaning().head();
        int n = HeadOps.features(c, x);
        if (n < 0) {
            return c.unsupported(op + " with a constant is supported on the LSTM output's features and in the head, not"
                    + " on " + GraphWalker.describeValue(x));
        }
        if (vec.length != 1 && vec.length != n) {
            return c.unsupported(op + " with " + vec.length + " values does not match the " + n + " features");
        }
        boolean afterDense = !head.isEmpty() && head.get(head.size() - 1) instanceof HeadLayer.Dense;
        if (!afterDense) {
            // y = x * s + b per feature as a diagonal dense layer: exact, since the other terms add zeros
            float[][] eye = new float[n][n];
            for (int i = 0; i < n; i++) {
                eye[i][i] = 1f;
            }
            x = HeadOps.append(c, x, HeadOps.dense(c, Matrix.of(eye), null));
            head = x.meaning().head();
        }
        HeadLayer.Dense dense = (HeadLayer.Dense) head.get(head.size() - 1);
        float[][] w = new float[n][];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            double v = vec[vec.length == 1 ? 0 : i];
            float[] row = dense.weight().row(i).clone();
            float bias = dense.bias() == null ? 0f : dense.bias().get(i);
            switch (op) {
                case "Add" -> bias = (float) (bias + v);
                case "Sub" -> {
                    if (constantFirst) {
                        for (int j = 0; j < row.length; j++) {
                            row[j] = -row[j];
                        }
                        bias = (float) (v - bias);
                    } else {
                        bias = (float) (bias - v);
                    }
                }
                case "Mul" -> {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = (float) (row[j] * v);
                    }
                    bias = (float) (bias * v);
                }
                default -> {
                    if (constantFirst || v == 0) {
                        return c.unsupported("Div of a dense layer's output is supported by a non-zero constant");
                    }
                    for (int j = 0; j < row.length; j++) {
                        row[j] = (float) (row[j] / v);
                    }
                    bias = (float) (bias / v);
                }
            }
            w[i] = row;
            b[i] = bias;
        }
        boolean noBias = dense.bias() == null && op.matches("Mul|Div");
        HeadLayer.Dense folded = HeadOps.dense(c, Matrix.of(w), noBias ? null : Matrix.vector(b));
        return x.with(x.axes(), x.meaning().withLastHead(folded));
    }

    /** Mul or Add of two non-constant values: steps of a GELU chain. */
    private static GraphValue combine(NodeContext c, String op, GraphValue a, GraphValue b) throws LstmcException {
        if (op.equals("Mul") && a instanceof Seq x && b instanceof Expr e && e.x().equals(x)) {
            switch (e.form()) {
                case "1+erf":
                    return new Expr(x, "x(1+erf)", null);
                case "1+tanh":
                    return new Expr(x, "x(1+tanh)", null);
                case "x2":
                    return new Expr(x, "x3", null);
                default:
                    break;
            }
        }
        if (op.equals("Mul") && a instanceof Seq x && b instanceof Seq y && x.equals(y)) {
            return new Expr(x, "x2", null);
        }
        if (op.equals("Mul") && a instanceof Seq x && b instanceof Seq y) {
            Seq gated = selfGated(x, y);
            if (gated != null) {
                return gated;
            }
        }
        if (op.equals("Mul") && a instanceof Expr h && h.form().equals("0.5x") && b instanceof Expr e
                && e.x().equals(h.x()) && (e.form().equals("1+erf") || e.form().equals("1+tanh"))) {
            return gelu(c, h.x(), e.form().equals("1+erf"));
        }
        if (op.equals("Add") && a instanceof Seq x && b instanceof Expr e && e.x().equals(x) && e.form().equals("ax3")) {
            return new Expr(x, "x+ax3", null);
        }
        return null;
    }

    /**
     * {@code x * f(x)} where {@code y} is {@code x} with one more elementwise stage {@code f}: SiLU for
     * Sigmoid (how torch exports {@code nn.SiLU}), HardSwish for HardSigmoid(1/6, 1/2) (torch's
     * {@code nn.Hardswish} below opset 14); null for anything else.
     */
    private static Seq selfGated(Seq x, Seq y) {
        List<HeadLayer> hy = y.meaning().head();
        if (!x.origin().equals(y.origin()) || !x.axes().equals(y.axes()) || hy.isEmpty()
                || !(hy.get(hy.size() - 1) instanceof HeadLayer.Elementwise e)
                || !y.meaning().equals(x.meaning().withHead(e))) {
            return null;
        }
        Activation f = e.function();
        Activation gated;
        if (f.kind() == Kind.SIGMOID) {
            gated = Activation.of(Kind.SILU);
        } else if (f.kind() == Kind.HARD_SIGMOID && near(f.alpha(), 1.0 / 6) && f.beta() == 0.5f) {
            gated = Activation.of(Kind.HARD_SWISH);
        } else {
            return null;
        }
        return x.with(x.axes(), x.meaning().withHead(new HeadLayer.Elementwise(e.size(), gated)));
    }

    static GraphValue tanhOfExpr(NodeContext c, Expr e) throws LstmcException {
        if (e.form().equals("k(x+ax3)")) {
            return new Expr(e.x(), "tanh", null);
        }
        if (e.plain() != null) {
            return HeadOps.elementwiseOf(c, e.plain(), Activation.TANH);
        }
        return c.unsupported("Tanh of " + GraphWalker.describeValue(e) + " is not supported");
    }

    private static GraphValue gelu(NodeContext c, Seq x, boolean exact) {
        int n = HeadOps.features(c, x);
        if (n < 0) {
            return c.unsupported("GELU of " + GraphWalker.describeValue(x) + " is not supported");
        }
        Activation f = exact ? Activation.of(Kind.GELU) : HeadOps.geluTanh();
        if (f == null) {
            return c.unsupported("the tanh approximation of GELU is not supported by this lstmc");
        }
        return x.with(x.axes(), x.meaning().withHead(new HeadLayer.Elementwise(n, f)));
    }

    private static boolean near(double value, double wanted) {
        return Math.abs(value - wanted) <= 1e-6 * Math.abs(wanted);
    }

    private static GraphValue erf(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        if (v instanceof Expr e && e.form().equals("x/r2")) {
            return new Expr(e.x(), "erf", null);
        }
        return c.unsupported("Erf of " + GraphWalker.describeValue(v) + " is supported only inside GELU");
    }

    private static GraphValue pow(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        if (v instanceof Seq x && c.in(1) instanceof Const p && p.tensor().size() == 1 && p.tensor().value(0) == 3) {
            return new Expr(x, "x3", null);
        }
        return c.unsupported("Pow of " + GraphWalker.describeValue(v) + " is supported only inside GELU (x^3)");
    }
}

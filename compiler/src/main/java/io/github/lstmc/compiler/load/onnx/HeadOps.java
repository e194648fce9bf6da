package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Matrix;
import java.util.List;

/**
 * The head after the LSTM: dense layers ({@code Gemm}, {@code MatMul} + {@code Add}), elementwise
 * functions, PReLU, Softmax/LogSoftmax over the features, and Flatten. Each applies to the features
 * on the last axis, per step or after a time step choice or reduction.
 */
final class HeadOps {
    private HeadOps() {
    }

    static void register(OpTable table) {
        table.add("MatMul", HeadOps::matMul);
        table.add("Gemm", HeadOps::gemm);
        table.add("Relu", c -> elementwise(c, Activation.of(Kind.RELU)));
        table.add("Sigmoid", c -> elementwise(c, Activation.SIGMOID));
        table.add("Tanh", HeadOps::tanh);
        table.add("Softplus", HeadOps::softplus);
        table.add("Softsign", c -> elementwise(c, Activation.of(Kind.SOFTSIGN)));
        table.add("HardSwish", c -> elementwise(c, Activation.of(Kind.HARD_SWISH)));
        table.add("LeakyRelu", c -> elementwise(c, Activation.of(Kind.LEAKY_RELU, c.attrs.getFloat("alpha", 0.01f))));
        table.add("Elu", c -> elementwise(c, Activation.of(Kind.ELU, c.attrs.getFloat("alpha", 1f))));
        table.add("Celu", c -> elementwise(c, Activation.of(Kind.CELU, c.attrs.getFloat("alpha", 1f))));
        table.add("HardSigmoid", c -> elementwise(c, Activation.of(Kind.HARD_SIGMOID, c.attrs.getFloat("alpha", 0.2f),
                c.attrs.getFloat("beta", 0.5f))));
        table.add("Selu", HeadOps::selu);
        table.add("Gelu", HeadOps::gelu);
        table.add("PRelu", HeadOps::prelu);
        table.add("Softmax", c -> softmax(c, false));
        table.add("LogSoftmax", c -> softmax(c, true));
        table.add("Flatten", HeadOps::flatten);
        table.add("BatchNormalization", HeadOps::batchNorm);
    }

    /**
     * The feature count of {@code s} if a head stage can apply to it (features on the last axis), else -1
     * (also for {@code null}, what {@link #data} gives for a value that is not sequence data).
     */
    static int features(NodeContext c, Seq s) {
        if (s == null || s.origin().isInput() || s.meaning().direction() >= 0 || s.meaning().scalar()) {
            return -1;
        }
        Axis last = s.axes().get(s.rank() - 1);
        List<HeadLayer> head = s.meaning().head();
        if (head.isEmpty()) {
            return last.factors().equals(c.walker.features(s.origin().lstm())) ? (int) last.size() : -1;
        }
        int n = head.get(head.size() - 1).outputSize();
        if (head.stream().noneMatch(stage -> stage instanceof HeadLayer.Dense)) {
            // only size-keeping stages so far: the features are still the LSTM's
            return last.factors().equals(c.walker.features(s.origin().lstm())) ? n : -1;
        }
        return last.factors().size() == 1 && last.factors().get(0).id().startsWith("out:") && last.size() == n ? n : -1;
    }

    /** {@code s} with one more head stage (whose output has {@code outputs} features). */
    static Seq append(NodeContext c, Seq s, HeadLayer stage) {
        List<Axis> axes = StepOps.replace(s.axes(), s.rank() - 1,
                Axis.of(new Factor("out:" + c.index + ":" + c.node.getOutput(0), stage.outputSize())));
        return s.with(axes, s.meaning().withHead(stage));
    }

    /** Sequence data the head can work on: a Seq, or a partial expression read plainly. */
    static Seq data(GraphValue v) {
        if (v instanceof Seq s) {
            return s;
        }
        if (v instanceof Expr e) {
            return e.plain();
        }
        return null;
    }

    private static GraphValue notHeadInput(NodeContext c, GraphValue v) {
        return c.unsupported(c.node.getOpType() + " of " + GraphWalker.describeValue(v) + " is not supported (lstmc"
                + " applies head operators to the features of the LSTM output, on the last axis)");
    }

    static GraphValue elementwise(NodeContext c, Activation f) throws LstmcException {
        return elementwiseOf(c, c.in(0), f);
    }

    static GraphValue elementwiseOf(NodeContext c, GraphValue v, Activation f) {
        Seq s = data(v);
        int n = features(c, s);
        if (n < 0) {
            return notHeadInput(c, v);
        }
        return s.with(s.axes(), s.meaning().withHead(new HeadLayer.Elementwise(n, f)));
    }

    private static GraphValue tanh(NodeContext c) throws LstmcException {
        if (c.in(0) instanceof Expr e) {
            return ArithOps.tanhOfExpr(c, e);
        }
        return elementwise(c, Activation.TANH);
    }

    /** Softplus; after {@code Mul(x, beta)}, possibly the middle of PyTorch's Softplus(beta). */
    private static GraphValue softplus(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue plain = elementwise(c, Activation.of(Kind.SOFTPLUS));
        if (v instanceof Expr e && e.form().startsWith("bx:")) {
            return new Expr(e.x(), "sp:" + e.form().substring(3), plain instanceof Seq p ? p : null);
        }
        return plain;
    }

    private static GraphValue selu(NodeContext c) throws LstmcException {
        float alpha = c.attrs.getFloat("alpha", 1.67326319217681884765625f);
        float gamma = c.attrs.getFloat("gamma", 1.05070102214813232421875f);
        if (alpha != 1.67326319217681884765625f || gamma != 1.05070102214813232421875f) {
            return c.unsupported("Selu with alpha " + alpha + " and gamma " + gamma + " is not supported (lstmc"
                    + " computes Selu with the standard constants)");
        }
        return elementwise(c, Activation.of(Kind.SELU));
    }

    private static GraphValue gelu(NodeContext c) throws LstmcException {
        String approximate = c.attrs.getString("approximate", "none");
        if (approximate.equals("none")) {
            return elementwise(c, Activation.of(Kind.GELU));
        }
        if (approximate.equals("tanh")) {
            Activation f = geluTanh();
            return f == null ? c.unsupported("the tanh approximation of GELU is not supported by this lstmc")
                    : elementwise(c, f);
        }
        throw c.fail("attribute 'approximate' is '" + approximate + "', expected none or tanh");
    }

    /** GELU's tanh form, if the IR has it. */
    static Activation geluTanh() {
        for (Kind k : Kind.values()) {
            if (k.name().equals("GELU_TANH")) {
                return Activation.of(k);
            }
        }
        return null;
    }

    private static GraphValue prelu(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        Seq s = data(v);
        int n = features(c, s);
        if (n < 0) {
            return notHeadInput(c, v);
        }
        if (!(c.in(1) instanceof Const slope) || !slope.tensor().isFloat()) {
            return c.unsupported("PRelu needs a constant slope");
        }
        double[] values = InputOps.perFeature(slope);
        if (values == null || values.length != 1 && values.length != n) {
            return c.unsupported("PRelu slope " + slope.tensor() + " is not one value or one per feature (" + n + ")");
        }
        float[] per = new float[n];
        for (int i = 0; i < n; i++) {
            per[i] = (float) values[values.length == 1 ? 0 : i];
        }
        return s.with(s.axes(), s.meaning().withHead(new HeadLayer.PRelu(Matrix.vector(per))));
    }

    private static GraphValue softmax(NodeContext c, boolean log) throws LstmcException {
        GraphValue v = c.in(0);
        Seq s = data(v);
        int n = features(c, s);
        if (n < 0) {
            return notHeadInput(c, v);
        }
        long opset = c.walker.opset();
        long axis = c.attrs.getInt("axis", opset >= 13 ? -1 : 1);
        long a = axis < 0 ? axis + s.rank() : axis;
        if (a != s.rank() - 1) {
            return c.unsupported(c.node.getOpType() + " on axis " + axis + " is not supported (lstmc applies it over"
                    + " the features, the last axis " + (s.rank() - 1) + ")");
        }
        return s.with(s.axes(), s.meaning().withHead(new HeadLayer.Softmax(n, log)));
    }

    /** {@code x @ W} with a constant {@code W [in, out]}: a dense layer without bias. */
    private static GraphValue matMul(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        Seq s = data(v);
        int n = features(c, s);
        if (n < 0) {
            return notHeadInput(c, v);
        }
        if (!(c.in(1) instanceof Const w) || !w.tensor().isFloat() || w.tensor().rank() != 2) {
            return c.unsupported("MatMul needs a constant [in, out] weight as its second input");
        }
        long[] dims = w.tensor().dims();
        if (dims[0] != n) {
            throw c.fail("weight " + w.tensor() + " takes " + dims[0] + " features, the data has " + n);
        }
        Matrix weight = Matrix.of((int) dims[0], (int) dims[1], w.tensor().floats()).transpose();
        return append(c, s, dense(c, weight, null));
    }

    /** {@code alpha * A B' + beta * C} on [batch, features] data. */
    private static GraphValue gemm(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        Seq s = data(v);
        int n = features(c, s);
        if (n < 0 || s.rank() != 2) {
            return notHeadInput(c, v);
        }
        if (c.attrs.getInt("transA", 0) != 0) {
            return c.unsupported("Gemm with transA=1 of data is not supported");
        }
        if (!(c.in(1) instanceof Const b) || !b.tensor().isFloat() || b.tensor().rank() != 2) {
            return c.unsupported("Gemm needs a constant weight B");
        }
        boolean transB = c.attrs.getInt("transB", 0) != 0;
        float alpha = c.attrs.getFloat("alpha", 1f);
        float beta = c.attrs.getFloat("beta", 1f);
        long[] dims = b.tensor().dims();
        Matrix weight = Matrix.of((int) dims[0], (int) dims[1], b.tensor().floats());
        if (!transB) {
            weight = weight.transpose();
        }
        if (weight.cols() != n) {
            throw c.fail("weight " + b.tensor() + " takes " + weight.cols() + " features, the data has " + n);
        }
        if (alpha != 1f) {
            weight = scale(weight, alpha);
        }
        Matrix bias = null;
        if (c.has(2)) {
            if (!(c.in(2) instanceof Const cc) || !cc.tensor().isFloat()) {
                return c.unsupported("Gemm needs a constant C");
            }
            double[] values = InputOps.perFeature(cc);
            if (values == null || values.length != 1 && values.length != weight.rows()) {
                return c.unsupported("Gemm bias " + cc.tensor() + " is not one value or one per output");
            }
            float[] bv = new float[weight.rows()];
            for (int i = 0; i < bv.length; i++) {
                bv[i] = (float) (beta * values[values.length == 1 ? 0 : i]);
            }
            bias = Matrix.vector(bv);
        }
        return append(c, s, dense(c, weight, bias));
    }

    static HeadLayer.Dense dense(NodeContext c, Matrix weight, Matrix bias) throws LstmcException {
        try {
            return new HeadLayer.Dense(weight, bias);
        } catch (IllegalArgumentException e) {
            throw c.fail(e.getMessage());
        }
    }

    static Matrix scale(Matrix m, double by) {
        float[] a = m.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (a[i] * by);
        }
        return Matrix.of(m.rows(), m.cols(), a);
    }

    /** Flatten(axis): axes before and from {@code axis} merged into two (a relabeling of the data). */
    private static GraphValue flatten(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        if (!(v instanceof Seq s)) {
            return c.unsupported("Flatten of " + GraphWalker.describeValue(v) + " is not supported");
        }
        long axis = c.attrs.getInt("axis", 1);
        int a = (int) (axis < 0 ? axis + s.rank() : axis);
        if (a < 0 || a > s.rank()) {
            throw c.fail("axis " + axis + " is outside rank " + s.rank());
        }
        List<Factor> front = new java.util.ArrayList<>();
        List<Factor> back = new java.util.ArrayList<>();
        for (int k = 0; k < s.rank(); k++) {
            (k < a ? front : back).addAll(s.axes().get(k).factors());
        }
        return s.withAxes(List.of(new Axis(front), new Axis(back)));
    }

    /**
     * BatchNormalization in inference mode: a per-channel affine transform, folded into the input
     * transform (channels on axis 1 of the input, as BatchNorm1d sees {@code [B, F, T]}) or into the
     * head ({@code [B, F]} after a reduction).
     */
    private static GraphValue batchNorm(NodeContext c) throws LstmcException {
        if (c.attrs.getInt("training_mode", 0) != 0 || c.node.getOutputCount() > 1) {
            return c.unsupported("BatchNormalization in training mode is not supported; export the model in eval mode");
        }
        double epsilon = c.attrs.getFloat("epsilon", 1e-5f);
        double[][] p = new double[4][];
        for (int k = 0; k < 4; k++) {
            if (!(c.in(k + 1) instanceof Const t) || !t.tensor().isFloat() || t.tensor().rank() != 1) {
                return c.unsupported("BatchNormalization needs constant scale, bias, mean and variance vectors");
            }
            p[k] = InputOps.perFeature(t);
        }
        int n = p[0].length;
        double[] scale = new double[n];
        double[] shift = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = p[0][i] / Math.sqrt(p[3][i] + epsilon);
            shift[i] = p[1][i] - p[2][i] * scale[i];
        }
        GraphValue v = c.in(0);
        if (v instanceof Seq x && x.origin().isInput() && x.rank() == 3 && x.meaning().embedding() == null
                && x.axes().get(1).equals(Axis.of(new Factor(x.origin().graphInput() + ":2", -1)))) {
            GraphValue scaled = InputOps.apply(c, "Mul", x, scale, false);
            return scaled instanceof Seq s ? InputOps.apply(c, "Add", s, shift, false) : scaled;
        }
        Seq x = data(v);
        if (x == null || x.rank() != 2 || features(c, x) != n) {
            return c.unsupported("BatchNormalization of " + GraphWalker.describeValue(v) + " is supported on the input"
                    + " ([batch, features, seq]) and on [batch, features] in the head");
        }
        GraphValue scaled = ArithOps.denseAffine(c, "Mul", x, scale, false);
        return scaled instanceof Seq s ? ArithOps.denseAffine(c, "Add", s, shift, false) : scaled;
    }
}

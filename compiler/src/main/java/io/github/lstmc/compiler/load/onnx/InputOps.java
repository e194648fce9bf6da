package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Ids;
import io.github.lstmc.compiler.load.onnx.GraphValue.Meaning;
import io.github.lstmc.compiler.load.onnx.GraphValue.Origin;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import java.util.List;

/**
 * The input stage: token ids looked up in an embedding table ({@code Gather} on an initializer),
 * with the index clamping Keras exports, and constant per-feature affine transforms of float input
 * ({@code (x - mean) / std}).
 */
final class InputOps {
    private InputOps() {
    }

    /** {@code Gather(table, ids)}: an embedding lookup. */
    static GraphValue embedding(NodeContext c, GraphValue data, Ids ids, long axis) throws LstmcException {
        if (ids.floating()) {
            return c.unsupported("token ids must be integers (Cast them first)");
        }
        if (!(data instanceof Const table) || !table.tensor().isFloat() || table.tensor().rank() != 2 || axis != 0) {
            return c.unsupported("Gather with token ids is supported as an embedding lookup: axis 0 of a constant"
                    + " [vocabulary, dimension] float table, got " + GraphWalker.describeValue(data) + " on axis " + axis);
        }
        long[] dims = table.tensor().dims();
        if (dims[0] < 1 || dims[1] < 1) {
            throw c.fail("embedding table " + table.tensor() + " is empty");
        }
        String in = ids.input();
        List<Axis> axes = List.of(Axis.of(new Factor(in + ":0", -1)), Axis.of(new Factor(in + ":1", -1)),
                Axis.of(new Factor("emb:" + in, dims[1])));
        return new Seq(Origin.input(in), axes, Meaning.RAW.withEmbedding(table.tensor()));
    }

    /**
     * Clip/Max/Min of token ids (Keras clamps them into the table): the identity for the ids a
     * compiled model accepts, since out-of-range ids are rejected at run time.
     */
    static GraphValue clampIds(NodeContext c, Ids ids) {
        return ids;
    }

    /**
     * {@code x op v} for float input {@code x} and a constant per-feature (or scalar) {@code v}:
     * folded into the input's affine transform. {@code constantFirst}: {@code v op x}.
     */
    static GraphValue affine(NodeContext c, String op, Seq x, Const v, boolean constantFirst) {
        Meaning m = x.meaning();
        if (m.embedding() != null) {
            return c.unsupported(op + " of embedded tokens is not supported");
        }
        Axis last = x.axes().get(x.rank() - 1);
        if (!last.equals(Axis.of(new Factor(x.origin().graphInput() + ":2", -1)))) {
            return c.unsupported(op + " of the input is supported with the features on the last axis, got axes "
                    + x.axes());
        }
        double[] vec = perFeature(v);
        if (vec == null) {
            return c.unsupported(op + " of the input with " + v.tensor() + " is not supported (lstmc folds constant"
                    + " per-feature vectors into an input transform)");
        }
        return apply(c, op, x, vec, constantFirst);
    }

    /** {@code x op vec} per feature, folded into the input transform (the feature axis already checked). */
    static GraphValue apply(NodeContext c, String op, Seq x, double[] vec, boolean constantFirst) {
        Meaning m = x.meaning();
        double[] scale = m.scale() == null ? new double[] {1} : m.scale();
        double[] shift = m.shift() == null ? new double[] {0} : m.shift();
        int n = Math.max(Math.max(scale.length, shift.length), vec.length);
        if (scale.length != 1 && scale.length != n || shift.length != 1 && shift.length != n) {
            return c.unsupported(op + " with " + vec.length + " values does not match the input transform's "
                    + Math.max(scale.length, shift.length) + " features");
        }
        double[] s = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            double si = scale[scale.length == 1 ? 0 : i];
            double bi = shift[shift.length == 1 ? 0 : i];
            double vi = vec[vec.length == 1 ? 0 : i];
            switch (op) {
                case "Add" -> {
                    s[i] = si;
                    b[i] = bi + vi;
                }
                case "Sub" -> {
                    s[i] = constantFirst ? -si : si;
                    b[i] = constantFirst ? vi - bi : bi - vi;
                }
                case "Mul" -> {
                    s[i] = si * vi;
                    b[i] = bi * vi;
                }
                case "Div" -> {
                    if (constantFirst || vi == 0) {
                        return c.unsupported("Div of the input is supported only by a non-zero constant");
                    }
                    s[i] = si / vi;
                    b[i] = bi / vi;
                }
                default -> {
                    return c.unsupported(op + " of the input is not supported");
                }
            }
        }
        return x.with(x.axes(), m.withAffine(s, b));
    }

    /** A constant whose only non-unit axis is the last: its values; null otherwise. */
    static double[] perFeature(Const v) {
        OnnxTensor t = v.tensor();
        for (int k = 0; k < t.rank() - 1; k++) {
            if (t.dims()[k] != 1) {
                return null;
            }
        }
        if (t.size() == 0) {
            return null;
        }
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.value(i);
        }
        return out;
    }
}

package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Origin;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.model.Layer;
import java.util.List;

/** The LSTM node: its weights compiled in, its inputs checked, its outputs as symbolic values. */
final class RecurrentOps {
    private RecurrentOps() {
    }

    static void register(OpTable table) {
        table.addRaw("LSTM", RecurrentOps::lstm);
    }

    static List<GraphValue> lstm(NodeContext c) throws LstmcException {
        int index = c.walker.lstms().size();
        String where = c.file() + ": " + c.description;
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
                    + GraphWalker.describeValue(x));
        }
        GraphValue.Meaning m = seq.meaning();
        if (m.pick() != GraphValue.Pick.ALL || m.direction() >= 0 || !m.head().isEmpty()) {
            throw c.fail("input X is " + GraphWalker.describeValue(x) + " after a time step choice, direction split or"
                    + " head operator; lstmc stacks LSTM layers on whole sequences");
        }
        for (Axis axis : seq.axes().subList(0, 2)) {
            if (axis.factors().size() != 1 || axis.size() >= 0) {
                throw c.fail("input X has axes " + seq.axes() + "; lstmc cannot tell its sequence and batch axes apart");
            }
        }
        GraphValue lengths = c.has(4) ? c.in(4) : null;
        if (lengths instanceof GraphValue.Unsupported u) {
            throw new LstmcException(u.message()); // the cause, not that it is unsupported
        }
        if (lengths instanceof Const cst) {
            lengths = constantLengths(c, cst.tensor());
        } else if (lengths != null && !(lengths instanceof Lengths)) {
            throw c.fail("input sequence_lens must be an integer graph input (lengths given at run time) or an integer"
                    + " constant (compiled in), got " + GraphWalker.describeValue(lengths));
        }
        GraphValue initialH = state(c, 5, "initial_h", d, h, a.layout());
        GraphValue initialC = state(c, 6, "initial_c", d, h, a.layout());
        c.walker.addLstm(new GraphWalker.LstmNode(index, c.description, layer, d, h, a.layout(), seq, initialH, initialC, lengths));

        Axis time = seq.axes().get(a.layout() == 0 ? 0 : 1);
        Axis batch = seq.axes().get(a.layout() == 0 ? 1 : 0);
        Axis dirs = d == 1 ? new Axis(List.of()) : Axis.of(new Factor("dir:" + index, d));
        Axis hidden = Axis.of(new Factor("hid:" + index, h));
        List<Axis> yAxes = a.layout() == 0 ? List.of(time, dirs, batch, hidden) : List.of(batch, time, dirs, hidden);
        Seq y = new Seq(Origin.lstm(index), yAxes);
        return List.of(y, new StateOut(List.of(index), false), new StateOut(List.of(index), true));
    }

    /**
     * A constant sequence_lens {@code [batch]}: compiled in as the model's fixed lengths, each in
     * {@code 0..2^31-1} (0 as ONNX Runtime takes it: the row's outputs are zeros).
     */
    private static GraphValue constantLengths(NodeContext c, OnnxTensor t) throws LstmcException {
        if (t.isFloat() || t.dims().length != 1 || t.dims()[0] < 1) {
            throw c.fail("input sequence_lens " + t + " must be an integer constant of rank 1 with at least one row");
        }
        long[] values = t.asLongs();
        if (values.length > io.github.lstmc.compiler.model.Model.MAX_FIXED_ROWS) {
            throw c.fail("input sequence_lens " + t + " has " + values.length + " rows; lstmc compiles in at most "
                    + io.github.lstmc.compiler.model.Model.MAX_FIXED_ROWS);
        }
        List<Integer> rows = new java.util.ArrayList<>();
        for (int b = 0; b < values.length; b++) {
            if (values[b] < 0 || values[b] > Integer.MAX_VALUE) {
                throw c.fail("input sequence_lens " + t + " row " + b + " is " + values[b] + "; lengths must be in"
                        + " 0.." + Integer.MAX_VALUE);
            }
            rows.add((int) values[b]);
        }
        return new GraphValue.FixedLengths(rows);
    }

    static OnnxTensor weight(NodeContext c, int k, String name, boolean required) throws LstmcException {
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
                + " node), got " + GraphWalker.describeValue(v));
    }

    /**
     * A non-zero constant {@code [D, B0, H]} (layout 1: {@code [B0, D, H]}) whose batch rows are all the same
     * (usually {@code B0 = 1}): compiled in as the state every row starts from. Rows that differ would tie
     * the model to one batch size, so they are refused.
     */
    private static GraphValue constantState(NodeContext c, String name, OnnxTensor t, int d, int h, int layout)
            throws LstmcException {
        long[] dims = t.dims();
        int rows = (int) dims[layout == 0 ? 1 : 0];
        if (!t.isFloat() || rows < 1) {
            throw c.fail("input " + name + " " + t + " must be a float constant with at least one batch row");
        }
        float[][] perDirection = new float[d][h];
        for (int dir = 0; dir < d; dir++) {
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < h; j++) {
                    long at = layout == 0 ? ((long) dir * rows + b) * h + j : ((long) b * d + dir) * h + j;
                    float value = t.floats()[(int) at];
                    if (b == 0) {
                        perDirection[dir][j] = value;
                    } else if (Float.floatToIntBits(value) != Float.floatToIntBits(perDirection[dir][j])) {
                        throw c.fail("input " + name + " " + t + " is a constant that differs between batch rows;"
                                + " lstmc compiles in a constant initial state only when every row starts alike (pass"
                                + " per-row states as a graph input instead)");
                    }
                }
            }
        }
        return new GraphValue.ConstState(perDirection);
    }

    /** An initial state: null (zero), a constant (ConstState), or a StateRows of a graph input. */
    static GraphValue state(NodeContext c, int k, String name, int d, int h, int layout) throws LstmcException {
        if (!c.has(k)) {
            return null;
        }
        GraphValue v = c.in(k);
        if (v instanceof Fill f) {
            if (f.value() == 0) {
                return null;
            }
            float[][] rows = new float[d][h];
            for (float[] row : rows) {
                java.util.Arrays.fill(row, (float) f.value());
            }
            return new GraphValue.ConstState(rows);
        }
        if (v instanceof GraphValue.Broadcast b) {
            v = new Const(b.tensor());
        }
        if (v instanceof Const cst) {
            OnnxTensor t = cst.tensor();
            long[] dims = t.dims();
            if (dims.length != 3 || dims[layout == 0 ? 0 : 1] != d || dims[2] != h) {
                throw c.fail("input " + name + " " + t + " must have shape " + (layout == 0 ? "[" + d + ", batch, " + h + "]"
                        : "[batch, " + d + ", " + h + "]"));
            }
            if (t.isAllZero()) {
                return null;
            }
            return constantState(c, name, t, d, h, layout);
        }
        if (v instanceof Seq s && s.origin().isInput()) {
            return new StateRows(s.origin().graphInput(), 0, d);
        }
        if (v instanceof GraphValue.PackedState p && p.form() == 2 && d == 1 && layout == 0) {
            return p;
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
        throw c.fail("input " + name + " must be zero, a graph input or a slice of one, got " + GraphWalker.describeValue(v));
    }
}

package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.LengthIndex;
import io.github.lstmc.compiler.load.onnx.GraphValue.Pick;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import java.util.List;

/**
 * Reductions over time: {@code ReduceMean}/{@code ReduceMax} over the time axis of the LSTM output
 * (or {@code GlobalAveragePool}/{@code GlobalMaxPool} with time last),
 * and each row's last valid step ({@code GatherElements} with {@code lengths - 1} as indices).
 */
final class ReductionOps {
    private ReductionOps() {
    }

    static void register(OpTable table) {
        table.add("ReduceMean", c -> reduce(c, Pick.MEAN));
        table.add("ReduceMax", c -> reduce(c, Pick.MAX));
        table.add("GatherElements", ReductionOps::gatherElements);
        table.add("GlobalAveragePool", c -> globalPool(c, Pick.MEAN));
        table.add("GlobalMaxPool", c -> globalPool(c, Pick.MAX));
    }

    /**
     * {@code GlobalAveragePool}/{@code GlobalMaxPool} of the LSTM output permuted to {@code [batch,
     * features, time]}: how torch exports {@code AdaptiveAvgPool1d(1)}/{@code AdaptiveMaxPool1d(1)} over
     * time, the mean or maximum over time with the time axis kept as size 1.
     */
    private static GraphValue globalPool(NodeContext c, Pick pick) throws LstmcException {
        GraphValue v = c.in(0);
        String op = c.node.getOpType();
        if (!(v instanceof Seq s) || s.origin().isInput() || s.rank() != 3) {
            return c.unsupported(op + " of " + GraphWalker.describeValue(v) + " is not supported (lstmc pools the LSTM"
                    + " output [batch, features, time] over time)");
        }
        if (!s.axes().get(2).equals(c.walker.time())) {
            return c.unsupported(op + " over axis 2 " + s.axes().get(2) + " of " + GraphWalker.describeValue(s)
                    + " is not supported (lstmc pools over the time axis only)");
        }
        return reduceOver(c, s, 2, true, pick);
    }

    private static GraphValue reduce(NodeContext c, Pick pick) throws LstmcException {
        GraphValue v = c.in(0);
        String op = c.node.getOpType();
        if (pick == Pick.MAX && MaskOps.isMaxMasked(v)) {
            long[] axes = c.walker.opset() >= 18 ? (c.has(1) ? c.ints(1, "axes") : null) : c.attrs.getInts("axes");
            return MaskOps.maxOver(c, (GraphValue.Expr) v, axes, c.attrs.getInt("keepdims", 1) != 0);
        }
        if (!(v instanceof Seq s) || s.origin().isInput()) {
            return c.unsupported(op + " of " + GraphWalker.describeValue(v) + " is not supported (lstmc reduces the LSTM"
                    + " output over time)");
        }
        long[] axes = c.walker.opset() >= 18 ? (c.has(1) ? c.ints(1, "axes") : null) : c.attrs.getInts("axes");
        if (axes == null || axes.length != 1) {
            return c.unsupported(op + " over axes " + (axes == null ? "all" : java.util.Arrays.toString(axes))
                    + " is not supported (lstmc reduces over the time axis only)");
        }
        int a = (int) (axes[0] < 0 ? axes[0] + s.rank() : axes[0]);
        if (a < 0 || a >= s.rank() || !s.axes().get(a).equals(c.walker.time())) {
            return c.unsupported(op + " over axis " + axes[0] + " is not supported (lstmc reduces over the time axis"
                    + " only)");
        }
        return reduceOver(c, s, a, c.attrs.getInt("keepdims", 1) != 0, pick);
    }

    /** The mean or maximum of the LSTM output over its time axis {@code a}. */
    private static GraphValue reduceOver(NodeContext c, Seq s, int a, boolean keep, Pick pick) {
        String op = c.node.getOpType();
        if (s.meaning().pick() != Pick.ALL || !s.meaning().head().isEmpty()) {
            return c.unsupported(op + " over time after a head operator is not supported (lstmc reduces the LSTM"
                    + " output itself)");
        }
        boolean lengths = c.walker.lstms().stream().anyMatch(n -> n.lengths() != null);
        if (lengths) {
            return c.unsupported(op + " over time of an LSTM with sequence_lens would include the padded steps, which"
                    + " lstmc's " + pick + " leaves out");
        }
        List<Axis> out = keep ? StepOps.replace(s.axes(), a, Axis.of()) : StepOps.without(s.axes(), a);
        return s.with(out, s.meaning().withPick(pick, null));
    }

    /** {@code GatherElements(Y, lengths - 1, axis = time)}: each row's last valid step. */
    private static GraphValue gatherElements(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue idx = c.in(1);
        if (!(v instanceof Seq s) || s.origin().isInput() || !(idx instanceof LengthIndex l) || l.rowStride() != null) {
            return c.unsupported("GatherElements is supported as the last valid step (LSTM output indexed by lengths"
                    + " - 1), got " + GraphWalker.describeValue(v) + " and " + GraphWalker.describeValue(idx));
        }
        long axis = c.attrs.getInt("axis", 0);
        int a = (int) (axis < 0 ? axis + s.rank() : axis);
        if (a < 0 || a >= s.rank() || !s.axes().get(a).equals(c.walker.time()) || s.meaning().pick() != Pick.ALL) {
            return c.unsupported("GatherElements on axis " + axis + " is not along the time axis of the LSTM output");
        }
        // Unclamped, lengths - 1 reads step -1 for an empty row where lstmc reads step 0: rows of length 0 have
        // no last valid step, and any choice is as good; every other row is the same.
        return s.with(StepOps.replace(s.axes(), a, Axis.of()), s.meaning().withPick(Pick.LAST_VALID, l.input()));
    }

    /**
     * {@code Gather(Flatten(Y), lengths - 1 + arange(B) * T)}: each row's last valid step of the
     * batch-first output flattened to {@code [batch * seq, features]}.
     */
    static GraphValue flatLastValid(NodeContext c, Seq s, LengthIndex l) {
        Axis batch = c.walker.batch();
        Axis time = c.walker.time();
        List<GraphValue.Factor> rows = new java.util.ArrayList<>(batch.factors());
        rows.addAll(time.factors());
        if (l.rowStride() == null || s.origin().isInput() || s.meaning().pick() != Pick.ALL
                || !s.axes().get(0).factors().equals(rows)) {
            return c.unsupported("Gather with lengths - 1 is supported on the LSTM output flattened to [batch * seq,"
                    + " features], got " + GraphWalker.describeValue(s));
        }
        return s.with(StepOps.replace(s.axes(), 0, batch), s.meaning().withPick(Pick.LAST_VALID, l.input()));
    }
}

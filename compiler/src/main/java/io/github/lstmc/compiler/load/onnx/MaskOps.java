package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Arange;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Pick;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.Spread;
import io.github.lstmc.compiler.load.onnx.GraphValue.ValidMask;
import java.util.List;

/**
 * The mean over valid steps written with a mask, PyTorch's commonest idiom for it:
 * {@code mask = arange(T)[None, :] < lengths[:, None]}, {@code (out * mask[..., None]).sum(1) / lengths[:, None]}
 * (or {@code / mask.sum(1, keepdim=True)}), and the maximum over valid steps,
 * {@code out.masked_fill(~mask[..., None], -inf).max(1)}. The mask and the masked output are only
 * meaningful as these chains: the masked output and its sum are {@link Expr}s, which no other operator accepts.
 */
final class MaskOps {
    private static final String MASKED = "masked:";
    private static final String VALID_SUM = "validSum:";
    private static final String MAX_MASKED = "maxMasked:";

    private MaskOps() {
    }

    static void register(OpTable table) {
        table.add("Less", c -> less(c, c.in(0), c.in(1)));
        table.add("Greater", c -> less(c, c.in(1), c.in(0)));
        table.add("ReduceSum", MaskOps::reduceSum);
        table.addRaw("TopK", MaskOps::topK);
    }

    /**
     * TopK is refused; on the lengths input it is how torch exports {@code pack_padded_sequence(...,
     * enforce_sorted=False)} (sort the batch by length, unsort the results), which no cut removes.
     */
    private static List<GraphValue> topK(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue.Unsupported refusal = v instanceof Lengths l
                ? new GraphValue.Unsupported(c.file() + ": " + c.description + ": sorting the batch by graph input '"
                        + l.input() + "' (pack_padded_sequence with enforce_sorted=False) is not supported; sort the"
                        + " batch by length before the model and export with enforce_sorted=True, or without packing")
                : c.unsupported("operator TopK is not supported by lstmc's ONNX importer");
        return java.util.Collections.nCopies(Math.max(1, c.node.getOutputCount()), refusal);
    }

    /** Whether Unsqueeze and Cast should hand {@code v} to this class. */
    static boolean isMaskPart(GraphValue v) {
        return v instanceof Spread || v instanceof ValidMask || v instanceof Arange a && a.stride() == null
                || v instanceof Lengths;
    }

    static GraphValue unsqueeze(NodeContext c, GraphValue v, long[] axes) throws LstmcException {
        if (v instanceof Arange || v instanceof Lengths) {
            v = new Spread(v, 1, 0);
        }
        int oldRank = v instanceof Spread s ? s.rank() : ((ValidMask) v).rank();
        int rank = oldRank + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int k = (int) (a < 0 ? a + rank : a);
            if (k < 0 || k >= rank || inserted[k]) {
                throw c.fail("Unsqueeze axis " + a + " is invalid for output rank " + rank);
            }
            inserted[k] = true;
        }
        if (v instanceof Spread s) {
            return new Spread(s.base(), rank, moved(s.at(), inserted));
        }
        ValidMask m = (ValidMask) v;
        return new ValidMask(m.lengths(), rank, moved(m.timeAt(), inserted), moved(m.batchAt(), inserted), m.padded());
    }

    /** Where old axis {@code at} lands once the axes marked {@code inserted} are added. */
    private static int moved(int at, boolean[] inserted) {
        int old = 0;
        for (int k = 0; k < inserted.length; k++) {
            if (!inserted[k]) {
                if (old == at) {
                    return k;
                }
                old++;
            }
        }
        throw new IllegalStateException("axis " + at + " out of range");
    }

    /** {@code steps < lengths}: the steps on one axis, the lengths on another. */
    private static GraphValue less(NodeContext c, GraphValue smaller, GraphValue larger) throws LstmcException {
        Axis time = c.walker.time();
        if (smaller instanceof Spread st && st.base() instanceof Arange a && time != null && a.axis().equals(time)
                && larger instanceof Spread sl && sl.base() instanceof Lengths l && st.rank() == sl.rank()
                && st.at() != sl.at()) {
            return new ValidMask(l.input(), st.rank(), st.at(), sl.at(), false);
        }
        return c.unsupported(c.node.getOpType() + " of " + GraphWalker.describeValue(smaller) + " and "
                + GraphWalker.describeValue(larger) + " is not supported (lstmc compares the steps with the lengths"
                + " input, arange(T)[None, :] < lengths[:, None], for a mean over valid steps)");
    }

    /** LSTM output times a validity mask: the padded steps zeroed, to be summed over time. */
    static GraphValue multiply(NodeContext c, GraphValue a, GraphValue b) throws LstmcException {
        ValidMask m = (ValidMask) (a instanceof ValidMask ? a : b);
        GraphValue other = a instanceof ValidMask ? b : a;
        if (fits(c, m, other) && onlyTimeAndBatch(m)) {
            return new Expr((Seq) other, MASKED + m.lengths(), null);
        }
        return c.unsupported("Mul of " + GraphWalker.describeValue(other) + " by a mask of valid steps is not supported"
                + " (lstmc masks the LSTM output itself, the mask on its time and batch axes)");
    }

    private static boolean onlyTimeAndBatch(ValidMask m) {
        return m.timeAt() != m.batchAt() && !m.padded();
    }

    /** Whether the mask lines up with the time and batch axes of {@code s}, the LSTM output itself. */
    private static boolean fits(NodeContext c, ValidMask m, GraphValue v) {
        return v instanceof Seq s && !s.origin().isInput() && s.meaning().pick() == Pick.ALL
                && s.meaning().head().isEmpty() && s.meaning().direction() < 0 && s.rank() == m.rank()
                && s.axes().get(m.timeAt()).equals(c.walker.time()) && s.axes().get(m.batchAt()).equals(c.walker.batch());
    }

    /** {@code Equal(mask, 0)} or {@code Equal(mask, 1)}: the padded or the valid steps. */
    static GraphValue equal(NodeContext c, ValidMask m, GraphValue other) {
        if (other instanceof GraphValue.Const k && k.tensor().size() == 1
                && (k.tensor().value(0) == 0 || k.tensor().value(0) == 1)) {
            return k.tensor().value(0) == 0 ? m.negated() : m;
        }
        return c.unsupported("Equal of a mask of valid steps and " + GraphWalker.describeValue(other)
                + " is not supported");
    }

    /**
     * {@code Where(padded, very negative, out)} ({@code out.masked_fill(~mask, -inf)}): the LSTM output
     * with the padded steps out of a maximum over time.
     */
    static GraphValue where(NodeContext c, ValidMask m, GraphValue ifTrue, GraphValue ifFalse) {
        GraphValue fill = m.padded() ? ifTrue : ifFalse;
        GraphValue data = m.padded() ? ifFalse : ifTrue;
        if (fill instanceof GraphValue.Const k && k.tensor().size() == 1 && k.tensor().value(0) <= -1e4
                && fits(c, m, data)) {
            return new Expr((Seq) data, MAX_MASKED + m.lengths(), null);
        }
        return c.unsupported("Where of a mask of valid steps is supported as the LSTM output with the padded steps"
                + " filled with a very negative constant (masked_fill before a max over time)");
    }

    /** The maximum over time of the output with padded steps filled: the maximum over valid steps. */
    static GraphValue maxOver(NodeContext c, Expr e, long[] axes, boolean keep) {
        Seq s = e.x();
        int a = axes == null || axes.length != 1 ? -1 : (int) (axes[0] < 0 ? axes[0] + s.rank() : axes[0]);
        if (a < 0 || a >= s.rank() || !s.axes().get(a).equals(c.walker.time())) {
            return c.unsupported("ReduceMax of the masked LSTM output is supported over the time axis only");
        }
        List<Axis> out = keep ? StepOps.replace(s.axes(), a, Axis.of()) : StepOps.without(s.axes(), a);
        return s.with(out, s.meaning().withPick(Pick.MAX, e.form().substring(MAX_MASKED.length())));
    }

    static boolean isMaxMasked(GraphValue v) {
        return v instanceof Expr e && e.form().startsWith(MAX_MASKED);
    }

    private static GraphValue reduceSum(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] axes = c.walker.opset() >= 13 ? (c.has(1) ? c.ints(1, "axes") : null) : c.attrs.getInts("axes");
        boolean keep = c.attrs.getInt("keepdims", 1) != 0;
        if (axes != null && axes.length == 1 && v instanceof Expr e && e.form().startsWith(MASKED)) {
            Seq s = e.x();
            int a = (int) (axes[0] < 0 ? axes[0] + s.rank() : axes[0]);
            if (a >= 0 && a < s.rank() && s.axes().get(a).equals(c.walker.time())) {
                List<Axis> out = keep ? StepOps.replace(s.axes(), a, Axis.of()) : StepOps.without(s.axes(), a);
                return new Expr(s.withAxes(out), VALID_SUM + e.form().substring(MASKED.length()), null);
            }
        }
        if (axes != null && axes.length == 1 && v instanceof ValidMask m) {
            int a = (int) (axes[0] < 0 ? axes[0] + m.rank() : axes[0]);
            if (a == m.timeAt()) {
                // mask.sum(time) is min(lengths, T): the lengths themselves for valid inputs
                int at = keep || m.batchAt() < a ? m.batchAt() : m.batchAt() - 1;
                return new Spread(new Lengths(m.lengths()), keep ? m.rank() : m.rank() - 1, at);
            }
        }
        return c.unsupported("ReduceSum of " + GraphWalker.describeValue(v) + " is not supported (lstmc sums the"
                + " LSTM output over time only times a mask of valid steps, for a mean over them)");
    }

    /** Sum over valid steps divided by the lengths: the mean over valid steps. */
    static GraphValue divide(NodeContext c, Expr sum, GraphValue divisor) throws LstmcException {
        Seq s = sum.x();
        String lengths = sum.form().substring(VALID_SUM.length());
        if (divisor instanceof Spread d && d.base() instanceof Lengths l && l.input().equals(lengths)
                && (d.rank() == s.rank() && s.axes().get(d.at()).equals(c.walker.batch())
                || d.rank() == 1 && s.rank() == 1)) {
            return s.with(s.axes(), s.meaning().withPick(Pick.MEAN, lengths));
        }
        return c.unsupported("Div of a sum over valid steps by " + GraphWalker.describeValue(divisor) + " is not"
                + " supported (lstmc divides by the lengths input, lengths[:, None], for a mean over valid steps)");
    }

    static boolean isValidSum(GraphValue v) {
        return v instanceof Expr e && e.form().startsWith(VALID_SUM);
    }
}

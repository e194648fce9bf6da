package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Meaning;
import io.github.lstmc.compiler.load.onnx.GraphValue.Origin;
import io.github.lstmc.compiler.load.onnx.GraphValue.Pick;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphWalker.LstmNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Choosing parts of an LSTM's output: one time step ({@code out[:, -1]}, {@code Y[0]}), one
 * direction (tf2onnx's split of a bidirectional Y, {@code out[..., :H]}), rows of the final states
 * ({@code h_n[-1]}), and joining the directions again. Used by Gather, Slice, Squeeze and Concat.
 */
final class StepOps {
    /** Slice ends at or above this mean "to the end" (exporters write INT_MAX or INT64_MAX). */
    static final long TO_END = Integer.MAX_VALUE;

    private StepOps() {
    }

    /** A pick of one index along one axis: {@code index} (negative counts from the end); {@code keep}: the axis stays as 1. */
    static GraphValue pick(NodeContext c, Seq s, int axis, long index, boolean keep) {
        Axis a = s.axes().get(axis);
        Meaning m = s.meaning();
        if (a.isUnit() && (index == 0 || index == -1)) {
            return keep ? s : s.withAxes(without(s.axes(), axis));
        }
        if (!s.origin().isInput() && a.equals(c.walker.time())) {
            if (m.pick() != Pick.ALL) {
                return c.unsupported("this value has no time axis left to pick from");
            }
            Pick p = index == -1 ? Pick.LAST : index == 0 ? Pick.FIRST : null;
            if (p == null) {
                return c.unsupported("taking time step " + index + " is not supported (lstmc takes the last step, -1,"
                        + " or the first, 0)");
            }
            List<Axis> axes = keep ? replace(s.axes(), axis, Axis.of()) : without(s.axes(), axis);
            return s.with(axes, m.withPick(p, null));
        }
        if (!s.origin().isInput() && a.factors().size() == 1 && a.factors().get(0).id().equals("dir:" + s.origin().lstm())
                && m.direction() < 0 && m.head().isEmpty()) {
            if (index < -2 || index > 1) {
                return c.unsupported("direction " + index + " is outside the 2 directions");
            }
            int d = (int) Math.floorMod(index, 2);
            List<Axis> axes = keep ? replace(s.axes(), axis, Axis.of()) : without(s.axes(), axis);
            return s.with(axes, m.withDirection(d));
        }
        return c.unsupported("taking index " + index + " of axis " + axis + " " + a + " of " + GraphWalker.describeValue(s)
                + " is not supported (lstmc takes the last or first time step, or one direction)");
    }

    /** Slice {@code [from, to)} (step 1) of one axis of LSTM output; null when it is not such a slice. */
    static GraphValue slice(NodeContext c, Seq s, int axis, long from, long to) {
        Axis a = s.axes().get(axis);
        long size = a.size();
        if (size >= 0 && normalize(from, size) == 0 && (to >= TO_END || to >= size)) {
            return s; // the whole axis
        }
        boolean toEnd = to >= TO_END;
        if (from == -1 && toEnd || from == 0 && to == 1) {
            return pick(c, s, axis, from, true);
        }
        if (size == 2 && (from == 1 && (to == 2 || toEnd) || from == -1 && toEnd)) {
            return pick(c, s, axis, 1, true);
        }
        if (s.origin().isInput()) {
            return null;
        }
        int k = s.origin().lstm();
        List<Factor> features = c.walker.features(k);
        if (features.size() == 2 && a.factors().equals(features) && s.meaning().direction() < 0
                && s.meaning().head().isEmpty()) {
            // out[..., :H] and out[..., H:]: one direction's half of the features
            long h = features.get(1).size();
            long f = from < 0 ? from + 2 * h : from;
            long t = toEnd ? 2 * h : to < 0 ? to + 2 * h : Math.min(to, 2 * h);
            int d = f == 0 && t == h ? 0 : f == h && t == 2 * h ? 1 : -1;
            if (d >= 0) {
                return s.with(replace(s.axes(), axis, Axis.of(features.get(1))), s.meaning().withDirection(d));
            }
        }
        return null;
    }

    /** Rows of final states picked along axis 0: one row, or both rows of a bidirectional node. */
    static GraphValue stateRows(NodeContext c, StateOut states, long[] rows, boolean keep) {
        if (states.lstms().isEmpty()) {
            return c.unsupported("picking rows of these final states is not supported");
        }
        List<LstmNode> lstms = c.walker.lstms();
        List<int[]> blocks = new ArrayList<>(); // per row: (node, direction)
        for (int k : states.lstms()) {
            if (lstms.get(k).layout() != 0) {
                return c.unsupported("picking rows of the final states of an LSTM with layout=1 is not supported");
            }
            for (int d = 0; d < lstms.get(k).directions(); d++) {
                blocks.add(new int[] {k, d});
            }
        }
        List<int[]> picked = new ArrayList<>();
        for (long r : rows) {
            long i = r < 0 ? r + blocks.size() : r;
            if (i < 0 || i >= blocks.size()) {
                return c.unsupported("row " + r + " is outside the " + blocks.size() + " rows of the final states");
            }
            picked.add(blocks.get((int) i));
        }
        int k = picked.get(0)[0];
        LstmNode node = lstms.get(k);
        boolean sameNode = picked.stream().allMatch(p -> p[0] == k);
        if (states.cell()) {
            return c.unsupported("the final cell state is not something lstmc computes a head from");
        }
        Axis hidden = Axis.of(new Factor("hid:" + k, node.hidden()));
        Meaning final0 = Meaning.RAW.withPick(Pick.FINAL, null);
        if (sameNode && picked.size() == 1) {
            int d = node.directions() == 2 ? picked.get(0)[1] : -1;
            List<Axis> axes = keep ? List.of(Axis.of(), c.walker.batch(), hidden) : List.of(c.walker.batch(), hidden);
            return new Seq(Origin.lstm(k), axes, final0.withDirection(d));
        }
        if (sameNode && picked.size() == 2 && node.directions() == 2 && picked.get(0)[1] == 0 && picked.get(1)[1] == 1) {
            Axis dirs = Axis.of(new Factor("dir:" + k, 2));
            return new Seq(Origin.lstm(k), List.of(dirs, c.walker.batch(), hidden), final0);
        }
        return c.unsupported("picking rows " + java.util.Arrays.toString(rows) + " of the final states is not supported"
                + " (lstmc takes one row, or both directions of one layer)");
    }

    /**
     * Final states of one LSTM node per layer reshaped to {@code [layers, directions, batch, hidden]},
     * or refused: any other shape would regroup the rows.
     */
    static GraphValue stateLayers(NodeContext c, StateOut states, List<GraphValue.Dim> target) {
        List<LstmNode> lstms = c.walker.lstms();
        if (target.size() == 4 && !states.lstms().isEmpty()) {
            LstmNode first = lstms.get(states.lstms().get(0));
            boolean uniform = states.lstms().stream().allMatch(k -> lstms.get(k).directions() == first.directions()
                    && lstms.get(k).hidden() == first.hidden() && lstms.get(k).layout() == 0);
            GraphValue.Dim batch = target.get(2);
            if (uniform && matches(target.get(0), states.lstms().size()) && matches(target.get(1), first.directions())
                    && matches(target.get(3), first.hidden())
                    && (batch.literal() == -1 && batch.axis() == null || c.walker.batch().equals(batch.axis()))) {
                return new GraphValue.StateLayers(states);
            }
        }
        return c.unsupported("Reshape of the final states to " + target.size() + " axes is not supported (lstmc follows"
                + " [layers, directions, batch, hidden])");
    }

    private static boolean matches(GraphValue.Dim d, long size) {
        return d.known() == size || d.axis() == null && d.literal() == -1;
    }

    /** Y_h of one node (layout 0) as data {@code [directions, batch, hidden]}, or null. */
    static Seq stateAsSeq(NodeContext c, StateOut states) {
        if (states.cell() || states.lstms().size() != 1) {
            return null;
        }
        int k = states.lstms().get(0);
        LstmNode node = c.walker.lstms().get(k);
        if (node.layout() != 0) {
            return null;
        }
        Axis dirs = node.directions() == 2 ? Axis.of(new Factor("dir:" + k, 2)) : Axis.of();
        return new Seq(Origin.lstm(k), List.of(dirs, c.walker.batch(), Axis.of(new Factor("hid:" + k, node.hidden()))),
                Meaning.RAW.withPick(Pick.FINAL, null));
    }

    /** The final hidden state of a unidirectional node squeezed to [batch, hidden], or null. */
    static Seq squeezedState(NodeContext c, StateOut states, long[] axes) {
        if (states.cell() || states.lstms().size() != 1) {
            return null;
        }
        int k = states.lstms().get(0);
        LstmNode node = c.walker.lstms().get(k);
        if (node.directions() != 1 || node.layout() != 0 || axes == null || axes.length != 1 || axes[0] != 0 && axes[0] != -3) {
            return null;
        }
        return new Seq(Origin.lstm(k), List.of(c.walker.batch(), Axis.of(new Factor("hid:" + k, node.hidden()))),
                Meaning.RAW.withPick(Pick.FINAL, null));
    }

    /**
     * Concat of the two directions of one LSTM's output back into one tensor (tf2onnx's
     * bidirectional form): the joined axis holds the direction in front of what it held. Reverse's
     * first step joined with forward's last step is the pair of final states.
     */
    static GraphValue joinDirections(NodeContext c, Seq forward, Seq reverse, int axis) {
        Meaning f = forward.meaning();
        Meaning r = reverse.meaning();
        int k = forward.origin().lstm();
        if (forward.origin().isInput() || !forward.origin().equals(reverse.origin()) || f.direction() != 0
                || r.direction() != 1 || forward.rank() != reverse.rank() || !f.head().isEmpty() || !r.head().isEmpty()) {
            return null;
        }
        for (int i = 0; i < forward.rank(); i++) {
            if (i != axis && !forward.axes().get(i).equals(reverse.axes().get(i))) {
                return null;
            }
        }
        Axis joined = forward.axes().get(axis);
        if (!joined.equals(reverse.axes().get(axis))) {
            return null;
        }
        Pick pick;
        if (f.pick() == r.pick() && java.util.Objects.equals(f.lengths(), r.lengths())) {
            pick = f.pick();
        } else if ((f.pick() == Pick.LAST || f.pick() == Pick.FINAL) && (r.pick() == Pick.FIRST || r.pick() == Pick.FINAL)) {
            if (f.pick() == Pick.LAST && c.walker.lstms().get(k).lengths() != null) {
                return c.unsupported("forward's last step and reverse's first step are not the final states when the"
                        + " LSTM takes sequence_lens (padded rows end early)");
            }
            pick = Pick.FINAL;
        } else {
            return c.unsupported("joining the forward direction's " + f.pick() + " with the reverse direction's "
                    + r.pick() + " is not supported");
        }
        List<Factor> factors = new ArrayList<>();
        factors.add(new Factor("dir:" + k, 2));
        factors.addAll(joined.factors());
        Meaning m = f.withDirection(-1).withPick(pick, f.lengths());
        return forward.with(replace(forward.axes(), axis, new Axis(factors)), m);
    }

    static long normalize(long index, long size) {
        return index < 0 ? index + size : index;
    }

    static List<Axis> without(List<Axis> axes, int k) {
        List<Axis> out = new ArrayList<>(axes);
        out.remove(k);
        return out;
    }

    static List<Axis> replace(List<Axis> axes, int k, Axis axis) {
        List<Axis> out = new ArrayList<>(axes);
        out.set(k, axis);
        return out;
    }
}

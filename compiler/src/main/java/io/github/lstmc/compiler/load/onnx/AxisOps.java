package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dim;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Layout glue that only relabels data: Transpose, Squeeze, Unsqueeze, Reshape. */
final class AxisOps {
    private AxisOps() {
    }

    static void register(OpTable table) {
        table.add("Unsqueeze", AxisOps::unsqueeze);
        table.add("Squeeze", AxisOps::squeeze);
        table.add("Transpose", AxisOps::transpose);
        table.add("Reshape", AxisOps::reshape);
    }

    /** Index values whose shape does not matter to lstmc: token ids and lengths - 1. */
    static boolean isIndex(GraphValue v) {
        return v instanceof GraphValue.LengthIndex || v instanceof GraphValue.Ids;
    }

    static GraphValue unsqueeze(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] axes = c.intsFromInputOrAttribute(1, "axes");
        if (v instanceof GraphValue.Ids ids && ids.floating() && axes != null && axes.length == 1
                && (axes[0] == 2 || axes[0] == -1)) {
            // a float [batch, seq] input given one feature per step: a univariate series, x.unsqueeze(-1)
            String name = ids.input();
            return new Seq(GraphValue.Origin.input(name), List.of(Axis.of(new GraphValue.Factor(name + ":0", -1)),
                    Axis.of(new GraphValue.Factor(name + ":1", -1)), Axis.of()));
        }
        if (isIndex(v)) {
            return v;
        }
        if (axes == null) {
            throw c.fail("has no axes");
        }
        if (MaskOps.isMaskPart(v)) {
            return MaskOps.unsqueeze(c, v, axes);
        }
        if (v instanceof GraphValue.PackedState p && p.form() == 1 && axes.length == 1 && axes[0] == 0) {
            return new GraphValue.PackedState(p.input(), p.layer(), p.slot(), 2);
        }
        if (v instanceof Dims d && d.scalar() && axes.length == 1 && (axes[0] == 0 || axes[0] == -1)) {
            return new Dims(d.dims(), false);
        }
        if (v instanceof Const cst) {
            return new Const(reshapeConst(cst.tensor(), unsqueezedDims(cst.tensor().dims(), axes, c)));
        }
        if (v instanceof Seq s) {
            int rank = s.rank() + axes.length;
            List<Axis> out = new ArrayList<>();
            boolean[] inserted = insertedAxes(axes, rank, c);
            int next = 0;
            for (int k = 0; k < rank; k++) {
                out.add(inserted[k] ? new Axis(List.of()) : s.axes().get(next++));
            }
            return s.withAxes(out);
        }
        if (v instanceof Fill || v instanceof StateRows || v instanceof StateOut) {
            return v instanceof StateRows ? c.unsupported("Unsqueeze of an initial state is not supported") : v;
        }
        return c.unsupported("Unsqueeze of " + GraphWalker.describeValue(v) + " is not supported");
    }

    /** Which of the {@code rank} output axes Unsqueeze inserts (negative axes count from the end). */
    private static boolean[] insertedAxes(long[] axes, int rank, NodeContext c) throws LstmcException {
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            long k = a < 0 ? a + rank : a;
            if (k < 0 || k >= rank || inserted[(int) k]) {
                throw c.fail("Unsqueeze axis " + a + " is invalid for output rank " + rank);
            }
            inserted[(int) k] = true;
        }
        return inserted;
    }

    static long[] unsqueezedDims(long[] dims, long[] axes, NodeContext c) throws LstmcException {
        int rank = dims.length + axes.length;
        boolean[] inserted = insertedAxes(axes, rank, c);
        long[] out = new long[rank];
        int next = 0;
        for (int k = 0; k < rank; k++) {
            out[k] = inserted[k] ? 1 : dims[next++];
        }
        return out;
    }

    static GraphValue squeeze(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] axes = c.intsFromInputOrAttribute(1, "axes");
        if (isIndex(v)) {
            return v;
        }
        if (v instanceof GraphValue.PackedState p && p.form() == 0 && axes != null && axes.length == 2
                && java.util.Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().boxed().toList()
                .equals(List.of(1L, 3L))) {
            return new GraphValue.PackedState(p.input(), p.layer(), p.slot(), 1);
        }
        if (v instanceof StateOut states) {
            Seq state = StepOps.squeezedState(c, states, axes);
            if (state != null) {
                return state;
            }
        }
        if (v instanceof Seq s) {
            boolean scalar = false;
            boolean[] drop = new boolean[s.rank()];
            if (axes == null) {
                // torch's .squeeze(): every axis of size 1 goes. The batch and time axes stay, as for any
                // batch size and length but 1, where lstmc gives the same numbers with the axis kept.
                for (int k = 0; k < s.rank(); k++) {
                    Axis axis = s.axes().get(k);
                    boolean keptAnyway = !s.origin().isInput() && (axis.equals(c.walker.batch())
                            || axis.equals(c.walker.time()));
                    if (axis.size() < 0 && !keptAnyway) {
                        return c.unsupported("Squeeze without axes of data whose axes may or may not be 1 is not supported");
                    }
                    drop[k] = axis.size() == 1;
                    scalar |= drop[k] && !axis.isUnit() && k == s.rank() - 1 && !s.origin().isInput();
                }
            } else {
                for (long a : axes) {
                    long k = a < 0 ? a + s.rank() : a;
                    if (k < 0 || k >= s.rank()) {
                        throw c.fail("Squeeze axis " + a + " is outside rank " + s.rank());
                    }
                    if (!s.axes().get((int) k).isUnit()) {
                        if (k == s.rank() - 1 && s.axes().get((int) k).size() == 1 && !s.origin().isInput()) {
                            scalar = true; // a one-unit output's feature axis: a scalar per row or step
                        } else {
                            throw c.fail("Squeeze axis " + a + " has size " + s.axes().get((int) k) + ", not 1");
                        }
                    }
                    drop[(int) k] = true;
                }
            }
            List<Axis> out = new ArrayList<>();
            for (int k = 0; k < s.rank(); k++) {
                if (!drop[k]) {
                    out.add(s.axes().get(k));
                }
            }
            if (scalar) {
                if (HeadOps.features(c, s) != 1) {
                    return c.unsupported("Squeeze of the feature axis is supported only on the network's output");
                }
                return s.with(out, s.meaning().withScalar());
            }
            return s.withAxes(out);
        }
        if (v instanceof Dims d && !d.scalar() && d.dims().size() == 1) {
            return new Dims(d.dims(), true);
        }
        if (v instanceof Const cst) {
            long[] dims = cst.tensor().dims();
            List<Long> out = new ArrayList<>();
            for (int k = 0; k < dims.length; k++) {
                boolean listed = axes == null ? dims[k] == 1 : contains(axes, k, dims.length);
                if (listed && dims[k] != 1) {
                    throw c.fail("Squeeze axis " + k + " of " + cst.tensor() + " is not 1");
                }
                if (!listed) {
                    out.add(dims[k]);
                }
            }
            return new Const(reshapeConst(cst.tensor(), out.stream().mapToLong(Long::longValue).toArray()));
        }
        if (v instanceof Fill || v instanceof StateOut) {
            return v;
        }
        return c.unsupported("Squeeze of " + GraphWalker.describeValue(v) + " is not supported");
    }

    static boolean contains(long[] axes, int k, int rank) {
        for (long a : axes) {
            if (a == k || a + rank == k) {
                return true;
            }
        }
        return false;
    }

    static OnnxTensor reshapeConst(OnnxTensor t, long[] dims) {
        return new OnnxTensor(t.name(), dims, t.floats(), t.longs());
    }

    static GraphValue transpose(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        if (v instanceof StateOut states && StepOps.stateAsSeq(c, states) != null) {
            v = StepOps.stateAsSeq(c, states); // Y_h [D, B, H] moved around on its way to a head
        }
        if (!(v instanceof Seq s)) {
            return v instanceof Fill ? v
                    : c.unsupported("Transpose of " + GraphWalker.describeValue(v) + " is not supported");
        }
        long[] perm = c.attrs.getInts("perm");
        int rank = s.rank();
        if (perm == null) {
            perm = new long[rank];
            for (int k = 0; k < rank; k++) {
                perm[k] = rank - 1 - k;
            }
        }
        if (perm.length != rank) {
            throw c.fail("perm " + Arrays.toString(perm) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        List<Axis> out = new ArrayList<>();
        for (long p : perm) {
            if (p < 0 || p >= rank || seen[(int) p]) {
                throw c.fail("perm " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[(int) p] = true;
            out.add(s.axes().get((int) p));
        }
        return s.withAxes(out);
    }

    static GraphValue reshape(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        GraphValue shape = c.in(1);
        long allowZero = c.attrs.getInt("allowzero", 0);
        List<Dim> target = new ArrayList<>();
        if (shape instanceof Dims d && !d.scalar()) {
            target.addAll(d.dims());
        } else if (shape instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() == 1) {
            for (long x : cst.tensor().longs()) {
                target.add(Dim.literal(x));
            }
        } else {
            return c.unsupported("Reshape needs a shape computed from constants and Shape");
        }
        if (v instanceof StateOut states && StepOps.stateAsSeq(c, states) != null && target.size() == 2) {
            v = StepOps.stateAsSeq(c, states); // Y_h [D, B, H] reshaped to [B, D*H] or [D*B, H]
        }
        if (v instanceof StateOut states && target.size() != 3) {
            return StepOps.stateLayers(c, states, target);
        }
        if (v instanceof Fill || v instanceof StateOut || isIndex(v)) {
            return v;
        }
        if (v instanceof Dims d && target.size() == 1 && (target.get(0).literal() == -1 || target.get(0).known()
                == (d.scalar() ? 1 : d.dims().size()))) {
            return new Dims(d.dims(), false);
        }
        if (v instanceof Const k && target.stream().allMatch(x -> x.axis() == null || x.axis().size() >= 0)) {
            long[] dims = new long[target.size()];
            long rest = k.tensor().size();
            int minusAt = -1;
            for (int i = 0; i < dims.length; i++) {
                Dim x = target.get(i);
                dims[i] = x.axis() != null ? x.axis().size() : x.literal() == 0 && allowZero == 0 ? k.tensor().dims()[i]
                        : x.literal();
                if (dims[i] == -1) {
                    minusAt = i;
                } else {
                    rest = dims[i] == 0 ? 0 : rest / dims[i];
                }
            }
            if (minusAt >= 0) {
                dims[minusAt] = rest;
            }
            return new Const(reshapeConst(k.tensor(), dims));
        }
        if (!(v instanceof Seq s)) {
            return c.unsupported("Reshape of " + GraphWalker.describeValue(v) + " is not supported");
        }
        List<List<Factor>> parts = new ArrayList<>();
        int minus = -1;
        for (int i = 0; i < target.size(); i++) {
            Dim d = target.get(i);
            if (d.axis() != null) {
                parts.add(d.axis().factors());
            } else if (d.literal() == 0 && allowZero == 0) {
                if (i >= s.rank()) {
                    throw c.fail("Reshape copies dimension " + i + " of an input of rank " + s.rank());
                }
                parts.add(s.axes().get(i).factors());
            } else if (d.literal() == -1) {
                if (minus >= 0) {
                    throw c.fail("Reshape shape has more than one -1");
                }
                minus = i;
                parts.add(null);
            } else if (d.literal() >= 1) {
                parts.add(List.of(new Factor("#" + d.literal(), d.literal())));
            } else {
                throw c.fail("Reshape shape entry " + d.literal() + " is not supported");
            }
        }
        List<Factor> flat = new ArrayList<>();
        s.axes().forEach(a -> flat.addAll(a.factors()));
        Axis[] out = new Axis[parts.size()];
        int front = 0;
        int back = flat.size();
        int stop = minus >= 0 ? minus : parts.size();
        for (int i = 0; i < stop; i++) {
            int n = match(flat, front, parts.get(i), true);
            if (n < 0) {
                return c.unsupported("Reshape to " + describeTarget(target) + " does not keep the sequence, batch and"
                        + " feature axes of its input " + s.axes() + " apart");
            }
            out[i] = new Axis(flat.subList(front, front + n));
            front += n;
        }
        if (minus >= 0) {
            for (int i = parts.size() - 1; i > minus; i--) {
                int n = match(flat, back, parts.get(i), false);
                if (n < 0 || back - n < front) {
                    return c.unsupported("Reshape to " + describeTarget(target) + " does not keep the sequence, batch"
                            + " and feature axes of its input " + s.axes() + " apart");
                }
                out[i] = new Axis(flat.subList(back - n, back));
                back -= n;
            }
            out[minus] = new Axis(flat.subList(front, back));
        } else if (front != flat.size()) {
            return c.unsupported("Reshape to " + describeTarget(target) + " does not use all of its input " + s.axes());
        }
        return s.withAxes(List.of(out));
    }

    static String describeTarget(List<Dim> target) {
        List<String> parts = new ArrayList<>();
        for (Dim d : target) {
            parts.add(d.axis() != null ? d.axis().toString() : Long.toString(d.literal()));
        }
        return parts.toString();
    }

    /**
     * How many factors of {@code flat}, read forward from {@code at} (or backward from {@code at}
     * when not {@code forward}), make up the wanted dimension, or -1. Symbolic factors must match
     * one to one; known sizes must multiply up to the wanted size.
     */
    static int match(List<Factor> flat, int at, List<Factor> wanted, boolean forward) {
        long wantedSize = new Axis(wanted).size();
        if (wantedSize < 0) {
            for (int j = 0; j < wanted.size(); j++) {
                int idx = forward ? at + j : at - wanted.size() + j;
                if (idx < 0 || idx >= flat.size() || !flat.get(idx).equals(wanted.get(j))) {
                    return -1;
                }
            }
            return wanted.size();
        }
        long product = 1;
        int n = 0;
        while (product < wantedSize) {
            int idx = forward ? at + n : at - 1 - n;
            if (idx < 0 || idx >= flat.size() || !flat.get(idx).known()) {
                return -1;
            }
            product *= flat.get(idx).size();
            n++;
        }
        return product == wantedSize ? n : -1;
    }
}

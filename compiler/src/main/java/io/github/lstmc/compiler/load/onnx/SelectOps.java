package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dim;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Ids;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import java.util.ArrayList;
import java.util.List;

/** Gather, Slice and Concat: picking and joining parts of tensors. */
final class SelectOps {
    private SelectOps() {
    }

    static void register(OpTable table) {
        table.add("Gather", SelectOps::gather);
        table.add("Concat", SelectOps::concat);
        table.add("Slice", SelectOps::slice);
    }

    static GraphValue gather(NodeContext c) throws LstmcException {
        long axis = c.attrs.getInt("axis", 0);
        GraphValue data = c.in(0);
        GraphValue idx = c.in(1);
        if (idx instanceof Ids ids) {
            return InputOps.embedding(c, data, ids, axis);
        }
        if (idx instanceof GraphValue.LengthIndex l && data instanceof Seq s && axis == 0) {
            return ReductionOps.flatLastValid(c, s, l);
        }
        if (!(idx instanceof Const ic) || ic.tensor().isFloat() || ic.tensor().rank() > 1) {
            return c.unsupported("Gather needs constant scalar or vector indices");
        }
        boolean scalar = ic.tensor().rank() == 0;
        long[] indices = ic.tensor().longs();
        if (data instanceof Seq s) {
            int a = (int) (axis < 0 ? axis + s.rank() : axis);
            if (a < 0 || a >= s.rank()) {
                throw c.fail("Gather axis " + axis + " is outside rank " + s.rank());
            }
            if (indices.length != 1) {
                return c.unsupported("Gather of " + indices.length + " indices of sequence data is not supported");
            }
            return StepOps.pick(c, s, a, indices[0], !scalar);
        }
        if (data instanceof GraphValue.UnknownShape u && axis == 0) {
            List<Dim> out = new ArrayList<>();
            for (long i : indices) {
                out.add(new Dim(-1, Axis.of(new GraphValue.Factor("?" + u.tensor() + ":" + i, -1))));
            }
            return new Dims(out, scalar);
        }
        if (data instanceof GraphValue.StateLayers layers) {
            List<Integer> nodes = layers.states().lstms();
            long i = indices[0] < 0 ? indices[0] + nodes.size() : indices[0];
            if (axis != 0 || !scalar || i < 0 || i >= nodes.size()) {
                return c.unsupported("Gather of " + java.util.Arrays.toString(indices) + " on axis " + axis + " of "
                        + GraphWalker.describeValue(data) + " is not supported (lstmc takes one layer)");
            }
            return new StateOut(List.of(nodes.get((int) i)), layers.states().cell());
        }
        if (data instanceof StateOut states) {
            if (axis != 0) {
                return c.unsupported("Gather on axis " + axis + " of final states is not supported");
            }
            return StepOps.stateRows(c, states, indices, !scalar);
        }
        if (axis != 0) {
            return c.unsupported("Gather on axis " + axis + " of " + GraphWalker.describeValue(data)
                    + " is not supported");
        }
        if (data instanceof Dims d && !d.scalar()) {
            List<Dim> out = new ArrayList<>();
            for (long i : indices) {
                long k = i < 0 ? i + d.dims().size() : i;
                if (k < 0 || k >= d.dims().size()) {
                    throw c.fail("Gather index " + i + " is outside a shape of rank " + d.dims().size());
                }
                out.add(d.dims().get((int) k));
            }
            return new Dims(out, scalar);
        }
        if (data instanceof Const cst && cst.tensor().rank() == 1) {
            OnnxTensor t = cst.tensor();
            long[] dims = scalar ? new long[0] : new long[] {indices.length};
            float[] f = t.isFloat() ? new float[indices.length] : null;
            long[] l = t.isFloat() ? null : new long[indices.length];
            for (int j = 0; j < indices.length; j++) {
                long k = indices[j] < 0 ? indices[j] + t.size() : indices[j];
                if (k < 0 || k >= t.size()) {
                    throw c.fail("Gather index " + indices[j] + " is outside [0, " + t.size() + ")");
                }
                if (f != null) {
                    f[j] = t.floats()[(int) k];
                } else {
                    l[j] = t.longs()[(int) k];
                }
            }
            return new Const(new OnnxTensor(t.name(), dims, f, l));
        }
        return c.unsupported("Gather on this value is not supported");
    }

    static GraphValue concat(NodeContext c) throws LstmcException {
        long axis = c.attrs.getInt("axis", 0);
        List<GraphValue> ins = new ArrayList<>();
        for (int k = 0; k < c.node.getInputCount(); k++) {
            ins.add(c.in(k));
        }
        if (ins.isEmpty()) {
            throw c.fail("has no inputs");
        }
        if (ins.stream().anyMatch(v -> v instanceof GraphValue.UnknownShape)
                && ins.stream().allMatch(v -> v instanceof GraphValue.UnknownShape || v instanceof Dims || v instanceof Const)) {
            return new GraphValue.UnknownShape(c.node.getOutput(0));
        }
        boolean allStateOut = ins.stream().allMatch(v -> v instanceof StateOut);
        if (allStateOut) {
            // Along the first axis the rows stay known (layer * directions + direction); else only
            // the whole can be an output.
            boolean cell = ((StateOut) ins.get(0)).cell();
            List<Integer> lstms = new ArrayList<>();
            for (GraphValue v : ins) {
                StateOut o = (StateOut) v;
                if (o.cell() != cell || o.lstms().isEmpty()) {
                    lstms = null;
                    break;
                }
                lstms.addAll(o.lstms());
            }
            return new StateOut(axis == 0 || axis == -3 ? lstms == null ? List.of() : lstms : List.of(), cell);
        }
        if (ins.size() == 2 && ins.get(0) instanceof Seq f && ins.get(1) instanceof Seq r && f.rank() == r.rank()) {
            int a = (int) (axis < 0 ? axis + f.rank() : axis);
            if (a >= 0 && a < f.rank()) {
                GraphValue joined = StepOps.joinDirections(c, f, r, a);
                if (joined != null) {
                    return joined;
                }
            }
        }
        boolean allFill = ins.stream().allMatch(v -> v instanceof Fill);
        if (allFill && ins.stream().map(v -> ((Fill) v).value()).distinct().count() == 1) {
            return ins.get(0);
        }
        if (ins.stream().allMatch(v -> v instanceof Const) && !(axis == 0 && ins.stream().allMatch(
                v -> ((Const) v).tensor().rank() == 1 && !((Const) v).tensor().isFloat()))) {
            List<OnnxTensor> tensors = new ArrayList<>();
            ins.forEach(v -> tensors.add(((Const) v).tensor()));
            return new Const(ConstOps.concat(tensors, axis, c.node.getOutput(0), c.file() + ": " + c.description));
        }
        boolean shapeLike = ins.stream().allMatch(v -> v instanceof Dims d && !d.scalar()
                || v instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() == 1);
        if (shapeLike && (axis == 0 || axis == -1)) {
            boolean anyDims = ins.stream().anyMatch(v -> v instanceof Dims);
            if (!anyDims) {
                List<Long> all = new ArrayList<>();
                for (GraphValue v : ins) {
                    for (long x : ((Const) v).tensor().longs()) {
                        all.add(x);
                    }
                }
                long[] l = all.stream().mapToLong(Long::longValue).toArray();
                return new Const(OnnxTensor.ofLongs(c.node.getOutput(0), new long[] {l.length}, l));
            }
            List<Dim> out = new ArrayList<>();
            for (GraphValue v : ins) {
                if (v instanceof Dims d) {
                    out.addAll(d.dims());
                } else {
                    for (long x : ((Const) v).tensor().longs()) {
                        out.add(Dim.literal(x));
                    }
                }
            }
            return new Dims(out, false);
        }
        return c.unsupported("Concat of these values is not supported (lstmc follows Concat of shapes, of zero"
                + " states and of final states)");
    }

    static GraphValue slice(NodeContext c) throws LstmcException {
        GraphValue v = c.in(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.node.getInputCount() > 1) {
            starts = c.ints(1, "starts");
            ends = c.ints(2, "ends");
            axes = c.has(3) ? c.ints(3, "axes") : null;
            steps = c.has(4) ? c.ints(4, "steps") : null;
        } else {
            starts = c.attrs.getInts("starts");
            ends = c.attrs.getInts("ends");
            axes = c.attrs.getInts("axes");
        }
        if (starts == null || ends == null || starts.length != ends.length
                || axes != null && axes.length != starts.length || steps != null && steps.length != starts.length) {
            throw c.fail("starts, ends, axes and steps must have the same length");
        }
        if (steps != null) {
            for (long s : steps) {
                if (s != 1) {
                    return c.unsupported("Slice with step " + s + " is not supported");
                }
            }
        }
        if (v instanceof Fill) {
            return v;
        }
        if (v instanceof GraphValue.PackedState p && p.layer() < 0 && starts.length == 4) {
            long[] picked = new long[4];
            boolean ok = true;
            for (int j = 0; j < 4 && ok; j++) {
                int a = (int) (axes == null ? j : axes[j] < 0 ? axes[j] + 4 : axes[j]);
                boolean whole = starts[j] == 0 && ends[j] >= Integer.MAX_VALUE;
                boolean one = starts[j] >= 0 && ends[j] == starts[j] + 1;
                ok = a >= 0 && a < 4 && ((a == 0 || a == 2) ? whole : one);
                if (ok) {
                    picked[a] = starts[j];
                }
            }
            if (ok) {
                return new GraphValue.PackedState(p.input(), picked[1], picked[3], 0);
            }
        }
        if (v instanceof Seq s && s.origin().isInput() && s.meaning().equals(GraphValue.Meaning.RAW)
                && starts.length == 1 && (axes == null || axes[0] == 0 || axes[0] == -s.rank())) {
            long from = starts[0];
            long to = ends[0];
            if (from < 0 || to < 0) {
                return c.unsupported("Slice of an initial state with negative bounds is not supported");
            }
            return new StateRows(s.origin().graphInput(), from, to);
        }
        if (v instanceof StateRows r && starts.length == 1 && (axes == null || axes[0] == 0)) {
            long from = r.from() + starts[0];
            long to = Math.min(r.to(), r.from() + ends[0]);
            if (starts[0] < 0 || ends[0] < 0) {
                return c.unsupported("Slice of an initial state with negative bounds is not supported");
            }
            return new StateRows(r.input(), from, to);
        }
        if (v instanceof Const cst) {
            OnnxTensor t = cst.tensor();
            for (int j = 0; j < starts.length; j++) {
                long axis = axes == null ? j : axes[j];
                if (axis < 0) {
                    axis += t.rank();
                }
                if (axis < 0 || axis >= t.rank()) {
                    throw c.fail("Slice axis " + (axes == null ? j : axes[j]) + " is outside " + t);
                }
                int n = (int) t.dims()[(int) axis];
                int from = (int) FoldingOps.clampIndex(starts[j], n);
                int to = Math.max(from, (int) FoldingOps.clampIndex(ends[j], n));
                t = ConstOps.slice(t, (int) axis, from, to);
            }
            return new Const(t);
        }
        if (v instanceof Seq s) {
            GraphValue out = s;
            for (int j = 0; j < starts.length; j++) {
                long axis = axes == null ? j : axes[j];
                int a = (int) (axis < 0 ? axis + s.rank() : axis);
                if (a < 0 || a >= s.rank()) {
                    throw c.fail("Slice axis " + axis + " is outside rank " + s.rank());
                }
                if (!(out instanceof Seq current)) {
                    return out;
                }
                if (starts[j] == 0 && ends[j] >= Integer.MAX_VALUE) {
                    continue; // the whole axis (Keras's x[:, a:b, :] writes one such range per untouched axis)
                }
                GraphValue next = StepOps.slice(c, current, a, starts[j], ends[j]);
                if (next == null) {
                    return c.unsupported("Slice [" + starts[j] + ", " + ends[j] + ") of axis " + axis + " "
                            + current.axes().get(a) + " of " + GraphWalker.describeValue(current) + " is not supported"
                            + " (lstmc follows Slice of the last or first time step, of one direction and of initial"
                            + " states)");
                }
                out = next;
            }
            return out;
        }
        if (v instanceof StateOut states && starts.length == 1 && (axes == null || axes[0] == 0)) {
            int total = 0;
            for (int k : states.lstms()) {
                total += c.walker.lstms().get(k).directions();
            }
            long from = FoldingOps.clampIndex(starts[0], total);
            long to = Math.max(from, FoldingOps.clampIndex(ends[0], total));
            long[] rows = new long[(int) (to - from)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = from + i;
            }
            if (rows.length == 0) {
                return c.unsupported("Slice of no rows of the final states is not supported");
            }
            return StepOps.stateRows(c, states, rows, true);
        }
        if (v instanceof Dims d && !d.scalar() && starts.length == 1) {
            int n = d.dims().size();
            int from = (int) FoldingOps.clampIndex(starts[0], n);
            int to = (int) FoldingOps.clampIndex(ends[0], n);
            return new Dims(d.dims().subList(from, Math.max(from, to)), false);
        }
        return c.unsupported("Slice of " + GraphWalker.describeValue(v) + " is not supported (lstmc follows Slice of initial states along"
                + " their first axis)");
    }
}

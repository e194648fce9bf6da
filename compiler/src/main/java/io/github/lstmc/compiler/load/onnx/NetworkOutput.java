package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Meaning;
import io.github.lstmc.compiler.load.onnx.GraphValue.Pick;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.GraphWalker.LstmNode;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps the graph's outputs (or the {@code --to} tensor) onto the stages after the recurrent stack:
 * the time reduction, the head, whether lengths mask the LSTM, and a squeezed feature axis. Final
 * states (Y_h/Y_c, what the runtime's LstmState gives back) may be outputs too.
 */
final class NetworkOutput {
    private NetworkOutput() {
    }

    /** The stages after the recurrent stack; {@code lengths} is the lengths graph input, or null. */
    record Stages(TimeReduction reduction, List<HeadLayer> head, boolean lengthsMaskRecurrence, boolean scalar,
                  String lengths) {
    }

    /**
     * {@code lstmSequenceLens}: the LSTM nodes' sequence_lens, null, a {@link GraphValue.Lengths} graph
     * input or {@link GraphValue.FixedLengths} constants.
     */
    static Stages find(String file, GraphWalker walker, Layout layout, GraphValue lstmSequenceLens)
            throws LstmcException {
        String lstmLengths = lstmSequenceLens instanceof GraphValue.Lengths l ? l.input() : null;
        boolean fixed = lstmSequenceLens instanceof GraphValue.FixedLengths;
        List<String> names = new ArrayList<>();
        List<Seq> outputs = new ArrayList<>();
        for (String name : walker.outputs()) {
            String what = (isGraphOutput(walker, name) ? "graph output '" : "tensor '") + name + "'";
            GraphValue v = walker.value(name, what);
            if (v instanceof Unsupported u) {
                throw new LstmcException(u.message());
            }
            if (v instanceof StateOut) {
                continue;
            }
            if (v instanceof Expr e && e.plain() != null) {
                v = e.plain();
            }
            if (!(v instanceof Seq s) || s.origin().isInput()) {
                throw new LstmcException(file + ": " + what + " is not an output of the LSTM stack (it is "
                        + GraphWalker.describeValue(v) + ")");
            }
            names.add(what);
            outputs.add(s);
        }
        if (outputs.size() > 1) {
            // h_n given next to the network's output is a final state the runtime returns anyway
            List<Seq> kept = new ArrayList<>();
            List<String> keptNames = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                Meaning m = outputs.get(i).meaning();
                if (!(m.pick() == Pick.FINAL && m.head().isEmpty())) {
                    kept.add(outputs.get(i));
                    keptNames.add(names.get(i));
                }
            }
            if (!kept.isEmpty()) {
                outputs = kept;
                names = keptNames;
            }
        }
        Stages stages = null;
        String first = null;
        for (int i = 0; i < outputs.size(); i++) {
            Stages s = map(file, walker, names.get(i), outputs.get(i), layout, lstmLengths, fixed);
            if (stages != null && !stages.equals(s)) {
                throw new LstmcException(file + ": " + first + " and " + names.get(i) + " compute different things from"
                        + " the LSTM output; an lstmc model has one output (choose one with --to)");
            }
            stages = s;
            first = names.get(i);
        }
        return stages != null ? stages : new Stages(TimeReduction.NONE, List.of(), true, false, lstmLengths);
    }

    private static boolean isGraphOutput(GraphWalker walker, String name) {
        return walker.graphOutputNames().contains(name);
    }

    private static Stages map(String file, GraphWalker walker, String what, Seq s, Layout layout, String lstmLengths,
                              boolean fixed) throws LstmcException {
        List<LstmNode> lstms = walker.lstms();
        LstmNode last = lstms.get(lstms.size() - 1);
        Meaning m = s.meaning();
        if (s.origin().lstm() != last.index()) {
            throw new LstmcException(file + ": " + what + " is " + (m.pick() == Pick.ALL && m.head().isEmpty()
                    ? "the sequence output of " : "computed from the output of ")
                    + lstms.get(s.origin().lstm()).description() + "; lstmc models output only the last layer's");
        }
        if (m.direction() >= 0) {
            throw new LstmcException(file + ": " + what + " holds only the " + (m.direction() == 0 ? "forward" : "reverse")
                    + " direction of " + last.description() + "'s output; lstmc models output both");
        }
        TimeReduction reduction = switch (m.pick()) {
            case ALL -> TimeReduction.NONE;
            case LAST -> TimeReduction.LAST_STEP;
            case FINAL -> TimeReduction.FINAL_STATE;
            case LAST_VALID -> TimeReduction.LAST_VALID_STEP;
            case MEAN -> TimeReduction.MEAN;
            case MAX -> TimeReduction.MAX;
            case FIRST -> last.directions() == 1
                    && last.layer().directions().get(0).direction() == Direction.REVERSE ? TimeReduction.FINAL_STATE : null;
        };
        if (reduction == null) {
            throw new LstmcException(file + ": " + what + " is the LSTM output at the first time step, which lstmc"
                    + " computes only for a reverse-only LSTM (its final state)");
        }
        Axis time = walker.time();
        Axis batch = walker.batch();
        List<Factor> features = m.head().stream().noneMatch(stage -> stage instanceof HeadLayer.Dense)
                ? walker.features(last.index())
                : List.of(s.axes().get(s.rank() - 1).factors().get(0));
        if (m.scalar()) {
            features = List.of();
        }
        int t = s.axes().indexOf(time);
        int b = s.axes().indexOf(batch);
        List<Factor> rest = new ArrayList<>();
        for (int k = 0; k < s.rank(); k++) {
            if (k != t && k != b) {
                rest.addAll(s.axes().get(k).factors());
            }
        }
        boolean perStep = reduction == TimeReduction.NONE;
        if (b < 0 || perStep != (t >= 0) || !rest.equals(features)) {
            throw new LstmcException(file + ": " + what + " has axes " + s.axes() + ", which lstmc cannot map to "
                    + (perStep ? "[seq, batch, features] or [batch, seq, features]" : "[batch, features]"));
        }
        if (perStep) {
            Layout outLayout = t < b ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST;
            if (outLayout != layout) {
                throw new LstmcException(file + ": " + what + " is " + outLayout + " but the input is " + layout
                        + "; lstmc models use one layout for both");
            }
        } else {
            for (int k = 0; k < b; k++) {
                if (!s.axes().get(k).isUnit()) {
                    throw new LstmcException(file + ": " + what + " has axes " + s.axes() + "; lstmc gives reduced"
                            + " outputs as [batch, features]");
                }
            }
        }
        boolean mask = true;
        String lengths = lstmLengths;
        if (fixed && m.lengths() != null) {
            throw new LstmcException(file + ": " + what + " reads lengths from graph input '" + m.lengths() + "' but the"
                    + " LSTM's sequence_lens is a constant; lstmc takes lengths either at run time or compiled in, not"
                    + " both");
        }
        if (reduction == TimeReduction.LAST_VALID_STEP) {
            if (lstmLengths != null && !lstmLengths.equals(m.lengths())) {
                throw new LstmcException(file + ": " + what + " reads the last valid step from graph input '"
                        + m.lengths() + "' but the LSTM's sequence_lens is graph input '" + lstmLengths + "'");
            }
            mask = lstmLengths != null; // without sequence_lens the LSTM runs over the padding too
            lengths = Objects.requireNonNull(m.lengths());
        } else if ((reduction == TimeReduction.MEAN || reduction == TimeReduction.MAX) && m.lengths() != null) {
            if (lstmLengths != null && !lstmLengths.equals(m.lengths())) {
                throw new LstmcException(file + ": " + what + " reduces over the valid steps of graph input '"
                        + m.lengths() + "' but the LSTM's sequence_lens is graph input '" + lstmLengths + "'");
            }
            mask = lstmLengths != null;
            lengths = m.lengths();
        }
        return new Stages(reduction, m.head(), mask, m.scalar(), lengths);
    }
}

package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.model.HeadLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the importer knows about one tensor of the graph: an abstract value computed by
 * {@link GraphWalker} instead of real data. Shapes are tracked symbolically: the sequence length and
 * batch size are unknown at import time, so an axis is described by the {@link Factor}s it is made of
 * (an input dimension, an LSTM's direction axis, its hidden axis), which lets the walker follow
 * Transpose/Reshape/Squeeze glue and check that it only relabels the data.
 */
sealed interface GraphValue {

    /**
     * An atomic dimension. {@code size} is known for direction and hidden factors; graph-input
     * factors are treated as unknown (the compiled model accepts any sequence length and batch size).
     */
    record Factor(String id, long size) {
        boolean known() {
            return size >= 0;
        }
    }

    /** One axis of a tensor: the product of its factors (none: an axis of size 1). */
    record Axis(List<Factor> factors) {
        public Axis {
            factors = List.copyOf(factors);
        }

        static Axis of(Factor... factors) {
            return new Axis(List.of(factors));
        }

        boolean isUnit() {
            return factors.isEmpty();
        }

        /** The size if every factor's is known, else -1. */
        long size() {
            long n = 1;
            for (Factor f : factors) {
                if (!f.known()) {
                    return -1;
                }
                n *= f.size();
            }
            return n;
        }

        @Override
        public String toString() {
            return factors.isEmpty() ? "1" : factors.stream().map(Factor::id).reduce((a, b) -> a + "*" + b).orElse("");
        }
    }

    /** A constant tensor (initializer, Constant node, or folded from constants). */
    record Const(OnnxTensor tensor) implements GraphValue {
    }

    /** One entry of a shape vector: a literal (axis null), or the size of a data axis. */
    record Dim(long literal, Axis axis) {
        static Dim literal(long value) {
            return new Dim(value, null);
        }

        boolean isSymbolic() {
            return axis != null && axis.size() < 0;
        }

        /** The value when known (a literal, or a data axis of known size), else -1. */
        long known() {
            return axis == null ? literal : axis.size();
        }
    }

    /** A shape vector (1-D int64, or a scalar when {@code scalar}) computed from Shape of data. */
    record Dims(List<Dim> dims, boolean scalar) implements GraphValue {
        public Dims {
            dims = List.copyOf(dims);
        }
    }

    /**
     * The shape of a tensor lstmc does not compute (upstream of a {@code --from} cut): good for
     * zero states and expansions, which do not depend on what the sizes are.
     */
    record UnknownShape(String tensor) implements GraphValue {
    }

    /** A tensor filled with one value (ConstantOfShape, Expand of a uniform constant). */
    record Fill(double value) implements GraphValue {
    }

    /**
     * Sequence data: the model input or an LSTM output, with its axes and what has been computed
     * from it so far ({@link Meaning}: an input stage before the LSTM; a direction, a choice of time
     * step or a reduction, and head stages after it).
     */
    record Seq(Origin origin, List<Axis> axes, Meaning meaning) implements GraphValue {
        public Seq {
            axes = List.copyOf(axes);
        }

        Seq(Origin origin, List<Axis> axes) {
            this(origin, axes, Meaning.RAW);
        }

        int rank() {
            return axes.size();
        }

        Seq withAxes(List<Axis> newAxes) {
            return new Seq(origin, newAxes, meaning);
        }

        Seq with(List<Axis> newAxes, Meaning newMeaning) {
            return new Seq(origin, newAxes, newMeaning);
        }
    }

    /** What an LSTM's output shows per direction and time: every step, or one step or summary per row. */
    enum Pick {
        /** Every time step. */
        ALL,
        /** Y[T-1]. */
        LAST,
        /** Y[0]. */
        FIRST,
        /** The final hidden state (Y_h). */
        FINAL,
        /** Y[max(len-1, 0)] for a lengths input. */
        LAST_VALID,
        /** The mean over time. */
        MEAN,
        /** The maximum over time. */
        MAX
    }

    /**
     * What sequence data holds beyond its origin. Before the LSTM: a token lookup ({@code embedding},
     * the table {@code [vocab, dim]}) or a per-feature affine transform ({@code x * scale + shift};
     * arrays of one value broadcast). After it: {@code direction} (-1: all directions; else only that
     * direction's features), {@code pick} (which time step(s)), {@code lengths} (the lengths input a
     * LAST_VALID pick reads), the head stages applied so far and whether the feature axis was squeezed
     * away ({@code scalar}).
     */
    record Meaning(OnnxTensor embedding, double[] scale, double[] shift, int direction, Pick pick, String lengths,
                   List<HeadLayer> head, boolean scalar) {
        static final Meaning RAW = new Meaning(null, null, null, -1, Pick.ALL, null, List.of(), false);

        public Meaning {
            head = List.copyOf(head);
        }

        Meaning withEmbedding(OnnxTensor table) {
            return new Meaning(table, scale, shift, direction, pick, lengths, head, scalar);
        }

        Meaning withAffine(double[] newScale, double[] newShift) {
            return new Meaning(embedding, newScale, newShift, direction, pick, lengths, head, scalar);
        }

        Meaning withDirection(int d) {
            return new Meaning(embedding, scale, shift, d, pick, lengths, head, scalar);
        }

        Meaning withPick(Pick p, String lengthsInput) {
            return new Meaning(embedding, scale, shift, direction, p, lengthsInput, head, scalar);
        }

        Meaning withHead(HeadLayer stage) {
            List<HeadLayer> h = new ArrayList<>(head);
            h.add(stage);
            return new Meaning(embedding, scale, shift, direction, pick, lengths, h, scalar);
        }

        /** The head with its last stage replaced. */
        Meaning withLastHead(HeadLayer stage) {
            List<HeadLayer> h = new ArrayList<>(head);
            h.set(h.size() - 1, stage);
            return new Meaning(embedding, scale, shift, direction, pick, lengths, h, scalar);
        }

        Meaning withScalar() {
            return new Meaning(embedding, scale, shift, direction, pick, lengths, head, true);
        }

        boolean hasInputStage() {
            return embedding != null || scale != null;
        }
    }

    /**
     * Part of an elementwise expression of sequence data {@code x} that only means something once
     * complete (the Div/Erf/Add/Mul/Mul chain of an exported GELU); {@code form} says how far it got.
     * {@code plain} is the same value read as an ordinary stage (a scaling folded into a dense
     * layer), or null.
     */
    record Expr(Seq x, String form, Seq plain) implements GraphValue {
    }

    /** Token ids: an integer (or float, cast later) graph input {@code [batch, seq]} or {@code [seq, batch]}. */
    record Ids(String input, boolean floating) implements GraphValue {
    }

    /**
     * {@code lengths - 1} from an integer graph input, clamped at 0 when {@code clamped}; with
     * {@code rowStride} (the time axis), plus {@code row * T}: an index into the LSTM output
     * flattened to {@code [batch * seq, features]} (torch's lowering of {@code out[arange(B), lengths - 1]}).
     */
    record LengthIndex(String input, boolean clamped, Axis rowStride) implements GraphValue {
        LengthIndex(String input, boolean clamped) {
            this(input, clamped, null);
        }
    }

    /** {@code 0, 1, ..., n - 1} over the size n of data axis {@code axis}, times the size of {@code stride} if not null. */
    record Arange(Axis axis, Axis stride) implements GraphValue {
    }

    /** Where sequence data comes from: a graph input (lstm -1) or the Y output of LSTM node {@code lstm}. */
    record Origin(String graphInput, int lstm) {
        static Origin input(String name) {
            return new Origin(name, -1);
        }

        static Origin lstm(int index) {
            return new Origin(null, index);
        }

        boolean isInput() {
            return graphInput != null;
        }

        @Override
        public String toString() {
            return isInput() ? "graph input '" + graphInput + "'" : "LSTM node #" + lstm;
        }
    }

    /**
     * A 1-D value ({@link Arange} over the time axis, or {@link Lengths}) unsqueezed into axis {@code at}
     * of a rank-{@code rank} tensor whose other axes have size 1: one side of a validity mask
     * {@code arange(T)[None, :] < lengths[:, None]}, or the divisor of a mean over valid steps.
     */
    record Spread(GraphValue base, int rank, int at) implements GraphValue {
    }

    /**
     * 1 where the step is valid ({@code t < lengths[b]}), else 0 (the reverse when {@code padded}), as
     * bool or float: a tensor of rank {@code rank} with the time index on axis {@code timeAt}, the batch
     * on {@code batchAt} and size 1 elsewhere.
     */
    record ValidMask(String lengths, int rank, int timeAt, int batchAt, boolean padded) implements GraphValue {
        ValidMask negated() {
            return new ValidMask(lengths, rank, timeAt, batchAt, !padded);
        }
    }

    /** Rows {@code from..to-1} (first axis) of a float graph input: an initial state given at run time. */
    record StateRows(String input, long from, long to) implements GraphValue {
    }

    /**
     * A float graph input of rank 4 holding every layer's initial states, {@code [batch, layers, hidden,
     * 2]} (DTLN-style streaming models: {@code [..., 0]} the hidden state, {@code [..., 1]} the cell);
     * {@code layer}/{@code slot} -1 until a Slice picks one layer and one of the two; {@code form} 0:
     * sliced, {@code [batch, 1, hidden, 1]}; 1: squeezed to {@code [batch, hidden]}; 2: unsqueezed to
     * {@code [1, batch, hidden]}, what an LSTM node takes.
     */
    record PackedState(String input, long layer, long slot, int form) implements GraphValue {
    }

    /** An integer graph input: sequence lengths given at run time. */
    record Lengths(String input) implements GraphValue {
    }

    /** A constant sequence_lens of an LSTM node, one length per batch row: compiled in ({@code Model#fixedLengths}). */
    record FixedLengths(List<Integer> rows) implements GraphValue {
        public FixedLengths {
            rows = List.copyOf(rows);
        }
    }

    /**
     * A non-zero constant initial state of one LSTM node, the same for every batch row: per direction
     * a vector of the hidden size. Compiled into the model ({@code Model#initialState}).
     */
    record ConstState(float[][] perDirection) implements GraphValue {
    }

    /**
     * A non-uniform constant expanded over its size-1 axes (a learned initial state {@code [D, 1, H]}
     * expanded to {@code [D, batch, H]}); only an LSTM's initial state input takes it.
     */
    record Broadcast(OnnxTensor tensor) implements GraphValue {
    }

    /**
     * Final states (Y_h, or Y_c when {@code cell}) of LSTM nodes and their concatenation along the
     * first axis: the blocks of rows of LSTM nodes {@code lstms}, in order.
     */
    record StateOut(List<Integer> lstms, boolean cell) implements GraphValue {
        public StateOut {
            lstms = List.copyOf(lstms);
        }

        int lastLstm() {
            return lstms.get(lstms.size() - 1);
        }
    }

    /**
     * Final states viewed as {@code [layers, directions, batch, hidden]} (torch's
     * {@code h_n.view(num_layers, 2, batch, hidden)}): Gather of layer i on the first axis gives that
     * layer's {@link StateOut}.
     */
    record StateLayers(StateOut states) implements GraphValue {
    }

    /** Something the importer does not understand; {@code message} says what (file and node). */
    record Unsupported(String message) implements GraphValue {
    }
}

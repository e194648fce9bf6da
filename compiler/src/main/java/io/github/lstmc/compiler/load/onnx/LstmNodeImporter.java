package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one ONNX LSTM, GRU or RNN node (opsets 7 to 22) into a {@link Layer}: attributes, weight
 * shapes, the split of B into input and recurrent biases and, for an LSTM, the reordering of ONNX's
 * gate blocks i, o, f, c into lstmc's i, f, g, o and of the peepholes i, o, f into i, f, o. A GRU's
 * blocks z, r, h are lstmc's z, r, n as stored; an RNN has one block.
 */
final class LstmNodeImporter {
    /** Row block of ONNX's stacked weights for each of lstmc's gates i, f, g, o (ONNX order i, o, f, c). */
    static final int[] ONNX_GATE_BLOCK = {0, 2, 3, 1};
    /** Row of ONNX's P for each of lstmc's peepholes i, f, o (ONNX order i, o, f). */
    static final int[] ONNX_PEEPHOLE_ROW = {0, 2, 1};

    /** Largest hidden size accepted (a sanity bound checked before any allocation). */
    static final long MAX_HIDDEN = 1 << 16;

    /** The attributes each operator has (from opset 7 on; GRU and RNN take neither input_forget nor peepholes). */
    private static final Map<CellKind, Set<String>> ATTRIBUTES = Map.of(
            CellKind.LSTM, Set.of("activation_alpha", "activation_beta", "activations", "clip", "direction",
                    "hidden_size", "input_forget", "layout", "output_sequence"),
            CellKind.GRU, Set.of("activation_alpha", "activation_beta", "activations", "clip", "direction",
                    "hidden_size", "layout", "linear_before_reset"),
            CellKind.RNN, Set.of("activation_alpha", "activation_beta", "activations", "clip", "direction",
                    "hidden_size", "layout"));

    /** The activations per direction when the node gives none: ONNX's defaults f, g, h. */
    private static final Map<CellKind, List<String>> DEFAULT_ACTIVATIONS = Map.of(
            CellKind.LSTM, List.of("Sigmoid", "Tanh", "Tanh"),
            CellKind.GRU, List.of("Sigmoid", "Tanh"),
            CellKind.RNN, List.of("Tanh"));

    /** The attributes of an LSTM, GRU or RNN node ({@code activations}: f, g, h as the kind has them, per direction). */
    record Attributes(CellKind kind, int directions, Direction singleDirection, long hiddenSize,
                      List<Activation> activations, float clip, boolean inputForget, int layout,
                      boolean linearBeforeReset) {
    }

    private LstmNodeImporter() {
    }

    /** Reads and checks the node's attributes. {@code hiddenSize} is -1 when the attribute is absent. */
    static Attributes attributes(NodeAttributes attrs, CellKind kind) throws LstmcException {
        attrs.requireOnly(ATTRIBUTES.get(kind));
        String direction = attrs.getString("direction", "forward");
        int directions;
        Direction single;
        switch (direction) {
            case "forward" -> {
                directions = 1;
                single = Direction.FORWARD;
            }
            case "reverse" -> {
                directions = 1;
                single = Direction.REVERSE;
            }
            case "bidirectional" -> {
                directions = 2;
                single = null;
            }
            default -> throw new LstmcException(attrs.prefix("direction") + "is '" + direction
                    + "', expected forward, reverse or bidirectional");
        }
        long hidden = -1;
        if (attrs.has("hidden_size")) {
            hidden = attrs.getInt("hidden_size", -1);
            if (hidden < 1 || hidden > MAX_HIDDEN) {
                throw new LstmcException(attrs.prefix("hidden_size") + "is " + hidden + ", expected 1.." + MAX_HIDDEN);
            }
        }
        List<String> names = attrs.getStrings("activations");
        List<String> defaults = DEFAULT_ACTIVATIONS.get(kind);
        if (kind == CellKind.RNN && directions == 1 && names != null && names.size() == 2) {
            // the RNN schema's default is ["Tanh", "Tanh"]; ONNX Runtime takes the first of two for one direction
            names = names.subList(0, 1);
        }
        if (names == null) {
            names = new ArrayList<>();
            for (int d = 0; d < directions; d++) {
                names.addAll(defaults);
            }
        } else if (names.size() != defaults.size() * directions) {
            throw new LstmcException(attrs.prefix("activations") + "has " + names.size() + " entries, expected "
                    + defaults.size() * directions + " (" + String.join(", ", "fgh".substring(0, defaults.size()).split(""))
                    + " for each of " + directions + " direction(s))");
        }
        List<Activation> activations = kind == CellKind.RNN
                ? OnnxActivations.resolvePerDirection(names, attrs.getFloats("activation_alpha"),
                        attrs.getFloats("activation_beta"), attrs)
                : OnnxActivations.resolve(names, attrs.getFloats("activation_alpha"), attrs.getFloats("activation_beta"),
                        attrs);
        float clip = Layer.NO_CLIP;
        if (attrs.has("clip")) {
            clip = attrs.getFloat("clip", Layer.NO_CLIP);
            if (!(clip > 0f)) {
                throw new LstmcException(attrs.prefix("clip") + "is " + clip + ", expected a positive number");
            }
        }
        long inputForget = zeroOrOne(attrs, "input_forget");
        long linearBeforeReset = zeroOrOne(attrs, "linear_before_reset");
        long layout = attrs.getInt("layout", 0);
        if (layout != 0 && layout != 1) {
            throw new LstmcException(attrs.prefix("layout") + "is " + layout + ", expected 0 or 1");
        }
        // output_sequence is LSTM-1's flag (opset 1 only; MIN_OPSET refuses it): read for its type check only.
        attrs.getInt("output_sequence", 0);
        return new Attributes(kind, directions, single, hidden, activations, clip, inputForget == 1, (int) layout,
                linearBeforeReset == 1);
    }

    /** An integer flag attribute (default 0): 0 or 1. */
    private static long zeroOrOne(NodeAttributes attrs, String name) throws LstmcException {
        long value = attrs.getInt(name, 0);
        if (value != 0 && value != 1) {
            throw new LstmcException(attrs.prefix(name) + "is " + value + ", expected 0 or 1");
        }
        return value;
    }

    /**
     * Builds the layer. G below is the kind's gate count (LSTM 4, GRU 3, RNN 1).
     *
     * @param where  "file: node 'x' (LSTM)" prefix for messages
     * @param w      W [D, G*H, I]
     * @param r      R [D, G*H, H]
     * @param b      B [D, 2*G*H], or null
     * @param p      P [D, 3H] (LSTM only), or null
     */
    static Layer layer(String where, Attributes a, OnnxTensor w, OnnxTensor r, OnnxTensor b, OnnxTensor p)
            throws LstmcException {
        int d = a.directions();
        int g = a.kind().gateCount();
        String rows = g == 1 ? "hidden_size" : g + "*hidden_size";
        if (w.rank() != 3 || w.dims()[0] != d || w.dims()[1] % g != 0 || w.dims()[1] == 0 || w.dims()[2] == 0) {
            throw new LstmcException(where + " input W " + w + " must have shape [" + d + ", " + rows + ", input_size]");
        }
        long hidden = w.dims()[1] / g;
        if (a.hiddenSize() >= 0 && a.hiddenSize() != hidden) {
            throw new LstmcException(where + " attribute hidden_size is " + a.hiddenSize() + " but input W " + w
                    + " implies hidden_size " + hidden);
        }
        if (hidden > MAX_HIDDEN) {
            throw new LstmcException(where + " input W " + w + " implies hidden_size " + hidden + ", more than " + MAX_HIDDEN);
        }
        int h = (int) hidden;
        int inputSize = (int) w.dims()[2];
        expectShape(where, "R", r, d, (long) g * h, h);
        if (b != null) {
            expectShape(where, "B", b, d, 2L * g * h);
        }
        if (p != null) {
            expectShape(where, "P", p, d, 3L * h);
        }
        requireFloat(where, "W", w);
        requireFloat(where, "R", r);
        requireFloat(where, "B", b);
        requireFloat(where, "P", p);
        List<DirectionCell> cells = new ArrayList<>();
        for (int dir = 0; dir < d; dir++) {
            Direction direction = d == 2 ? (dir == 0 ? Direction.FORWARD : Direction.REVERSE) : a.singleDirection();
            Matrix inputWeights = Matrix.of(g * h, inputSize, gates(a.kind(), w.floats(), dir * g * h * inputSize, h,
                    inputSize));
            Matrix recurrentWeights = Matrix.of(g * h, h, gates(a.kind(), r.floats(), dir * g * h * h, h, h));
            Matrix inputBias = b == null ? null : Matrix.vector(gates(a.kind(), b.floats(), dir * 2 * g * h, h, 1));
            Matrix recurrentBias = b == null ? null
                    : Matrix.vector(gates(a.kind(), b.floats(), dir * 2 * g * h + g * h, h, 1));
            try {
                cells.add(cell(a, dir, direction, inputWeights, recurrentWeights, inputBias, recurrentBias,
                        p == null ? null : peepholes(p.floats(), dir, h)));
            } catch (IllegalArgumentException e) {
                throw new LstmcException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return new Layer(cells, Layer.NO_CLIP, a.clip(), a.inputForget());
        } catch (IllegalArgumentException e) {
            throw new LstmcException(where + ": " + e.getMessage(), e);
        }
    }

    /** One direction's cell of the node's kind, with that direction's activations. */
    private static DirectionCell cell(Attributes a, int dir, Direction direction, Matrix w, Matrix r, Matrix wb,
                                      Matrix rb, Matrix peepholes) {
        List<Activation> f = a.activations();
        return switch (a.kind()) {
            case LSTM -> new DirectionCell(direction, w, r, wb, rb, peepholes, null,
                    new CellActivations(f.get(3 * dir), f.get(3 * dir + 1), f.get(3 * dir + 2)));
            case GRU -> DirectionCell.gru(direction, w, r, wb, rb, CellActivations.gru(f.get(2 * dir), f.get(2 * dir + 1)),
                    a.linearBeforeReset());
            case RNN -> DirectionCell.rnn(direction, w, r, wb, rb, f.get(dir));
        };
    }

    /**
     * The G*H rows of {@code cols} values starting at {@code offset} in {@code data}, in lstmc's gate
     * order: an LSTM's reordered ({@link #reorderGates}), a GRU's (z, r, h) and an RNN's as stored.
     */
    static float[] gates(CellKind kind, float[] data, int offset, int h, int cols) {
        if (kind == CellKind.LSTM) {
            return reorderGates(data, offset, h, cols);
        }
        return java.util.Arrays.copyOfRange(data, offset, offset + kind.gateCount() * h * cols);
    }

    /**
     * The 4H rows of {@code cols} values starting at {@code offset} in {@code data}, stored in ONNX's
     * gate order i, o, f, c, returned in lstmc's order i, f, g, o.
     */
    static float[] reorderGates(float[] data, int offset, int h, int cols) {
        float[] out = new float[4 * h * cols];
        for (int gate = 0; gate < 4; gate++) {
            System.arraycopy(data, offset + ONNX_GATE_BLOCK[gate] * h * cols, out, gate * h * cols, h * cols);
        }
        return out;
    }

    private static Matrix peepholes(float[] data, int dir, int h) {
        float[] out = new float[3 * h];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(data, dir * 3 * h + ONNX_PEEPHOLE_ROW[k] * h, out, k * h, h);
        }
        return Matrix.of(3, h, out);
    }

    private static void expectShape(String where, String name, OnnxTensor t, long... dims) throws LstmcException {
        if (!java.util.Arrays.equals(t.dims(), dims)) {
            throw new LstmcException(where + " input " + name + " " + t + " must have shape " + java.util.Arrays.toString(dims));
        }
    }

    private static void requireFloat(String where, String name, OnnxTensor t) throws LstmcException {
        if (t == null) {
            return;
        }
        if (!t.isFloat()) {
            throw new LstmcException(where + " input " + name + " " + t + " has an integer data type, expected float");
        }
        float[] v = t.floats();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new LstmcException(where + " input " + name + " " + t + " has a non-finite value " + v[i]
                        + " at flat index " + i);
            }
        }
    }
}

package io.github.lstmc.compiler.load.pytorch;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.LoaderSupport;
import io.github.lstmc.compiler.load.safetensors.SafetensorsFile;
import io.github.lstmc.compiler.load.safetensors.SafetensorsReader;
import io.github.lstmc.compiler.load.safetensors.Tensor;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link Model} from the {@code state_dict} of a PyTorch {@code nn.LSTM}, {@code nn.GRU} or
 * {@code nn.RNN} saved as safetensors. Everything is inferred from tensor names and shapes, with
 * G = 4 (LSTM), 3 (GRU) or 1 (RNN) gate blocks, told apart by {@code weight_hh_l0}'s {@code [G*H, H]}:
 *
 * <pre>
 *   weight_ih_l{k}[_reverse]  [G*H, I_k]  I_0 = input size, I_k = directions * S for k &gt; 0
 *   weight_hh_l{k}[_reverse]  [G*H, S]    S = proj_size if projected (LSTM only), else H
 *   bias_ih_l{k}[_reverse]    [G*H]       optional (bias=False), but all present or all absent
 *   bias_hh_l{k}[_reverse]    [G*H]
 *   weight_hr_l{k}[_reverse]  [P, H]      LSTM only, with proj_size &gt; 0
 * </pre>
 *
 * PyTorch's LSTM gate order i, f, g, o is lstmc's, so rows are taken as stored; its GRU rows r, z, n
 * are reordered to lstmc's z, r, n (PyTorch computes the reset after the linear map:
 * {@code linearBeforeReset}). LSTM activations are sigmoid/tanh/tanh and GRU sigmoid/tanh; an RNN's
 * {@code nonlinearity} is not in the state dict, so it comes from {@link LoadOptions#rnnNonlinearity()}
 * (tanh by default, with a notice among the warnings). The layout is sequence-first (PyTorch's default)
 * unless {@link LoadOptions#layout()} says otherwise ({@code batch_first=True} is not in the state
 * dict).
 *
 * <p>The LSTM may sit under a module prefix ({@code encoder.lstm.weight_ih_l0}); it is found when
 * it is the only one, and {@link LoadOptions#prefix()} picks one when the file holds several.
 * Tensors of other modules are not compiled, and {@link #loadResult} names them in a warning (a
 * head such as {@code fc.weight} must not be dropped silently); a tensor directly under the chosen
 * prefix that is not an LSTM parameter is an error.
 */
public final class PyTorchLstmLoader {
    private static final Pattern PARAMETER = Pattern.compile(
            "(.*\\.)?(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(0|[1-9][0-9]{0,5})(_reverse)?");
    private static final String BURN_MARKER = "input_gate.input_transform.weight";

    private PyTorchLstmLoader() {
    }

    /** Why other tensors are left out, and what to do instead: the two halves of the warning. */
    private static final String NOT_COMPILED_REASON = "only the %s is read from a state dict";
    private static final String NOT_COMPILED_ADVICE = "export the whole model to ONNX to compile it";

    /** Reads {@code file} and builds its model. */
    public static Model load(Path file, LoadOptions options) throws LstmcException {
        return loadResult(file, options).model();
    }

    /** Builds the model of an already read file. */
    public static Model load(SafetensorsFile file, LoadOptions options) throws LstmcException {
        return loadResult(file, options).model();
    }

    /** Reads {@code file} and builds its model, with a warning naming the tensors outside the LSTM. */
    public static LoadResult loadResult(Path file, LoadOptions options) throws LstmcException {
        return loadResult(SafetensorsReader.read(file), options);
    }

    /** {@link #loadResult(Path, LoadOptions)} of an already read file. */
    public static LoadResult loadResult(SafetensorsFile file, LoadOptions options) throws LstmcException {
        LoadOptions opts = options == null ? LoadOptions.DEFAULT : options;
        Builder builder = new Builder(file, opts);
        Model model = builder.build();
        Set<String> unused = new TreeSet<>(file.names());
        unused.removeAll(builder.parameters.values());
        LoadResult result = LoaderSupport.withUncompiled(model, file.fileName(), unused,
                NOT_COMPILED_REASON.formatted(builder.kind), NOT_COMPILED_ADVICE);
        if (builder.kind != CellKind.RNN || opts.rnnNonlinearity() != null) {
            return result;
        }
        List<String> warnings = new ArrayList<>(result.warnings());
        warnings.add(RNN_NOTICE.formatted(file.fileName()));
        return new LoadResult(model, warnings, result.uncompiledTensors());
    }

    /** The notice when an nn.RNN is read without a nonlinearity: PyTorch does not store it. */
    static final String RNN_NOTICE = "%s: an nn.RNN state dict does not say its nonlinearity; compiled with tanh"
            + " (PyTorch's default; --rnn-nonlinearity relu for nonlinearity='relu')";

    /** The key of one parameter of one direction of one layer. */
    private record Key(String parameter, int layer, boolean reverse) {
        String tensorName(String prefix) {
            return prefix + parameter + "_l" + layer + (reverse ? "_reverse" : "");
        }
    }

    private static final class Builder {
        private final SafetensorsFile file;
        private final LoadOptions options;
        private final String where;
        private String prefix;
        private Map<Key, String> parameters;
        private CellKind kind = CellKind.LSTM;
        /** "4*H", "3*H" or "H": the gate rows of the kind, for messages. */
        private String rows = "4*H";

        Builder(SafetensorsFile file, LoadOptions options) {
            this.file = file;
            this.options = options;
            this.where = file.fileName();
        }

        Model build() throws LstmcException {
            choosePrefix();
            refuseStrayTensors();

            TreeSet<Integer> layerIndices = new TreeSet<>();
            boolean bidirectional = false;
            boolean hasBias = false;
            boolean hasProjection = false;
            for (Key k : parameters.keySet()) {
                layerIndices.add(k.layer);
                bidirectional |= k.reverse;
                hasBias |= k.parameter.startsWith("bias");
                hasProjection |= k.parameter.equals("weight_hr");
            }
            int layerCount = layerIndices.last() + 1;
            if (layerIndices.size() != layerCount) {
                for (int k = 0; k < layerCount; k++) {
                    if (!layerIndices.contains(k)) {
                        throw new LstmcException(where + ": LSTM " + LoaderSupport.describePrefix(prefix) + " has no layer "
                                + k + " (missing tensor '" + new Key("weight_ih", k, false).tensorName(prefix)
                                + "'; found layers " + layerIndices + ")");
                    }
                }
            }

            Tensor first = tensor(new Key("weight_ih", 0, false));
            inferKind(first, hasProjection);
            int g = kind.gateCount();
            requireRank(first, 2, "[" + rows + ", I]");
            if (first.dim(0) == 0 || first.dim(0) % g != 0) {
                throw new LstmcException(where + ": tensor '" + first.name() + "' has shape " + first.shapeText()
                        + ", expected [4*H, I] with H > 0 (its first dimension must be a positive multiple of 4)");
            }
            int hidden = first.dim(0) / g;
            int inputSize = first.dim(1);
            if (inputSize == 0) {
                throw new LstmcException(where + ": tensor '" + first.name() + "' has shape " + first.shapeText()
                        + ", expected [" + rows + ", I] with I > 0");
            }
            int stateSize = hidden;
            if (hasProjection) {
                Tensor hr = tensor(new Key("weight_hr", 0, false));
                requireRank(hr, 2, "[P, H]");
                stateSize = hr.dim(0);
                if (stateSize == 0) {
                    throw new LstmcException(where + ": tensor '" + hr.name() + "' has shape " + hr.shapeText()
                            + ", expected [P, " + hidden + "] with P > 0");
                }
            }
            int directions = bidirectional ? 2 : 1;

            List<Layer> layers = new ArrayList<>();
            for (int k = 0; k < layerCount; k++) {
                int layerInput = k == 0 ? inputSize : directions * stateSize;
                String inputReason = k == 0 ? rows + ", I as in layer 0" : rows + ", " + directions + " direction(s) * "
                        + (hasProjection ? "proj_size " : "H ") + stateSize;
                List<DirectionCell> cells = new ArrayList<>();
                for (int d = 0; d < directions; d++) {
                    boolean reverse = d == 1;
                    Tensor wi = expect(new Key("weight_ih", k, reverse), inputReason, g * hidden, layerInput);
                    Tensor wh = expect(new Key("weight_hh", k, reverse),
                            rows + ", " + (hasProjection ? "proj_size" : "H"), g * hidden, stateSize);
                    Tensor bi = hasBias ? expect(new Key("bias_ih", k, reverse), rows, g * hidden) : null;
                    Tensor bh = hasBias ? expect(new Key("bias_hh", k, reverse), rows, g * hidden) : null;
                    Tensor hr = hasProjection
                            ? expect(new Key("weight_hr", k, reverse), "proj_size, H", stateSize, hidden) : null;
                    cells.add(cell(k, reverse, wi, wh, bi, bh, hr));
                }
                layers.add(layer(k, cells));
            }
            Layout layout = options.layout() != null ? options.layout() : Layout.SEQUENCE_FIRST;
            try {
                return new Model(LoaderSupport.modelName(file.file()), layers, layout);
            } catch (IllegalArgumentException e) {
                throw new LstmcException(where + ": " + e.getMessage(), e);
            }
        }

        /**
         * The cell from {@code weight_hh_l0} {@code [G*H, H]}: G = 4 LSTM, 3 GRU, 1 RNN. A projection
         * (LSTM only) or a shape that fits none keeps the LSTM, whose shape checks then name the tensor.
         */
        private void inferKind(Tensor weightIh, boolean hasProjection) throws LstmcException {
            String hhName = parameters.get(new Key("weight_hh", 0, false));
            if (hasProjection || hhName == null) {
                return;
            }
            Tensor hh = file.tensor(hhName);
            if (hh.rank() != 2 || hh.dim(1) == 0 || hh.dim(0) % hh.dim(1) != 0 || weightIh.rank() != 2
                    || weightIh.dim(0) != hh.dim(0)) {
                return;
            }
            switch (hh.dim(0) / hh.dim(1)) {
                case 3 -> {
                    kind = CellKind.GRU;
                    rows = "3*H";
                }
                case 1 -> {
                    kind = CellKind.RNN;
                    rows = "H";
                }
                default -> {
                }
            }
        }

        private void choosePrefix() throws LstmcException {
            Map<String, Map<Key, String>> byPrefix = new TreeMap<>();
            for (String name : file.names()) {
                Matcher m = PARAMETER.matcher(name);
                if (m.matches()) {
                    String p = m.group(1) == null ? "" : m.group(1);
                    Key key = new Key(m.group(2), Integer.parseInt(m.group(3)), m.group(4) != null);
                    byPrefix.computeIfAbsent(p, x -> new TreeMap<>(
                            java.util.Comparator.comparing(Key::layer).thenComparing(Key::reverse)
                                    .thenComparing(Key::parameter))).put(key, name);
                }
            }
            String wanted = LoaderSupport.normalizePrefix(options.prefix());
            if (byPrefix.isEmpty()) {
                boolean burn = file.names().stream().anyMatch(n -> n.endsWith(BURN_MARKER));
                throw new LstmcException(where + ": no nn.LSTM weights found (expected tensors named like "
                        + "'weight_ih_l0')" + (burn ? "; these look like Burn weights: give the LstmConfig JSON "
                        + "with --config" : "; found " + sample(file.names())));
            }
            if (wanted != null) {
                if (!byPrefix.containsKey(wanted)) {
                    throw new LstmcException(where + ": no LSTM under prefix " + LoaderSupport.describePrefix(wanted)
                            + "; LSTM prefixes in the file: " + LoaderSupport.describePrefixes(byPrefix.keySet()));
                }
                prefix = wanted;
            } else if (byPrefix.size() > 1) {
                throw new LstmcException(where + ": the file holds " + byPrefix.size() + " LSTMs, under "
                        + LoaderSupport.describePrefixes(byPrefix.keySet()) + "; choose one with a prefix (--prefix)");
            } else {
                prefix = byPrefix.keySet().iterator().next();
            }
            parameters = byPrefix.get(prefix);
        }

        /** nn.LSTM has no sub-modules: a dot-free name under its prefix must be one of its parameters. */
        private void refuseStrayTensors() throws LstmcException {
            for (String name : file.names()) {
                if (name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0
                        && !parameters.containsValue(name)) {
                    throw new LstmcException(where + ": unexpected tensor '" + name + "' in LSTM "
                            + LoaderSupport.describePrefix(prefix) + " (an nn.LSTM holds only weight_ih_l{k}, "
                            + "weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, weight_hr_l{k} and their _reverse forms)");
                }
            }
        }

        private Tensor tensor(Key key) throws LstmcException {
            String name = parameters.get(key);
            if (name == null) {
                throw new LstmcException(where + ": missing tensor '" + key.tensorName(prefix) + "'"
                        + missingReason(key));
            }
            Tensor t = file.tensor(name);
            LoaderSupport.requireFinite(where, t);
            return t;
        }

        private String missingReason(Key key) {
            if (key.parameter.startsWith("bias")) {
                return " (other layers or directions have biases, so all need bias_ih and bias_hh)";
            }
            if (key.parameter.equals("weight_hr")) {
                return " (other layers or directions have a projection, so all need weight_hr)";
            }
            if (key.reverse) {
                return " (other tensors have _reverse forms, so every layer needs one)";
            }
            return "";
        }

        private Tensor expect(Key key, String meaning, int... dims) throws LstmcException {
            Tensor t = tensor(key);
            if (!t.hasShape(dims)) {
                String hint = "";
                if (key.parameter.equals("weight_hh") && t.rank() == 2 && t.dim(1) > 0 && t.dim(0) % t.dim(1) == 0
                        && t.dim(0) / t.dim(1) != kind.gateCount()) {
                    hint = "; layer 0 is " + article(kind) + " but this shape is " + rowsKind(t.dim(0) / t.dim(1));
                } else if (t.rank() == dims.length && t.dim(0) != dims[0] && key.parameter.startsWith("weight_i")) {
                    hint = "; the hidden size differs from layer 0's H=" + dims[0] / kind.gateCount();
                }
                throw new LstmcException(where + ": tensor '" + t.name() + "' has shape " + t.shapeText()
                        + ", expected " + java.util.Arrays.toString(dims) + " [" + meaning + "]" + hint);
            }
            return t;
        }

        private void requireRank(Tensor t, int rank, String expected) throws LstmcException {
            if (t.rank() != rank) {
                throw new LstmcException(where + ": tensor '" + t.name() + "' has shape " + t.shapeText()
                        + ", expected " + expected);
            }
        }

        private DirectionCell cell(int layer, boolean reverse, Tensor wi, Tensor wh, Tensor bi, Tensor bh, Tensor hr)
                throws LstmcException {
            Direction direction = reverse ? Direction.REVERSE : Direction.FORWARD;
            try {
                Matrix w = gruOrder(LoaderSupport.matrix(wi));
                Matrix r = gruOrder(LoaderSupport.matrix(wh));
                Matrix wb = bi == null ? null : gruOrder(LoaderSupport.vector(bi));
                Matrix rb = bh == null ? null : gruOrder(LoaderSupport.vector(bh));
                return switch (kind) {
                    case LSTM -> new DirectionCell(direction, w, r, wb, rb, null,
                            hr == null ? null : LoaderSupport.matrix(hr), CellActivations.DEFAULT);
                    case GRU -> DirectionCell.gru(direction, w, r, wb, rb, CellActivations.GRU_DEFAULT, true);
                    case RNN -> DirectionCell.rnn(direction, w, r, wb, rb,
                            "relu".equals(options.rnnNonlinearity()) ? Activation.of(Activation.Kind.RELU) : Activation.TANH);
                };
            } catch (IllegalArgumentException e) {
                throw new LstmcException(where + ": layer " + layer + " " + e.getMessage() + " (tensor '"
                        + new Key("weight_ih", layer, reverse).tensorName(prefix) + "' and its siblings)", e);
            }
        }

        /**
         * A GRU's stacked rows (a [3H][cols] matrix or a [1][3H] bias) from PyTorch's r, z, n to lstmc's
         * z, r, n; any other kind's as they are.
         */
        private Matrix gruOrder(Matrix m) {
            if (kind != CellKind.GRU) {
                return m;
            }
            boolean vector = m.rows() == 1;
            int rowsTotal = vector ? m.cols() : m.rows();
            int block = rowsTotal / 3 * (vector ? 1 : m.cols());
            float[] in = m.toArray();
            float[] out = m.toArray();
            System.arraycopy(in, block, out, 0, block); // z
            System.arraycopy(in, 0, out, block, block); // r
            return Matrix.of(m.rows(), m.cols(), out);
        }

        private Layer layer(int k, List<DirectionCell> cells) throws LstmcException {
            try {
                return new Layer(cells, Layer.NO_CLIP, Layer.NO_CLIP, false);
            } catch (IllegalArgumentException e) {
                throw new LstmcException(where + ": layer " + k + ": " + e.getMessage(), e);
            }
        }
    }

    private static String article(CellKind kind) {
        return switch (kind) {
            case LSTM -> "an LSTM";
            case GRU -> "a GRU";
            case RNN -> "an RNN";
        };
    }

    /** What G*H rows of a weight_hh say about the cell. */
    private static String rowsKind(int g) {
        return switch (g) {
            case 4 -> "an LSTM's (4*H rows)";
            case 3 -> "a GRU's (3*H rows)";
            case 1 -> "an RNN's (H rows)";
            default -> "no cell's (" + g + "*H rows)";
        };
    }

    private static String sample(java.util.Set<String> names) {
        if (names.isEmpty()) {
            return "no tensors";
        }
        List<String> first = names.stream().limit(5).map(n -> "'" + n + "'").toList();
        return String.join(", ", first) + (names.size() > 5 ? ", ... (" + names.size() + " tensors)" : "");
    }
}

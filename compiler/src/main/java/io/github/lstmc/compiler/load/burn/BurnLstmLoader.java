package io.github.lstmc.compiler.load.burn;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.LoaderSupport;
import io.github.lstmc.compiler.load.safetensors.SafetensorsFile;
import io.github.lstmc.compiler.load.safetensors.SafetensorsReader;
import io.github.lstmc.compiler.load.safetensors.Tensor;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Gate;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link Model} from a Burn {@code Lstm} or {@code BiLstm}: its config JSON
 * ({@link BurnLstmConfig}) plus its weights in safetensors under Burn's module paths (as burn-store's
 * {@code SafetensorsStore} writes them):
 *
 * <pre>
 *   [prefix.][forward.|reverse.]{input,forget,cell,output}_gate.{input,hidden}_transform.{weight,bias}
 *   input_transform.weight   [d_input, d_hidden]    (Burn's Linear computes y = x W + b)
 *   hidden_transform.weight  [d_hidden, d_hidden]
 *   *.bias                   [d_hidden]            only when the config's bias is true
 * </pre>
 *
 * Each gate's Linear weights are transposed into the gate's row block of the IR's stacked
 * {@code [4H][I]} and {@code [4H][H]} matrices, in lstmc's order i, f, g (Burn's cell_gate), o.
 * A {@code BiLstm} (tensors under {@code forward.} and {@code reverse.}) becomes one bidirectional
 * layer; a plain {@code Lstm} with {@code reverse: true} becomes one {@link Direction#REVERSE} cell.
 * Burn's {@code clip} bounds the cell state ({@link Layer#cellClip()}); {@code input_forget} couples
 * the gates: Burn then never reads the forget gate's weights, so they may be absent from the file
 * (and are zero in the model). The layout is the config's {@code batch_first} unless
 * {@link LoadOptions#layout()} overrides it.
 */
public final class BurnLstmLoader {
    private static final List<String> GATES = List.of("input_gate", "forget_gate", "cell_gate", "output_gate");
    private static final Gate[] GATE_ORDER = {Gate.INPUT, Gate.FORGET, Gate.CELL, Gate.OUTPUT};
    private static final String MARKER = "input_gate.input_transform.weight";

    private BurnLstmLoader() {
    }

    /** Reads the config and the weights and builds the model. */
    public static Model load(Path weights, Path config, LoadOptions options) throws LstmcException {
        return loadResult(weights, config, options).model();
    }

    /**
     * {@link #load(Path, Path, LoadOptions)} with a warning naming the tensors outside the Lstm module.
     * A {@code GruConfig}/{@code BiGruConfig} (it has {@code reset_after}), or weights with GRU gates
     * ({@code update_gate}) and no LSTM gates, go to {@link BurnGruLoader}.
     */
    public static LoadResult loadResult(Path weights, Path config, LoadOptions options) throws LstmcException {
        String configName = LoaderSupport.fileName(config);
        String text = BurnLstmConfig.readText(config);
        SafetensorsFile file = SafetensorsReader.read(weights);
        com.fasterxml.jackson.databind.JsonNode root = BurnLstmConfig.parseObject(configName, text, "config");
        boolean gruWeights = hasMarker(file, BurnGruLoader.MARKER) && !hasMarker(file, MARKER);
        if (BurnGruConfig.isGru(root) || gruWeights) {
            return BurnGruLoader.loadResult(file, BurnGruConfig.parse(configName, root), configName, options);
        }
        return loadResult(file, BurnLstmConfig.parse(configName, text), configName, options);
    }

    private static boolean hasMarker(SafetensorsFile file, String marker) {
        return file.names().stream().anyMatch(n -> n.equals(marker) || n.endsWith("." + marker));
    }

    /**
     * Builds the model from a parsed config and read weights.
     *
     * @param configName the config's file name, for messages
     */
    public static Model load(SafetensorsFile weights, BurnLstmConfig config, String configName, LoadOptions options)
            throws LstmcException {
        return loadResult(weights, config, configName, options).model();
    }

    /** {@link #load(SafetensorsFile, BurnLstmConfig, String, LoadOptions)} with its warnings. */
    public static LoadResult loadResult(SafetensorsFile weights, BurnLstmConfig config, String configName,
                                        LoadOptions options) throws LstmcException {
        LoadOptions opts = options == null ? LoadOptions.DEFAULT : options;
        String where = weights.fileName();
        Module module = findModule(weights, opts.prefix(), MARKER, "Lstm");
        if (module.bidirectional && config.hasReverseField()) {
            throw new LstmcException(configName + ": has field 'reverse', so it is an LstmConfig, but "
                    + where + " holds a BiLstm (tensors under " + LoaderSupport.describePrefix(module.prefix + "forward.")
                    + " and " + LoaderSupport.describePrefix(module.prefix + "reverse.") + ")");
        }
        List<String> directionPrefixes = module.bidirectional
                ? List.of(module.prefix + "forward.", module.prefix + "reverse.") : List.of(module.prefix);

        Set<String> expected = new HashSet<>();
        List<DirectionCell> cells = new ArrayList<>();
        for (int d = 0; d < directionPrefixes.size(); d++) {
            Direction direction = module.bidirectional
                    ? (d == 0 ? Direction.FORWARD : Direction.REVERSE)
                    : (config.reverse() ? Direction.REVERSE : Direction.FORWARD);
            cells.add(cell(weights, config, configName, directionPrefixes.get(d), direction, expected));
        }
        for (String name : weights.names()) {
            if (name.startsWith(module.prefix) && !expected.contains(name)) {
                String hint = !config.bias() && name.endsWith(".bias") ? "; " + configName + " says bias: false" : "";
                throw new LstmcException(where + ": unexpected tensor '" + name + "' in Burn "
                        + (module.bidirectional ? "BiLstm " : "Lstm ") + LoaderSupport.describePrefix(module.prefix) + hint);
            }
        }
        Layout layout = opts.layout() != null ? opts.layout()
                : config.batchFirst() ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST;
        Model model;
        try {
            Layer layer = new Layer(cells, config.cellClip(), Layer.NO_CLIP, config.inputForget());
            model = new Model(LoaderSupport.modelName(weights.file()), List.of(layer), layout);
        } catch (IllegalArgumentException e) {
            throw new LstmcException(where + ": " + e.getMessage(), e);
        }
        return withOutside(model, weights, module, "Lstm");
    }

    /** The model with a warning naming the tensors outside the module ({@code what}: "Lstm" or "Gru"). */
    static LoadResult withOutside(Model model, SafetensorsFile weights, Module module, String what) {
        List<String> outside = weights.names().stream().filter(n -> !n.startsWith(module.prefix)).toList();
        return LoaderSupport.withUncompiled(model, weights.fileName(), outside, "only the " + what
                + " module is read from a Burn record", "export the whole model to ONNX to compile it");
    }

    /** One Burn Lstm (a direction) as a cell: each gate's Linear weights transposed into its row block. */
    private static DirectionCell cell(SafetensorsFile weights, BurnLstmConfig config, String configName, String prefix,
                                      Direction direction, Set<String> expected) throws LstmcException {
        int in = config.dInput();
        int h = config.dHidden();
        // fetch and shape-check every tensor first: the config's sizes are trusted only once the file backs them
        Tensor[][] gateTensors = new Tensor[GATES.size()][];
        for (int g = 0; g < GATES.size(); g++) {
            String gate = prefix + GATES.get(g) + ".";
            if (config.inputForget() && GATE_ORDER[g] == Gate.FORGET
                    && !weights.contains(gate + "input_transform.weight")) {
                // coupled gates: Burn computes f = 1 - i and never reads forget_gate; zeros stand in for it
                continue;
            }
            List<String> names = new ArrayList<>(List.of(gate + "input_transform.weight",
                    gate + "hidden_transform.weight"));
            if (config.bias()) {
                names.add(gate + "input_transform.bias");
                names.add(gate + "hidden_transform.bias");
            }
            gateTensors[g] = new Tensor[] {
                tensor(weights, names.get(0), configName, "d_input, d_hidden", in, h),
                tensor(weights, names.get(1), configName, "d_hidden, d_hidden", h, h),
                config.bias() ? tensor(weights, names.get(2), configName, "d_hidden", h) : null,
                config.bias() ? tensor(weights, names.get(3), configName, "d_hidden", h) : null,
            };
            expected.addAll(names);
        }
        if (4L * h * Math.max(in, h) > Integer.MAX_VALUE - 8) {
            throw new LstmcException(weights.fileName() + ": " + LoaderSupport.describePrefix(prefix)
                    + " is too large: 4 * d_hidden * max(d_input, d_hidden) exceeds a Java array");
        }
        float[] w = new float[4 * h * in];
        float[] r = new float[4 * h * h];
        float[] bw = config.bias() ? new float[4 * h] : null;
        float[] br = config.bias() ? new float[4 * h] : null;
        for (int g = 0; g < GATES.size(); g++) {
            Tensor[] t = gateTensors[g];
            if (t == null) {
                continue;
            }
            int rowOffset = GATE_ORDER[g].offset(h);
            transposeInto(t[0], w, rowOffset, in);
            transposeInto(t[1], r, rowOffset, h);
            if (config.bias()) {
                copyInto(t[2], bw, rowOffset);
                copyInto(t[3], br, rowOffset);
            }
        }
        try {
            return new DirectionCell(direction, Matrix.of(4 * h, in, w), Matrix.of(4 * h, h, r),
                    bw == null ? null : Matrix.vector(bw), br == null ? null : Matrix.vector(br), null, null,
                    config.activations());
        } catch (IllegalArgumentException e) {
            throw new LstmcException(weights.fileName() + ": " + LoaderSupport.describePrefix(prefix) + " "
                    + e.getMessage(), e);
        }
    }

    static Tensor tensor(SafetensorsFile weights, String name, String configName, String meaning, int... dims)
            throws LstmcException {
        String where = weights.fileName();
        if (!weights.contains(name)) {
            throw new LstmcException(where + ": missing tensor '" + name + "'"
                    + (name.endsWith(".bias") ? " (" + configName + " says bias: true)" : ""));
        }
        Tensor t = weights.tensor(name);
        if (!t.hasShape(dims)) {
            throw new LstmcException(where + ": tensor '" + name + "' has shape " + t.shapeText() + ", expected "
                    + java.util.Arrays.toString(dims) + " [" + meaning + "] from " + configName);
        }
        LoaderSupport.requireFinite(where, t);
        return t;
    }

    /** Burn's [in][H] Linear weight becomes rows rowOffset..rowOffset+H-1 of the [4H][in] matrix. */
    static void transposeInto(Tensor t, float[] stacked, int rowOffset, int in) {
        int h = t.dim(1);
        for (int c = 0; c < in; c++) {
            for (int j = 0; j < h; j++) {
                stacked[(rowOffset + j) * in + c] = t.value(c * h + j);
            }
        }
    }

    static void copyInto(Tensor t, float[] stacked, int offset) {
        for (int j = 0; j < t.size(); j++) {
            stacked[offset + j] = t.value(j);
        }
    }

    /** Where the Lstm (or Gru) sits in the file and whether it is a BiLstm (BiGru). */
    record Module(String prefix, boolean bidirectional) {
    }

    /**
     * The module whose tensors end in {@code marker}, under {@code requested} or the only one.
     *
     * @param what "Lstm" or "Gru", for messages
     */
    static Module findModule(SafetensorsFile weights, String requested, String marker, String what)
            throws LstmcException {
        String where = weights.fileName();
        Set<String> bases = new HashSet<>();
        for (String name : weights.names()) {
            if (name.equals(marker) || name.endsWith("." + marker)) {
                bases.add(name.substring(0, name.length() - marker.length()));
            }
        }
        Map<String, Module> modules = new TreeMap<>();
        for (String base : bases) {
            if (base.endsWith("forward.")) {
                String root = base.substring(0, base.length() - "forward.".length());
                if (bases.contains(root + "reverse.")) {
                    modules.put(root, new Module(root, true));
                    continue;
                }
            }
            if (base.endsWith("reverse.")) {
                String root = base.substring(0, base.length() - "reverse.".length());
                if (bases.contains(root + "forward.")) {
                    continue;
                }
            }
            modules.put(base, new Module(base, false));
        }
        if (modules.isEmpty()) {
            boolean pytorch = weights.names().stream().anyMatch(n -> n.matches("(.*\\.)?weight_ih_l0"));
            throw new LstmcException(where + ": no Burn " + what + " weights found (expected tensors named like '" + marker
                    + "')"
                    + (pytorch ? "; these look like PyTorch nn.LSTM weights: load them without a Burn config" : ""));
        }
        String wanted = LoaderSupport.normalizePrefix(requested);
        if (wanted != null) {
            Module m = modules.get(wanted);
            if (m == null) {
                throw new LstmcException(where + ": no Burn " + what + " under prefix " + LoaderSupport.describePrefix(wanted)
                        + "; " + what + " prefixes in the file: " + LoaderSupport.describePrefixes(modules.keySet()));
            }
            return m;
        }
        if (modules.size() > 1) {
            throw new LstmcException(where + ": the file holds " + modules.size() + " Burn " + what + " modules, under "
                    + LoaderSupport.describePrefixes(modules.keySet()) + "; choose one with a prefix (--prefix)");
        }
        return modules.values().iterator().next();
    }
}

package io.github.lstmc.compiler.load.burn;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.LoaderSupport;
import io.github.lstmc.compiler.load.safetensors.SafetensorsFile;
import io.github.lstmc.compiler.load.safetensors.Tensor;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.GruGate;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link Model} from a Burn {@code Gru} or {@code BiGru}: its config ({@link BurnGruConfig})
 * plus its weights under Burn's module paths:
 *
 * <pre>
 *   [prefix.][forward.|reverse.]{update,reset,new}_gate.{input,hidden}_transform.{weight,bias}
 *   input_transform.weight   [d_input, d_hidden]    (Burn's Linear computes y = x W + b)
 *   hidden_transform.weight  [d_hidden, d_hidden]
 *   *.bias                   [d_hidden]            only when the config's bias is true
 * </pre>
 *
 * Burn's gates are lstmc's z ({@code update_gate}), r ({@code reset_gate}) and n ({@code new_gate});
 * each Linear weight is transposed into its gate's row block. With {@code reset_after} (Burn's
 * default) Burn computes {@code n = g(x W_n + b_in + r * (h R_n + b_hn))}, lstmc's
 * {@code linearBeforeReset}; without it {@code n = g(x W_n + b_in + (r * h) R_n + b_hn)}. A
 * {@code BiGru} (tensors under {@code forward.} and {@code reverse.}) is one bidirectional layer. A
 * {@code Gru} takes batch-first input; a {@code BiGru} follows its {@code batch_first};
 * {@link LoadOptions#layout()} overrides either.
 */
final class BurnGruLoader {
    static final String MARKER = "update_gate.input_transform.weight";
    private static final List<String> GATES = List.of("update_gate", "reset_gate", "new_gate");
    private static final GruGate[] GATE_ORDER = {GruGate.UPDATE, GruGate.RESET, GruGate.CANDIDATE};

    private BurnGruLoader() {
    }

    static LoadResult loadResult(SafetensorsFile weights, BurnGruConfig config, String configName, LoadOptions options)
            throws LstmcException {
        LoadOptions opts = options == null ? LoadOptions.DEFAULT : options;
        String where = weights.fileName();
        BurnLstmLoader.Module module = BurnLstmLoader.findModule(weights, opts.prefix(), MARKER, "Gru");
        List<String> prefixes = module.bidirectional()
                ? List.of(module.prefix() + "forward.", module.prefix() + "reverse.") : List.of(module.prefix());
        Set<String> expected = new HashSet<>();
        List<DirectionCell> cells = new ArrayList<>();
        for (int d = 0; d < prefixes.size(); d++) {
            cells.add(cell(weights, config, configName, prefixes.get(d), d == 0 ? Direction.FORWARD : Direction.REVERSE,
                    expected));
        }
        for (String name : weights.names()) {
            if (name.startsWith(module.prefix()) && !expected.contains(name)) {
                String hint = !config.bias() && name.endsWith(".bias") ? "; " + configName + " says bias: false" : "";
                throw new LstmcException(where + ": unexpected tensor '" + name + "' in Burn "
                        + (module.bidirectional() ? "BiGru " : "Gru ") + LoaderSupport.describePrefix(module.prefix()) + hint);
            }
        }
        Layout layout = opts.layout() != null ? opts.layout()
                : config.batchFirst() ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST;
        Model model;
        try {
            model = new Model(LoaderSupport.modelName(weights.file()), List.of(new Layer(cells, Layer.NO_CLIP,
                    Layer.NO_CLIP, false)), layout);
        } catch (IllegalArgumentException e) {
            throw new LstmcException(where + ": " + e.getMessage(), e);
        }
        return BurnLstmLoader.withOutside(model, weights, module, "Gru");
    }

    /** One direction: each gate's Linear weights transposed into its row block of [3H][I] and [3H][H]. */
    private static DirectionCell cell(SafetensorsFile weights, BurnGruConfig config, String configName, String prefix,
                                      Direction direction, Set<String> expected) throws LstmcException {
        int in = config.dInput();
        int h = config.dHidden();
        if (3L * h * Math.max(in, h) > Integer.MAX_VALUE - 8) {
            throw new LstmcException(weights.fileName() + ": " + LoaderSupport.describePrefix(prefix)
                    + " is too large: 3 * d_hidden * max(d_input, d_hidden) exceeds a Java array");
        }
        float[] w = new float[3 * h * in];
        float[] r = new float[3 * h * h];
        float[] bw = config.bias() ? new float[3 * h] : null;
        float[] br = config.bias() ? new float[3 * h] : null;
        for (int g = 0; g < GATES.size(); g++) {
            String gate = prefix + GATES.get(g) + ".";
            int rowOffset = GATE_ORDER[g].offset(h);
            Tensor wi = BurnLstmLoader.tensor(weights, gate + "input_transform.weight", configName, "d_input, d_hidden",
                    in, h);
            Tensor wh = BurnLstmLoader.tensor(weights, gate + "hidden_transform.weight", configName,
                    "d_hidden, d_hidden", h, h);
            BurnLstmLoader.transposeInto(wi, w, rowOffset, in);
            BurnLstmLoader.transposeInto(wh, r, rowOffset, h);
            expected.add(wi.name());
            expected.add(wh.name());
            if (config.bias()) {
                Tensor bi = BurnLstmLoader.tensor(weights, gate + "input_transform.bias", configName, "d_hidden", h);
                Tensor bh = BurnLstmLoader.tensor(weights, gate + "hidden_transform.bias", configName, "d_hidden", h);
                BurnLstmLoader.copyInto(bi, bw, rowOffset);
                BurnLstmLoader.copyInto(bh, br, rowOffset);
                expected.add(bi.name());
                expected.add(bh.name());
            }
        }
        try {
            return DirectionCell.gru(direction, Matrix.of(3 * h, in, w), Matrix.of(3 * h, h, r),
                    bw == null ? null : Matrix.vector(bw), br == null ? null : Matrix.vector(br), config.activations(),
                    config.resetAfter());
        } catch (IllegalArgumentException e) {
            throw new LstmcException(weights.fileName() + ": " + LoaderSupport.describePrefix(prefix) + " "
                    + e.getMessage(), e);
        }
    }
}

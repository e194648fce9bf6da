package io.github.lstmc.compiler.model;

import io.github.lstmc.runtime.Layout;
import java.util.Locale;

/**
 * The human-readable description of a {@link Model} that {@code lstmc inspect} prints: per layer
 * its directions, sizes, activations, clips, coupling, biases, peepholes and projection, then the
 * totals. Plain text, lines ending in {@code \n}, deterministic (the same model always gives the
 * same text). Example:
 *
 * <pre>
 * model: tagger
 * layout: batch-first
 * input: 2 features per step, output: 6 features per step
 * layers: 1, bidirectional
 *
 * layer 0: bidirectional, input 2, hidden 3, output 6, 168 parameters
 *   cell clip: none, pre-activation clip: none, coupled input-forget: no
 *   forward: gate Sigmoid, cell Tanh, hidden Tanh; biases input+recurrent; peepholes no
 *   reverse: gate Sigmoid, cell Tanh, hidden Tanh; biases input+recurrent; peepholes no
 *
 * parameters: 168
 * FLOPs per step: 240 (matrix products, per batch row, a multiply-add counted as 2)
 * </pre>
 */
public final class ModelSummary {

    private ModelSummary() {
    }

    /** The description of {@code model}, several lines, each ending in {@code \n}. */
    public static String describe(Model model) {
        StringBuilder out = new StringBuilder();
        out.append("model: ").append(printable(model.name())).append('\n');
        out.append("layout: ").append(model.layout() == Layout.BATCH_FIRST ? "batch-first" : "sequence-first")
                .append('\n');
        out.append("input: ").append(model.embedding() != null
                        ? "token ids 0.." + (model.vocabularySize() - 1) + " per step"
                        : model.inputSize() + " features per step")
                .append(", output: ").append(model.outputSize())
                .append(model.reducesTime() ? " features per sequence" : " features per step")
                .append(model.scalarOutput() ? " (no feature axis)" : "").append('\n');
        out.append("layers: ").append(model.layers().size()).append(", ")
                .append(directions(model.layers().get(0))).append('\n');
        if (model.embedding() != null) {
            out.append('\n').append("embedding: vocabulary ").append(model.vocabularySize()).append(", dimension ")
                    .append(model.embedding().dimension()).append(", ").append(model.embedding().parameterCount())
                    .append(" parameters\n");
        }
        if (model.inputAffine() != null) {
            out.append('\n').append("input transform: x * scale + shift per feature, ")
                    .append(2 * model.inputAffine().size()).append(" parameters\n");
        }
        for (int k = 0; k < model.layers().size(); k++) {
            out.append('\n');
            describeLayer(out, k, model.layers().get(k));
        }
        if (model.hasStages()) {
            out.append('\n').append("reduction over time: ").append(reduction(model.reduction())).append('\n');
            if (!model.lengthsMaskRecurrence()) {
                out.append("  lengths choose the step the reduction reads; the LSTM runs over the padding too\n");
            }
            if (model.initialState() != null) {
                out.append("initial state: a constant, compiled in (newState starts from it)\n");
            }
            if (model.fixedLengths() != null) {
                int rows = model.fixedLengths().size();
                out.append("sequence lengths: constant, compiled in: ").append(model.fixedLengths()).append('\n')
                        .append("  every call has exactly ").append(rows).append(rows == 1 ? " row" : " rows")
                        .append(" and at least ").append(model.fixedLengths().stream().mapToInt(Integer::intValue).max()
                                .orElse(0)).append(" steps; step is refused\n");
            }
            int width = model.recurrentOutputSize();
            for (int k = 0; k < model.head().size(); k++) {
                HeadLayer stage = model.head().get(k);
                out.append("head ").append(k).append(": ").append(head(stage)).append(", ").append(width).append(" -> ")
                        .append(stage.outputSize()).append(", ").append(stage.parameterCount()).append(" parameters, ")
                        .append(stage.flops()).append(" FLOPs per ").append(model.reducesTime() ? "sequence" : "step")
                        .append('\n');
                width = stage.outputSize();
            }
        }
        out.append('\n');
        out.append("parameters: ").append(model.parameterCount()).append('\n');
        out.append("FLOPs per step: ").append(model.flopsPerStep())
                .append(" (matrix products, per batch row, a multiply-add counted as 2)\n");
        if (!model.head().isEmpty()) {
            out.append("head FLOPs: ").append(model.headFlops()).append(model.reducesTime() ? " per sequence\n"
                    : " per step\n");
        }
        return out.toString();
    }

    private static String reduction(TimeReduction reduction) {
        return switch (reduction) {
            case NONE -> "none (an output per step)";
            case LAST_STEP -> "the output at the last step";
            case LAST_VALID_STEP -> "the output at each row's last valid step";
            case FINAL_STATE -> "the last layer's final hidden state (forward, then reverse)";
            case MEAN -> "the mean over valid steps";
            case MAX -> "the maximum over valid steps";
        };
    }

    private static String head(HeadLayer stage) {
        if (stage instanceof HeadLayer.Dense d) {
            return "dense" + (d.bias() == null ? " without bias" : "");
        }
        if (stage instanceof HeadLayer.Elementwise f) {
            return f.function().toString();
        }
        if (stage instanceof HeadLayer.PRelu) {
            return "PRelu";
        }
        return ((HeadLayer.Softmax) stage).log() ? "LogSoftmax" : "Softmax";
    }

    private static void describeLayer(StringBuilder out, int k, Layer layer) {
        out.append("layer ").append(k).append(": ")
                .append(layer.kind() == CellKind.LSTM ? "" : layer.kind() + ", ").append(directions(layer))
                .append(", input ").append(layer.inputSize())
                .append(", hidden ").append(layer.hiddenSize());
        if (layer.directions().get(0).projection() != null) {
            out.append(", projection ").append(layer.stateSize());
        }
        out.append(", output ").append(layer.outputSize())
                .append(", ").append(layer.parameterCount()).append(" parameters\n");
        String clip = layer.hasPreActivationClip() ? number(layer.preActivationClip()) : "none";
        switch (layer.kind()) {
            case LSTM -> out.append("  cell clip: ").append(layer.hasCellClip() ? number(layer.cellClip()) : "none")
                    .append(", pre-activation clip: ").append(clip)
                    .append(", coupled input-forget: ").append(layer.coupledInputForget() ? "yes" : "no").append('\n');
            case GRU -> out.append("  reset: ").append(layer.linearBeforeReset()
                            ? "after the recurrent linear map (linear_before_reset=1, PyTorch)"
                            : "before the recurrent linear map (linear_before_reset=0)")
                    .append(", pre-activation clip: ").append(clip).append('\n');
            case RNN -> out.append("  pre-activation clip: ").append(clip).append('\n');
        }
        for (DirectionCell cell : layer.directions()) {
            CellActivations a = cell.activations();
            out.append("  ").append(cell.direction().name().toLowerCase(Locale.ROOT)).append(": ");
            switch (cell.kind()) {
                case LSTM -> out.append("gate ").append(a.gate()).append(", cell ").append(a.cell())
                        .append(", hidden ").append(a.hidden());
                case GRU -> out.append("gates z, r ").append(a.gate()).append(", candidate n ").append(a.cell());
                case RNN -> out.append("activation ").append(a.gate());
            }
            out.append("; biases ").append(biases(cell));
            if (cell.kind() == CellKind.LSTM) {
                out.append("; peepholes ").append(cell.peepholes() != null ? "yes" : "no");
            }
            out.append('\n');
        }
    }

    private static String directions(Layer layer) {
        return layer.isBidirectional() ? "bidirectional"
                : layer.directions().get(0).direction().name().toLowerCase(Locale.ROOT);
    }

    private static String biases(DirectionCell cell) {
        if (cell.inputBias() != null && cell.recurrentBias() != null) {
            return "input+recurrent";
        }
        if (cell.inputBias() != null) {
            return "input";
        }
        return cell.recurrentBias() != null ? "recurrent" : "none";
    }

    /** Whole numbers without a fraction ("3"), others as Java prints floats ("0.5"). */
    private static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9f ? Long.toString((long) v) : Float.toString(v);
    }

    /** The name as given, with control characters (which could garble a terminal) replaced by '?'. */
    private static String printable(String name) {
        StringBuilder s = new StringBuilder(name.length());
        name.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.toString();
    }
}

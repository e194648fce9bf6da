package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The header text of generated code: a summary (ASCII, no user text) and a digest of the model. */
public final class ModelDescription {
    private ModelDescription() {
    }

    /** Lines describing sizes, activations and features; never the model's name. */
    static List<String> summary(Model model) {
        List<String> lines = new ArrayList<>();
        lines.add("input " + model.inputSize() + ", output " + model.outputSize() + ", " + model.layers().size()
                + " layer(s), " + (model.directionCount() == 2 ? "bidirectional"
                : model.hasReverse() ? "reverse" : "forward") + ", layout " + model.layout());
        lines.add("parameters " + model.parameterCount() + ", flops per step and batch row " + model.flopsPerStep());
        for (int l = 0; l < model.layers().size(); l++) {
            Layer layer = model.layers().get(l);
            DirectionCell cell = layer.directions().get(0);
            StringBuilder s = new StringBuilder("layer " + l + ": "
                    + (layer.kind() == CellKind.LSTM ? "" : layer.kind() + ", ") + "input " + layer.inputSize()
                    + ", hidden " + layer.hiddenSize());
            if (cell.projection() != null) {
                s.append(", projection ").append(layer.stateSize());
            }
            switch (layer.kind()) {
                case LSTM -> s.append(", activations ").append(cell.activations().gate()).append('/')
                        .append(cell.activations().cell()).append('/').append(cell.activations().hidden());
                case GRU -> s.append(", activations ").append(cell.activations().gate()).append('/')
                        .append(cell.activations().cell())
                        .append(layer.linearBeforeReset() ? ", reset after the linear map" : ", reset before the linear map");
                case RNN -> s.append(", activation ").append(cell.activations().gate());
            }
            if (cell.peepholes() != null) {
                s.append(", peepholes");
            }
            if (layer.hasPreActivationClip()) {
                s.append(", pre-activation clip ").append(Float.toHexString(layer.preActivationClip()));
            }
            if (layer.hasCellClip()) {
                s.append(", cell clip ").append(Float.toHexString(layer.cellClip()));
            }
            if (layer.coupledInputForget()) {
                s.append(", coupled input-forget");
            }
            lines.add(s.toString());
        }
        if (model.hasStages()) {
            lines.add(stagesLine(model));
        }
        return lines;
    }

    /** e.g. "stages: embedding 50x8, reduction FINAL_STATE, head Dense(16->4) Relu Dense(4->3) Softmax". */
    static String stagesLine(Model model) {
        StringBuilder s = new StringBuilder("stages:");
        if (model.embedding() != null) {
            s.append(" embedding ").append(model.embedding().vocabularySize()).append('x')
                    .append(model.embedding().dimension()).append(',');
        }
        if (model.inputAffine() != null) {
            s.append(" input affine ").append(model.inputAffine().size()).append(',');
        }
        s.append(" reduction ").append(model.reduction());
        if (!model.lengthsMaskRecurrence()) {
            s.append(" (lengths do not mask the LSTM)");
        }
        if (!model.head().isEmpty()) {
            s.append(", head");
            for (HeadLayer stage : model.head()) {
                s.append(' ').append(describe(stage));
            }
        }
        if (model.scalarOutput()) {
            s.append(", scalar output");
        }
        if (model.initialState() != null) {
            s.append(", constant initial state");
        }
        if (model.fixedLengths() != null) {
            s.append(", constant lengths ").append(fixedLengths(model.fixedLengths()));
        }
        return s.toString();
    }

    /** Constant lengths in a few characters: all of them up to 16 rows, else their count and range. */
    static String fixedLengths(List<Integer> lengths) {
        if (lengths.size() <= 16) {
            return lengths.toString();
        }
        return "for " + lengths.size() + " rows, " + lengths.stream().mapToInt(Integer::intValue).min().orElse(0) + ".."
                + lengths.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** A head stage in a few ASCII characters: Dense(16->4), Relu, PRelu(4), Softmax, LogSoftmax. */
    static String describe(HeadLayer stage) {
        if (stage instanceof HeadLayer.Dense d) {
            return "Dense(" + d.inputSize() + "->" + d.outputSize() + (d.bias() == null ? ", no bias)" : ")");
        }
        if (stage instanceof HeadLayer.Elementwise f) {
            return f.function().toString();
        }
        if (stage instanceof HeadLayer.PRelu p) {
            return "PRelu(" + p.inputSize() + ")";
        }
        return ((HeadLayer.Softmax) stage).log() ? "LogSoftmax" : "Softmax";
    }

    /**
     * SHA-256 (64 lowercase hex digits) over the layout, every layer's options, activations and weights
     * (raw float bits), and the stages around the stack: what {@code LstmNetwork.modelDigest()} of a
     * generated class (both back ends) and of the interpreter returns, and what a serialized
     * {@code LstmState} carries the first 128 bits of. Never the model's name or the compile options.
     */
    public static String digest(Model model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(model.layout().name().getBytes(StandardCharsets.US_ASCII));
            for (Layer layer : model.layers()) {
                sha.update(floats(layer.cellClip(), layer.preActivationClip(), layer.coupledInputForget() ? 1 : 0));
                for (DirectionCell cell : layer.directions()) {
                    // an LSTM's text is as it always was, so that its digest does not change
                    String kind = cell.kind() == CellKind.LSTM ? "" : "|" + cell.kind() + "|" + cell.linearBeforeReset();
                    sha.update((cell.direction() + "|" + cell.activations() + kind).getBytes(StandardCharsets.US_ASCII));
                    for (Matrix m : new Matrix[] {cell.inputWeights(), cell.recurrentWeights(), cell.inputBias(),
                            cell.recurrentBias(), cell.peepholes(), cell.projection()}) {
                        if (m == null) {
                            sha.update(floats(-1));
                        } else {
                            sha.update(floats(m.rows(), m.cols()));
                            sha.update(floats(m.toArray()));
                        }
                    }
                }
            }
            if (model.hasStages()) {
                digestStages(sha, model);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The stages: their structure as text, then every weight's raw bits (a bare LSTM's digest is unchanged). */
    private static void digestStages(MessageDigest sha, Model model) {
        sha.update(stagesLine(model).getBytes(StandardCharsets.US_ASCII));
        List<Matrix> matrices = new ArrayList<>();
        if (model.embedding() != null) {
            matrices.add(model.embedding().table());
        }
        if (model.inputAffine() != null) {
            matrices.add(model.inputAffine().scale());
            matrices.add(model.inputAffine().shift());
        }
        for (HeadLayer stage : model.head()) {
            if (stage instanceof HeadLayer.Dense d) {
                matrices.add(d.weight());
                if (d.bias() != null) {
                    matrices.add(d.bias());
                }
            } else if (stage instanceof HeadLayer.PRelu p) {
                matrices.add(p.slope());
            }
        }
        if (model.initialState() != null) {
            for (int k = 0; k < model.initialState().size(); k++) {
                for (Matrix m : new Matrix[] {model.initialState().hidden().get(k), model.initialState().cell().get(k)}) {
                    matrices.add(m == null ? Matrix.vector(new float[] {Float.NaN}) : m);
                }
            }
        }
        if (model.fixedLengths() != null) {
            matrices.add(Matrix.vector(floats(model.fixedLengths())));
        }
        for (Matrix m : matrices) {
            sha.update(floats(m.rows(), m.cols()));
            sha.update(floats(m.toArray()));
        }
    }

    /** Lengths as floats, for the digest: exact up to 2^24, far beyond any sequence a model is run on. */
    private static float[] floats(List<Integer> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putInt(Float.floatToRawIntBits(v));
        }
        return b.array();
    }
}

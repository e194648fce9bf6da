package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a one-node ONNX model (opset 14) computing the same LSTM or GRU as a one-layer, forward,
 * default-activation lstmc {@link Model}: inputs {@code X [T][B][I]} (ONNX layout 0), output
 * {@code Y [T][1][B][H]}, the weights as initializers in ONNX's gate order (LSTM i, o, f, c; GRU
 * z, r, h, which is lstmc's, with {@code linear_before_reset} from the model) and the layer's
 * pre-activation clip as ONNX's {@code clip}.
 *
 * <p>The protobuf encoding is written by hand (a few field numbers of onnx.proto), so the
 * benchmarks need no generated ONNX classes.
 */
final class OnnxLstmModel {
    // Gate order of ONNX (i, o, f, c) as indices into lstmc's canonical order (i, f, g, o).
    private static final int[] ONNX_GATES = {0, 3, 1, 2};
    private static final int FLOAT = 1;

    private OnnxLstmModel() {
    }

    /** The serialized ModelProto. */
    static byte[] bytes(Model model, int steps, int batch) {
        if (model.layers().size() != 1 || model.directionCount() != 1) {
            throw new IllegalArgumentException("only one-layer, one-direction models are exported");
        }
        DirectionCell cell = model.layers().get(0).directions().get(0);
        if (cell.peepholes() != null || cell.projection() != null) {
            throw new IllegalArgumentException("peepholes and projections are not exported");
        }
        if (cell.kind() == CellKind.RNN) {
            throw new IllegalArgumentException("RNN cells are not exported");
        }
        boolean gru = cell.kind() == CellKind.GRU;
        int gates = cell.kind().gateCount();
        int h = cell.hiddenSize();
        int in = cell.inputWeights().cols();

        Proto graph = new Proto();
        Proto node = new Proto();
        for (String input : new String[] {"X", "W", "R", "B"}) {
            node.string(1, input);
        }
        node.string(2, "Y");
        node.string(3, "lstm");
        node.string(4, gru ? "GRU" : "LSTM");
        node.message(5, new Proto().string(1, "hidden_size").int64(3, h).int64(20, 2 /* INT */));
        Layer layer = model.layers().get(0);
        if (layer.hasPreActivationClip()) {
            node.message(5, new Proto().string(1, "clip").float32(2, layer.preActivationClip()).int64(20, 1 /* FLOAT */));
        }
        if (gru) {
            node.message(5, new Proto().string(1, "linear_before_reset").int64(3, cell.linearBeforeReset() ? 1 : 0)
                    .int64(20, 2 /* INT */));
        }
        graph.message(1, node);
        graph.string(2, "lstmc_benchmark");
        graph.message(5, tensor("W", onnxOrder(cell, cell.inputWeights()), 1, gates * h, in));
        graph.message(5, tensor("R", onnxOrder(cell, cell.recurrentWeights()), 1, gates * h,
                cell.recurrentWeights().cols()));
        float[] bias = new float[2 * gates * h];
        if (cell.inputBias() != null) {
            System.arraycopy(onnxOrder(cell, cell.inputBias().transpose()), 0, bias, 0, gates * h);
        }
        if (cell.recurrentBias() != null) {
            System.arraycopy(onnxOrder(cell, cell.recurrentBias().transpose()), 0, bias, gates * h, gates * h);
        }
        graph.message(5, tensor("B", bias, 1, 2 * gates * h));
        graph.message(11, valueInfo("X", steps, batch, in));
        graph.message(12, valueInfo("Y", steps, 1, batch, h));

        return new Proto()
                .int64(1, 8)                       // ir_version
                .string(2, "lstmc-benchmarks")     // producer_name
                .message(7, graph)
                .message(8, new Proto().string(1, "").int64(2, 14)) // opset_import: ai.onnx 14
                .toByteArray();
    }

    /** A stacked gate matrix in ONNX's gate order, flat: an LSTM's reordered, a GRU's as it is (z, r, h). */
    private static float[] onnxOrder(DirectionCell cell, Matrix m) {
        return cell.kind() == CellKind.GRU ? m.toArray() : reorder(m, cell.hiddenSize());
    }

    /** Rows of a {@code [4H][C]} matrix in ONNX gate order, flat. */
    private static float[] reorder(Matrix m, int h) {
        int cols = m.cols();
        float[] out = new float[4 * h * cols];
        float[] all = m.toArray();
        for (int g = 0; g < 4; g++) {
            System.arraycopy(all, ONNX_GATES[g] * h * cols, out, g * h * cols, h * cols);
        }
        return out;
    }

    private static Proto tensor(String name, float[] data, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.int64(1, d);
        }
        t.int64(2, FLOAT);
        t.string(8, name);
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        t.bytes(9, raw.array());
        return t;
    }

    private static Proto valueInfo(String name, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().int64(1, d));
        }
        Proto tensorType = new Proto().int64(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message being written: varint and length-delimited fields only. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto int64(int field, long value) {
            varint((long) field << 3);
            varint(value);
            return this;
        }

        Proto float32(int field, float value) {
            varint(((long) field << 3) | 5);
            int bits = Float.floatToRawIntBits(value);
            for (int i = 0; i < 4; i++) {
                out.write((bits >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        Proto bytes(int field, byte[] value) {
            varint(((long) field << 3) | 2);
            varint(value.length);
            out.write(value, 0, value.length);
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}

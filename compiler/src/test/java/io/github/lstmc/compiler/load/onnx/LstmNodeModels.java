package io.github.lstmc.compiler.load.onnx;

import com.google.protobuf.ByteString;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto.AttributeType;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.OperatorSetIdProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorShapeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TypeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds single-node ONNX models of an LSTM, GRU or RNN with the project's own protobuf classes, for
 * importer unit tests and for the ONNX Runtime differential tests. Weights go in as initializers;
 * initial states and lengths, when wanted, as graph inputs.
 */
final class LstmNodeModels {
    private LstmNodeModels() {
    }

    /** Everything about one LSTM (or GRU, RNN) node. Null/NaN fields are left out of the node. */
    static final class Spec {
        /** LSTM, GRU or RNN; GRU and RNN take no P, initial_c or input_forget and give no Y_c. */
        String op = "LSTM";
        /** GRU only: the linear_before_reset attribute, or null for none. */
        Integer linearBeforeReset;
        int inputSize = 3;
        int hidden = 2;
        String direction = "forward";
        List<String> activations;
        float[] alphas;
        float[] betas;
        float clip = Float.NaN;
        Integer inputForget;
        Integer layout;
        Long hiddenSizeAttribute; // null: write hidden (the usual), else this value
        boolean omitHiddenSize;
        float[] w;
        float[] r;
        float[] b;
        float[] p;
        boolean initialH;
        boolean initialC;
        boolean lengths;
        long opset = 14;
        boolean rawData = true;

        int directions() {
            return direction.equals("bidirectional") ? 2 : 1;
        }

        /** Gate blocks in W and R: LSTM 4, GRU 3, RNN 1. */
        int gates() {
            return switch (op) {
                case "GRU" -> 3;
                case "RNN" -> 1;
                default -> 4;
            };
        }

        boolean lstm() {
            return op.equals("LSTM");
        }
    }

    static byte[] build(Spec s) {
        int d = s.directions();
        int h = s.hidden;
        int gates = s.gates();
        GraphProto.Builder g = GraphProto.newBuilder().setName("lstm_test");
        g.addInput(valueInfo("X", TensorProto.DataType.FLOAT, s.layout != null && s.layout == 1
                ? new Object[] {"batch", "seq", s.inputSize} : new Object[] {"seq", "batch", s.inputSize}));
        g.addInitializer(floats("W", s.w, s.rawData, d, gates * h, s.inputSize));
        g.addInitializer(floats("R", s.r, s.rawData, d, gates * h, h));
        if (s.b != null) {
            g.addInitializer(floats("B", s.b, s.rawData, d, 2 * gates * h));
        }
        if (s.p != null) {
            g.addInitializer(floats("P", s.p, s.rawData, d, 3 * h));
        }
        boolean batchMajor = s.layout != null && s.layout == 1;
        Object[] stateShape = batchMajor ? new Object[] {"batch", d, h} : new Object[] {d, "batch", h};
        if (s.lengths) {
            g.addInput(valueInfo("sequence_lens", TensorProto.DataType.INT32, new Object[] {"batch"}));
        }
        if (s.initialH) {
            g.addInput(valueInfo("initial_h", TensorProto.DataType.FLOAT, stateShape));
        }
        if (s.initialC) {
            g.addInput(valueInfo("initial_c", TensorProto.DataType.FLOAT, stateShape));
        }
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(s.op).setName(s.op.toLowerCase(java.util.Locale.ROOT))
                .addInput("X").addInput("W").addInput("R")
                .addInput(s.b != null ? "B" : "")
                .addInput(s.lengths ? "sequence_lens" : "")
                .addInput(s.initialH ? "initial_h" : "")
                .addOutput("Y").addOutput("Y_h");
        if (s.lstm()) {
            n.addInput(s.initialC ? "initial_c" : "").addInput(s.p != null ? "P" : "").addOutput("Y_c");
        }
        if (s.linearBeforeReset != null) {
            n.addAttribute(intAttr("linear_before_reset", s.linearBeforeReset));
        }
        if (!s.omitHiddenSize) {
            n.addAttribute(intAttr("hidden_size", s.hiddenSizeAttribute != null ? s.hiddenSizeAttribute : h));
        }
        if (!s.direction.equals("forward")) {
            n.addAttribute(stringAttr("direction", s.direction));
        }
        if (s.activations != null) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName("activations").setType(AttributeType.STRINGS);
            s.activations.forEach(x -> a.addStrings(ByteString.copyFrom(x, StandardCharsets.UTF_8)));
            n.addAttribute(a);
        }
        if (s.alphas != null) {
            n.addAttribute(floatsAttr("activation_alpha", s.alphas));
        }
        if (s.betas != null) {
            n.addAttribute(floatsAttr("activation_beta", s.betas));
        }
        if (!Float.isNaN(s.clip)) {
            n.addAttribute(AttributeProto.newBuilder().setName("clip").setType(AttributeType.FLOAT).setF(s.clip));
        }
        if (s.inputForget != null) {
            n.addAttribute(intAttr("input_forget", s.inputForget));
        }
        if (s.layout != null) {
            n.addAttribute(intAttr("layout", s.layout));
        }
        g.addNode(n);
        Object[] yShape = batchMajor ? new Object[] {"batch", "seq", d, h} : new Object[] {"seq", d, "batch", h};
        g.addOutput(valueInfo("Y", TensorProto.DataType.FLOAT, yShape));
        g.addOutput(valueInfo("Y_h", TensorProto.DataType.FLOAT, stateShape));
        if (s.lstm()) {
            g.addOutput(valueInfo("Y_c", TensorProto.DataType.FLOAT, stateShape));
        }
        return model(g.build(), s.opset).toByteArray();
    }

    static ModelProto model(GraphProto graph, long opset) {
        return ModelProto.newBuilder().setIrVersion(opset >= 21 ? 10 : 7).setProducerName("lstmc-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    static TensorProto floats(String name, float[] values, boolean raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long x : dims) {
            t.addDims(x);
        }
        if (raw) {
            ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                buf.putFloat(v);
            }
            t.setRawData(ByteString.copyFrom(buf.array()));
        } else {
            for (float v : values) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }

    static TensorProto longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long x : dims) {
            t.addDims(x);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object[] shape) {
        TensorShapeProto.Builder sh = TensorShapeProto.newBuilder();
        for (Object o : shape) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (o instanceof String param) {
                dim.setDimParam(param);
            } else {
                dim.setDimValue(((Number) o).longValue());
            }
            sh.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(sh))).build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto floatsAttr(String name, float[] v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float x : v) {
            a.addFloats(x);
        }
        return a.build();
    }

    static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(t).build();
    }

    /** Values 0, 1, 2, ... (scaled), so that each weight's position is recognizable in the IR. */
    static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * scale;
        }
        return v;
    }

    static List<Object> shapeOf(Object... dims) {
        return new ArrayList<>(List.of(dims));
    }
}

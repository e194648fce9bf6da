package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import java.util.Random;

/**
 * A small builder of whole ONNX graphs for tests: nodes get generated output names, weights go
 * in as initializers. Shapes in value infos are strings (symbolic) or numbers.
 */
final class GraphBuilder {
    final GraphProto.Builder graph = GraphProto.newBuilder().setName("g");
    private final Random random;
    private int counter;

    GraphBuilder(long seed) {
        random = new Random(seed);
    }

    GraphBuilder input(String name, TensorProto.DataType type, Object... shape) {
        graph.addInput(LstmNodeModels.valueInfo(name, type, shape));
        return this;
    }

    GraphBuilder output(String name, Object... shape) {
        graph.addOutput(LstmNodeModels.valueInfo(name, TensorProto.DataType.FLOAT, shape));
        return this;
    }

    /** A float initializer with the given values. */
    String init(float[] values, long... dims) {
        String name = "w" + counter++;
        graph.addInitializer(LstmNodeModels.floats(name, values, true, dims));
        return name;
    }

    /** A float initializer of uniform random values in [-scale, scale]. */
    String random(float scale, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * random.nextFloat() - 1) * scale;
        }
        return init(v, dims);
    }

    /** An int64 initializer; no dims: a scalar. */
    String ints(long[] values, long... dims) {
        String name = "i" + counter++;
        graph.addInitializer(LstmNodeModels.longs(name, values, dims));
        return name;
    }

    String scalar(float value) {
        return init(new float[] {value});
    }

    /** A node with one output; returns the output's name. */
    String node(String op, String name, String[] inputs, AttributeProto... attributes) {
        return nodeN(op, name, 1, inputs, attributes)[0];
    }

    String node(String op, String[] inputs, AttributeProto... attributes) {
        return node(op, op.toLowerCase() + counter, inputs, attributes);
    }

    String[] nodeN(String op, String name, int outputs, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String in : inputs) {
            n.addInput(in);
        }
        String[] outs = new String[outputs];
        for (int k = 0; k < outputs; k++) {
            outs[k] = name + "_out" + k + "_" + counter++;
            n.addOutput(outs[k]);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return outs;
    }

    static String[] in(String... names) {
        return names;
    }

    /**
     * An LSTM node with random weights: returns Y, Y_h, Y_c. {@code lengths}, {@code h0}, {@code c0}
     * may be null or "".
     */
    String[] lstm(String name, String x, int inputSize, int hidden, String direction, String lengths, String h0,
                  String c0) {
        int d = direction.equals("bidirectional") ? 2 : 1;
        String w = random(0.5f, d, 4L * hidden, inputSize);
        String r = random(0.5f, d, 4L * hidden, hidden);
        String b = random(0.3f, d, 8L * hidden);
        AttributeProto[] attrs = direction.equals("forward")
                ? new AttributeProto[] {LstmNodeModels.intAttr("hidden_size", hidden)}
                : new AttributeProto[] {LstmNodeModels.intAttr("hidden_size", hidden),
                        LstmNodeModels.stringAttr("direction", direction)};
        return nodeN("LSTM", name, 3, in(x, w, r, b, lengths == null ? "" : lengths, h0 == null ? "" : h0,
                c0 == null ? "" : c0), attrs);
    }

    byte[] build(long opset) {
        return LstmNodeModels.model(graph.build(), opset).toByteArray();
    }

    static AttributeProto ints(String name, long... values) {
        return LstmNodeModels.intsAttr(name, values);
    }

    static AttributeProto integer(String name, long value) {
        return LstmNodeModels.intAttr(name, value);
    }

    static AttributeProto strings(String name, String... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(v));
        }
        return a.build();
    }

    /** A one-element float tensor attribute (ConstantOfShape's value). */
    static AttributeProto tensorAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                .setT(LstmNodeModels.floats(name, new float[] {value}, true, 1)).build();
    }

    static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}

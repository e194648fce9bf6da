package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto.AttributeType;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a node's attributes, with messages that name the file, the node and the
 * attribute. Files written before attributes carried a {@code type} (type UNDEFINED) are read by
 * the field that is set.
 */
final class NodeAttributes {
    private final String file;
    private final String node;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

    NodeAttributes(String file, String nodeDescription, NodeProto proto) throws LstmcException {
        this.file = file;
        this.node = nodeDescription;
        for (AttributeProto a : proto.getAttributeList()) {
            if (!a.getRefAttrName().isEmpty()) {
                throw new LstmcException(prefix(a.getName()) + "refers to a function attribute, which lstmc does not resolve");
            }
            if (byName.put(a.getName(), a) != null) {
                throw new LstmcException(prefix(a.getName()) + "is given twice");
            }
        }
    }

    /** Fails on any attribute not in {@code known} (so that a semantics lstmc ignores cannot slip through). */
    void requireOnly(Set<String> known) throws LstmcException {
        for (String name : byName.keySet()) {
            if (!known.contains(name)) {
                throw new LstmcException(file + ": " + node + " has attribute '" + name + "', which lstmc does not support");
            }
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long getInt(String name, long defaultValue) throws LstmcException {
        AttributeProto a = get(name, AttributeType.INT);
        return a == null ? defaultValue : a.getI();
    }

    float getFloat(String name, float defaultValue) throws LstmcException {
        AttributeProto a = get(name, AttributeType.FLOAT);
        return a == null ? defaultValue : a.getF();
    }

    String getString(String name, String defaultValue) throws LstmcException {
        AttributeProto a = get(name, AttributeType.STRING);
        return a == null ? defaultValue : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** The ints, or null if absent. */
    long[] getInts(String name) throws LstmcException {
        AttributeProto a = get(name, AttributeType.INTS);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The floats, or null if absent. */
    float[] getFloats(String name) throws LstmcException {
        AttributeProto a = get(name, AttributeType.FLOATS);
        if (a == null) {
            return null;
        }
        float[] out = new float[a.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getFloats(i);
        }
        return out;
    }

    /** The strings, or null if absent. */
    List<String> getStrings(String name) throws LstmcException {
        AttributeProto a = get(name, AttributeType.STRINGS);
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        a.getStringsList().forEach(s -> out.add(s.toString(StandardCharsets.UTF_8)));
        return out;
    }

    /** The tensor, or null if absent. */
    TensorProto getTensor(String name) throws LstmcException {
        AttributeProto a = get(name, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** The subgraph, or null if absent. */
    io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto getGraph(String name) throws LstmcException {
        AttributeProto a = get(name, AttributeType.GRAPH);
        return a == null ? null : a.getG();
    }

    /** "file: node 'x' (Op) attribute 'a' ". */
    String prefix(String attribute) {
        return file + ": " + node + " attribute '" + attribute + "' ";
    }

    private AttributeProto get(String name, AttributeType expected) throws LstmcException {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        AttributeType type = a.getType();
        if (type != expected && type != AttributeType.UNDEFINED) {
            throw new LstmcException(prefix(name) + "has type " + type + ", expected " + expected);
        }
        return a;
    }
}

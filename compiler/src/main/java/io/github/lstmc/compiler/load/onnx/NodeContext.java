package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;

/** One node being evaluated: its inputs' values, its attributes, and messages that name it. */
final class NodeContext {
    final GraphWalker walker;
    final NodeProto node;
    final String description;
    final NodeAttributes attrs;
    /** The node's position in the graph. */
    final int index;

    NodeContext(GraphWalker walker, NodeProto node, String description, int index) throws LstmcException {
        this.walker = walker;
        this.node = node;
        this.description = description;
        this.index = index;
        this.attrs = new NodeAttributes(walker.file(), description, node);
    }

    String file() {
        return walker.file();
    }

    boolean has(int k) {
        return k < node.getInputCount() && !node.getInput(k).isEmpty();
    }

    GraphValue in(int k) throws LstmcException {
        if (!has(k)) {
            throw new LstmcException(file() + ": " + description + " is missing input " + k);
        }
        return walker.value(node.getInput(k), description);
    }

    /** Input k as an integer constant vector (or a fully known shape vector). */
    long[] ints(int k, String what) throws LstmcException {
        GraphValue v = in(k);
        if (v instanceof Const cst && !cst.tensor().isFloat() && cst.tensor().rank() <= 1) {
            return cst.tensor().longs();
        }
        if (v instanceof Dims d) {
            long[] out = new long[d.dims().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = d.dims().get(i).known();
                if (out[i] < 0 && d.dims().get(i).axis() != null) {
                    throw fail(what + " (input " + k + ") depends on the sequence length or batch size");
                }
            }
            return out;
        }
        throw fail(what + " (input " + k + ") must be a constant integer vector");
    }

    /** An int list from input k if present, else from attribute {@code attribute} (older opsets), or null. */
    long[] intsFromInputOrAttribute(int k, String attribute) throws LstmcException {
        if (has(k)) {
            return ints(k, attribute);
        }
        return attrs.getInts(attribute);
    }

    LstmcException fail(String what) {
        return new LstmcException(file() + ": " + description + ": " + what);
    }

    /** A value that fails whatever uses it, naming this node and whether a cut can avoid it. */
    Unsupported unsupported(String what) {
        return new Unsupported(file() + ": " + description + ": " + what + walker.cutHint(index));
    }
}

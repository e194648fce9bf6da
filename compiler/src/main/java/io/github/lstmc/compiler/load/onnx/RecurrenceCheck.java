package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import java.util.Set;
import java.util.TreeSet;

/** The refusal of graphs that have no recurrent node (LSTM, GRU, RNN) for lstmc to compile. */
final class RecurrenceCheck {
    /** The ONNX operators lstmc compiles as layers. */
    static final Set<String> RECURRENT_OPS = Set.of("LSTM", "GRU", "RNN");

    private RecurrenceCheck() {
    }

    /**
     * A graph with no LSTM, GRU or RNN node anywhere (subgraphs included) is refused before the walk,
     * so that the message says why rather than naming whatever node the walk stops at: a recurrence
     * exporters unrolled into a Loop or Scan, or no recurrence lstmc knows.
     */
    static void refuseWithoutLstm(String file, GraphProto graph) throws LstmcException {
        TreeSet<String> ops = new TreeSet<>();
        graph.getNodeList().forEach(n -> ops.add(n.getOpType()));
        if (containsLstm(graph)) {
            return;
        }
        if (ops.contains("Loop") || ops.contains("Scan")) {
            throw new LstmcException(file + ": the graph has no LSTM, GRU or RNN node: its recurrence was lowered into a "
                    + (ops.contains("Loop") ? "Loop" : "Scan") + " (operators: " + String.join(", ", ops) + "); lstmc"
                    + " compiles the ONNX LSTM, GRU and RNN operators, so re-export the model with one of them");
        }
        throw new LstmcException(file + ": the graph has no LSTM, GRU or RNN node (operators: "
                + (ops.isEmpty() ? "none" : String.join(", ", ops)) + ")");
    }

    /** Whether a recurrent node is in {@code graph} or in a subgraph of one of its nodes (If branches, Loop bodies). */
    private static boolean containsLstm(GraphProto graph) {
        for (NodeProto n : graph.getNodeList()) {
            if (RECURRENT_OPS.contains(n.getOpType())) {
                return true;
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() && containsLstm(a.getG())) {
                    return true;
                }
                for (GraphProto g : a.getGraphsList()) {
                    if (containsLstm(g)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Initial states packed in one graph input ({@link GraphValue.PackedState}): every layer's hidden
     * state in one slot of the last axis, every cell state in the other, as lstmc's h0 and c0.
     */
    static void packedSlots(String file, java.util.List<GraphWalker.LstmNode> lstms) throws LstmcException {
        long hidden = -1;
        long cell = -1;
        for (GraphWalker.LstmNode node : lstms) {
            if (node.initialH() instanceof GraphValue.PackedState h) {
                if (hidden >= 0 && h.slot() != hidden) {
                    throw new LstmcException(file + ": " + node.description() + " takes its initial_h from slot " + h.slot()
                            + " of graph input '" + h.input() + "' but an earlier layer from slot " + hidden);
                }
                hidden = h.slot();
            }
            if (node.initialC() instanceof GraphValue.PackedState c) {
                if (cell >= 0 && c.slot() != cell) {
                    throw new LstmcException(file + ": " + node.description() + " takes its initial_c from slot " + c.slot()
                            + " of graph input '" + c.input() + "' but an earlier layer from slot " + cell);
                }
                cell = c.slot();
            }
        }
        if (hidden >= 0 && hidden == cell) {
            throw new LstmcException(file + ": initial_h and initial_c are both slot " + hidden + " of one graph input;"
                    + " lstmc takes them apart");
        }
    }
}

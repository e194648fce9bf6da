package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.OnnxLoader.CutPoints;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the tensors where {@code --from}/{@code --to} give a graph lstmc compiles, by importing the
 * graph cut at each candidate: inputs among the tensors the first LSTM node's input is computed
 * from, outputs among the tensors computed at or after the last LSTM node.
 */
final class Cuts {
    /** Candidates tried per side, so that a huge graph stays quick. */
    static final int MAX_TRIES = 300;

    static CutPoints find(String file, GraphProto graph, long opset) {
        return new Cuts(file, graph, opset).find();
    }

    private final String file;
    private final GraphProto graph;
    private final long opset;
    /** Initializers decoded once for all the trial imports. */
    private final Map<String, OnnxTensor> decoded = new HashMap<>();

    private Cuts(String file, GraphProto graph, long opset) {
        this.file = file;
        this.graph = graph;
        this.opset = opset;
    }

    private CutPoints find() {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (RecurrenceCheck.RECURRENT_OPS.contains(graph.getNode(i).getOpType())) {
                positions.add(i);
            }
        }
        if (positions.isEmpty()) {
            return new CutPoints(List.of(), List.of());
        }
        NodeProto firstLstm = graph.getNode(positions.get(0));
        int lastPosition = positions.get(positions.size() - 1);
        String lastY = graph.getNode(lastPosition).getOutput(0);

        List<String> from = new ArrayList<>();
        for (String t : ancestors(graph, firstLstm.getInput(0), positions.get(0))) {
            if (from.size() >= MAX_TRIES) {
                break;
            }
            if (works(t, lastY, true)) {
                from.add(t);
            }
        }
        // Outputs are tried with the whole input side if it imports, else with the first few inputs that
        // do (an output must be in the layout of the input).
        List<String> inputs = new ArrayList<>();
        if (works(null, lastY, true)) {
            inputs.add(null);
        } else {
            inputs.addAll(from.subList(0, Math.min(3, from.size())));
        }
        List<String> to = new ArrayList<>();
        int tries = 0;
        for (int i = lastPosition; i < graph.getNodeCount() && tries < MAX_TRIES; i++) {
            for (String t : graph.getNode(i).getOutputList()) {
                if (t.isEmpty() || tries++ >= MAX_TRIES) {
                    continue;
                }
                for (String in : inputs) {
                    if (works(in, t, false)) {
                        to.add(t);
                        break;
                    }
                }
            }
        }
        return new CutPoints(from, to);
    }

    private boolean works(String from, String to, boolean stackOnly) {
        try {
            OnnxLoader.importGraph(file, graph, opset, from, to, stackOnly, decoded);
            return true;
        } catch (LstmcException | RuntimeException e) {
            return false;
        }
    }

    /** {@code tensor} and the tensors it is computed from by nodes before {@code before}, in graph order. */
    private static List<String> ancestors(GraphProto graph, String tensor, int before) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < before; i++) {
            for (String out : graph.getNode(i).getOutputList()) {
                producer.putIfAbsent(out, i);
            }
        }
        Set<String> inputs = new LinkedHashSet<>();
        for (ValueInfoProto in : graph.getInputList()) {
            inputs.add(in.getName());
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> work = new ArrayList<>(List.of(tensor));
        while (!work.isEmpty()) {
            String t = work.remove(work.size() - 1);
            if (t.isEmpty() || !seen.add(t)) {
                continue;
            }
            Integer p = producer.get(t);
            if (p != null) {
                work.addAll(graph.getNode(p).getInputList());
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String in : inputs) {
            if (seen.contains(in)) {
                ordered.add(in);
            }
        }
        for (int i = 0; i < before; i++) {
            for (String out : graph.getNode(i).getOutputList()) {
                if (seen.contains(out)) {
                    ordered.add(out);
                }
            }
        }
        return ordered;
    }
}

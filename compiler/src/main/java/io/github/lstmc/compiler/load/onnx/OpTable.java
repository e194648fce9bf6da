package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operators the walker understands, one handler each, registered by family. A handler gets
 * the node and computes the symbolic values of its outputs.
 */
final class OpTable {

    /** Computes a node's outputs (fewer than the node has: the rest are unsupported if used). */
    @FunctionalInterface
    interface Handler {
        List<GraphValue> apply(NodeContext c) throws LstmcException;
    }

    /** Computes a node's single output. */
    @FunctionalInterface
    interface SingleHandler {
        GraphValue apply(NodeContext c) throws LstmcException;
    }

    /** A registered handler; {@code checked}: an unsupported input fails the node before the handler runs. */
    record Entry(Handler handler, boolean checked) {
    }

    private static final OpTable STANDARD = build();

    private final Map<String, Entry> handlers = new HashMap<>();

    private OpTable() {
    }

    /** Every operator lstmc imports. */
    static OpTable standard() {
        return STANDARD;
    }

    private static OpTable build() {
        OpTable table = new OpTable();
        FoldingOps.register(table);
        AxisOps.register(table);
        SelectOps.register(table);
        RecurrentOps.register(table);
        ArithOps.register(table);
        ClampOps.register(table);
        HeadOps.register(table);
        ReductionOps.register(table);
        MaskOps.register(table);
        return table;
    }

    /** Registers a one-output operator whose unsupported inputs fail the node. */
    void add(String op, SingleHandler handler) {
        handlers.put(op, new Entry(c -> List.of(handler.apply(c)), true));
    }

    /** Registers an operator that looks at unsupported inputs itself. */
    void addRaw(String op, Handler handler) {
        handlers.put(op, new Entry(handler, false));
    }

    /** The handler of {@code op}, or null. */
    Entry get(String op) {
        return handlers.get(op);
    }
}

package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.model.Model;

/**
 * The result of importing an ONNX graph: the model, and which graph inputs carry what the model
 * takes at run time instead of holding it (the IR has no initial state and no lengths).
 *
 * @param model           the imported network; its layout is the layout of the graph's data input
 * @param inputName       the graph input holding the sequences ({@code [seq, batch, features]} or
 *                        {@code [batch, seq, features]} as {@link Model#layout()} says)
 * @param initialHidden   the graph input holding h0, {@code [layers * directions, batch, hidden]}
 *                        with row {@code layer * directions + direction} (the layout of
 *                        {@code io.github.lstmc.runtime.LstmState}), or null when the graph starts
 *                        from zeros; pass it as the initial state at run time
 * @param initialCell     the same for c0, or null
 * @param sequenceLengths the integer graph input holding per-row lengths {@code [batch]}, or null
 */
public record OnnxImport(Model model, String inputName, String initialHidden, String initialCell,
                         String sequenceLengths) {
}

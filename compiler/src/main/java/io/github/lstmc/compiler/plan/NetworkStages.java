package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.model.TimeReduction;

/**
 * What a whole network adds around its LSTM stack, as {@code forwardChecked} runs it:
 * <pre>
 *   [affine]     Stages.affine(input, batch * steps, inputSize, SCALE, SHIFT, workspace.buffer(affineBuffer))
 *                (layer 0 then reads that buffer)
 *   the drivers, with lengths passed on only when lengthsMaskRecurrence (else null); the last layer writes
 *                workspace.buffer(recurrentBuffer), or the caller's output when recurrentBuffer &lt; 0
 *   [reduction]  FINAL_STATE: Stages.finalState(state.hidden(finalStateIndex), state.hidden(finalStateIndex + 1)
 *                             or null, batch, stateSize, dst)
 *                otherwise:   Stages.reduce(Stages.KIND, recurrent, batch, steps, recurrentWidth,
 *                             layout == BATCH_FIRST, lengths, dst)
 *                where dst = reducedBuffer &lt; 0 ? output : workspace.buffer(reducedBuffer)
 *   [head]       head.method(src, output, count, workspace.buffer(head.bufferA()), workspace.buffer(head.bufferB()))
 *                src the reduced vectors (count = batch) or the recurrent output (count = batch * steps)
 * </pre>
 * A token network also overrides {@code vocabularySize()} and {@code embeddingTable()} (returning the
 * {@link WeightField.Shape#ROWS} field {@code embeddingField}); the runtime looks ids up before
 * {@code forwardChecked}.
 *
 * @param embeddingField   the {@code [V][I]} table field, or null for float input
 * @param vocabularySize   V, 0 without an embedding
 * @param affineScaleField per-feature scale vector field, or null without an input transform
 * @param affineShiftField per-feature shift vector field, or null
 * @param affineBuffer     workspace buffer of the transformed input, -1 without
 * @param recurrentBuffer  workspace buffer of the last layer's output, -1 when it is the caller's output
 * @param recurrentWidth   features per position of the last layer's output
 * @param reduction        the reduction over time
 * @param reducedBuffer    workspace buffer of the reduced vectors, -1 when they are the caller's output (or no reduction)
 * @param finalStateIndex  the LstmState entry of the last layer's forward direction (FINAL_STATE reads it and, with two
 *                         directions, the next)
 * @param directions       1 or 2
 * @param stateSize        the last layer's state size S
 * @param lengthsMaskRecurrence whether the drivers get the lengths
 * @param head             the head, or null for none
 * @param initialHidden    a constant initial state: per LstmState entry the VECTOR field of its hidden state, or null
 *                         for zeros; {@code newState(batch)} is then overridden to call
 *                         {@code Stages.broadcast(state.hidden(k), FIELD)} (and the same for the cell) after
 *                         {@code super.newState(batch)}. An empty list without a constant state.
 * @param initialCell      the same for the cell states
 * @param fixedLengths     null, or the model's constant per-row lengths: {@code fixedLengths()} is then overridden to
 *                         return them as a new {@code int[]} (the runtime reads it once and substitutes it for null
 *                         lengths, after checking the batch against it)
 * @param folded           the embedding folded into layer 0 ({@link FoldedEmbedding}: {@code forwardTokensChecked} is
 *                         then overridden), or null
 */
public record NetworkStages(String embeddingField, int vocabularySize, String affineScaleField, String affineShiftField,
                            int affineBuffer, int recurrentBuffer, int recurrentWidth, TimeReduction reduction,
                            int reducedBuffer, int finalStateIndex, int directions, int stateSize,
                            boolean lengthsMaskRecurrence, HeadPlan head, java.util.List<String> initialHidden,
                            java.util.List<String> initialCell, java.util.List<Integer> fixedLengths,
                            FoldedEmbedding folded) {

    public NetworkStages {
        initialHidden = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(initialHidden));
        initialCell = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(initialCell));
        fixedLengths = fixedLengths == null ? null : java.util.List.copyOf(fixedLengths);
    }

    /** True when {@code newState} starts from a compiled-in constant. */
    public boolean hasInitialState() {
        return !initialHidden.isEmpty();
    }

    /** The name of the {@code io.github.lstmc.runtime.Stages} kind constant for a reduction of the output. */
    public String reduceKind() {
        return switch (reduction) {
            case LAST_STEP -> "LAST_STEP";
            case LAST_VALID_STEP -> "LAST_VALID_STEP";
            case MEAN -> "MEAN";
            case MAX -> "MAX";
            case NONE, FINAL_STATE -> throw new IllegalStateException(reduction + " is not a Stages.reduce kind");
        };
    }

    public boolean reducesTime() {
        return reduction != TimeReduction.NONE;
    }
}

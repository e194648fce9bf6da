package io.github.lstmc.compiler.plan;

/**
 * Whether a token network's embedding is folded into its first layer's input product: each
 * direction of layer 0 then holds a {@code vocabulary x G} table ({@code G = 4H}, or {@code 3H}
 * with a coupled input-forget gate) of its gate pre-activations {@code W_x e[id] + b}, computed at
 * compile time in double and rounded once to float, and a step of a token call copies one row
 * instead of computing the {@code G x E} input product ({@link FoldedEmbedding}).
 */
public enum EmbeddingFolding {
    /**
     * Fold when it pays and costs little: fp32 storage, a first-layer gate product too large to
     * unroll (small products are unrolled literals, whose input part is cheap), and a folded table of
     * at most {@link FoldedEmbedding#SMALL_FLOATS} floats or of at most {@link FoldedEmbedding#MAX_RATIO}
     * times the floats it replaces (embedding and first-layer input weights), and never more than
     * {@link FoldedEmbedding#MAX_FLOATS} floats.
     */
    AUTO,
    /** Fold every token network stored in fp32, whatever the sizes (layer 0's gate products are then looped). */
    ON,
    /** Never fold. */
    OFF
}

package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A matrix-vector product with a starting vector: for {@code r = 0..rows-1},
 * <pre>
 *   out[r] = start[r] + sum over operands in {@link #operands()} order,
 *                       over k ascending: W_operand[r][k] * v_operand[k]
 * </pre>
 * accumulated sequentially in float32 for each {@code r}: {@code acc = start[r]; acc = acc + (w * v)}
 * per term, the product rounded to float before the addition (no FMA). {@code out} is always written
 * from index 0 (a workspace buffer). Two renderings with the same per-element order:
 * {@link UnrolledMatVec} (weights as literals, zero weights dropped) and {@link LoopedMatVec}
 * (fixed-bound loops over weight arrays). The opt-in {@link VectorMatVec} uses fused multiply-adds
 * instead and states its own order.
 */
public sealed interface MatVec permits UnrolledMatVec, LoopedMatVec, VectorMatVec {

    /** Output length. */
    int rows();

    /** The vectors multiplied, in accumulation order (INPUT before STATE when both are present). */
    List<Operand> operands();

    /** Weights in the product, zeros included (the unroll decision's measure). */
    long weightCount();

    /** Number of generated methods this product needs. */
    int methodCount();
}

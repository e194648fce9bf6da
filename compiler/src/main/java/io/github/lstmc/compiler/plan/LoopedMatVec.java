package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A product run as fixed-bound loops over transposed weight rows, in one generated method
 * {@code private static void method(<operand params>, float[] out)}:
 * <pre>
 *   System.arraycopy(START, 0, out, 0, rows);        // or Arrays.fill(out, 0, rows, 0f) when start is null
 *   for each operand (field F_op, length K_op) in order:
 *     for (int k = 0; k &lt; K_op; k++) {
 *       float v = vec[vecOff + k];
 *       float[] w = F_op[k];                          // row k of W^T: length rows
 *       for (int r = 0; r &lt; rows; r++) out[r] += w[r] * v;
 *     }
 * </pre>
 * Per output element this is the same sequential order as {@link MatVec} states. The inner loop is
 * the axpy shape C2 vectorizes: each weight row is its own array indexed like the output.
 *
 * @param rows        output length
 * @param method      the method name
 * @param startField  a {@link WeightField.Shape#VECTOR} field of length {@code rows}, or null for zeros
 * @param weights     per operand, in accumulation order
 * @param weightCount weights in the product
 */
public record LoopedMatVec(int rows, String method, String startField, List<LoopedOperand> weights, long weightCount)
        implements MatVec {

    /**
     * One operand's weights.
     *
     * @param operand the vector multiplied
     * @param length  {@code K}, its length
     * @param field   a {@link WeightField.Shape#ROWS} field {@code [K][rows]}: W transposed
     */
    public record LoopedOperand(Operand operand, int length, String field) {
    }

    public LoopedMatVec {
        weights = List.copyOf(weights);
    }

    @Override
    public List<Operand> operands() {
        return weights.stream().map(LoopedOperand::operand).toList();
    }

    @Override
    public int methodCount() {
        return 1;
    }
}

package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A product run as fixed-bound loops over transposed weight rows, in one generated method
 * {@code private static void method(<operand params>, float[] out)}; {@code B} = {@link #block()}:
 * <pre>
 *   System.arraycopy(START, 0, out, 0, rows);        // or Arrays.fill(out, 0, rows, 0f) when start is null
 *   for each operand (field F_op, length K_op) in order:
 *     accumulate(k0 = 0, 0 + B, ..., while k0 + B &lt;= K_op; B elements)   // a loop over k0 when there are any
 *     accumulate(k0 = K_op - K_op % B; K_op % B elements)                   // when K_op % B != 0
 *
 *   accumulate(k0; m elements):
 *     float v0 = vec[vecOff + k0], ..., v(m-1) = vec[vecOff + k0 + m - 1];
 *     float[] w0 = F_op[k0], ..., w(m-1) = F_op[k0 + m - 1];     // rows of W^T: length rows
 *     for (int r = 0; r &lt; rows; r++) out[r] = out[r] + w0[r] * v0 + w1[r] * v1 + ... + w(m-1)[r] * v(m-1);
 * </pre>
 * The sum is evaluated left to right, each product rounded to float before its addition, so per
 * output element this is exactly the sequential order {@link MatVec} states, for every block size;
 * the block only saves loads and stores of {@code out}. The inner loop is the shape C2 vectorizes:
 * each weight row is its own array indexed like the output.
 *
 * @param rows        output length
 * @param method      the method name
 * @param startField  a {@link WeightField.Shape#VECTOR} field of length {@code rows}, or null for zeros
 * @param weights     per operand, in accumulation order
 * @param weightCount weights in the product
 * @param block       input elements folded into {@code out} per pass over it, at least 1
 */
public record LoopedMatVec(int rows, String method, String startField, List<LoopedOperand> weights, long weightCount,
                           int block)
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
        if (block < 1) {
            throw new IllegalArgumentException("block must be at least 1, got " + block);
        }
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

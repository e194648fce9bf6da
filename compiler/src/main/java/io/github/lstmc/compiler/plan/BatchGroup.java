package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A schedule for a {@link LoopedMatVec looped} or {@link VectorMatVec Vector API} gate product
 * (without an {@link InputProjection})
 * that serves {@link #size()} batch rows per pass over the weights. The driver steps the rows
 * {@code b..b+size-1} of a group in lockstep when there are no per-row lengths ({@code lengths ==
 * null}: every row runs all {@code steps}, the same direction start) and {@code steps > 0}:
 * <pre>
 *   g = 0
 *   if (lengths == null &amp;&amp; steps &gt; 0):
 *     for (; g + size &lt;= batch; g += size):
 *       for n in 0..steps-1:
 *         t = FORWARD ? n : steps-1-n
 *         method(in, pos(g,t)*inputWidth, ..., pos(g+size-1,t)*inputWidth,
 *                h, g*S, ..., (g+size-1)*S, z, z1, ..., z(size-1))   // operands in the gates' order
 *         for q &lt; size: b = g + q; the rest of the step exactly as DirectionPlan, with z_q for z
 *   for (b = g; b &lt; batch; b++): the per-row body of DirectionPlan
 * </pre>
 * The method {@code private static void method(float[] x, int xOff0, ..., int xOff(size-1), float[] h,
 * int hOff0, ..., float[] out0, ..., float[] out(size-1))} (an operand's vector, then its offsets
 * per row) is the gates' {@link LoopedMatVec} for every row at once: each {@code out_q} starts as
 * the start field (or zeros), then per operand and block of {@code B} input elements from {@code k0}:
 * <pre>
 *   w_e = F_op[k0 + e];  v_q_e = vec[vecOff_q + k0 + e]          (e &lt; m, q &lt; size)
 *   for q &lt; size: for r &lt; rows: out_q[r] = out_q[r] + w_0[r] * v_q_0 + ... + w_(m-1)[r] * v_q_(m-1)
 * </pre>
 * One loop per row keeps today's loop shape, which C2 vectorizes; the block's weight rows
 * ({@code m * rows} floats) are then read from L1 by rows 1.. instead of from L2 or memory. (One loop
 * over {@code r} updating all rows measured 5x slower: C2 left it scalar.)
 * For a {@link VectorMatVec}, the method is its grouped form (see there); in both cases,
 * per output element these are exactly the operations of the gates product, in the same order, so
 * the results are the same bits as the per-row path; rows only share the loads of weight rows.
 * Rows are independent (each has its own state slice), so interleaving their steps changes nothing.
 *
 * @param method  the grouped product's name
 * @param size    rows per group, 2..{@value #MAX_SIZE}
 * @param buffers the workspace buffers {@code z1..z(size-1)} (each as long as buffer 0, z)
 * @param inputs  for a {@link VectorMatVec}, the workspace buffer that holds every row's
 *                concatenated inputs, interleaved ({@code size * n} floats), passed to the driver as its
 *                {@code xz} (a grouped direction has no input pre-pass) and by the driver to the
 *                grouped method as its last parameter; -1 for the plain tier
 */
public record BatchGroup(String method, int size, List<Integer> buffers, int inputs) {

    /** The largest group: the driver has parameters z1 .. z5. */
    public static final int MAX_SIZE = 6;
    /**
     * The group of the Vector API tier: 6 rows x 2 vectors of accumulators, the 2 weight vectors and
     * a broadcast fill 15 of AVX2's 16 registers. Measured (plain-Java kernels, I, H = 48, 128, batch
     * 12): 27 us per step with groups of 6, 58 with groups of 4, 65 row by row.
     */
    public static final int VECTOR_SIZE = 6;

    /** A group without an inputs buffer (the plain tier). */
    public BatchGroup(String method, int size, List<Integer> buffers) {
        this(method, size, buffers, -1);
    }

    public BatchGroup {
        buffers = List.copyOf(buffers);
        if (size < 2 || size > MAX_SIZE || buffers.size() != size - 1) {
            throw new IllegalArgumentException("bad batch group: size " + size + ", buffers " + buffers);
        }
    }
}

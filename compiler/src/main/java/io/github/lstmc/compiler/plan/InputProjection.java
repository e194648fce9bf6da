package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A schedule for a {@link LoopedMatVec looped} or {@link VectorMatVec} gate product: the input part {@code start + W x} is
 * computed for every position of the sequence before the recurrence, {@link #tile()} positions per
 * pass over the weights, so that each weight row loaded serves that many positions.
 *
 * <p>Pre-pass, one method {@code private static void method(float[] in, float[] xz, int positions,
 * float[] s0, ..., float[] s(P-1))} ({@code P} = tile), called by {@code forwardChecked} right before
 * the direction's driver with {@code positions = batch * steps}, {@code xz} = workspace buffer
 * {@link #buffer()} and {@code s_q} = workspace buffer {@code scratch.get(q)}: separate arrays, each
 * indexed like the weight rows, which is what lets C2 vectorize the accumulation. {@code G} =
 * {@link #rows()}, {@code I} = the INPUT operand's length, START/W^T the gates' start field and INPUT
 * field, {@code KB} = {@link #block()}:
 * <pre>
 *   whole = positions - positions % P
 *   for (p0 = 0; p0 &lt; whole; p0 += P): pass(P positions from p0)
 *   for (p0 = whole; p0 &lt; positions; p0++): pass(1 position p0)
 *
 *   pass(n positions from p0):
 *     for q &lt; n: s_q[0..G) = START   (zeros when the gates have no start field)
 *     for k0 = 0, KB, ... while k0 + KB &lt;= I, then k0 = I - I % KB (m = I % KB elements) when non-zero:
 *       v_q_e = in[(p0 + q)*I + k0 + e];  w_e = W^T[k0 + e]               (q &lt; n, e &lt; m)
 *       for r &lt; G: for q &lt; n: s_q[r] = s_q[r] + w_0[r] * v_q_0 + ... + w_(m-1)[r] * v_q_(m-1)
 *     for q &lt; n: System.arraycopy(s_q, 0, xz, (p0 + q)*G, G)
 * </pre>
 * Per step the driver then replaces the gates call by {@code System.arraycopy(xz, pos*G, z, 0, G)}
 * followed by {@code recurrentMethod(h, hOff, z)}: the STATE loops of the gates exactly as
 * {@link LoopedMatVec} specifies them, without initialising {@code z}.
 *
 * <p>For {@link VectorMatVec} gates (the Vector API tier) the schedule has tile 1 and scratch
 * {@code [0]}, which the pre-pass ignores: it runs the grouped kernel of {@link VectorMatVec} with
 * positions as rows, {@value BatchGroup#VECTOR_SIZE} per pass over the INPUT part of the strips
 * ({@code k < I}), then the remaining positions one by one, storing each position's rows at
 * {@code xz[pos*G ..]} directly; {@code recurrentMethod(h, hOff, out)} is the single-row kernel over
 * {@code k} in {@code [I, n)} ({@code cat = h, catOff = hOff - I}) whose accumulators start from
 * {@code out} (the copied {@code xz} row) instead of the start field. A float register holds the same
 * value as its store, so this too is the gates product's per-element order, bit for bit.
 *
 * <p>For every element the additions happen in the same order as in the gates product (start,
 * INPUT terms by ascending k, STATE terms by ascending k), each rounded to float, so this schedule
 * computes the same bits as calling the gates method; an emitter that ignored it would stay
 * bit-identical, only slower on long sequences.
 *
 * @param method          the pre-pass method name
 * @param recurrentMethod the STATE-only accumulation method name
 * @param rows            G, the gate rows
 * @param tile            P, positions per pass over the weights, 1..4
 * @param buffer          the workspace buffer holding {@code xz} ({@code G} floats per position)
 * @param scratch         P workspace buffers of at least G floats, all different (buffer 0, z, is free then)
 * @param block           KB, input elements per pass over the scratch arrays
 */
public record InputProjection(String method, String recurrentMethod, int rows, int tile, int buffer,
                              List<Integer> scratch, int block) {

    public InputProjection {
        scratch = List.copyOf(scratch);
        if (tile < 1 || tile > 4 || scratch.size() != tile || block < 1) {
            throw new IllegalArgumentException("bad input projection: tile " + tile + ", scratch " + scratch
                    + ", block " + block);
        }
    }
}

package io.github.lstmc.compiler.plan;

/**
 * A schedule for a {@link LoopedMatVec looped} gate product: the input part {@code start + W x} is
 * computed for every position of the sequence before the recurrence, tile by tile, so that each
 * transposed weight row is reused across {@link #tile()} positions while it is in cache.
 *
 * <p>Pre-pass, one method {@code private static void method(float[] in, float[] xz, int positions)}
 * called by the driver before its batch loop with {@code positions = batch * steps} ({@code G} =
 * {@link #rows()}, {@code I} = the INPUT operand's length, START/W^T the gates' start field and
 * INPUT field):
 * <pre>
 *   for (p0 = 0; p0 &lt; positions; p0 += tile):
 *     p1 = min(positions, p0 + tile)
 *     for p in p0..p1-1: xz[p*G .. p*G+G) = START   (zeros when the gates have no start field)
 *     for k in 0..I-1:
 *       w = W^T[k]
 *       for p in p0..p1-1:
 *         v = in[p*I + k];  for r in 0..G-1: xz[p*G + r] += w[r] * v
 * </pre>
 * Per step the driver then replaces the gates call by {@code System.arraycopy(xz, pos*G, z, 0, G)}
 * followed by {@code recurrentMethod(h, hOff, z)}: the STATE loops of the gates exactly as
 * {@link LoopedMatVec} specifies them, without initialising {@code z}.
 *
 * <p>For every element the additions happen in the same order as in the gates product (start,
 * INPUT terms by ascending k, STATE terms by ascending k), each rounded to float, so this schedule
 * computes the same bits as calling the gates method; an emitter that ignored it would stay
 * bit-identical, only slower on long sequences.
 *
 * @param method          the pre-pass method name
 * @param recurrentMethod the STATE-only accumulation method name
 * @param rows            G, the gate rows
 * @param tile            positions per tile
 * @param buffer          the workspace buffer holding {@code xz} ({@code G} floats per position)
 */
public record InputProjection(String method, String recurrentMethod, int rows, int tile, int buffer) {
}

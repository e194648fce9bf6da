package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.model.Direction;

/**
 * One direction of one layer: a driver method that walks every batch row through the sequence.
 * Signature {@code private static void method(float[] in, float[] out, int batch, int steps,
 * int[] lengths, float[] h, float[] c, float[] z, float[] hraw, float[] pz, float[] xz, float[] z1, ...,
 * float[] z5)} where {@code z1..z5} are the {@link BatchGroup#buffers()} (null when absent or unused) and
 * {@code h, c} are the live {@code LstmState} arrays of entry {@link #stateIndex()}, {@code z, hraw, pz}
 * workspace buffers 0, 1, 2 and {@code xz} the {@link InputProjection#buffer()}, or for a Vector API
 * batch group its {@link BatchGroup#inputs()} buffer (null without either). With {@code pos(b, t) = b*steps + t} (batch-first) or {@code t*batch + b} (sequence-first):
 * <pre>
 *   [inputProjection: forwardChecked has run its pre-pass, filling xz]
 *   for b in 0..batch-1:
 *     len = lengths == null ? steps : lengths[b];  hOff = b*S;  cOff = b*H
 *     if len == 0: h[hOff..hOff+S) = 0; c[cOff..cOff+H) = 0
 *     for n in 0..len-1:
 *       t = FORWARD ? n : len-1-n
 *       inOff = pos(b,t) * inputWidth;  outOff = pos(b,t) * outputWidth + outputOffset
 *       gates(in, inOff, h, hOff, z)              // every method of gates, in order; with an input
 *                                                 // projection: System.arraycopy(xz, pos*G, z, 0, G);
 *                                                 //             recurrentMethod(h, hOff, z)
 *       projection == null: cell(z, c, cOff, h, hOff)
 *       else:               cell(z, c, cOff, hraw, 0); projection(hraw, 0, pz); h[hOff..hOff+S) = pz[0..S)
 *       out[outOff..outOff+S) = h[hOff..hOff+S)
 *     for t in len..steps-1: out[pos(b,t)*outputWidth + outputOffset ..+S) = 0
 * </pre>
 *
 * @param method       the driver's name, e.g. {@code layer0Forward}
 * @param direction    which way it walks
 * @param stateIndex   {@code layer * directions + direction}: the LstmState entry
 * @param inputWidth   features per position of {@code in}
 * @param outputWidth  features per position of {@code out} (the layer's output size)
 * @param outputOffset {@code direction * S}
 * @param hiddenSize   H
 * @param stateSize    S
 * @param gates        z = b + W x + R h over the computed gate rows ({@code slots * H} rows; {@code z} has H more floats for the cell update)
 * @param cell         the elementwise update of an LSTM; null for a GRU or RNN
 * @param projection   hraw -> h ({@code S} rows, operand INPUT of length H), or null
 * @param inputProjection how to precompute the input part of a looped {@code gates} product, or null
 * @param batchGroup   how rows of equal length share passes over the gate weights, or null (see {@link BatchGroup})
 * @param hiddenUpdate the elementwise update of a GRU or RNN, which replaces {@code cell} and the projection
 *                     in the step above (see {@link HiddenUpdate}); null for an LSTM. Such a direction has no
 *                     cell state: no {@code cOff}, and {@code len == 0} zeroes h only
 * @param resetProduct GRU: the product of the reset ({@code H} rows, one INPUT operand of length H, see
 *                     {@link HiddenUpdate}); null otherwise
 */
public record DirectionPlan(String method, Direction direction, int stateIndex, int inputWidth, int outputWidth,
                            int outputOffset, int hiddenSize, int stateSize, MatVec gates, CellUpdate cell,
                            MatVec projection, InputProjection inputProjection, BatchGroup batchGroup,
                            HiddenUpdate hiddenUpdate, MatVec resetProduct) {

    public DirectionPlan {
        if ((cell == null) == (hiddenUpdate == null)) {
            throw new IllegalArgumentException(method + ": needs an LSTM cell update or a hidden update, not both");
        }
    }

    /** An LSTM direction. */
    public DirectionPlan(String method, Direction direction, int stateIndex, int inputWidth, int outputWidth,
                         int outputOffset, int hiddenSize, int stateSize, MatVec gates, CellUpdate cell,
                         MatVec projection, InputProjection inputProjection, BatchGroup batchGroup) {
        this(method, direction, stateIndex, inputWidth, outputWidth, outputOffset, hiddenSize, stateSize, gates, cell,
                projection, inputProjection, batchGroup, null, null);
    }

    /** Cell state values per batch row: H for an LSTM, 0 for a GRU or RNN. */
    public int cellSize() {
        return cell == null ? 0 : hiddenSize;
    }

    /** Without a batch group. */
    public DirectionPlan(String method, Direction direction, int stateIndex, int inputWidth, int outputWidth,
                         int outputOffset, int hiddenSize, int stateSize, MatVec gates, CellUpdate cell,
                         MatVec projection, InputProjection inputProjection) {
        this(method, direction, stateIndex, inputWidth, outputWidth, outputOffset, hiddenSize, stateSize, gates, cell,
                projection, inputProjection, null);
    }

    /** Without an input projection schedule. */
    public DirectionPlan(String method, Direction direction, int stateIndex, int inputWidth, int outputWidth,
                         int outputOffset, int hiddenSize, int stateSize, MatVec gates, CellUpdate cell,
                         MatVec projection) {
        this(method, direction, stateIndex, inputWidth, outputWidth, outputOffset, hiddenSize, stateSize, gates, cell,
                projection, null);
    }
}

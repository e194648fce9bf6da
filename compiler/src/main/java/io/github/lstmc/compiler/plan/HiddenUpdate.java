package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.model.CellKind;

/**
 * The elementwise part of a step of a cell without a cell state (GRU, RNN): one or two generated
 * methods with {@link CellUpdate}'s signature, {@code private static void method(float[] z, float[] a,
 * int aOff, float[] out, int outOff)}, the driver passing other arrays than an LSTM's. {@code z} holds
 * the gate product: GRU rows {@code z | r | x_n} ({@code 3H}; x_n = W_n x + b_in, plus b_hn when the reset
 * comes before the linear map; the product's STATE weights of those rows are zero), RNN {@code H} rows.
 * {@code clamp} as in {@link CellUpdate}, bracketed parts only with a clip, activations as {@link ActivationCall}s.
 * <pre>
 *   RNN   update(z, c, 0, h, hOff):  for j &lt; H: float zx = z[j]; [zx = clamp(zx, clip);] out[outOff + j] = f(zx);
 *
 *   GRU   driver per step, after the gates product:
 *           gates(z, h, hOff, hraw, 0)
 *           linear before reset: reset(h, hOff, pz)     pz = b_hn + R_n h      ({@link DirectionPlan#resetProduct()})
 *           reset before linear: reset(hraw, 0, pz)     pz = R_n (r * h)
 *           update(z, pz, 0, h, hOff)
 *         gates:  for j &lt; 2H: float zx = z[j]; [zx = clamp(zx, clip);] z[j] = f(zx);           // z and r
 *                 reset before linear only: for j &lt; H: out[outOff + j] = z[H + j] * a[aOff + j]; // r * h
 *         update: for j &lt; H: float zn = z[2H + j] + z[H + j] * a[aOff + j];    (linear before reset: x_n + r * pz)
 *                             float zn = z[2H + j] + a[aOff + j];               (reset before linear: x_n + pz)
 *                             [zn = clamp(zn, clip);] z[2H + j] = g(zn);
 *                 for j &lt; H: float u = z[j]; float hp = out[outOff + j]; out[outOff + j] = (1f - u) * z[2H + j] + u * hp;
 * </pre>
 * Float operations in this order in both back ends. Each pass indexes its arrays at constant offsets and
 * calls at most one activation, the shape C2 vectorizes.
 *
 * <p><b>Vector API rendering</b> ({@link #vectorized()}, in the opt-in tier when every activation has a
 * vector form): each pass over {@code j < n} becomes a loop over the lanes of the preferred species up
 * to its {@code loopBound(n)}, then the scalar statements above for the rest, as {@link CellUpdate} renders its
 * passes, with {@code V(a, k)} = {@code FloatVector.fromArray(SPECIES_PREFERRED, a, k)}, activations and clamps
 * inline as there:
 * <pre>
 *   zx = V(z, j); [zx = clamp(zx)]; act(zx).intoArray(target, j)         (RNN: out, outOff + j; GRU gates: z, j)
 *   r * h:     V(z, H + j).mul(V(a, aOff + j)).intoArray(out, outOff + j)
 *   candidate: zn = V(z, 2H + j).add(V(z, H + j).mul(V(a, aOff + j)))   or   V(z, 2H + j).add(V(a, aOff + j));
 *              [zn = clamp(zn)]; g(zn).intoArray(z, 2H + j)
 *   update:    u = V(z, j); hp = V(out, outOff + j);
 *              broadcast(1f).sub(u).mul(V(z, 2H + j)).add(u.mul(hp)).intoArray(out, outOff + j)
 * </pre>
 * Each lane performs its element's scalar operations in the same order, each correctly rounded (no fused
 * multiply-add), so both renderings give the same bits.
 *
 * @param kind              GRU or RNN
 * @param gatesMethod       GRU: the gate pass method; null for an RNN
 * @param updateMethod      the method that writes the new hidden state
 * @param hiddenSize        H
 * @param gate              f: the RNN's activation, the GRU's on z and r
 * @param candidate         g: the GRU's on n; null for an RNN
 * @param preActivationClip ONNX clip, or +Infinity for none
 * @param linearBeforeReset GRU: where the reset applies (see above)
 * @param vectorized        render the passes with the Vector API (see above)
 */
public record HiddenUpdate(CellKind kind, String gatesMethod, String updateMethod, int hiddenSize, ActivationCall gate,
                           ActivationCall candidate, float preActivationClip, boolean linearBeforeReset,
                           boolean vectorized) {

    public HiddenUpdate {
        if (vectorized && !(gate.hasVectorForm() && (candidate == null || candidate.hasVectorForm()))) {
            throw new IllegalArgumentException(updateMethod + ": a vectorized update needs vector forms of its"
                    + " activations");
        }
        if (kind == CellKind.LSTM || (kind == CellKind.GRU) != (gatesMethod != null)
                || (kind == CellKind.GRU) != (candidate != null)) {
            throw new IllegalArgumentException(updateMethod + ": a " + kind + " hidden update needs "
                    + (kind == CellKind.GRU ? "a gates method and a candidate activation" : "neither"));
        }
    }

    public boolean hasPreActivationClip() {
        return preActivationClip != Float.POSITIVE_INFINITY;
    }
}

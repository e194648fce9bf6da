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
 * Scalar float operations in this order in both back ends (the Vector API tier vectorizes the products,
 * not these passes). Each pass indexes its arrays at constant offsets and calls at most one activation,
 * the shape C2 vectorizes.
 *
 * @param kind              GRU or RNN
 * @param gatesMethod       GRU: the gate pass method; null for an RNN
 * @param updateMethod      the method that writes the new hidden state
 * @param hiddenSize        H
 * @param gate              f: the RNN's activation, the GRU's on z and r
 * @param candidate         g: the GRU's on n; null for an RNN
 * @param preActivationClip ONNX clip, or +Infinity for none
 * @param linearBeforeReset GRU: where the reset applies (see above)
 */
public record HiddenUpdate(CellKind kind, String gatesMethod, String updateMethod, int hiddenSize, ActivationCall gate,
                           ActivationCall candidate, float preActivationClip, boolean linearBeforeReset) {

    public HiddenUpdate {
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

package io.github.lstmc.compiler.plan;

/**
 * The elementwise part of one step, one generated method
 * {@code private static void method(float[] z, float[] c, int cOff, float[] out, int outOff)}
 * looping {@code for (int j = 0; j < hiddenSize; j++)} over:
 * <pre>
 *   float cp = c[cOff + j];                                   // previous cell
 *   float zi = z[slotI*H + j];  [zi = zi + PI[j] * cp;]  [zi = clamp(zi, preClip);]  float i = gate(zi);
 *   coupled:  float f = 1f - i;
 *   else:     float zf = z[slotF*H + j];  [zf = zf + PF[j] * cp;]  [zf = clamp(zf, preClip);]  float f = gate(zf);
 *   float zg = z[slotG*H + j];  [zg = clamp(zg, preClip);]  float g = cell(zg);
 *   float cn = f * cp + i * g;                                // (f*cp) + (i*g), each product rounded first
 *   [cn = clamp(cn, cellClip);]
 *   c[cOff + j] = cn;
 *   float zo = z[slotO*H + j];  [zo = zo + PO[j] * cn;]  [zo = clamp(zo, preClip);]  float o = gate(zo);
 *   out[outOff + j] = o * hidden(cn);
 * </pre>
 * Bracketed parts exist only when the feature does (peephole field non-null, clip finite).
 * {@code clamp(x, l)} is {@code Activations.clamp(x, l)}: {@code x > l ? l : (x < -l ? -l : x)}.
 * Activations render as {@link ActivationCall}s; an identity leaves its argument as is.
 *
 * @param method          the method name
 * @param hiddenSize      H
 * @param slotInput       which block of H rows of {@code z} holds z_i
 * @param slotForget      block of z_f, or -1 when coupled (f = 1 - i; no forget rows are computed)
 * @param slotCell        block of z_g
 * @param slotOutput      block of z_o
 * @param gate            activation of i, f, o
 * @param cell            activation of g
 * @param hidden          activation of the new cell before the output gate
 * @param preActivationClip ONNX clip limit, or +Infinity for none
 * @param cellClip        Burn cell clip limit, or +Infinity for none
 * @param peepholeInput   VECTOR field of p_i (length H), or null (absent or all zero)
 * @param peepholeForget  VECTOR field of p_f, or null (absent, all zero, or coupled)
 * @param peepholeOutput  VECTOR field of p_o, or null
 */
public record CellUpdate(String method, int hiddenSize, int slotInput, int slotForget, int slotCell, int slotOutput,
                         ActivationCall gate, ActivationCall cell, ActivationCall hidden,
                         float preActivationClip, float cellClip,
                         String peepholeInput, String peepholeForget, String peepholeOutput) {

    public boolean coupled() {
        return slotForget < 0;
    }

    public boolean hasPreActivationClip() {
        return preActivationClip != Float.POSITIVE_INFINITY;
    }

    public boolean hasCellClip() {
        return cellClip != Float.POSITIVE_INFINITY;
    }
}

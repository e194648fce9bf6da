package io.github.lstmc.compiler.plan;

/**
 * The elementwise part of one step, one generated method
 * {@code private static void method(float[] z, float[] c, int cOff, float[] out, int outOff)}. It works
 * in place on {@code z}, whose gate blocks ({@code slot*H + j}) are followed by a cell block at
 * {@code C = }{@link #cellOffset()}, in passes over {@code j < H} that each index one array at
 * constant offsets and call at most one activation: the shape C2 unrolls and vectorizes (a loop
 * body with two inlined activations exceeds its unrolling limit and stays scalar, 5-10x slower).
 * {@code X = slotX*H}:
 * <pre>
 *   System.arraycopy(c, cOff, z, C, H);                                     // previous cell
 *   mergedGateBlocks() = n &gt; 0: for (j = 0; j &lt; n*H; j++) { float zx = z[j]; [zx = clamp(zx, preClip);] z[j] = gate(zx); }
 *                              // i, f, o in one pass; then the passes below without those of i, f and o
 *   for j: float zi = z[I + j]; [zi = zi + PI[j] * z[C + j];] [zi = clamp(zi, preClip);] z[I + j] = gate(zi);
 *   not coupled:
 *   for j: float zf = z[F + j]; [zf = zf + PF[j] * z[C + j];] [zf = clamp(zf, preClip);] z[F + j] = gate(zf);
 *   for j: float zg = z[G + j]; [zg = clamp(zg, preClip);] z[G + j] = cell(zg);
 *   for j: float cp = z[C + j]; float i = z[I + j]; float f = coupled ? 1f - i : z[F + j]; float g = z[G + j];
 *          float cn = f * cp + i * g;                                       // (f*cp) + (i*g), each product rounded first
 *          [cn = clamp(cn, cellClip);]
 *          z[C + j] = cn;
 *   for j: float zo = z[O + j]; [zo = zo + PO[j] * z[C + j];] [zo = clamp(zo, preClip);] z[O + j] = gate(zo);
 *   for j: z[O + j] = z[O + j] * hidden(z[C + j]);                          // o * hidden(cn)
 *   System.arraycopy(z, C, c, cOff, H);                                     // new cell
 *   System.arraycopy(z, O, out, outOff, H);                                 // new hidden vector
 * </pre>
 * Per element these are the same float operations in the same order as a single scalar loop would
 * do; only the order across elements changes, which no element depends on.
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

    /** {@code C}: where the cell block of {@code z} starts, after the computed gate blocks. */
    public int cellOffset() {
        return (coupled() ? 3 : 4) * hiddenSize;
    }

    /**
     * {@code n > 0} when the gate activation can run as one pass over the first {@code n} blocks of
     * {@code z}: no gate has a peephole (so the output gate does not wait for the new cell) and the
     * input, forget (unless coupled) and output gates are blocks {@code 0..n-1}; else 0.
     */
    public int mergedGateBlocks() {
        if (peepholeInput != null || peepholeForget != null || peepholeOutput != null) {
            return 0;
        }
        int n = coupled() ? 2 : 3;
        int mask = (1 << slotInput) | (1 << slotOutput) | (coupled() ? 0 : 1 << slotForget);
        return mask == (1 << n) - 1 ? n : 0;
    }

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

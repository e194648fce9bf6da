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
 * <p><b>Vector API rendering</b> ({@link #vectorized()}, only in the opt-in Vector API tier, only when
 * the gate, cell and hidden activations all {@linkplain ActivationCall#hasVectorForm() have a vector
 * form}). Each pass above over {@code j < n} ({@code n = H}, or {@code mergedGateBlocks()*H} for the
 * merged gate pass) becomes two loops: {@code for (j = 0; j < S.loopBound(n); j += S.length())} with
 * {@code jdk.incubator.vector.FloatVector} operations on lanes {@code j..j+L-1} of the running JVM's
 * preferred species {@code S = FloatVector.SPECIES_PREFERRED} ({@code L} = 2 to 16 lanes: 8 on AVX2,
 * 16 on AVX-512, 4 on NEON), then the scalar statements above for the remaining {@code n % L} elements
 * (the vector loop is left out when {@code n < }{@value #MIN_LANES}). Every lane performs exactly the float
 * operations of the scalar statement for its element, in the same order, each correctly rounded
 * (IEEE 754, no fused multiply-add, no reassociation), so the results are the scalar path's bits
 * and the two back ends agree bit for bit, whatever the width. Vector statements, with {@code V(a, k)} =
 * {@code FloatVector.fromArray(SPECIES_PREFERRED, a, k)} and {@code .into(a, k)} = {@code .intoArray(a, k)}:
 * <pre>
 *   gate X:   FloatVector zx = V(z, X + j); [zx = zx.add(V(PX, j).mul(V(z, C + j)));]
 *             [zx = clamp(zx, preClip);] act(zx).into(z, X + j);
 *   new cell: cp = V(z, C + j); i = V(z, I + j); f = coupled ? FloatVector.broadcast(SPECIES_PREFERRED, 1f).sub(i)
 *             : V(z, F + j); g = V(z, G + j); cn = f.mul(cp).add(i.mul(g)); [cn = clamp(cn, cellClip);]
 *             cn.into(z, C + j);
 *   hidden:   FloatVector hc = V(z, C + j); V(z, O + j).mul(hidden(hc)).into(z, O + j);
 * </pre>
 * with the activations and the clip rendered inline (never as helper methods: C2 does not reliably
 * inline a helper that large, and a vector passed to a call that is not inlined is boxed, an
 * allocation per call), mirroring {@code io.github.lstmc.runtime.Activations}, whose public
 * {@code TANH_*} constants both back ends use:
 * <pre>
 *   tanh(x):             FloatVector tc = x.min(TANH_CLAMP).max(-TANH_CLAMP); FloatVector tu = tc.mul(tc);
 *                        FloatVector tp = broadcast(TANH_A6); tp = tp.mul(tu).add(TANH_A5); ... tp = tp.mul(tu).add(TANH_A0);
 *                        FloatVector tq = broadcast(TANH_B3); tq = tq.mul(tu).add(TANH_B2); ... tq = tq.mul(tu).add(TANH_B0);
 *                        value tc.mul(tp).div(tq)
 *   sigmoid(x):          tanh(x.mul(0.5f)).mul(0.5f).add(0.5f)
 *   affine(x, a, b):     x.mul(a).add(b)
 *   scaledTanh(x, a, b): tanh(x.mul(b)).mul(a)
 *   hardSigmoid(x, a, b): x.mul(a).add(b).min(1f).max(0f)
 *   relu(x):             FloatVector.zero(SPECIES_PREFERRED).blend(x, x.compare(GT, 0f))
 *   leakyRelu(x, a):     x.mul(a).blend(x, x.compare(GE, 0f))
 *   softsign(x):         x.div(x.abs().add(1f))
 *   clamp(x, l):         x.min(l).max(-l)
 * </pre>
 * Why these are the scalar bits: {@code +, -, *, /} of two floats are commutative and exactly
 * rounded, so {@code x.mul(a)} is {@code a * x} and {@code t.add(0.5f)} is {@code 0.5f + t}; the
 * lanewise {@code min}/{@code max}/{@code abs} are specified as {@code Math.min}/{@code max}/{@code abs}
 * (NaN in, NaN out; -0 below +0), which are symmetric in their arguments, so
 * {@code x.min(L).max(-L)} is {@code Math.max(-L, Math.min(L, x))}. Comparisons with NaN are false
 * in both, so {@code relu} gives +0 for NaN and -0 (as {@code x > 0f ? x : 0f}), and {@code leakyRelu}
 * keeps -0 ({@code -0 >= 0}) and gives {@code a * NaN = NaN}. {@code clamp} equals
 * {@code Activations.clamp(x, l) = x > l ? l : (x < -l ? -l : x)} for every {@code l > 0} (clips are
 * positive by validation): above {@code l} both give {@code l}, below {@code -l} both {@code -l},
 * in between (including +-0) both {@code x}, and NaN passes through both ({@code Math.min} and
 * {@code Math.max} return NaN for a NaN argument, and both comparisons of the scalar form are false);
 * the other order, {@code x.max(-l).min(l)}, would do as well. NaN payloads are not part of the
 * contract (Java does not preserve them); tests compare with {@code Float.floatToIntBits}, which
 * maps every NaN to one value.
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
 * @param vectorized      render the passes with the Vector API (see above); needs every activation
 *                        to have a vector form
 */
public record CellUpdate(String method, int hiddenSize, int slotInput, int slotForget, int slotCell, int slotOutput,
                         ActivationCall gate, ActivationCall cell, ActivationCall hidden,
                         float preActivationClip, float cellClip,
                         String peepholeInput, String peepholeForget, String peepholeOutput,
                         boolean vectorized) {

    /**
     * The fewest float lanes of any species ({@code FloatVector.SPECIES_64}): a {@link #vectorized()}
     * pass over fewer elements has no vector loop.
     */
    public static final int MIN_LANES = 2;

    public CellUpdate {
        if (vectorized && !(gate.hasVectorForm() && cell.hasVectorForm() && hidden.hasVectorForm())) {
            throw new IllegalArgumentException(method + ": a vectorized cell update needs vector forms of "
                    + gate.method() + ", " + cell.method() + " and " + hidden.method());
        }
    }

    /** A scalar cell update ({@code vectorized = false}). */
    public CellUpdate(String method, int hiddenSize, int slotInput, int slotForget, int slotCell, int slotOutput,
                      ActivationCall gate, ActivationCall cell, ActivationCall hidden,
                      float preActivationClip, float cellClip,
                      String peepholeInput, String peepholeForget, String peepholeOutput) {
        this(method, hiddenSize, slotInput, slotForget, slotCell, slotOutput, gate, cell, hidden, preActivationClip,
                cellClip, peepholeInput, peepholeForget, peepholeOutput, false);
    }

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

package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A product of the opt-in Vector API tier ({@link PlanOptions#vectorApi()}), in one generated method
 * {@code private static void method(<operand params>, float[] out)} that uses
 * {@code jdk.incubator.vector.FloatVector} with the 256-bit species ({@value #LANES} float lanes).
 *
 * <p>The operands' vectors are read as one concatenation {@code cat} of length {@code n = sum K_op}:
 * with a single operand it is that operand's vector ({@code cat = vec, catOff = vecOff}); with
 * several, the method first copies them in order to {@code out[rows .. rows + n)} ({@code cat = out,
 * catOff = rows}; {@code out} must hold {@code rows + n} floats), so that one loop runs over all
 * inputs: two loops over the same accumulators measured 1.6x slower than one.
 *
 * <p>Per output element it computes, with one rounding per step (fused multiply-add):
 * <pre>
 *   acc = start[r]   (0 without a start field)
 *   for k in 0..n-1: acc = fma(W[r][k], cat[catOff + k], acc)      // W = [W_op0 | W_op1 | ...]
 *   out[r] = acc
 * </pre>
 * Vector lanes and the scalar tail ({@code Math.fma}) perform exactly these operations, so every
 * element has the same bits whichever path computes it.
 *
 * <p>Weights are packed in strips of {@value #STRIP} output rows, one array per strip, so that the
 * kernel streams each array front to back: {@code field} is {@code float[ceil(rows/16)][n*16]}
 * with {@code F[s][k*16 + j] = W[16s + j][k]} (zeros past {@code rows}). Vector column {@code c}
 * (rows {@code 8c..8c+7}) is strip {@code c/2} at lane offset {@code (c%2)*8}. The method:
 * <pre>
 *   [several operands: System.arraycopy(vec_op, vecOff_op, out, rows + offset_op, K_op), in order]
 *   full = rows / 8 (vector columns), chunks of {@value #CHUNK} columns = 4 strips:
 *   for q in 0..full/8-1:                 // a loop (the same code for every chunk)
 *     block(o = 64q, s = 4q, 8 columns)
 *   if full % 8 != 0: block(o = 8c0, s = c0/2, full % 8 columns) with c0 = full - full % 8
 *   for r in 8*full..rows-1:              // the scalar tail, rows % 8 elements
 *     acc = start[r]; p = F[r &gt;&gt; 4]; j = r &amp; 15
 *     for k: acc = Math.fma(p[k*16 + j], cat[catOff + k], acc)
 *     out[r] = acc
 *
 *   block(o, s, m):  a_e = fromArray(START, o + 8e) (or zero) for e &lt; m;  p_i = F[s + i] for i &lt; ceil(m/2)
 *     for k in 0..n-1: v = broadcast(cat[catOff + k]); i = k*16
 *                      a_e = fromArray(p_(e/2), i + (e%2)*8).fma(v, a_e)   for e &lt; m
 *     a_e.intoArray(out, o + 8e)
 * </pre>
 *
 * <p>Grouped form ({@link BatchGroup}, {@code R} rows at once, method
 * {@code (vec, vecOff_0..vecOff_(R-1) per operand, out_0..out_(R-1), float[] cat)}): row {@code q}'s
 * concatenated inputs are interleaved into {@code cat[k*R + q]} ({@link BatchGroup#inputs()}), so that
 * the inner loop reads one array at one moving position (measured, I, H = 64, 128, six rows: 18 us per
 * step; 30 us reading each row's inputs from the arrays the method stores into, or from six separate
 * arrays or six regions of one array), then per whole
 * strip {@code s < rows/16} (and a last single vector column when {@code rows/8} is odd) the
 * accumulators {@code a_q_e} of every row, one weight load serving all rows:
 * <pre>
 *   for s in 0..rows/16-1: o = 16s;  b_e = fromArray(START, o + 8e) (or zero);  a_q_e = b_e, e &lt; 2, q &lt; R;  p = F[s]
 *     for k in 0..n-1: w_e = fromArray(p, k*16 + 8e);  for q: y = broadcast(cat[k*R + q]); a_q_e = w_e.fma(y, a_q_e)
 *     a_q_e.intoArray(out_q, o + 8e)
 *   rows/8 odd: the same for the one column at o = 16 * (rows/16) (e = 0 only)
 *   scalar tail: for q &lt; R, for r in 8*full..rows-1: as above, reading cat[k*R + q]
 * </pre>
 * Per element these are the operations of the single-row method in the same order: the same bits.
 *
 * <p>The accumulators stay in registers over the whole product ({@value #CHUNK} of AVX2's 16), which
 * the plain tier cannot express: C2's auto-vectorizer re-reads and re-writes the output every few inputs.
 *
 * @param rows        output length
 * @param method      the method name
 * @param startField  a {@link WeightField.Shape#VECTOR} field of length {@code rows}, or null for zeros
 * @param operands    the vectors multiplied, in accumulation order
 * @param lengths     {@code K_op} per operand
 * @param field       the strip-packed weights of all operands ({@link WeightField.Shape#ROWS},
 *                    {@code ceil(rows/16)} rows of {@code n*16})
 * @param weightCount weights in the product
 */
public record VectorMatVec(int rows, String method, String startField, List<Operand> operands, List<Integer> lengths,
                           String field, long weightCount) implements MatVec {

    /** Float lanes of the 256-bit species. */
    public static final int LANES = 8;
    /** Output rows per packed strip: two vectors. */
    public static final int STRIP = 16;
    /** Vector columns per chunk: accumulators held in registers. */
    public static final int CHUNK = 8;

    public VectorMatVec {
        operands = List.copyOf(operands);
        lengths = List.copyOf(lengths);
        if (operands.isEmpty() || operands.size() != lengths.size()) {
            throw new IllegalArgumentException("one length per operand, got " + operands + " and " + lengths);
        }
    }

    /** Whole vectors of output: {@code rows / 8}. */
    public int vectorColumns() {
        return rows / LANES;
    }

    /** {@code n}: the length of the concatenated input. */
    public int inputLength() {
        return lengths.stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether the method first copies several operands into {@code out} after its rows. */
    public boolean concatenates() {
        return operands.size() > 1;
    }

    @Override
    public int methodCount() {
        return 1;
    }

    /**
     * Packs {@code W} ({@code rows} rows of {@code cols}, every operand's columns side by side) in
     * strips: row-major {@code ceil(rows/16) x cols*16}.
     */
    static float[] pack(float[][] mat, int rows, int cols) {
        int strips = (rows + STRIP - 1) / STRIP;
        float[] packed = new float[Math.multiplyExact(strips, Math.multiplyExact(cols, STRIP))];
        for (int row = 0; row < rows; row++) {
            int base = (row / STRIP) * cols * STRIP + row % STRIP;
            for (int k = 0; k < cols; k++) {
                packed[base + k * STRIP] = mat[row][k];
            }
        }
        return packed;
    }
}

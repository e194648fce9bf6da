package io.github.lstmc.compiler.plan;

/**
 * One non-zero product {@code weight * v[index]} of an unrolled row, {@code v} the operand's vector.
 * A weight of exactly {@code 1f} is rendered as {@code + v[index]}, {@code -1f} as {@code - v[index]}
 * (both exact, so identical to the multiply); any other weight as {@code + weight * v[index]}. A
 * negative weight may be rendered as {@code - |weight| * v[index]}: IEEE 754 makes
 * {@code a + (-w) * v} and {@code a - w * v} the same bits (the Java emitter does this for readability).
 *
 * @param operand which vector
 * @param index   element of that vector, {@code 0..length-1}
 * @param weight  the constant, never 0 (zero weights are dropped by the planner)
 */
public record Term(Operand operand, int index, float weight) {

    public Term {
        if (operand == null || index < 0) {
            throw new IllegalArgumentException("bad term " + operand + "[" + index + "]");
        }
        if (weight == 0f || !Float.isFinite(weight)) {
            throw new IllegalArgumentException("term weight must be finite and non-zero, got " + weight);
        }
    }

    /** True for weight 1 (rendered as an addition without multiply). */
    public boolean isPlusOne() {
        return weight == 1f;
    }

    /** True for weight -1 (rendered as a subtraction without multiply). */
    public boolean isMinusOne() {
        return weight == -1f;
    }
}

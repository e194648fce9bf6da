package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * One output element of an unrolled product:
 * {@code out[row] = (((start + t0) + t1) + ...) + tn}, evaluated left to right in float32,
 * each product {@code weight * v} rounded to float before its addition (Java semantics, no FMA).
 * With no terms, {@code out[row] = start}.
 *
 * @param row   output index
 * @param start the constant the sum starts from (a folded bias, or 0f); always rendered, even when 0
 * @param terms the non-zero products in order: all {@link Operand#INPUT} terms by ascending index,
 *              then all {@link Operand#STATE} terms by ascending index
 */
public record UnrolledRow(int row, float start, List<Term> terms) {

    public UnrolledRow {
        terms = List.copyOf(terms);
    }
}

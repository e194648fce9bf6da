package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A generated method computing some consecutive rows of an unrolled product: for each row in list
 * order, one assignment {@code out[row] = ...} ({@link UnrolledRow}). Signature:
 * {@code private static void name(<operand params>, float[] out)} (see {@link Operand}).
 *
 * @param name                 the method name, unique in the class
 * @param rows                 the rows, ascending
 * @param estimatedBytecodeSize the planner's (conservative) estimate, used to cut methods
 */
public record UnrolledMethod(String name, List<UnrolledRow> rows, int estimatedBytecodeSize) {

    public UnrolledMethod {
        rows = List.copyOf(rows);
    }
}

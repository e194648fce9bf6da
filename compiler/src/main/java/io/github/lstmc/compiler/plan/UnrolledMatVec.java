package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * A product fully unrolled with its weights as literals, split into methods called one after the
 * other in list order; together they write every output row exactly once.
 *
 * @param rows        output length
 * @param operands    the vectors multiplied (every method takes all of them as parameters)
 * @param weightCount weights in the product, zeros included
 * @param methods     the methods, covering rows 0..rows-1 in order
 */
public record UnrolledMatVec(int rows, List<Operand> operands, long weightCount, List<UnrolledMethod> methods)
        implements MatVec {

    public UnrolledMatVec {
        operands = List.copyOf(operands);
        methods = List.copyOf(methods);
    }

    @Override
    public int methodCount() {
        return methods.size();
    }
}

package io.github.lstmc.compiler.plan;

/**
 * A vector a {@link MatVec} multiplies. Each operand present becomes two parameters of the
 * product's method, in this order: {@code (float[] x, int xOff)} for {@link #INPUT},
 * {@code (float[] h, int hOff)} for {@link #STATE}; element {@code k} is {@code x[xOff + k]}.
 */
public enum Operand {
    /** The layer's input at this time step (for a projection: the unprojected hidden vector). */
    INPUT,
    /** The direction's hidden state before this step. */
    STATE
}

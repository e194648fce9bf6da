package io.github.lstmc.compiler.model;

/** The gates that have ONNX peephole connections, in lstmc's storage order (i, f, o). */
public enum Peephole {
    /** p_i * c_prev added to z_i. */
    INPUT,
    /** p_f * c_prev added to z_f. */
    FORGET,
    /** p_o * c_new added to z_o. */
    OUTPUT
}

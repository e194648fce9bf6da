package io.github.lstmc.compiler;

/**
 * The compiler's version, written into generated code. A class of its own, depending on nothing, so
 * that the layers beneath the {@link Lstmc} facade (the planner) can read it without depending on
 * the facade that depends on them.
 */
public final class Version {
    /** The compiler version written into generated code ({@link Lstmc#VERSION} is the same string). */
    public static final String CURRENT = "0.1.0-SNAPSHOT";

    private Version() {
    }
}

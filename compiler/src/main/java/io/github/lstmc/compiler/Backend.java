package io.github.lstmc.compiler;

/** What lstmc generates. */
public enum Backend {
    /** A {@code .java} file rendered with JavaPoet; compiled by the user's build. */
    SOURCE,
    /** {@code .class} files rendered with ASM; needs no Java compiler. */
    BYTECODE
}

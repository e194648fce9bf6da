package io.github.lstmc.compiler.model;

/** The order in which a layer direction walks the sequence. */
public enum Direction {
    /** t = 0 .. T-1. */
    FORWARD,
    /** t = T-1 .. 0 (or len-1 .. 0 with lengths); its outputs stay aligned with input time. */
    REVERSE
}

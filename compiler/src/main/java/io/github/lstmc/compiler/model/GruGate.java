package io.github.lstmc.compiler.model;

/**
 * The three GRU gates in lstmc's canonical order, ONNX's: z, r, n. PyTorch (r, z, n) and Burn
 * (r, z, n as separate gate controllers) are reordered by their importers; Keras stores z, r, h, which
 * is this order.
 */
public enum GruGate {
    /** z: how much of the previous hidden state is kept ({@code h' = (1 - z) * n + z * h}). */
    UPDATE,
    /** r: how much of the previous hidden state enters the candidate. */
    RESET,
    /** n (ONNX "h"): the candidate hidden state. */
    CANDIDATE;

    /** Row offset of this gate's block in a stacked [3H][*] weight matrix. */
    public int offset(int hiddenSize) {
        return ordinal() * hiddenSize;
    }
}

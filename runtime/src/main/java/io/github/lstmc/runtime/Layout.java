package io.github.lstmc.runtime;

/** How a flat sequence buffer orders its two outer axes. */
public enum Layout {
    /** {@code [batch][time][features]}: Burn's default, Keras, PyTorch {@code batch_first=True}, ONNX layout=1. */
    BATCH_FIRST,
    /** {@code [time][batch][features]}: PyTorch's default, ONNX layout=0. */
    SEQUENCE_FIRST
}

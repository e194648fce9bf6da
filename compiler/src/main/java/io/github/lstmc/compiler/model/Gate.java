package io.github.lstmc.compiler.model;

/** The four LSTM gates in lstmc's canonical order (PyTorch's): i, f, g, o. */
public enum Gate {
    /** i: how much of the candidate enters the cell. */
    INPUT,
    /** f: how much of the previous cell is kept. */
    FORGET,
    /** g (ONNX "c"): the candidate cell value. */
    CELL,
    /** o: how much of the activated cell reaches the hidden state. */
    OUTPUT;

    /** Row offset of this gate's block in a stacked [4H][*] weight matrix. */
    public int offset(int hiddenSize) {
        return ordinal() * hiddenSize;
    }
}

package io.github.lstmc.compiler.model;

/**
 * The recurrent cell of a layer. Every kind shares the rest of the pipeline (directions, stacking,
 * lengths, initial state, the whole-model stages); what differs is the number of stacked gate blocks
 * in the weights and the update. Gate blocks are {@code H} rows each, in lstmc's canonical order.
 *
 * <pre>
 *   LSTM  gates i, f, g, o ({@link Gate})        c' = f*c + i*g;  h' = o * hidden(c')
 *   GRU   gates z, r, n ({@link GruGate}, ONNX's order)
 *         z = f(W_z x + b_iz + R_z h + b_hz);  r = f(W_r x + b_ir + R_r h + b_hr)
 *         n = g(W_n x + b_in + r * (R_n h + b_hn))       linear before reset (PyTorch, Keras reset_after=True)
 *         n = g(W_n x + b_in + R_n (r * h) + b_hn)       reset before linear (ONNX default, Keras reset_after=False)
 *         h' = (1 - z) * n + z * h
 *   RNN   one block (Elman)                       h' = f(W x + b_i + R h + b_h)
 * </pre>
 *
 * Only an LSTM has a cell state, a projection, peepholes, Burn's cell clip and a coupled input/forget
 * gate. ONNX's {@code clip} (the layer's pre-activation clip) applies to every kind: each gate's whole
 * pre-activation is clamped before its activation, as ONNX Runtime does.
 */
public enum CellKind {
    /** Long short-term memory: 4 gate blocks, hidden and cell state. */
    LSTM(4),
    /** Gated recurrent unit: 3 gate blocks (z, r, n), hidden state only. */
    GRU(3),
    /** Simple (Elman) RNN: 1 block, hidden state only. */
    RNN(1);

    private final int gateCount;

    CellKind(int gateCount) {
        this.gateCount = gateCount;
    }

    /** Stacked gate blocks in the weight matrices: rows are {@code gateCount() * H}. */
    public int gateCount() {
        return gateCount;
    }

    /** True for the LSTM only: the state carries a cell {@code c} beside {@code h}. */
    public boolean hasCellState() {
        return this == LSTM;
    }
}

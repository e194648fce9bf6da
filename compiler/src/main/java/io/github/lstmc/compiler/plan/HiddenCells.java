package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.GruGate;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;

/**
 * The planning of the cells without a cell state (GRU, RNN): their gate rows, the GRU's reset product
 * and the {@link HiddenUpdate}. The products themselves are planned like an LSTM's (unrolled or looped,
 * weight storage, method cuts, input pre-pass, batch groups, Vector API), by {@link Planner}.
 */
final class HiddenCells {

    private HiddenCells() {
    }

    /**
     * The gate product's rows. RNN: W, R, b_W + b_R. GRU in the model's order z, r, n: rows z and r as an
     * LSTM's gates; rows n with R = 0 (the recurrent part of n goes through the reset product) and start b_in,
     * plus b_hn when the reset comes before the linear map (then b_hn is outside {@code r * (...)}).
     */
    static Planner.GateRows gateRows(DirectionCell cell) {
        int h = cell.hiddenSize();
        int rows = cell.kind().gateCount() * h;
        float[][] w = new float[rows][];
        float[][] r = new float[rows][];
        float[] bias = new float[rows];
        int candidate = cell.kind() == CellKind.GRU ? GruGate.CANDIDATE.offset(h) : rows;
        for (int row = 0; row < rows; row++) {
            w[row] = cell.inputWeights().row(row);
            if (row < candidate) {
                r[row] = cell.recurrentWeights().row(row);
                bias[row] = cell.combinedBias(row);
            } else {
                r[row] = new float[cell.stateSize()];
                bias[row] = cell.linearBeforeReset() ? value(cell.inputBias(), row) : cell.combinedBias(row);
            }
        }
        return new Planner.GateRows(w, r, bias);
    }

    /** GRU: R_n, the rows of the reset product. */
    static float[][] candidateRecurrentRows(DirectionCell cell) {
        int h = cell.hiddenSize();
        float[][] rows = new float[h][];
        for (int j = 0; j < h; j++) {
            rows[j] = cell.recurrentWeights().row(GruGate.CANDIDATE.offset(h) + j);
        }
        return rows;
    }

    /** GRU: the reset product's start, b_hn when the reset multiplies it, else zeros (b_hn is in the gate rows). */
    static float[] resetStart(DirectionCell cell) {
        int h = cell.hiddenSize();
        float[] start = new float[h];
        if (cell.linearBeforeReset()) {
            for (int j = 0; j < h; j++) {
                start[j] = value(cell.recurrentBias(), GruGate.CANDIDATE.offset(h) + j);
            }
        }
        return start;
    }

    /** The update; {@code vectorApi}: vectorized when every activation has a vector form. */
    static HiddenUpdate update(String base, Layer layer, DirectionCell cell, boolean vectorApi) {
        boolean gru = cell.kind() == CellKind.GRU;
        ActivationCall gate = Planner.call(cell.activations().gate());
        ActivationCall candidate = gru ? Planner.call(cell.activations().cell()) : null;
        boolean vectorized = vectorApi && gate.hasVectorForm() && (candidate == null || candidate.hasVectorForm());
        return new HiddenUpdate(cell.kind(), gru ? base + "GruGates" : null, base + (gru ? "GruUpdate" : "RnnUpdate"),
                cell.hiddenSize(), gate, candidate, layer.preActivationClip(), cell.linearBeforeReset(), vectorized);
    }

    private static float value(Matrix bias, int row) {
        return bias == null ? 0f : bias.get(row);
    }
}

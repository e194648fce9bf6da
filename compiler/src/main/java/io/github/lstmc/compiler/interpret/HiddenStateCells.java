package io.github.lstmc.compiler.interpret;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.GruGate;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;

/**
 * The reference steps of the cells without a cell state, GRU and RNN ({@link CellKind}), for one
 * batch row, written from the equations:
 *
 * <pre>
 *   GRU  z = f(clip(W_z x + b_iz + R_z h + b_hz))      r = f(clip(W_r x + b_ir + R_r h + b_hr))
 *        n = g(clip(W_n x + b_in + r * (R_n h + b_hn)))       linear before reset
 *        n = g(clip(W_n x + b_in + R_n (r * h) + b_hn))       reset before linear
 *        h' = (1 - z) * n + z * h
 *   RNN  h' = f(clip(W x + b_i + R h + b_h))
 * </pre>
 *
 * Precision as in {@link Interpreter}: each pre-activation is accumulated in double and rounded once
 * to float32 (with linear before reset, the product {@code r * (R_n h + b_hn)} is part of that double
 * sum); the stored values r, z, {@code r * h}, n and the update {@code (1 - z) * n + z * h} are float32
 * operations, as in the frameworks.
 */
final class HiddenStateCells {

    private HiddenStateCells() {
    }

    /**
     * One GRU step; overwrites {@code h[hAt .. hAt+H)} with h_t once every unit has read h_{t-1}.
     *
     * @param scratch at least 4H floats: z, r, r * h, n
     */
    static void gru(Layer layer, DirectionCell cell, float[] x, int xAt, float[] h, int hAt, float[] scratch) {
        int size = cell.hiddenSize();
        int zAt = 0;
        int rAt = size;
        int rhAt = 2 * size;
        int nAt = 3 * size;
        for (int j = 0; j < size; j++) {
            int zRow = GruGate.UPDATE.offset(size) + j;
            int rRow = GruGate.RESET.offset(size) + j;
            scratch[zAt + j] = Interpreter.activate(cell.activations().gate(),
                    input(cell, zRow, x, xAt) + recurrent(cell, zRow, h, hAt), layer);
            scratch[rAt + j] = Interpreter.activate(cell.activations().gate(),
                    input(cell, rRow, x, xAt) + recurrent(cell, rRow, h, hAt), layer);
            scratch[rhAt + j] = scratch[rAt + j] * h[hAt + j];
        }
        for (int j = 0; j < size; j++) {
            int row = GruGate.CANDIDATE.offset(size) + j;
            double z;
            if (cell.linearBeforeReset()) {
                z = input(cell, row, x, xAt) + scratch[rAt + j] * recurrent(cell, row, h, hAt);
            } else {
                z = input(cell, row, x, xAt) + recurrent(cell, row, scratch, rhAt);
            }
            scratch[nAt + j] = Interpreter.activate(cell.activations().cell(), z, layer);
        }
        for (int j = 0; j < size; j++) {
            float update = scratch[zAt + j];
            h[hAt + j] = (1f - update) * scratch[nAt + j] + update * h[hAt + j];
        }
    }

    /**
     * One RNN step; overwrites {@code h[hAt .. hAt+H)} with h_t once every unit has read h_{t-1}.
     *
     * @param scratch at least H floats
     */
    static void rnn(Layer layer, DirectionCell cell, float[] x, int xAt, float[] h, int hAt, float[] scratch) {
        int size = cell.hiddenSize();
        for (int j = 0; j < size; j++) {
            scratch[j] = Interpreter.activate(cell.activations().gate(),
                    input(cell, j, x, xAt) + recurrent(cell, j, h, hAt), layer);
        }
        System.arraycopy(scratch, 0, h, hAt, size);
    }

    /** W[row]·x + b_W[row], in double. */
    private static double input(DirectionCell cell, int row, float[] x, int xAt) {
        return dot(cell.inputWeights(), row, x, xAt) + bias(cell.inputBias(), row);
    }

    /** R[row]·v + b_R[row], in double. */
    private static double recurrent(DirectionCell cell, int row, float[] v, int vAt) {
        return dot(cell.recurrentWeights(), row, v, vAt) + bias(cell.recurrentBias(), row);
    }

    private static double dot(Matrix m, int row, float[] v, int at) {
        double sum = 0;
        for (int col = 0; col < m.cols(); col++) {
            sum += (double) m.get(row, col) * v[at + col];
        }
        return sum;
    }

    private static double bias(Matrix bias, int row) {
        return bias == null ? 0 : bias.get(row);
    }
}

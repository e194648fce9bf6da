package io.github.lstmc.compiler.interpret;

import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;

/** Test helper: runs a network through its flat API from batch-first arrays, with state and lengths. */
final class Runs {

    /**
     * @param output {@code [B][T][O]} batch-first
     * @param hidden final hidden state {@code [K][B][S]}, K = layer * dirs + dir
     * @param cell   final cell state {@code [K][B][H]}
     */
    record Result(float[][][] output, float[][][] hidden, float[][][] cell) {
    }

    private Runs() {
    }

    static Result run(Model model, float[][][] x) {
        return run(new Interpreter(model), x, null, null, null);
    }

    static Result run(Model model, float[][][] x, float[][][] h0, float[][][] c0, int[] lengths) {
        return run(new Interpreter(model), x, h0, c0, lengths);
    }

    /**
     * @param h0 null (zeros) or {@code [K][B][S]}
     * @param c0 null (zeros) or {@code [K][B][H]}
     * @param lengths null or {@code [B]}
     */
    static Result run(LstmNetwork net, float[][][] x, float[][][] h0, float[][][] c0, int[] lengths) {
        int batch = x.length;
        int steps = x[0].length;
        LstmState state = net.newState(batch);
        if (h0 != null) {
            setState(state, h0, true);
        }
        if (c0 != null) {
            setState(state, c0, false);
        }
        LstmWorkspace ws = net.newWorkspace(batch, steps);
        float[] out = new float[batch * steps * net.outputSize()];
        net.forward(flatten(x, net.layout()), batch, steps, lengths, state, ws, out);
        return new Result(unflatten(out, batch, steps, net.outputSize(), net.layout()),
                getState(state, batch, true), getState(state, batch, false));
    }

    static float[] flatten(float[][][] x, Layout layout) {
        int batch = x.length;
        int steps = x[0].length;
        int n = x[0][0].length;
        float[] flat = new float[batch * steps * n];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int at = layout == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(x[b][t], 0, flat, at * n, n);
            }
        }
        return flat;
    }

    static float[][][] unflatten(float[] flat, int batch, int steps, int n, Layout layout) {
        float[][][] y = new float[batch][steps][n];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int at = layout == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(flat, at * n, y[b][t], 0, n);
            }
        }
        return y;
    }

    private static void setState(LstmState state, float[][][] values, boolean hidden) {
        for (int k = 0; k < values.length; k++) {
            float[] target = hidden ? state.hidden(k) : state.cell(k);
            int n = values[k][0].length;
            for (int b = 0; b < values[k].length; b++) {
                System.arraycopy(values[k][b], 0, target, b * n, n);
            }
        }
    }

    private static float[][][] getState(LstmState state, int batch, boolean hidden) {
        float[][][] s = new float[state.size()][batch][];
        for (int k = 0; k < state.size(); k++) {
            float[] source = hidden ? state.hidden(k) : state.cell(k);
            int n = source.length / state.batch();
            for (int b = 0; b < batch; b++) {
                s[k][b] = java.util.Arrays.copyOfRange(source, b * n, b * n + n);
            }
        }
        return s;
    }
}

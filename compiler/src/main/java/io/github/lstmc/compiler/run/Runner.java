package io.github.lstmc.compiler.run;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;

/**
 * Runs a {@link RunInput} through any {@link LstmNetwork} (interpreter or generated class) and
 * returns a {@link RunOutput}: converts the batch-first arrays to the network's flat
 * {@link LstmNetwork#layout() layout}, loads the initial state, calls the allocation-free
 * {@code forward} and converts the results back. Uses only the runtime interface, so every engine
 * is run the same way.
 */
public final class Runner {
    private Runner() {
    }

    /** {@link #run(LstmNetwork, RunInput, String)} with messages starting with {@code run input:}. */
    public static RunOutput run(LstmNetwork network, RunInput in) throws LstmcException {
        return run(network, in, "run input");
    }

    /**
     * Checks {@code in} against the network and runs it.
     *
     * @param source what the input came from (usually the file name), the start of every error message
     * @throws LstmcException when a shape does not fit the network, naming the field and the
     *         expected shape, e.g. {@code in.json: h0[2][0] has 5 values, expected 4 (state size of layer 1)}
     */
    public static RunOutput run(LstmNetwork network, RunInput in, String source) throws LstmcException {
        return run(network, in, source, false);
    }

    /**
     * {@link #run(LstmNetwork, RunInput, String)} for a network whose framework output has no feature
     * axis when {@code scalarOutput} (the result is then written as {@code [B]} or {@code [B][T]}).
     */
    public static RunOutput run(LstmNetwork network, RunInput in, String source, boolean scalarOutput)
            throws LstmcException {
        Shape shape = check(network, in, source);
        int batch = shape.batch;
        int steps = shape.steps;
        int inputSize = network.inputSize();
        int outputSize = network.outputSize();
        boolean batchFirst = network.layout() == Layout.BATCH_FIRST;

        float[] flatInput = null;
        int[] flatTokens = null;
        if (in.tokens() != null) {
            flatTokens = new int[batch * steps];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    flatTokens[flatIndex(batchFirst, b, t, batch, steps)] = in.tokens()[b][t];
                }
            }
        } else {
            flatInput = new float[shape.inputFloats];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    System.arraycopy(in.input()[b][t], 0, flatInput,
                            flatIndex(batchFirst, b, t, batch, steps) * inputSize, inputSize);
                }
            }
        }
        LstmState state = network.newState(batch);
        int entries = network.layerCount() * network.directionCount();
        for (int k = 0; k < entries; k++) {
            int layer = k / network.directionCount();
            if (in.h0() != null) {
                pack(in.h0()[k], state.hidden(k), network.stateSize(layer));
            }
            if (in.c0() != null) {
                pack(in.c0()[k], state.cell(k), network.cellSize(layer));
            }
        }
        LstmWorkspace workspace = network.newWorkspace(batch, steps);
        float[] flatOutput = new float[shape.outputFloats];
        int[] lengths = in.lengths() == null ? null : in.lengths().clone();
        try {
            if (flatTokens != null) {
                network.forwardTokens(flatTokens, batch, steps, lengths, state, workspace, flatOutput);
            } else {
                network.forward(flatInput, batch, steps, lengths, state, workspace, flatOutput);
            }
        } catch (IllegalArgumentException e) {
            // what only the network knows, such as the batch size its constant lengths were compiled for
            throw new LstmcException(source + ": " + e.getMessage(), e);
        }

        boolean reduced = network.reducesTime();
        float[][][] output = new float[batch][reduced ? 1 : steps][outputSize];
        for (int b = 0; b < batch; b++) {
            if (reduced) {
                System.arraycopy(flatOutput, b * outputSize, output[b][0], 0, outputSize);
                continue;
            }
            for (int t = 0; t < steps; t++) {
                System.arraycopy(flatOutput, flatIndex(batchFirst, b, t, batch, steps) * outputSize, output[b][t], 0,
                        outputSize);
            }
        }
        float[][][] hN = new float[entries][][];
        // a GRU or RNN has no cell state: no c_n (a mixed stack writes empty rows for those layers)
        float[][][] cN = hasCellState(network) ? new float[entries][][] : null;
        for (int k = 0; k < entries; k++) {
            int layer = k / network.directionCount();
            hN[k] = unpack(state.hidden(k), batch, network.stateSize(layer));
            if (cN != null) {
                cN[k] = unpack(state.cell(k), batch, network.cellSize(layer));
            }
        }
        return new RunOutput(output, hN, cN, RunOutput.Form.of(reduced, scalarOutput && outputSize == 1));
    }

    /** True when some layer (an LSTM) carries a cell state. */
    private static boolean hasCellState(LstmNetwork network) {
        for (int layer = 0; layer < network.layerCount(); layer++) {
            if (network.cellSize(layer) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Row {@code (b, t)} of a flat buffer in the given layout, in units of rows. */
    private static int flatIndex(boolean batchFirst, int b, int t, int batch, int steps) {
        return batchFirst ? b * steps + t : t * batch + b;
    }

    private static void pack(float[][] rows, float[] flat, int width) {
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, flat, b * width, width);
        }
    }

    private static float[][] unpack(float[] flat, int batch, int width) {
        float[][] rows = new float[batch][width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(flat, b * width, rows[b], 0, width);
        }
        return rows;
    }

    private record Shape(int batch, int steps, int inputFloats, int outputFloats) {
    }

    /** Every size check, before anything is allocated. */
    private static Shape check(LstmNetwork network, RunInput in, String source) throws LstmcException {
        if (in == null || in.input() == null && in.tokens() == null) {
            throw new LstmcException(source + ": input is missing ([batch][seq][features])");
        }
        if (in.tokens() != null) {
            return checkTokens(network, in, source);
        }
        if (network.vocabularySize() > 0) {
            // a token network also takes embedded vectors; say which input it expects when the width is off
            float[][][] x = in.input();
            if (x.length > 0 && x[0] != null && x[0].length > 0 && x[0][0] != null
                    && x[0][0].length != network.inputSize()) {
                throw new LstmcException(source + ": input must be [batch][seq] integer token ids (this network "
                        + "embeds a vocabulary of " + network.vocabularySize() + "), or [batch][seq][" + network.inputSize()
                        + "] embedded vectors");
            }
        }
        float[][][] input = in.input();
        int batch = input.length;
        if (batch == 0) {
            throw new LstmcException(source + ": input has no batch rows");
        }
        if (input[0] == null || input[0].length == 0) {
            throw new LstmcException(source + ": input[0] has no time steps");
        }
        int steps = input[0].length;
        int inputSize = network.inputSize();
        for (int b = 0; b < batch; b++) {
            if (input[b] == null || input[b].length != steps) {
                throw new LstmcException(source + ": input[" + b + "] has "
                        + (input[b] == null ? 0 : input[b].length) + " steps, expected " + steps + " like input[0]");
            }
            for (int t = 0; t < steps; t++) {
                float[] x = input[b][t];
                if (x == null || x.length != inputSize) {
                    throw new LstmcException(source + ": input[" + b + "][" + t + "] has "
                            + (x == null ? 0 : x.length) + " features, expected " + inputSize
                            + " (the network's input size)");
                }
            }
        }
        return checkRest(network, in, source, batch, steps, (long) batch * steps * inputSize);
    }

    /** Token ids: a token network, rectangular rows, every id in the vocabulary. */
    private static Shape checkTokens(LstmNetwork network, RunInput in, String source) throws LstmcException {
        int vocabulary = network.vocabularySize();
        if (vocabulary == 0) {
            throw new LstmcException(source + ": input is [batch][seq] token ids, but this network has no embedding;"
                    + " give [batch][seq][" + network.inputSize() + "] features");
        }
        int[][] tokens = in.tokens();
        int batch = tokens.length;
        int steps = tokens[0].length;
        for (int b = 0; b < batch; b++) {
            if (tokens[b] == null || tokens[b].length != steps) {
                throw new LstmcException(source + ": input[" + b + "] has "
                        + (tokens[b] == null ? 0 : tokens[b].length) + " steps, expected " + steps + " like input[0]");
            }
            for (int t = 0; t < steps; t++) {
                if (tokens[b][t] < 0 || tokens[b][t] >= vocabulary) {
                    throw new LstmcException(source + ": input[" + b + "][" + t + "] is token id " + tokens[b][t]
                            + ", outside the vocabulary of " + vocabulary + " ids (0.." + (vocabulary - 1) + ")");
                }
            }
        }
        return checkRest(network, in, source, batch, steps, 0);
    }

    private static Shape checkRest(LstmNetwork network, RunInput in, String source, int batch, int steps,
                                   long inputFloats) throws LstmcException {
        checkState(network, in.h0(), "h0", true, batch, source);
        checkState(network, in.c0(), "c0", false, batch, source);
        int[] lengths = in.lengths();
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new LstmcException(source + ": lengths has " + lengths.length + " entries, expected " + batch
                        + " (one per batch row of input)");
            }
            for (int b = 0; b < batch; b++) {
                if (lengths[b] < 0 || lengths[b] > steps) {
                    throw new LstmcException(source + ": lengths[" + b + "] is " + lengths[b] + ", expected 0.."
                            + steps);
                }
            }
        }
        long rows = (long) batch * steps;
        long outputFloats = (network.reducesTime() ? batch : rows) * network.outputSize();
        if (inputFloats > Integer.MAX_VALUE - 8 || outputFloats > Integer.MAX_VALUE - 8) {
            throw new LstmcException(source + ": input of " + batch + " rows x " + steps
                    + " steps is too large for one run (over 2^31 floats)");
        }
        return new Shape(batch, steps, (int) inputFloats, (int) outputFloats);
    }

    private static void checkState(LstmNetwork network, float[][][] state, String field, boolean hidden, int batch,
                                   String source) throws LstmcException {
        if (state == null) {
            return;
        }
        if (!hidden && !hasCellState(network)) {
            throw new LstmcException(source + ": " + field + ": this model has no cell state (its layers are GRU or"
                    + " RNN cells, which carry only h); give h0 only");
        }
        int layers = network.layerCount();
        int directions = network.directionCount();
        int entries = layers * directions;
        if (state.length != entries) {
            throw new LstmcException(source + ": " + field + " has " + state.length + " entries, expected " + entries
                    + " (layers*directions = " + layers + "*" + directions + ")");
        }
        for (int k = 0; k < entries; k++) {
            int layer = k / directions;
            int width = hidden ? network.stateSize(layer) : network.cellSize(layer);
            String what = hidden ? "state size" : "cell size";
            if (state[k] == null || state[k].length != batch) {
                throw new LstmcException(source + ": " + field + "[" + k + "] has "
                        + (state[k] == null ? 0 : state[k].length) + " rows, expected " + batch
                        + " (the batch of input); " + field + " is [" + entries + "][" + batch + "][" + width + "]");
            }
            for (int b = 0; b < batch; b++) {
                float[] row = state[k][b];
                if (row == null || row.length != width) {
                    throw new LstmcException(source + ": " + field + "[" + k + "][" + b + "] has "
                            + (row == null ? 0 : row.length) + " values, expected " + width + " (" + what
                            + " of layer " + layer + ")");
                }
            }
        }
    }
}

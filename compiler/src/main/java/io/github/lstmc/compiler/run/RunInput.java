package io.github.lstmc.compiler.run;

import io.github.lstmc.compiler.LstmcException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input of one run, batch-first whatever layout the network uses: the JSON contract of
 * {@code lstmc run} and of every golden test.
 *
 * <pre>{@code
 * {"input": [B][T][I], "h0": [L*D][B][S], "c0": [L*D][B][H], "lengths": [B]}
 * {"input": [B][T] integer token ids, ...}                  (a network with an embedding)
 * }</pre>
 *
 * <p>{@code B} batch rows, {@code T} time steps, {@code I} input features, {@code L} layers,
 * {@code D} directions, {@code S} a layer's state size (its projection size, else {@code H}),
 * {@code H} its cell size. State entry {@code k = layer * D + direction} (PyTorch's order). Only
 * {@code input} is required; absent states are zero and absent lengths mean every row has
 * {@code T} valid steps. Arrays are used as given (not copied); do not change them while a run
 * uses them.
 *
 * @param input   {@code [B][T][I]}, rectangular, {@code B, T, I >= 1}; null when {@code tokens} is given
 * @param tokens  {@code [B][T]} token ids, rectangular, each {@code >= 0}; null for float input
 * @param h0      initial hidden state {@code [L*D][B][S(layer)]}, or null for zeros
 * @param c0      initial cell state {@code [L*D][B][H(layer)]}, or null for zeros. Only an LSTM layer has one: a
 *                model of GRU and RNN layers refuses a {@code c0} (naming the field), and in a stack mixing
 *                them with LSTM layers the rows of a GRU or RNN layer's entries are empty ({@code []})
 * @param lengths valid steps per batch row, each in {@code 0..T}, or null for all {@code T}
 */
public record RunInput(float[][][] input, int[][] tokens, float[][][] h0, float[][][] c0, int[] lengths) {

    /** The JSON keys an input file may have. */
    public static final Set<String> KEYS = Set.of("input", "h0", "c0", "lengths");

    /** Float input with optional states and lengths. */
    public RunInput(float[][][] input, float[][][] h0, float[][][] c0, int[] lengths) {
        this(input, null, h0, c0, lengths);
    }

    /** An input without initial state or lengths. */
    public static RunInput of(float[][][] input) {
        return new RunInput(input, null, null, null, null);
    }

    /** Token ids without initial state or lengths. */
    public static RunInput ofTokens(int[][] tokens) {
        return new RunInput(null, tokens, null, null, null);
    }

    /** Batch rows {@code B}. */
    public int batch() {
        return tokens != null ? tokens.length : input.length;
    }

    /** Time steps {@code T}. */
    public int sequenceLength() {
        return tokens != null ? tokens[0].length : input[0].length;
    }

    /**
     * Reads and validates an input file: an object with the keys of {@link #KEYS}, {@code input}
     * required (an array of rows of integers is token ids), every array rectangular and non-empty, every number a finite float32, and
     * {@code lengths} holding one integer in {@code 0..T} per batch row. Shapes that depend on a
     * network (features, state sizes) are checked by {@link Runner}.
     *
     * @throws LstmcException naming the file and the element, e.g.
     *         {@code in.json: input[1][3] has 7 features, expected 8 like input[0][0]}
     */
    public static RunInput read(Path file) throws LstmcException {
        String name = RunJson.name(file);
        Map<String, Object> root = RunJson.readObject(file, KEYS);
        Object inputNode = root.get("input");
        if (inputNode == null) {
            throw new LstmcException(name + ": missing required field 'input' ([batch][seq][features])");
        }
        float[][][] input = null;
        int[][] tokens = null;
        if (RunJson.isMatrixOfNumbers(inputNode)) {
            tokens = RunJson.ints2(name, "input", inputNode, new String[] {"batch rows", "token ids"});
        } else {
            input = RunJson.floats3(name, "input", inputNode, new String[] {"batch rows", "steps", "features"}, false,
                    false);
        }
        float[][][] h0 = optionalState(name, root, "h0");
        float[][][] c0 = optionalState(name, root, "c0");
        int[] lengths = null;
        Object lengthsNode = root.get("lengths");
        if (!RunJson.absent(lengthsNode)) {
            int batch = tokens != null ? tokens.length : input.length;
            int steps = tokens != null ? tokens[0].length : input[0].length;
            List<?> entries = RunJson.elements(name, "lengths", lengthsNode, "lengths");
            if (entries.size() != batch) {
                throw new LstmcException(name + ": lengths has " + entries.size()
                        + " entries, expected " + batch + " (one per batch row of input)");
            }
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = RunJson.intValue(name, "lengths[" + b + "]", entries.get(b), 0, steps);
            }
        }
        return new RunInput(input, tokens, h0, c0, lengths);
    }

    private static float[][][] optionalState(String file, Map<String, Object> root, String field) throws LstmcException {
        Object node = root.get(field);
        if (RunJson.absent(node)) {
            return null;
        }
        return RunJson.floats3(file, field, node, new String[] {"layer-direction entries", "batch rows", "values"},
                true, false);
    }
}

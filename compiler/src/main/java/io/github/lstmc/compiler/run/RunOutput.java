package io.github.lstmc.compiler.run;

import io.github.lstmc.compiler.AtomicFiles;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The result of one run, batch-first whatever layout the network uses.
 *
 * <pre>{@code
 * {"output": [B][T][O], "h_n": [L*D][B][S], "c_n": [L*D][B][H]}
 * }</pre>
 *
 * <p>{@code output} is the network's output: {@code [B][T][O]} per step, {@code [B][O]} for a network
 * that reduces over time, and without the feature axis ({@code [B][T]} or {@code [B]}) for a network
 * whose framework output has none ({@link Form}). In memory it is always {@code [B][T][O]}, with
 * {@code T = 1} after a reduction and {@code O = 1} for a scalar output.
 *
 * <p>Shapes as in {@link RunInput}: {@code S} the last layer's state size for the output, each
 * layer's own for the states. With lengths, outputs at {@code t >= lengths[b]} are 0 and the final
 * state of row {@code b} is the one after its last valid step. A {@link Runner} result has all
 * three arrays, except {@code c_n} for a model without cell state (only GRU and RNN layers; in a stack
 * mixing them with LSTM layers, their entries have empty rows); a result {@link #read read} from a file (an expected golden result) may lack
 * some, which are then null.
 *
 * @param output {@code [B][T][O]} (see above), or null
 * @param hN     final hidden state {@code [L*D][B][S]}, or null (JSON key {@code h_n})
 * @param cN     final cell state {@code [L*D][B][H]}, or null (JSON key {@code c_n})
 * @param form   how {@code output} is written as JSON
 */
public record RunOutput(float[][][] output, float[][][] hN, float[][][] cN, Form form) {

    /** The JSON keys an output file may have. */
    public static final Set<String> KEYS = Set.of("output", "h_n", "c_n");

    /** The JSON shape of {@code output}. */
    public enum Form {
        /** {@code [B][T][O]}. */
        PER_STEP,
        /** {@code [B][O]}: one vector per row after a reduction over time. */
        PER_ROW,
        /** {@code [B][T]}: one value per step, the output having no feature axis. */
        PER_STEP_SCALAR,
        /** {@code [B]}: one value per row. */
        PER_ROW_SCALAR;

        /** The form of a network's output. */
        public static Form of(boolean reducesTime, boolean scalar) {
            return reducesTime ? (scalar ? PER_ROW_SCALAR : PER_ROW) : (scalar ? PER_STEP_SCALAR : PER_STEP);
        }
    }

    /** A per-step output (the form of a bare LSTM). */
    public RunOutput(float[][][] output, float[][][] hN, float[][][] cN) {
        this(output, hN, cN, Form.PER_STEP);
    }

    public RunOutput {
        if (form == null) {
            form = Form.PER_STEP;
        }
    }

    /** This result's output values in batch order, flattened: {@code [B][T*O]}. */
    public float[][] outputRows() {
        float[][] rows = new float[output.length][];
        for (int b = 0; b < output.length; b++) {
            int width = output[b].length == 0 ? 0 : output[b][0].length;
            rows[b] = new float[output[b].length * width];
            for (int t = 0; t < output[b].length; t++) {
                System.arraycopy(output[b][t], 0, rows[b], t * width, width);
            }
        }
        return rows;
    }

    /**
     * Writes this result as JSON, atomically (a temporary file in the same directory, then a
     * move), so a reader never sees half a file. The text is deterministic: keys in the order
     * output, h_n, c_n (null ones left out), innermost rows on one line, floats as
     * {@link Float#toString(float)} (parses back to the identical float32), non-finite values as
     * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
     */
    public void write(Path file) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        writeTo(text);
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the JSON text of {@link #write(Path)} to {@code out} (for standard output). */
    public void writeTo(Writer out) throws IOException {
        out.write("{");
        String separator = "\n";
        String[] keys = {"output", "h_n", "c_n"};
        float[][][][] values = {output, hN, cN};
        for (int i = 0; i < keys.length; i++) {
            if (values[i] == null) {
                continue;
            }
            out.write(separator);
            out.write("  \"" + keys[i] + "\": ");
            if (i == 0 && form != Form.PER_STEP) {
                writeOutput(out);
            } else {
                RunJson.writeFloats3(out, values[i]);
            }
            separator = ",\n";
        }
        out.write("\n}\n");
    }

    private void writeOutput(Writer out) throws IOException {
        float[][] rows = outputRows();
        if (form == Form.PER_ROW_SCALAR) {
            float[] values = new float[rows.length];
            for (int b = 0; b < rows.length; b++) {
                values[b] = rows[b][0];
            }
            RunJson.writeFloats1(out, values);
        } else {
            RunJson.writeFloats2(out, rows);
        }
    }

    /**
     * Reads a result file: an object with at least one of the keys {@link #KEYS}, each a
     * rectangular float array (state entries may differ in width between layers). The strings
     * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} are accepted as values.
     *
     * @throws LstmcException naming the file and the element
     */
    public static RunOutput read(Path file) throws LstmcException {
        String name = RunJson.name(file);
        Map<String, Object> root = RunJson.readObject(file, KEYS);
        if (root.isEmpty()) {
            throw new LstmcException(name + ": expected at least one of output, h_n, c_n");
        }
        Object outputNode = root.get("output");
        float[][][] output = null;
        Form form = Form.PER_STEP;
        if (!RunJson.absent(outputNode)) {
            int rank = rank(outputNode);
            // [B][O] and [B] are read as [B][1][O] and [B][1][1]; a [B][T] file (per-step scalar) reads
            // as [B][1][T] too: compare it by rows (outputRows), which are the same values in the same order
            form = rank == 3 ? Form.PER_STEP : rank == 2 ? Form.PER_ROW : Form.PER_ROW_SCALAR;
            output = RunJson.floats3(name, "output", wrap(outputNode, 3 - rank),
                    new String[] {"batch rows", "steps", "features"}, false, true);
        }
        return new RunOutput(output,
                optional(name, root, "h_n", new String[] {"layer-direction entries", "batch rows", "values"}, true),
                optional(name, root, "c_n", new String[] {"layer-direction entries", "batch rows", "values"}, true),
                form);
    }

    /** The depth of nested arrays along the first elements (1 for [x, ...]). */
    private static int rank(Object node) {
        int rank = 0;
        while (node instanceof java.util.List<?> list && !list.isEmpty()) {
            rank++;
            node = list.get(0);
        }
        return Math.max(1, Math.min(3, rank));
    }

    /** Wraps each element of the outer array in {@code levels} singleton arrays: [B][O] -> [B][1][O]. */
    private static Object wrap(Object node, int levels) {
        if (levels == 0 || !(node instanceof java.util.List<?> list)) {
            return node;
        }
        java.util.List<Object> wrapped = new java.util.ArrayList<>();
        for (Object element : list) {
            wrapped.add(levels == 2 ? java.util.List.of(java.util.List.of(element)) : java.util.List.of(element));
        }
        return wrapped;
    }

    private static float[][][] optional(String file, Map<String, Object> root, String key, String[] dims, boolean perEntryWidth)
            throws LstmcException {
        Object node = root.get(key);
        if (RunJson.absent(node)) {
            return null;
        }
        return RunJson.floats3(file, key, node, dims, perEntryWidth, true);
    }
}

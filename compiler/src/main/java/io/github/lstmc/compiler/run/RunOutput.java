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
 * {"output": [B][T][D*S], "h_n": [L*D][B][S], "c_n": [L*D][B][H]}
 * }</pre>
 *
 * <p>Shapes as in {@link RunInput}: {@code S} the last layer's state size for the output, each
 * layer's own for the states. With lengths, outputs at {@code t >= lengths[b]} are 0 and the final
 * state of row {@code b} is the one after its last valid step. A {@link Runner} result has all
 * three arrays; a result {@link #read read} from a file (an expected golden result) may lack
 * some, which are then null.
 *
 * @param output per step, {@code [B][T][O]}, or null
 * @param hN     final hidden state {@code [L*D][B][S]}, or null (JSON key {@code h_n})
 * @param cN     final cell state {@code [L*D][B][H]}, or null (JSON key {@code c_n})
 */
public record RunOutput(float[][][] output, float[][][] hN, float[][][] cN) {

    /** The JSON keys an output file may have. */
    public static final Set<String> KEYS = Set.of("output", "h_n", "c_n");

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
            RunJson.writeFloats3(out, values[i]);
            separator = ",\n";
        }
        out.write("\n}\n");
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
        return new RunOutput(
                optional(name, root, "output", new String[] {"batch rows", "steps", "features"}, false),
                optional(name, root, "h_n", new String[] {"layer-direction entries", "batch rows", "values"}, true),
                optional(name, root, "c_n", new String[] {"layer-direction entries", "batch rows", "values"}, true));
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

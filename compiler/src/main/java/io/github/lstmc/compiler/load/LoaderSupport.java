package io.github.lstmc.compiler.load;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.safetensors.Tensor;
import io.github.lstmc.compiler.model.Matrix;
import java.nio.file.Path;
import io.github.lstmc.compiler.model.Model;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Helpers shared by the format loaders: names for messages, prefixes, tensor checks. */
public final class LoaderSupport {
    private LoaderSupport() {
    }

    /** How many tensor names a warning spells out before summing up the rest. */
    static final int WARNING_NAMES = 12;

    /**
     * The model read from {@code where}, with a warning that names every tensor of the file the
     * model does not use (none: no warning), e.g. {@code model.safetensors: 2 tensors not compiled
     * (only the LSTM is read from a state dict): fc.bias, fc.weight; export the whole model to ONNX
     * to compile it}. Past {@value #WARNING_NAMES} names the warning counts the rest; the result's
     * {@link LoadResult#uncompiledTensors()} lists them all.
     *
     * @param reason why they are left out, in parentheses after the count
     * @param advice what to do instead, after the names
     */
    public static LoadResult withUncompiled(Model model, String where, Collection<String> unused, String reason,
                                            String advice) {
        if (unused.isEmpty()) {
            return LoadResult.of(model);
        }
        List<String> names = List.copyOf(new TreeSet<>(unused));
        StringBuilder w = new StringBuilder(where).append(": ").append(names.size())
                .append(names.size() == 1 ? " tensor" : " tensors").append(" not compiled (").append(reason)
                .append("): ").append(String.join(", ", names.subList(0, Math.min(names.size(), WARNING_NAMES))));
        if (names.size() > WARNING_NAMES) {
            w.append(", ... (").append(names.size() - WARNING_NAMES).append(" more)");
        }
        w.append("; ").append(advice);
        return new LoadResult(model, List.of(w.toString()), names);
    }

    /** The file's name for messages, e.g. {@code tagger.safetensors}. */
    public static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The model's display name: the file name without its extension. */
    public static String modelName(Path file) {
        String name = fileName(file);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The lower-case extension without the dot, or "" if none. */
    public static String extension(Path file) {
        String name = fileName(file);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT) : "";
    }

    /**
     * A user's module prefix as it appears before parameter names: {@code "encoder.lstm"} and
     * {@code "encoder.lstm."} both become {@code "encoder.lstm."}; null stays null, "" stays "".
     */
    public static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return prefix;
        }
        return prefix.endsWith(".") ? prefix : prefix + ".";
    }

    /** A prefix for messages: {@code 'encoder.lstm'}, or {@code (top level)} for "". */
    public static String describePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return "(top level)";
        }
        return "'" + (prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix) + "'";
    }

    /** Sorted, described prefixes joined by ", ". */
    public static String describePrefixes(Collection<String> prefixes) {
        return prefixes.stream().sorted().map(LoaderSupport::describePrefix).collect(Collectors.joining(", "));
    }

    /** Refuses a tensor holding NaN or an infinity, naming it and the position of the first such value. */
    public static void requireFinite(String file, Tensor t) throws LstmcException {
        for (int i = 0; i < t.size(); i++) {
            float v = t.value(i);
            if (!Float.isFinite(v)) {
                throw new LstmcException(file + ": tensor '" + t.name() + "' holds " + v + " at "
                        + position(t.shape(), i) + "; weights must be finite");
            }
        }
    }

    /** The multi-dimensional index of flat index {@code flat}, e.g. {@code [2, 1]}. */
    static String position(int[] shape, int flat) {
        int[] index = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return java.util.Arrays.toString(index);
    }

    /** A {@code [rows][cols]} matrix of a rank-2 tensor, as stored. */
    public static Matrix matrix(Tensor t) {
        return Matrix.of(t.dim(0), t.dim(1), t.values());
    }

    /** A {@code [1][n]} matrix of a rank-1 tensor. */
    public static Matrix vector(Tensor t) {
        return Matrix.vector(t.values());
    }
}

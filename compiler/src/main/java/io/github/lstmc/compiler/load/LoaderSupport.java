package io.github.lstmc.compiler.load;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.safetensors.Tensor;
import io.github.lstmc.compiler.model.Matrix;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Collectors;

/** Helpers shared by the format loaders: names for messages, prefixes, tensor checks. */
public final class LoaderSupport {
    private LoaderSupport() {
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

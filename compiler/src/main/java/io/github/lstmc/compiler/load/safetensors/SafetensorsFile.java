package io.github.lstmc.compiler.load.safetensors;

import io.github.lstmc.compiler.LstmcException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The decoded contents of a safetensors file: its float tensors by name and its
 * {@code __metadata__} strings. Immutable.
 *
 * <p>Tensors whose dtype is a valid safetensors type that lstmc does not decode (integers, bool,
 * 8-bit floats) are listed in {@link #names()} and validated like every other tensor, but
 * {@link #tensor(String)} refuses them: a state dict may legitimately carry such tensors (e.g.
 * BatchNorm's {@code num_batches_tracked}) next to the LSTM a loader is after.
 */
public final class SafetensorsFile {
    private final Path file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> undecoded;
    private final Map<String, String> metadata;

    SafetensorsFile(Path file, Map<String, Tensor> tensors, Map<String, String> undecoded,
                    Map<String, String> metadata) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.undecoded = Collections.unmodifiableMap(new LinkedHashMap<>(undecoded));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The file these tensors were read from. */
    public Path file() {
        return file;
    }

    /** The file's name for messages, e.g. {@code model.safetensors}. */
    public String fileName() {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** Every tensor name in the file, sorted, including tensors of undecoded dtypes. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(tensors.keySet());
        all.addAll(undecoded.keySet());
        return Collections.unmodifiableSet(all);
    }

    /** True if the file holds a tensor of this name (of any dtype). */
    public boolean contains(String name) {
        return tensors.containsKey(name) || undecoded.containsKey(name);
    }

    /** The decoded float tensors by name, in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /**
     * The tensor {@code name}, decoded to float32.
     *
     * @throws LstmcException if the file has no such tensor or stores it with a non-float dtype
     */
    public Tensor tensor(String name) throws LstmcException {
        Tensor t = tensors.get(name);
        if (t != null) {
            return t;
        }
        String dtype = undecoded.get(name);
        if (dtype != null) {
            throw new LstmcException(fileName() + ": tensor '" + name + "' has dtype " + dtype
                    + "; lstmc reads only " + SafetensorsReader.DECODED_DTYPES);
        }
        throw new LstmcException(fileName() + ": missing tensor '" + name + "'");
    }

    /** The {@code __metadata__} map (empty if the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + fileName() + ", " + (tensors.size() + undecoded.size()) + " tensors]";
    }
}

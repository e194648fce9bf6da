package io.github.lstmc.compiler.load;

import io.github.lstmc.compiler.model.Model;
import java.util.List;
import java.util.Objects;

/**
 * A model read from a file, with what the loader noticed but did not refuse. {@link ModelLoader#load}
 * returns only the model; callers that talk to a user ({@code lstmc compile}, {@code run},
 * {@code inspect}, the Maven plugin) take this form and show the warnings.
 *
 * @param model             the model
 * @param warnings          one-line messages, each starting with the file name, e.g. that a state
 *                          dict holds tensors outside the compiled LSTM
 * @param uncompiledTensors the names of the file's tensors that the model does not use, sorted;
 *                          empty when the model uses the whole file
 */
public record LoadResult(Model model, List<String> warnings, List<String> uncompiledTensors) {

    public LoadResult {
        Objects.requireNonNull(model, "model");
        warnings = List.copyOf(warnings);
        uncompiledTensors = List.copyOf(uncompiledTensors);
    }

    /** A model with nothing to report. */
    public static LoadResult of(Model model) {
        return new LoadResult(model, List.of(), List.of());
    }
}

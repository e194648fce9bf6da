package io.github.lstmc.compiler.model;

/**
 * The input stage of a token model: row {@code id} of {@code table} is the recurrent stack's input
 * vector for token {@code id} ({@code nn.Embedding}, Keras {@code Embedding}, ONNX {@code Gather} on
 * an initializer).
 *
 * @param table {@code [vocabularySize][dimension]}, every value finite
 */
public record Embedding(Matrix table) {

    public Embedding {
        if (table == null) {
            throw new IllegalArgumentException("embedding table must not be null");
        }
        int bad = table.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("embedding table: value " + bad + " is not finite");
        }
    }

    /** Number of token ids: valid ids are {@code 0..vocabularySize()-1}. */
    public int vocabularySize() {
        return table.rows();
    }

    /** Features of one embedded token: the recurrent stack's input size. */
    public int dimension() {
        return table.cols();
    }

    public long parameterCount() {
        return (long) table.size();
    }
}

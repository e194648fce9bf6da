package io.github.lstmc.benchmarks;

/** One way of running a whole-sequence forward pass over a fixed input, set up once. */
public interface Engine extends AutoCloseable {

    /** Runs the forward pass from a zero state; returns the engine's own output buffer (for the benchmark to consume). */
    Object forward() throws Exception;

    /** The output of the last {@link #forward()} as {@code [B][T][H]}, batch-first (for checking, not timed). */
    float[][][] lastOutput() throws Exception;

    @Override
    default void close() throws Exception {
    }
}

package io.github.lstmc.compiler.cli;

import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;

/**
 * A quick, honest-enough speed measurement for the demo: warm up, then count how many whole-batch
 * forward passes fit in a fixed time. Not a substitute for JMH (see samples/benchmarks); it only
 * has to show the order of magnitude between engines.
 */
final class Benchmark {
    /** Keeps the JIT from discarding the work: every run's outputs feed this. */
    private static volatile float sink;

    private Benchmark() {
    }

    /**
     * Throughput of one engine.
     *
     * @param stepsPerSecond batch-row time steps per second: one step is one batch row advancing one time step
     * @param passes         forward passes measured
     */
    record Result(double stepsPerSecond, long passes) {
    }

    /**
     * Times {@code network.forward} on {@code input} ({@code [B][T][I]}) from a zero state, allocation-free.
     *
     * @param warmupNanos  time spent running before measuring (lets the JIT compile the hot code)
     * @param measureNanos time measured; at least one pass is always measured
     */
    static Result measure(LstmNetwork network, float[][][] input, long warmupNanos, long measureNanos) {
        int batch = input.length;
        int steps = input[0].length;
        float[] flat = flatten(input, network.layout());
        float[] out = new float[batch * steps * network.outputSize()];
        LstmState state = network.newState(batch);
        LstmWorkspace workspace = network.newWorkspace(batch, steps);
        float acc = 0;
        long warmupEnd = System.nanoTime() + warmupNanos;
        while (System.nanoTime() < warmupEnd) {
            state.reset();
            network.forward(flat, batch, steps, null, state, workspace, out);
            acc += out[out.length - 1];
        }
        long passes = 0;
        long start = System.nanoTime();
        long now;
        do {
            state.reset();
            network.forward(flat, batch, steps, null, state, workspace, out);
            acc += out[out.length - 1];
            passes++;
            now = System.nanoTime();
        } while (now - start < measureNanos);
        sink = acc;
        double seconds = (now - start) / 1e9;
        return new Result(passes * (double) batch * steps / seconds, passes);
    }

    /** {@code [B][T][I]} as the flat buffer {@code layout} describes. */
    static float[] flatten(float[][][] input, Layout layout) {
        int batch = input.length;
        int steps = input[0].length;
        int features = input[0][0].length;
        float[] flat = new float[batch * steps * features];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int row = layout == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(input[b][t], 0, flat, row * features, features);
            }
        }
        return flat;
    }
}

package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.util.Random;

/** The seeded random LSTM and input every engine of a benchmark runs, so they all compute the same thing. */
public final class BenchmarkModels {
    /** The seed of every benchmark's weights and input. */
    public static final long SEED = 20240611L;

    private BenchmarkModels() {
    }

    /**
     * A one-layer forward LSTM with PyTorch's initialisation (uniform in {@code ±1/sqrt(H)}), both
     * biases, default activations, batch-first.
     */
    public static Model lstm(Shape shape, long seed) {
        Random rnd = new Random(seed);
        int h = shape.hidden();
        float bound = (float) (1 / Math.sqrt(h));
        DirectionCell cell = new DirectionCell(Direction.FORWARD,
                Matrix.of(4 * h, shape.input(), uniform(rnd, 4 * h * shape.input(), bound)),
                Matrix.of(4 * h, h, uniform(rnd, 4 * h * h, bound)),
                Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)),
                Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)),
                null, null, CellActivations.DEFAULT);
        return Model.of("bench_" + shape.toString().replace('x', '_'), Layout.BATCH_FIRST, Layer.of(cell));
    }

    /** {@code B*T*I} inputs in {@code [-1, 1)}, batch-first. */
    public static float[] input(Shape shape, long seed) {
        return uniform(new Random(seed ^ 0x5DEECE66DL), shape.batch() * shape.steps() * shape.input(), 1f);
    }

    private static float[] uniform(Random rnd, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return v;
    }
}

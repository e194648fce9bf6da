package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.util.Random;

/** The seeded random LSTM or GRU and input every engine of a benchmark runs, so they all compute the same thing. */
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

    /**
     * A one-layer forward GRU as PyTorch's {@code nn.GRU} (reset after the linear map, ONNX
     * {@code linear_before_reset=1}) with its initialisation, both biases, default activations, batch-first.
     */
    public static Model gru(Shape shape, long seed) {
        return gru(shape, seed, true);
    }

    /** {@link #gru(Shape, long)} with the reset after ({@code true}) or before the recurrent linear map. */
    public static Model gru(Shape shape, long seed, boolean linearBeforeReset) {
        Random rnd = new Random(seed);
        int h = shape.hidden();
        float bound = (float) (1 / Math.sqrt(h));
        DirectionCell cell = DirectionCell.gru(Direction.FORWARD,
                Matrix.of(3 * h, shape.input(), uniform(rnd, 3 * h * shape.input(), bound)),
                Matrix.of(3 * h, h, uniform(rnd, 3 * h * h, bound)),
                Matrix.of(1, 3 * h, uniform(rnd, 3 * h, bound)),
                Matrix.of(1, 3 * h, uniform(rnd, 3 * h, bound)),
                CellActivations.GRU_DEFAULT, linearBeforeReset);
        return Model.of("bench_gru_" + shape.toString().replace('x', '_'), Layout.BATCH_FIRST, Layer.of(cell));
    }

    /** {@link #lstm} or {@link #gru} by name ({@code lstm}, {@code gru}), as the benchmarks' {@code cell} parameter. */
    public static Model model(String cell, Shape shape, long seed) {
        return switch (cell) {
            case "lstm" -> lstm(shape, seed);
            case "gru" -> gru(shape, seed);
            default -> throw new IllegalArgumentException("unknown cell '" + cell + "' (lstm, gru)");
        };
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

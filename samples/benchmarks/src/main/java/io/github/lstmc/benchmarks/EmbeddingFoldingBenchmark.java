package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.runtime.Layout;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A token network's embedding folded into its first layer's input product, against the same class
 * unfolded: one batch-1 token forward (bytecode back end, default tier) of an embedding of {@code E}
 * feeding a bidirectional layer of {@code H}, per-step output. The folded class copies a row of its
 * {@code V x 4H} table per step and direction; the unfolded one computes the {@code 4H x E} product.
 * Both are checked against each other (within 1e-4) before they are timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EmbeddingFoldingBenchmark {

    /** {@code on} or {@code off}. */
    @Param({"off", "on"})
    public String fold;

    /** {@code VxExHxT}: vocabulary, embedding size, hidden size, sequence length. */
    @Param({"60x16x32x20", "60x32x64x20", "60x64x128x20", "100x128x256x20"})
    public String shape;

    private TokenForward run;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        int steps = Integer.parseInt(p[3]);
        Model model = model(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        boolean on = fold.equals("on");
        run = new TokenForward(model, on ? EmbeddingFolding.ON : EmbeddingFolding.OFF, steps);
        float[] other = new TokenForward(model, on ? EmbeddingFolding.OFF : EmbeddingFolding.ON, steps).forward();
        float[] output = run.forward();
        for (int i = 0; i < output.length; i++) {
            if (Math.abs(output[i] - other[i]) > 1e-4f) {
                throw new IllegalStateException("folded and unfolded differ at " + i + ": " + output[i] + " vs " + other[i]);
            }
        }
    }

    /** Seeded weights as PyTorch initialises them (uniform in ±1/sqrt(H)), a unit-Gaussian embedding. */
    static Model model(int vocabulary, int e, int h) {
        Random rnd = new Random(BenchmarkModels.SEED);
        float bound = (float) (1 / Math.sqrt(h));
        DirectionCell[] cells = new DirectionCell[2];
        for (int d = 0; d < 2; d++) {
            cells[d] = new DirectionCell(d == 0 ? Direction.FORWARD : Direction.REVERSE,
                    Matrix.of(4 * h, e, uniform(rnd, 4 * h * e, bound)), Matrix.of(4 * h, h, uniform(rnd, 4 * h * h, bound)),
                    Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)), Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)),
                    null, null, CellActivations.DEFAULT);
        }
        float[] table = new float[vocabulary * e];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) rnd.nextGaussian();
        }
        return new Model("fold", List.of(Layer.of(cells)), Layout.BATCH_FIRST).withStages(
                new Embedding(Matrix.of(vocabulary, e, table)), null, TimeReduction.NONE, List.of(), true, false);
    }

    private static float[] uniform(Random rnd, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return v;
    }

    @Benchmark
    public float[] forward() {
        return run.forward();
    }
}

package io.github.lstmc.compiler.weights;

import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.util.List;
import java.util.Random;

/** Models with trained-looking weights (Gaussian, as after training) of a chosen size. */
final class WeightModels {
    private WeightModels() {
    }

    static Matrix gaussian(Random rnd, int rows, int cols, double sigma) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return Matrix.of(rows, cols, v);
    }

    /** One forward layer, input {@code i}, hidden {@code h}, with biases. */
    static Model lstm(long seed, int i, int h) {
        Random rnd = new Random(seed);
        double sigma = 1 / Math.sqrt(h);
        DirectionCell cell = new DirectionCell(Direction.FORWARD, gaussian(rnd, 4 * h, i, sigma),
                gaussian(rnd, 4 * h, h, sigma), gaussian(rnd, 1, 4 * h, sigma), gaussian(rnd, 1, 4 * h, sigma),
                null, null, CellActivations.DEFAULT);
        return new Model("lstm" + i + "x" + h, List.of(Layer.of(cell)), Layout.BATCH_FIRST);
    }

    /** An embedding of {@code vocabulary} ids, the LSTM, the last step and a dense softmax head. */
    static Model whole(long seed, int vocabulary, int dim, int h, int classes) {
        Random rnd = new Random(seed);
        Model stack = lstm(seed + 1, dim, h);
        return stack.withStages(new Embedding(gaussian(rnd, vocabulary, dim, 1.0)), null, TimeReduction.LAST_STEP,
                List.of(new HeadLayer.Dense(gaussian(rnd, classes, h, 0.2), gaussian(rnd, 1, classes, 0.1)),
                        new HeadLayer.Softmax(classes, false)), true, false);
    }
}

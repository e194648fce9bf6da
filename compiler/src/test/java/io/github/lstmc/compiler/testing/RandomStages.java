package io.github.lstmc.compiler.testing;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.InputAffine;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random stages around a random LSTM stack: embedding or input transform, reduction, head. */
public final class RandomStages {
    /** Head functions whose reference and runtime forms agree within the tests' tolerance everywhere. */
    private static final List<Activation> HEAD_FUNCTIONS = List.of(Activation.of(Activation.Kind.RELU),
            Activation.of(Activation.Kind.LEAKY_RELU, 0.01f), Activation.of(Activation.Kind.ELU, 1f),
            Activation.SIGMOID, Activation.of(Activation.Kind.HARD_SIGMOID, 1f / 6, 0.5f), Activation.TANH,
            Activation.of(Activation.Kind.SOFTPLUS), Activation.of(Activation.Kind.GELU), Activation.IDENTITY,
            Activation.of(Activation.Kind.SELU), Activation.of(Activation.Kind.HARD_SWISH));

    private RandomStages() {
    }

    /** {@code model} with random stages drawn from {@code rnd}. */
    public static Model around(Random rnd, Model model) {
        Embedding embedding = null;
        InputAffine affine = null;
        int in = model.inputSize();
        int choice = rnd.nextInt(3);
        if (choice == 0) {
            int vocabulary = 1 + rnd.nextInt(30);
            embedding = new Embedding(Matrix.of(vocabulary, in, values(rnd, vocabulary * in, 1f)));
        } else if (choice == 1) {
            affine = new InputAffine(Matrix.vector(values(rnd, in, 2f)), Matrix.vector(values(rnd, in, 1f)));
        }
        TimeReduction reduction = TimeReduction.values()[rnd.nextInt(TimeReduction.values().length)];
        List<HeadLayer> head = new ArrayList<>();
        int width = model.recurrentOutputSize();
        int stages = rnd.nextInt(5);
        for (int k = 0; k < stages; k++) {
            int kind = rnd.nextInt(4);
            if (kind == 0 || kind == 3 && k == 0) {
                int out = 1 + rnd.nextInt(20);
                Matrix w = Matrix.of(out, width, values(rnd, out * width, (float) (1 / Math.sqrt(width))));
                head.add(new HeadLayer.Dense(w, rnd.nextBoolean() ? Matrix.vector(values(rnd, out, 0.5f)) : null));
                width = out;
            } else if (kind == 1) {
                head.add(new HeadLayer.Elementwise(width, HEAD_FUNCTIONS.get(rnd.nextInt(HEAD_FUNCTIONS.size()))));
            } else if (kind == 2) {
                head.add(new HeadLayer.PRelu(Matrix.vector(values(rnd, width, 0.5f))));
            } else {
                head.add(new HeadLayer.Softmax(width, rnd.nextBoolean()));
            }
        }
        boolean scalar = width == 1 && rnd.nextBoolean();
        Model staged = model.withStages(embedding, affine, reduction, head, rnd.nextBoolean(), scalar);
        if (rnd.nextInt(4) == 0) {
            // a constant initial state, some entries zero
            List<Matrix> hidden = new ArrayList<>();
            List<Matrix> cell = new ArrayList<>();
            for (int k = 0; k < model.layers().size() * model.directionCount(); k++) {
                io.github.lstmc.compiler.model.Layer layer = model.layers().get(k / model.directionCount());
                hidden.add(rnd.nextBoolean() ? Matrix.vector(values(rnd, layer.stateSize(), 0.5f)) : null);
                // only an LSTM layer has a cell state
                boolean withCell = rnd.nextBoolean() && layer.kind().hasCellState();
                cell.add(withCell ? Matrix.vector(values(rnd, layer.hiddenSize(), 0.5f)) : null);
            }
            staged = staged.withInitialState(new io.github.lstmc.compiler.model.InitialState(hidden, cell));
        }
        return staged;
    }

    private static float[] values(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return v;
    }
}

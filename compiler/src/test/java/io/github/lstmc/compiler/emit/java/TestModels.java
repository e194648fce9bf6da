package io.github.lstmc.compiler.emit.java;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random models for the emitter tests, covering every feature the plan can express. Weights are
 * drawn so that some are exactly 0, 1 and -1 (the folded cases of unrolled code).
 */
final class TestModels {
    /** What a random model may have. */
    record Shape(int input, int hidden, int projection, int layers, boolean bidirectional, boolean reverse,
                 boolean peepholes, float cellClip, float preClip, boolean coupled, CellActivations activations,
                 boolean biases, Layout layout) {
    }

    /** Continuous activations only: a jump (ThresholdedRelu with alpha != 0) turns float-vs-double rounding into O(1) differences. */
    static final Activation[] ACTIVATIONS = {
            Activation.SIGMOID, Activation.TANH, Activation.of(Activation.Kind.RELU),
            Activation.of(Activation.Kind.AFFINE, 0.5f, 0.25f), Activation.of(Activation.Kind.LEAKY_RELU, 0.01f),
            Activation.of(Activation.Kind.THRESHOLDED_RELU, 0f), Activation.of(Activation.Kind.SCALED_TANH, 1.5f, 0.7f),
            Activation.of(Activation.Kind.HARD_SIGMOID, 0.2f, 0.5f), Activation.of(Activation.Kind.ELU, 1f),
            Activation.of(Activation.Kind.SOFTSIGN), Activation.of(Activation.Kind.SOFTPLUS), Activation.IDENTITY,
            Activation.of(Activation.Kind.GELU), Activation.of(Activation.Kind.SELU),
            Activation.of(Activation.Kind.HARD_SWISH), Activation.of(Activation.Kind.CELU, 0.8f),
            Activation.of(Activation.Kind.GELU_TANH), Activation.of(Activation.Kind.SOFTPLUS_BETA, 2f),
            Activation.of(Activation.Kind.HARD_SHRINK, 0f), Activation.of(Activation.Kind.SOFT_SHRINK, 0.25f),
            Activation.of(Activation.Kind.SHRINK, 0.3f, 0.3f), Activation.of(Activation.Kind.TANH_SHRINK),
            Activation.of(Activation.Kind.SILU), Activation.of(Activation.Kind.CLIP, -0.5f, 0.75f)};

    /**
     * Bounded gate activations: an unbounded gate (relu, identity) lets f exceed 1, the cell grows
     * geometrically and float32-versus-double rounding is amplified beyond any fixed tolerance.
     */
    static final Activation[] GATE_ACTIVATIONS = {Activation.SIGMOID, Activation.of(Activation.Kind.HARD_SIGMOID, 0.2f, 0.5f),
            Activation.of(Activation.Kind.SOFTSIGN), Activation.TANH, Activation.of(Activation.Kind.SCALED_TANH, 0.9f, 1.2f)};

    private TestModels() {
    }

    /** A random shape with sizes up to {@code maxSize}. */
    static Shape randomShape(Random rnd, int maxSize) {
        boolean bidi = rnd.nextInt(3) == 0;
        int hidden = 1 + rnd.nextInt(maxSize);
        CellActivations acts = rnd.nextInt(3) == 0
                ? new CellActivations(GATE_ACTIVATIONS[rnd.nextInt(GATE_ACTIVATIONS.length)], pick(rnd), pick(rnd))
                : CellActivations.DEFAULT;
        return new Shape(1 + rnd.nextInt(maxSize), hidden, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(hidden) : 0,
                1 + rnd.nextInt(3), bidi, !bidi && rnd.nextInt(4) == 0, rnd.nextInt(3) == 0,
                rnd.nextInt(4) == 0 ? 0.5f + rnd.nextFloat() : Layer.NO_CLIP,
                rnd.nextInt(4) == 0 ? 0.5f + 2 * rnd.nextFloat() : Layer.NO_CLIP, rnd.nextInt(4) == 0, acts,
                rnd.nextInt(5) != 0, rnd.nextBoolean() ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST);
    }

    private static Activation pick(Random rnd) {
        return ACTIVATIONS[rnd.nextInt(ACTIVATIONS.length)];
    }

    static Model model(Random rnd, Shape s) {
        List<Layer> layers = new ArrayList<>();
        int input = s.input();
        for (int l = 0; l < s.layers(); l++) {
            List<DirectionCell> cells = new ArrayList<>();
            if (s.bidirectional()) {
                cells.add(cell(rnd, s, Direction.FORWARD, input));
                cells.add(cell(rnd, s, Direction.REVERSE, input));
            } else {
                cells.add(cell(rnd, s, s.reverse() ? Direction.REVERSE : Direction.FORWARD, input));
            }
            Layer layer = new Layer(cells, s.cellClip(), s.preClip(), s.coupled());
            layers.add(layer);
            input = layer.outputSize();
        }
        return new Model("random \"model\" */ \\u002a", layers, s.layout());
    }

    private static DirectionCell cell(Random rnd, Shape s, Direction d, int input) {
        int h = s.hidden();
        int state = s.projection() > 0 ? s.projection() : h;
        return new DirectionCell(d, matrix(rnd, 4 * h, input, h), matrix(rnd, 4 * h, state, h),
                s.biases() ? matrix(rnd, 1, 4 * h, 1) : null, s.biases() && rnd.nextBoolean() ? matrix(rnd, 1, 4 * h, 1) : null,
                s.peepholes() ? matrix(rnd, 3, h, h) : null, s.projection() > 0 ? matrix(rnd, s.projection(), h, h) : null,
                s.activations());
    }

    /** Uniform in +-1/sqrt(fanIn) (PyTorch's initialisation), with some exact 0, 1 and -1. */
    static Matrix matrix(Random rnd, int rows, int cols, int fanIn) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            int special = rnd.nextInt(20);
            v[i] = special == 0 ? 0f : special == 1 ? 1f : special == 2 ? -1f : bound * (2 * rnd.nextFloat() - 1);
        }
        return Matrix.of(rows, cols, v);
    }
}

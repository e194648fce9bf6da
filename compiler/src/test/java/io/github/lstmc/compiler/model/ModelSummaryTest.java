package io.github.lstmc.compiler.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {

    private static Matrix filled(int rows, int cols, float v) {
        float[] data = new float[rows * cols];
        java.util.Arrays.fill(data, v);
        return Matrix.of(rows, cols, data);
    }

    /** Burn's BiLstmConfig(2, 3, bias = true): 168 parameters, 2 * 2*4*3*(2+3) = 240 FLOPs per step. */
    @Test
    void bidirectionalBurnModel() {
        DirectionCell f = new DirectionCell(Direction.FORWARD, filled(12, 2, 0.1f), filled(12, 3, 0.1f),
                filled(1, 12, 0f), filled(1, 12, 0f), null, null, CellActivations.DEFAULT);
        DirectionCell r = new DirectionCell(Direction.REVERSE, filled(12, 2, 0.1f), filled(12, 3, 0.1f),
                filled(1, 12, 0f), filled(1, 12, 0f), null, null, CellActivations.DEFAULT);
        Model model = Model.of("tagger", Layout.BATCH_FIRST, Layer.of(f, r));
        assertEquals("""
                model: tagger
                layout: batch-first
                input: 2 features per step, output: 6 features per step
                layers: 1, bidirectional

                layer 0: bidirectional, input 2, hidden 3, output 6, 168 parameters
                  cell clip: none, pre-activation clip: none, coupled input-forget: no
                  forward: gate Sigmoid, cell Tanh, hidden Tanh; biases input+recurrent; peepholes no
                  reverse: gate Sigmoid, cell Tanh, hidden Tanh; biases input+recurrent; peepholes no

                parameters: 168
                FLOPs per step: 240 (matrix products, per batch row, a multiply-add counted as 2)
                """, ModelSummary.describe(model));
    }

    /** Two stacked reverse layers, the second with every optional feature; a control character in the name. */
    @Test
    void stackedWithEveryFeature() {
        DirectionCell first = new DirectionCell(Direction.REVERSE, filled(8, 3, 0.5f), filled(8, 2, 0.5f),
                null, null, null, null, CellActivations.DEFAULT);
        DirectionCell second = new DirectionCell(Direction.REVERSE, filled(16, 2, 0.5f), filled(16, 3, 0.5f),
                filled(1, 16, 0f), null, filled(3, 4, 0.25f), filled(3, 4, 1f),
                new CellActivations(Activation.of(Activation.Kind.HARD_SIGMOID, 0.25f, 0.5f),
                        Activation.of(Activation.Kind.GELU), Activation.of(Activation.Kind.LEAKY_RELU, 0.125f)));
        Model model = new Model("stack\u0007", List.of(Layer.of(first), new Layer(List.of(second), 3f, 0.5f, true)),
                Layout.SEQUENCE_FIRST);
        // Parameters: 24 + 16 = 40; 32 + 48 + 16 (b_W) + 12 (peepholes) + 12 (projection) = 120.
        // FLOPs: 2*4*2*(3+2) = 80; 2*4*4*(2+3) + 2*3*4 = 184.
        assertEquals("""
                model: stack?
                layout: sequence-first
                input: 3 features per step, output: 3 features per step
                layers: 2, reverse

                layer 0: reverse, input 3, hidden 2, output 2, 40 parameters
                  cell clip: none, pre-activation clip: none, coupled input-forget: no
                  reverse: gate Sigmoid, cell Tanh, hidden Tanh; biases none; peepholes no

                layer 1: reverse, input 2, hidden 4, projection 3, output 3, 120 parameters
                  cell clip: 3, pre-activation clip: 0.5, coupled input-forget: yes
                  reverse: gate HardSigmoid(alpha=0.25, beta=0.5), cell Gelu, hidden LeakyRelu(alpha=0.125); \
                biases input; peepholes yes

                parameters: 160
                FLOPs per step: 264 (matrix products, per batch row, a multiply-add counted as 2)
                """, ModelSummary.describe(model));
    }

    @Test
    void deterministicAndMentionsEveryLayer() {
        RandomModels.Features features = RandomModels.Features.all().withMaxSize(10);
        for (long seed = 0; seed < 20; seed++) {
            Model m = RandomModels.model(seed, features);
            String text = ModelSummary.describe(m);
            assertEquals(text, ModelSummary.describe(RandomModels.model(seed, features)));
            for (int k = 0; k < m.layers().size(); k++) {
                assertTrue(text.contains("\nlayer " + k + ": "), text);
            }
            assertTrue(text.contains("\nparameters: " + m.parameterCount() + "\n"), text);
            assertTrue(text.endsWith("\n"));
        }
    }
}

package io.github.lstmc.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels.Feature;
import io.github.lstmc.compiler.testing.RandomModels.Features;
import io.github.lstmc.runtime.Layout;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomModelsTest {

    @Test
    void sameSeedGivesTheSameModel() {
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(RandomModels.model(seed, Features.all()), RandomModels.model(seed, Features.all()));
        }
    }

    @Test
    void allFeaturesShowUpAndStayInBounds() {
        Set<Feature> seen = EnumSet.noneOf(Feature.class);
        Set<Activation.Kind> kinds = EnumSet.noneOf(Activation.Kind.class);
        boolean stacked = false;
        Features features = Features.all().withMaxSize(12);
        for (long seed = 0; seed < 300; seed++) {
            Model m = RandomModels.model(seed, features);
            assertTrue(m.layers().size() <= 3);
            stacked |= m.layers().size() > 1;
            if (m.layout() == Layout.SEQUENCE_FIRST) {
                seen.add(Feature.LAYOUT);
            }
            if (m.directionCount() == 2) {
                seen.add(Feature.BIDIRECTIONAL);
            } else if (m.hasReverse()) {
                seen.add(Feature.REVERSE);
            }
            for (Layer layer : m.layers()) {
                assertTrue(layer.hiddenSize() <= 12 && layer.inputSize() >= 1);
                if (layer.hasCellClip()) {
                    seen.add(Feature.CELL_CLIP);
                }
                if (layer.hasPreActivationClip()) {
                    seen.add(Feature.PRE_ACTIVATION_CLIP);
                }
                if (layer.coupledInputForget()) {
                    seen.add(Feature.COUPLED);
                }
                for (DirectionCell d : layer.directions()) {
                    if (d.inputBias() == null || d.recurrentBias() == null) {
                        seen.add(Feature.OPTIONAL_BIASES);
                    }
                    if (d.peepholes() != null) {
                        seen.add(Feature.PEEPHOLES);
                    }
                    if (d.projection() != null) {
                        seen.add(Feature.PROJECTION);
                    }
                    if (!d.activations().equals(CellActivations.DEFAULT)) {
                        seen.add(Feature.ACTIVATIONS);
                    }
                    CellActivations a = d.activations();
                    kinds.add(a.gate().kind());
                    kinds.add(a.cell().kind());
                    kinds.add(a.hidden().kind());
                    for (float w : d.inputWeights().toArray()) {
                        if (w == 0f || w == 1f || w == -1f) {
                            seen.add(Feature.SPECIAL_WEIGHTS);
                        }
                    }
                }
            }
        }
        assertTrue(stacked, "no stacked model");
        assertEquals(features.enabled(), seen);
        assertEquals(EnumSet.allOf(Activation.Kind.class), kinds);
    }

    /** With GRU and RNN enabled: both kinds, both GRU reset placements, tanh and ReLU RNNs, mixed stacks. */
    @Test
    void gruAndRnnLayersShowUpWithTheirVariants() {
        Set<String> seen = new java.util.TreeSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Model m = RandomModels.model(seed, Features.allCells().withMaxSize(12));
            for (int l = 0; l < m.layers().size(); l++) {
                Layer layer = m.layers().get(l);
                assertTrue(layer.hiddenSize() <= 12 && !layer.hasCellClip() || layer.kind() == CellKind.LSTM);
                switch (layer.kind()) {
                    case GRU -> seen.add(layer.linearBeforeReset() ? "GRU after" : "GRU before");
                    case RNN -> seen.add("RNN " + layer.directions().get(0).activations().gate().kind());
                    case LSTM -> seen.add("LSTM");
                }
                if (l > 0 && layer.kind() != m.layers().get(l - 1).kind()) {
                    seen.add("mixed");
                }
            }
        }
        assertTrue(seen.containsAll(java.util.List.of("GRU after", "GRU before", "RNN TANH", "RNN RELU", "LSTM",
                "mixed")), seen.toString());
        assertTrue(seen.size() > 7, "other RNN activations: " + seen);
    }

    @Test
    void plainModelsArePyTorchShaped() {
        for (long seed = 0; seed < 100; seed++) {
            Model m = RandomModels.model(seed, Features.plain().withMaxSize(6));
            assertEquals(Layout.BATCH_FIRST, m.layout());
            for (Layer layer : m.layers()) {
                assertEquals(1, layer.directions().size());
                assertTrue(!layer.hasCellClip() && !layer.hasPreActivationClip() && !layer.coupledInputForget());
                DirectionCell d = layer.directions().get(0);
                assertEquals(Direction.FORWARD, d.direction());
                assertTrue(d.inputBias() != null && d.recurrentBias() != null);
                assertTrue(d.peepholes() == null && d.projection() == null);
                assertEquals(CellActivations.DEFAULT, d.activations());
                float bound = (float) (1 / Math.sqrt(d.hiddenSize()));
                for (float w : d.recurrentWeights().toArray()) {
                    assertTrue(Math.abs(w) <= bound, "weight " + w + " outside ±" + bound);
                }
            }
        }
    }

    @Test
    void probabilityOneForcesEveryEnabledFeature() {
        Model m = RandomModels.model(7, Features.plain().with(Feature.PROJECTION, Feature.BIDIRECTIONAL)
                .withProbability(1).withMaxSize(5));
        assertEquals(2, m.directionCount());
        for (Layer layer : m.layers()) {
            assertTrue(layer.directions().get(0).projection() != null);
        }
    }

    @Test
    void lengthsCoverBothEdges() {
        int[] lengths = RandomModels.lengths(new Random(3), 5, 7);
        assertEquals(7, lengths[0]);
        assertEquals(0, lengths[1]);
        for (int len : lengths) {
            assertTrue(len >= 0 && len <= 7);
        }
        int single = RandomModels.lengths(new Random(3), 1, 4)[0];
        assertTrue(single >= 0 && single <= 4);
    }

    /** Differential tests compare numbers: a random model must not overflow on a long sequence. */
    @Test
    void modelsStayFiniteOnLongSequences() throws Exception {
        for (long seed = 0; seed < 25; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, Features.all().withMaxSize(24));
            io.github.lstmc.compiler.run.RunOutput out = io.github.lstmc.compiler.run.Runner.run(
                    io.github.lstmc.compiler.Lstmc.compiler().interpreter(m), RandomModels.runInput(rnd, m, 2, 40, true, true));
            for (float[][] row : out.output()) {
                for (float[] step : row) {
                    for (float v : step) {
                        assertTrue(Float.isFinite(v) && Math.abs(v) < 1e6, "seed " + seed + ": " + v);
                    }
                }
            }
        }
    }

    @Test
    void unboundedGateActivationsComeWithBothClips() {
        for (long seed = 0; seed < 300; seed++) {
            for (Layer layer : RandomModels.model(seed, Features.all().withMaxSize(4)).layers()) {
                for (DirectionCell d : layer.directions()) {
                    if (!RandomModels.isStableGate(d.activations().gate(), layer.coupledInputForget())
                            || !RandomModels.isStableCell(d.activations().cell())) {
                        assertTrue(layer.hasCellClip() && layer.hasPreActivationClip(), "seed " + seed);
                    }
                }
            }
            for (Layer layer : RandomModels.model(seed, Features.all().withMaxSize(4)
                    .without(Feature.CELL_CLIP, Feature.PRE_ACTIVATION_CLIP)).layers()) {
                assertTrue(!layer.hasCellClip() && !layer.hasPreActivationClip(), "seed " + seed);
                for (DirectionCell d : layer.directions()) {
                    assertTrue(RandomModels.isStableGate(d.activations().gate(), layer.coupledInputForget()));
                    assertTrue(RandomModels.isStableCell(d.activations().cell()));
                }
            }
        }
    }

    @Test
    void runInputsFitTheModel() throws Exception {
        Model m = RandomModels.model(4, Features.all().withMaxSize(6));
        io.github.lstmc.compiler.run.RunInput in = RandomModels.runInput(new Random(2), m, 3, 4, true, true);
        io.github.lstmc.compiler.run.RunOutput out = io.github.lstmc.compiler.run.Runner.run(
                io.github.lstmc.compiler.Lstmc.compiler().interpreter(m), in);
        assertEquals(3, out.output().length);
        assertEquals(m.outputSize(), out.output()[0][0].length);
        assertEquals(4, in.lengths()[0]);
        assertEquals(0, in.lengths()[1]);
        io.github.lstmc.compiler.run.RunInput plain = RandomModels.runInput(new Random(2), m, 2, 4, false, false);
        assertTrue(plain.h0() == null && plain.c0() == null && plain.lengths() == null);
    }

    @Test
    void initialStatesHaveEachLayersShape() {
        Model m = RandomModels.model(11, Features.all().with(Feature.PROJECTION).withProbability(1).withMaxSize(9));
        float[][][] h0 = RandomModels.initialHidden(new Random(1), m, 2);
        float[][][] c0 = RandomModels.initialCell(new Random(1), m, 2);
        assertEquals(m.layers().size() * m.directionCount(), h0.length);
        for (int k = 0; k < h0.length; k++) {
            Layer layer = m.layers().get(k / m.directionCount());
            assertEquals(2, h0[k].length);
            assertEquals(layer.stateSize(), h0[k][0].length);
            assertEquals(layer.hiddenSize(), c0[k][1].length);
        }
    }
}

package io.github.lstmc.compiler.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.compiler.testing.RandomModels.Feature;
import io.github.lstmc.compiler.testing.RandomModels.Features;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties that must hold for every model, checked over many seeded random models with every
 * feature. Each compares two runs that reach the same numbers by different routes through the
 * interpreter (other batch rows, other layout, split layers, flipped time), so the comparisons are
 * exact: the interpreter's arithmetic per (row, step, unit) is deterministic.
 */
class InterpreterInvariantsTest {
    private static final int SEEDS = 60;
    private static final Features SMALL = Features.all().withMaxSize(7);

    @Test
    void bidirectionalHalvesEqualSingleDirectionModels() {
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Layer random = RandomModels.layer(rnd, SMALL, List.of(Direction.FORWARD, Direction.REVERSE),
                    1 + rnd.nextInt(6));
            Model bi = Model.of("bi", rnd.nextBoolean() ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST, random);
            Layer layer = bi.layers().get(0);
            int s = layer.stateSize();
            float[][][] x = RandomModels.input(rnd, 3, 5, bi.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, bi, 3);
            float[][][] c0 = RandomModels.initialCell(rnd, bi, 3);
            int[] lengths = RandomModels.lengths(rnd, 3, 5);
            Runs.Result both = Runs.run(bi, x, h0, c0, lengths);
            for (int d = 0; d < 2; d++) {
                Model half = new Model("half", List.of(new Layer(List.of(layer.directions().get(d)), layer.cellClip(),
                        layer.preActivationClip(), layer.coupledInputForget())), bi.layout());
                Runs.Result one = Runs.run(half, x, new float[][][] {h0[d]}, new float[][][] {c0[d]}, lengths);
                String what = "seed " + seed + " direction " + d;
                for (int b = 0; b < 3; b++) {
                    for (int t = 0; t < 5; t++) {
                        assertArrayEquals(one.output()[b][t], Arrays.copyOfRange(both.output()[b][t], d * s, d * s + s),
                                what);
                    }
                }
                assertDeepEquals(one.hidden()[0], both.hidden()[d], what);
                assertDeepEquals(one.cell()[0], both.cell()[d], what);
            }
        }
    }

    @Test
    void reverseEqualsForwardOnFlippedTime() {
        Features reverse = SMALL.without(Feature.BIDIRECTIONAL).with(Feature.REVERSE).withProbability(1);
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model rev = RandomModels.model(rnd, reverse);
            assertTrue(rev.hasReverse() && rev.directionCount() == 1);
            Model fwd = mapCells(rev, Direction.FORWARD);
            int batch = 3;
            int steps = 6;
            float[][][] x = RandomModels.input(rnd, batch, steps, rev.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, rev, batch);
            float[][][] c0 = RandomModels.initialCell(rnd, rev, batch);
            int[] lengths = RandomModels.lengths(rnd, batch, steps);
            Runs.Result r = Runs.run(rev, x, h0, c0, lengths);
            Runs.Result f = Runs.run(fwd, flipValidSteps(x, lengths), h0, c0, lengths);
            String what = "seed " + seed;
            assertDeepEquals(flipValidSteps(f.output(), lengths), r.output(), what);
            assertDeepEquals(f.hidden(), r.hidden(), what);
            assertDeepEquals(f.cell(), r.cell(), what);
        }
    }

    @Test
    void lengthsEqualRunningOnlyTheValidPrefix() {
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, SMALL);
            int batch = 4;
            int steps = 5;
            float[][][] x = RandomModels.input(rnd, batch, steps, m.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, m, batch);
            float[][][] c0 = RandomModels.initialCell(rnd, m, batch);
            int[] lengths = RandomModels.lengths(rnd, batch, steps);
            Runs.Result all = Runs.run(m, x, h0, c0, lengths);
            for (int b = 0; b < batch; b++) {
                String what = "seed " + seed + " row " + b + " length " + lengths[b];
                int len = lengths[b];
                for (int t = len; t < steps; t++) {
                    assertArrayEquals(new float[m.outputSize()], all.output()[b][t], what + " t " + t);
                }
                if (len == 0) {
                    for (int k = 0; k < all.hidden().length; k++) {
                        assertArrayEquals(new float[all.hidden()[k][b].length], all.hidden()[k][b], what);
                        assertArrayEquals(new float[all.cell()[k][b].length], all.cell()[k][b], what);
                    }
                    continue;
                }
                float[][][] prefix = {Arrays.copyOf(x[b], len)};
                Runs.Result alone = Runs.run(m, prefix, row(h0, b), row(c0, b), null);
                for (int t = 0; t < len; t++) {
                    assertArrayEquals(alone.output()[0][t], all.output()[b][t], what + " t " + t);
                }
                assertDeepEquals(alone.hidden(), row(all.hidden(), b), what);
                assertDeepEquals(alone.cell(), row(all.cell(), b), what);
            }
        }
    }

    @Test
    void stackEqualsLayersRunOneAfterAnother() {
        Features stacked = SMALL.withMaxLayers(3);
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, stacked);
            int batch = 2;
            int steps = 4;
            float[][][] x = RandomModels.input(rnd, batch, steps, m.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, m, batch);
            float[][][] c0 = RandomModels.initialCell(rnd, m, batch);
            int[] lengths = RandomModels.lengths(rnd, batch, steps);
            Runs.Result whole = Runs.run(m, x, h0, c0, lengths);
            int dirs = m.directionCount();
            float[][][] layerInput = x;
            for (int k = 0; k < m.layers().size(); k++) {
                Model single = new Model("layer" + k, List.of(m.layers().get(k)), m.layout());
                Runs.Result r = Runs.run(single, layerInput, Arrays.copyOfRange(h0, k * dirs, k * dirs + dirs),
                        Arrays.copyOfRange(c0, k * dirs, k * dirs + dirs), lengths);
                String what = "seed " + seed + " layer " + k;
                assertDeepEquals(Arrays.copyOfRange(whole.hidden(), k * dirs, k * dirs + dirs), r.hidden(), what);
                assertDeepEquals(Arrays.copyOfRange(whole.cell(), k * dirs, k * dirs + dirs), r.cell(), what);
                layerInput = r.output();
            }
            assertDeepEquals(layerInput, whole.output(), "seed " + seed + " output");
        }
    }

    @Test
    void batchRowsAreIndependent() {
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, SMALL);
            float[][][] x = RandomModels.input(rnd, 3, 4, m.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, m, 3);
            float[][][] c0 = RandomModels.initialCell(rnd, m, 3);
            Runs.Result all = Runs.run(m, x, h0, c0, null);
            for (int b = 0; b < 3; b++) {
                Runs.Result alone = Runs.run(m, new float[][][] {x[b]}, row(h0, b), row(c0, b), null);
                String what = "seed " + seed + " row " + b;
                assertDeepEquals(new float[][][] {all.output()[b]}, alone.output(), what);
                assertDeepEquals(row(all.hidden(), b), alone.hidden(), what);
                assertDeepEquals(row(all.cell(), b), alone.cell(), what);
            }
        }
    }

    @Test
    void layoutsAgree() {
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, SMALL);
            Model other = new Model(m.name(), m.layers(),
                    m.layout() == Layout.BATCH_FIRST ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST);
            float[][][] x = RandomModels.input(rnd, 3, 4, m.inputSize());
            float[][][] h0 = RandomModels.initialHidden(rnd, m, 3);
            float[][][] c0 = RandomModels.initialCell(rnd, m, 3);
            int[] lengths = RandomModels.lengths(rnd, 3, 4);
            Runs.Result a = Runs.run(m, x, h0, c0, lengths);
            Runs.Result b = Runs.run(other, x, h0, c0, lengths);
            String what = "seed " + seed;
            assertDeepEquals(a.output(), b.output(), what);
            assertDeepEquals(a.hidden(), b.hidden(), what);
            assertDeepEquals(a.cell(), b.cell(), what);
            // The convenience form is batch-first whatever the layout, from a zero state.
            assertDeepEquals(Runs.run(m, x).output(), new Interpreter(other).forward(x), what);
        }
    }

    @Test
    void repeatedStepsEqualForward() {
        Features streamable = SMALL.without(Feature.REVERSE, Feature.BIDIRECTIONAL);
        for (long seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, streamable);
            LstmNetwork net = Lstmc.compiler().interpreter(m);
            assertTrue(net.isStreamable());
            int batch = 2;
            int steps = 5;
            float[][][] x = RandomModels.input(rnd, batch, steps, m.inputSize());
            Runs.Result whole = Runs.run(net, x, null, null, null);
            LstmState state = net.newState(batch);
            LstmWorkspace ws = net.newWorkspace(batch, 1);
            float[] out = new float[batch * net.outputSize()];
            for (int t = 0; t < steps; t++) {
                float[] in = new float[batch * net.inputSize()];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(x[b][t], 0, in, b * net.inputSize(), net.inputSize());
                }
                net.step(in, state, ws, out);
                for (int b = 0; b < batch; b++) {
                    assertArrayEquals(whole.output()[b][t],
                            Arrays.copyOfRange(out, b * net.outputSize(), (b + 1) * net.outputSize()),
                            "seed " + seed + " t " + t);
                }
            }
            for (int k = 0; k < state.size(); k++) {
                int n = whole.hidden()[k][0].length;
                for (int b = 0; b < batch; b++) {
                    assertArrayEquals(whole.hidden()[k][b], Arrays.copyOfRange(state.hidden(k), b * n, b * n + n));
                }
            }
        }
    }

    /** A call with fewer rows than the state holds runs the first rows and leaves the others untouched. */
    @Test
    void smallerBatchThanTheStateLeavesTheOtherRowsAlone() {
        for (long seed = 0; seed < 10; seed++) {
            Random rnd = new Random(seed);
            Model m = RandomModels.model(rnd, SMALL);
            Interpreter net = new Interpreter(m);
            LstmState state = net.newState(3);
            RandomModels.fillState(rnd, state);
            float[] lastRowHidden = Arrays.copyOfRange(state.hidden(0), 2 * net.stateSize(0), 3 * net.stateSize(0));
            float[] lastRowCell = Arrays.copyOfRange(state.cell(0), 2 * net.hiddenSize(0), 3 * net.hiddenSize(0));
            float[][][] x = RandomModels.input(rnd, 2, 3, m.inputSize());
            float[][][] h0 = new float[state.size()][2][];
            float[][][] c0 = new float[state.size()][2][];
            for (int k = 0; k < state.size(); k++) {
                int s = state.hidden(k).length / 3;
                int h = state.cell(k).length / 3;
                for (int b = 0; b < 2; b++) {
                    h0[k][b] = Arrays.copyOfRange(state.hidden(k), b * s, b * s + s);
                    c0[k][b] = Arrays.copyOfRange(state.cell(k), b * h, b * h + h);
                }
            }
            float[] out = new float[2 * 3 * net.outputSize()];
            net.forward(Runs.flatten(x, m.layout()), 2, 3, null, state, net.newWorkspace(3, 3), out);
            Runs.Result expected = Runs.run(m, x, h0, c0, null);
            assertDeepEquals(expected.output(), Runs.unflatten(out, 2, 3, net.outputSize(), m.layout()), "seed " + seed);
            assertArrayEquals(lastRowHidden, Arrays.copyOfRange(state.hidden(0), 2 * net.stateSize(0),
                    3 * net.stateSize(0)));
            assertArrayEquals(lastRowCell, Arrays.copyOfRange(state.cell(0), 2 * net.hiddenSize(0),
                    3 * net.hiddenSize(0)));
        }
    }

    @Test
    void stepIsRefusedWithAReverseDirection() {
        Model m = RandomModels.model(1, SMALL.with(Feature.BIDIRECTIONAL).withProbability(1));
        LstmNetwork net = new Interpreter(m);
        LstmState state = net.newState(1);
        assertThrows(UnsupportedOperationException.class, () -> net.step(new float[m.inputSize()], state,
                net.newWorkspace(1, 1), new float[m.outputSize()]));
    }

    @Test
    void reportsTheModelsShape() {
        Model m = RandomModels.model(5, SMALL.with(Feature.PROJECTION).withProbability(1).withMaxLayers(3));
        Interpreter net = new Interpreter(m);
        assertEquals(m.inputSize(), net.inputSize());
        assertEquals(m.outputSize(), net.outputSize());
        assertEquals(m.layers().size(), net.layerCount());
        assertEquals(m.directionCount(), net.directionCount());
        assertEquals(m.layout(), net.layout());
        for (int k = 0; k < m.layers().size(); k++) {
            assertEquals(m.layers().get(k).hiddenSize(), net.hiddenSize(k));
            assertEquals(m.layers().get(k).directions().get(0).projection().rows(), net.stateSize(k));
        }
    }

    /** The same model with every cell's direction replaced (single-direction models only). */
    private static Model mapCells(Model m, Direction direction) {
        List<Layer> layers = new ArrayList<>();
        for (Layer layer : m.layers()) {
            DirectionCell c = layer.directions().get(0);
            DirectionCell turned = new DirectionCell(direction, c.inputWeights(), c.recurrentWeights(), c.inputBias(),
                    c.recurrentBias(), c.peepholes(), c.projection(), c.activations());
            layers.add(new Layer(List.of(turned), layer.cellClip(), layer.preActivationClip(),
                    layer.coupledInputForget()));
        }
        return new Model(m.name(), layers, m.layout());
    }

    /** Per row b, steps 0..len-1 reversed; the padding after them stays where it is. */
    private static float[][][] flipValidSteps(float[][][] x, int[] lengths) {
        float[][][] y = new float[x.length][][];
        for (int b = 0; b < x.length; b++) {
            y[b] = x[b].clone();
            for (int t = 0; t < lengths[b]; t++) {
                y[b][t] = x[b][lengths[b] - 1 - t];
            }
        }
        return y;
    }

    /** Row b of a state {@code [K][B][n]}, as a batch of one. */
    private static float[][][] row(float[][][] state, int b) {
        float[][][] r = new float[state.length][][];
        for (int k = 0; k < state.length; k++) {
            r[k] = new float[][] {state[k][b]};
        }
        return r;
    }

    private static void assertDeepEquals(Object[] expected, Object[] actual, String message) {
        assertTrue(Arrays.deepEquals(expected, actual), message + ": expected " + Arrays.deepToString(expected)
                + " but was " + Arrays.deepToString(actual));
    }
}

package io.github.lstmc.compiler.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.testing.NetworkRun;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.ParallelLstm;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The embedding folded into layer 0 ({@link io.github.lstmc.compiler.plan.FoldedEmbedding}): when the
 * plan folds, and that a folded class's token path stays within float rounding of the interpreter,
 * its float path keeps the unfolded bits, and ParallelLstm splits its token calls bit for bit.
 * (The random networks of {@link WholeNetworkDifferentialTest} fold too, on both back ends.)
 */
class FoldedEmbeddingTest {
    private static final double TOLERANCE = 1e-5;

    /** Token ids, an embedding of {@code e}, a bidirectional layer of {@code h}, h_n, Dense, Softmax. */
    static Model charModel(long seed, int vocabulary, int e, int h) {
        Random rnd = new Random(seed);
        double sigma = 1 / Math.sqrt(h);
        DirectionCell[] cells = new DirectionCell[2];
        for (int d = 0; d < 2; d++) {
            cells[d] = new DirectionCell(d == 0 ? Direction.FORWARD : Direction.REVERSE, gaussian(rnd, 4 * h, e, sigma),
                    gaussian(rnd, 4 * h, h, sigma), gaussian(rnd, 1, 4 * h, sigma), gaussian(rnd, 1, 4 * h, sigma),
                    null, null, CellActivations.DEFAULT);
        }
        Model stack = new Model("chars" + vocabulary + "x" + e + "x" + h, List.of(Layer.of(cells)), Layout.BATCH_FIRST);
        return stack.withStages(new Embedding(gaussian(rnd, vocabulary, e, 1)), null, TimeReduction.FINAL_STATE,
                List.of(new HeadLayer.Dense(gaussian(rnd, 5, 2 * h, 0.3), gaussian(rnd, 1, 5, 0.1)),
                        new HeadLayer.Softmax(5, false)), true, false);
    }

    static Matrix gaussian(Random rnd, int rows, int cols, double sigma) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return Matrix.of(rows, cols, v);
    }

    private static boolean folds(Model model, PlanOptions options) {
        return Planner.plan(model, options).stages().folded() != null;
    }

    @Test
    void autoFoldsSmallVocabulariesOnlyAndOnlyInFp32() {
        Model chars = charModel(1, 60, 16, 64);       // 2 x 60 x 256 = 30,720 floats: small
        Model words = charModel(2, 5000, 32, 64);     // 2.56 M floats: never
        Model tiny = charModel(3, 10, 2, 2);          // gates unrolled: AUTO leaves them alone
        assertTrue(folds(chars, PlanOptions.DEFAULT));
        assertTrue(!folds(words, PlanOptions.DEFAULT));
        assertTrue(!folds(tiny, PlanOptions.DEFAULT));
        assertTrue(folds(tiny, PlanOptions.DEFAULT.withFolding(EmbeddingFolding.ON)));
        assertTrue(!folds(chars, PlanOptions.DEFAULT.withFolding(EmbeddingFolding.OFF)));
        assertTrue(!folds(chars, PlanOptions.DEFAULT.withWeights(WeightStorage.FP16)
                .withFolding(EmbeddingFolding.ON)));
        Plan plan = Planner.plan(chars, PlanOptions.DEFAULT);
        assertTrue(plan.header().summary().contains("embedding folded into layer 0: a 60x256 table of gate"
                + " pre-activations per direction (30720 floats); token calls copy a row instead of the input product"),
                plan.header().summary().toString());
    }

    @Test
    void tokenPathIsCloseToTheInterpreterAndTheFloatPathKeepsItsBits() throws Exception {
        Model model = charModel(4, 40, 24, 32);
        LstmNetwork reference = Lstmc.compiler().interpreter(model);
        Random rnd = new Random(5);
        int batch = 5;
        int steps = 7;
        int[] tokens = new int[batch * steps];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(40);
        }
        int[] lengths = {7, 1, 0, 4, 7};
        float[] embedded = new float[batch * steps * 24];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(model.embedding().table().row(tokens[i]), 0, embedded, i * 24, 24);
        }
        NetworkRun expected = tokens(reference, tokens, batch, steps, lengths);
        for (boolean vector : new boolean[] {false, true}) {
            PlanOptions options = PlanOptions.DEFAULT.withVectorApi(vector).withFolding(EmbeddingFolding.ON);
            PlanOptions unfolded = options.withFolding(EmbeddingFolding.OFF);
            LstmNetwork source = compile(model, Backend.SOURCE, options, vector);
            LstmNetwork bytecode = compile(model, Backend.BYTECODE, options, vector);
            LstmNetwork plain = compile(model, Backend.BYTECODE, unfolded, vector);
            NetworkRun fromBytecode = tokens(bytecode, tokens, batch, steps, lengths);
            NetworkRun.assertClose("vector " + vector, expected, fromBytecode, TOLERANCE);
            NetworkRun.assertIdentical("vector " + vector, tokens(source, tokens, batch, steps, lengths), fromBytecode);
            NetworkRun.assertIdentical("vector " + vector + " float path", floats(plain, embedded, batch, steps, lengths),
                    floats(bytecode, embedded, batch, steps, lengths));
        }
    }

    @Test
    void parallelLstmSplitsFoldedTokenCallsBitForBit() throws Exception {
        Model model = charModel(6, 30, 16, 32);
        LstmNetwork net = compile(model, Backend.BYTECODE, PlanOptions.DEFAULT.withFolding(EmbeddingFolding.ON), false);
        Random rnd = new Random(7);
        int batch = 6;
        int steps = 5;
        int[] tokens = new int[batch * steps];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(30);
        }
        int[] lengths = {5, 2, 0, 5, 3, 1};
        NetworkRun alone = tokens(net, tokens, batch, steps, lengths);
        try (ParallelLstm parallel = ParallelLstm.of(net, 3, Runnable::run, 0)) {
            NetworkRun split = tokens(parallel, tokens, batch, steps, lengths);
            NetworkRun.assertIdentical("parallel", alone, split);
        }
    }

    private static LstmNetwork compile(Model model, Backend backend, PlanOptions options, boolean vector) {
        CompileOptions compile = CompileOptions.of("lstmc.folded", "Folded").withBackend(backend).withVectorApi(vector);
        return Lstmc.compiler().instantiate(model, compile, options);
    }

    private static NetworkRun tokens(LstmNetwork net, int[] tokens, int batch, int steps, int[] lengths) {
        float[] out = new float[batch * net.outputSize()];
        Arrays.fill(out, Float.NaN);
        LstmState state = net.newState(batch);
        net.forwardTokens(tokens, batch, steps, lengths, state, net.newWorkspace(batch, steps), out);
        return new NetworkRun(out, state);
    }

    private static NetworkRun floats(LstmNetwork net, float[] input, int batch, int steps, int[] lengths) {
        float[] out = new float[batch * net.outputSize()];
        Arrays.fill(out, Float.NaN);
        LstmState state = net.newState(batch);
        net.forward(input, batch, steps, lengths, state, net.newWorkspace(batch, steps), out);
        return new NetworkRun(out, state);
    }
}

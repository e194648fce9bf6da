package io.github.lstmc.compiler.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The numeric tests of Burn's LSTM module (tracel-ai/burn, crates/burn-nn/src/modules/rnn/lstm.rs:
 * test_forward_single_input_single_feature, test_bidirectional, display_lstm, display_bilstm),
 * with their weights and printed expectations. Burn's Linear stores its weight as
 * {@code [in, out]} (y = x W + b), so every gate matrix is transposed into lstmc's {@code [H][I]}.
 */
class BurnReferenceTest {

    /**
     * Burn: d_input = d_hidden = 1, no bias, every input and hidden weight 0.5 (i), 0.7 (f), 0.9 (g),
     * 1.1 (o), x = 0.1, one step from zero.
     *
     * <p>Burn's comment derives c = 0.04575243 and h = 0.024083648, but it takes tanh(0.09) as
     * 0.0892937; tanh(0.09) is 0.0897578, which gives c = 0.0460006 and h = 0.0242470 (PyTorch 1.13
     * agrees: 0.04600063, 0.02424696). Burn's assertions, 0.046 and 0.0242 at its default
     * tolerance, hold for the correct values and not for the comment's (0.0242 vs 0.02408).
     */
    @Test
    void singleInputSingleFeature() {
        Matrix w = Matrix.of(4, 1, new float[] {0.5f, 0.7f, 0.9f, 1.1f});
        DirectionCell cell = new DirectionCell(Direction.FORWARD, w, w, null, null, null, null, CellActivations.DEFAULT);
        Model model = Model.of("burn-single", Layout.BATCH_FIRST, Layer.of(cell));

        Runs.Result r = Runs.run(model, new float[][][] {{{0.1f}}});

        // From the equations, in double: h_{-1} = c_{-1} = 0, so z_k = w_k * 0.1.
        double i = sigmoid(0.05);
        double g = Math.tanh(0.09);
        double o = sigmoid(0.11);
        double c = i * g;
        double h = o * Math.tanh(c);
        assertEquals(0.0460006, c, 1e-7);
        assertEquals(0.0242470, h, 1e-7);
        assertEquals(c, r.cell()[0][0][0], 1e-6);
        assertEquals(h, r.hidden()[0][0][0], 1e-6);
        assertEquals(0.046, r.cell()[0][0][0], 1e-3); // Burn's own assertions
        assertEquals(0.0242, r.hidden()[0][0][0], 1e-4);
        assertEquals(r.hidden()[0][0][0], r.output()[0][0][0]);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static final float[][][] INPUT = {{
        {0.949f, -0.861f}, {0.892f, 0.927f}, {-0.173f, -0.301f}, {-0.081f, 0.992f}}};
    private static final float[][][] H0 = {{{0.280f, 0.360f, -1.242f}}, {{-0.588f, 0.729f, -0.788f}}};
    private static final float[][][] C0 = {{{0.723f, 0.397f, -0.262f}}, {{0.471f, 0.613f, 1.885f}}};

    /** Burn's test_bidirectional (BiLstmConfig(2, 3, bias = true)), with and without the initial state. */
    @Test
    void bidirectional() {
        Model model = burnBiLstm();
        assertEquals(168, model.parameterCount());

        Runs.Result with = Runs.run(model, INPUT, H0, C0, null);
        assertClose(new float[][] {
            {0.23764f, -0.03442f, 0.04414f, -0.15635f, -0.03366f, -0.05798f},
            {0.00473f, -0.02254f, 0.02988f, -0.16510f, -0.00306f, 0.08742f},
            {0.06210f, -0.06509f, -0.05339f, -0.01710f, 0.02091f, 0.16012f},
            {-0.03420f, 0.07774f, -0.09774f, -0.02604f, 0.12584f, 0.20872f}}, with.output()[0]);
        assertClose(new float[][] {{-0.03420f, 0.07774f, -0.09774f}, {-0.15635f, -0.03366f, -0.05798f}},
                firstRow(with.hidden()));
        assertClose(new float[][] {{-0.13593f, 0.17125f, -0.22395f}, {-0.45425f, -0.11206f, -0.12908f}},
                firstRow(with.cell()));

        Runs.Result without = Runs.run(model, INPUT);
        assertClose(new float[][] {
            {0.08679f, -0.08776f, -0.00528f, -0.15969f, -0.05322f, -0.08863f},
            {-0.02577f, -0.05057f, 0.00033f, -0.17558f, -0.03679f, 0.03142f},
            {0.02942f, -0.07411f, -0.06044f, -0.03601f, -0.09998f, 0.04846f},
            {-0.04026f, 0.07178f, -0.10189f, -0.07349f, -0.04576f, 0.05550f}}, without.output()[0]);
        assertClose(new float[][] {{-0.04026f, 0.07178f, -0.10189f}, {-0.15969f, -0.05322f, -0.08863f}},
                firstRow(without.hidden()));
        assertClose(new float[][] {{-0.15839f, 0.15923f, -0.23569f}, {-0.47407f, -0.17493f, -0.19643f}},
                firstRow(without.cell()));
    }

    /** Burn's display_lstm / display_bilstm: "params: 84" and "params: 168". */
    @Test
    void parameterCounts() {
        Model bi = burnBiLstm();
        Model forwardOnly = new Model("lstm", List.of(Layer.of(bi.layers().get(0).directions().get(0))),
                Layout.BATCH_FIRST);
        assertEquals(84, forwardOnly.parameterCount());
        assertEquals(168, bi.parameterCount());
    }

    /** The BiLstm of test_bidirectional: per direction, Burn's gates in the order input, forget, cell, output. */
    static Model burnBiLstm() {
        DirectionCell forward = burnCell(Direction.FORWARD,
                gate(new float[][] {{0.367f, 0.091f, 0.342f}, {0.322f, 0.533f, 0.059f}},
                        new float[] {-0.196f, 0.354f, 0.209f},
                        new float[][] {{-0.320f, 0.232f, -0.165f}, {0.093f, -0.572f, -0.315f}, {-0.467f, 0.325f, 0.046f}},
                        new float[] {0.181f, -0.190f, -0.245f}),
                gate(new float[][] {{-0.342f, -0.084f, -0.420f}, {-0.432f, 0.119f, 0.191f}},
                        new float[] {0.315f, -0.413f, -0.041f},
                        new float[][] {{0.453f, 0.063f, 0.561f}, {0.211f, 0.149f, 0.213f}, {-0.499f, -0.158f, 0.068f}},
                        new float[] {-0.431f, -0.535f, 0.125f}),
                gate(new float[][] {{-0.046f, -0.382f, 0.321f}, {-0.533f, 0.558f, 0.004f}},
                        new float[] {-0.358f, 0.282f, -0.078f},
                        new float[][] {{-0.358f, 0.109f, 0.139f}, {-0.345f, 0.091f, -0.368f}, {-0.508f, 0.221f, -0.507f}},
                        new float[] {0.502f, -0.509f, -0.247f}),
                gate(new float[][] {{-0.577f, -0.359f, 0.216f}, {-0.550f, 0.268f, 0.243f}},
                        new float[] {-0.227f, -0.274f, 0.039f},
                        new float[][] {{-0.383f, 0.449f, 0.222f}, {-0.357f, -0.093f, 0.449f}, {-0.106f, 0.236f, 0.360f}},
                        new float[] {-0.361f, -0.209f, -0.454f}));
        DirectionCell reverse = burnCell(Direction.REVERSE,
                gate(new float[][] {{-0.055f, 0.506f, 0.247f}, {-0.369f, 0.178f, -0.258f}},
                        new float[] {0.540f, -0.164f, 0.033f},
                        new float[][] {{0.159f, 0.180f, -0.037f}, {-0.443f, 0.485f, -0.488f}, {0.098f, -0.085f, -0.140f}},
                        new float[] {-0.510f, 0.105f, 0.114f}),
                gate(new float[][] {{-0.154f, -0.432f, -0.547f}, {-0.369f, -0.310f, -0.175f}},
                        new float[] {0.141f, 0.004f, 0.055f},
                        new float[][] {{-0.005f, -0.277f, -0.515f}, {-0.011f, -0.101f, -0.365f}, {0.426f, 0.379f, 0.337f}},
                        new float[] {-0.382f, 0.331f, -0.176f}),
                gate(new float[][] {{-0.571f, 0.228f, -0.287f}, {-0.331f, 0.110f, 0.219f}},
                        new float[] {-0.206f, -0.546f, 0.462f},
                        new float[][] {{0.449f, -0.240f, 0.071f}, {-0.045f, 0.131f, 0.124f}, {0.138f, -0.201f, 0.191f}},
                        new float[] {-0.030f, 0.211f, -0.352f}),
                gate(new float[][] {{0.491f, -0.442f, 0.333f}, {0.313f, -0.121f, -0.070f}},
                        new float[] {-0.387f, -0.250f, 0.066f},
                        new float[][] {{-0.030f, 0.268f, 0.299f}, {-0.019f, -0.280f, -0.314f}, {0.466f, -0.365f, -0.248f}},
                        new float[] {-0.398f, -0.199f, -0.566f}));
        return Model.of("burn-bilstm", Layout.BATCH_FIRST, Layer.of(forward, reverse));
    }

    /** One Burn GateController: input Linear [in][out] + bias, hidden Linear [H][H] + bias. */
    private record BurnGate(float[][] inputWeight, float[] inputBias, float[][] hiddenWeight, float[] hiddenBias) {
    }

    private static BurnGate gate(float[][] inputWeight, float[] inputBias, float[][] hiddenWeight, float[] hiddenBias) {
        return new BurnGate(inputWeight, inputBias, hiddenWeight, hiddenBias);
    }

    /** Stacks the four gates (i, f, g, o) into lstmc's [4H][I] / [4H][H] matrices, transposing Burn's [in, out]. */
    private static DirectionCell burnCell(Direction direction, BurnGate... gates) {
        int in = gates[0].inputWeight().length;
        int h = gates[0].inputBias().length;
        float[] w = new float[4 * h * in];
        float[] r = new float[4 * h * h];
        float[] bw = new float[4 * h];
        float[] br = new float[4 * h];
        for (int g = 0; g < 4; g++) {
            for (int j = 0; j < h; j++) {
                int row = g * h + j;
                for (int col = 0; col < in; col++) {
                    w[row * in + col] = gates[g].inputWeight()[col][j];
                }
                for (int col = 0; col < h; col++) {
                    r[row * h + col] = gates[g].hiddenWeight()[col][j];
                }
                bw[row] = gates[g].inputBias()[j];
                br[row] = gates[g].hiddenBias()[j];
            }
        }
        return new DirectionCell(direction, Matrix.of(4 * h, in, w), Matrix.of(4 * h, h, r), Matrix.vector(bw),
                Matrix.vector(br), null, null, CellActivations.DEFAULT);
    }

    private static float[][] firstRow(float[][][] state) {
        float[][] rows = new float[state.length][];
        for (int k = 0; k < state.length; k++) {
            rows[k] = state[k][0];
        }
        return rows;
    }

    /** Burn prints 5 decimals: allow half a unit of the last place plus float32 noise. */
    private static void assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], 6e-6, "[" + i + "][" + j + "]");
            }
        }
    }
}

package io.github.lstmc.samples.sine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.sine.model.SineForecaster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The class generated from the trained weights against PyTorch's own outputs, and against the true sine. */
class SineForecasterTest {
    /** PyTorch and the generated code may round differently in the last bits; 1e-5 is far below any meaningful change. */
    private static final float TOLERANCE = 1e-5f;

    private static List<PyTorchOutputs.Case> cases;
    private final LstmNetwork model = new SineForecaster();

    @BeforeAll
    static void readCases() throws Exception {
        cases = PyTorchOutputs.read();
        assertEquals(3, cases.size());
    }

    private static float[][][] sequence(float[] samples, int steps) {
        float[][][] x = new float[1][steps][1];
        for (int t = 0; t < steps; t++) {
            x[0][t][0] = samples[t];
        }
        return x;
    }

    @Test
    void shapeIsOneValueInOneForecastOut() {
        assertEquals(1, model.inputSize());
        assertEquals(1, model.outputSize());
        assertEquals(16, model.hiddenSize(0));
        assertEquals(1, model.stateSize(0), "the projection makes the hidden state the forecast");
        assertTrue(model.isStreamable());
    }

    @Test
    void wholeSequenceForwardMatchesPyTorch() {
        for (PyTorchOutputs.Case c : cases) {
            float[][][] y = model.forward(sequence(c.input, c.input.length));
            for (int t = 0; t < c.input.length; t++) {
                assertEquals(c.output[t], y[0][t][0], TOLERANCE, c.name + " step " + t);
            }
        }
    }

    @Test
    void batchOfThreeMatchesPyTorchRowByRow() {
        // An LSTM's output at step t depends only on steps 0..t, so the first 12 outputs of each case
        // are PyTorch's answer for the case cut to 12 steps.
        int steps = 12;
        float[][][] x = new float[cases.size()][][];
        for (int b = 0; b < cases.size(); b++) {
            x[b] = sequence(cases.get(b).input, steps)[0];
        }
        float[][][] y = model.forward(x);
        for (int b = 0; b < cases.size(); b++) {
            for (int t = 0; t < steps; t++) {
                assertEquals(cases.get(b).output[t], y[b][t][0], TOLERANCE, cases.get(b).name + " step " + t);
            }
        }
    }

    @Test
    void streamingOneStepAtATimeMatchesPyTorch() {
        PyTorchOutputs.Case c = cases.get(2);
        LstmState state = model.newState(1);
        LstmWorkspace workspace = model.newWorkspace(1, 1);
        float[] out = new float[1];
        for (int t = 0; t < c.input.length; t++) {
            model.step(new float[] {c.input[t]}, state, workspace, out);
            assertEquals(c.output[t], out[0], TOLERANCE, "step " + t);
        }
        assertEquals(c.output[c.input.length - 1], state.hidden(0)[0], TOLERANCE, "final hidden state = last output");
    }

    @Test
    void forecastsTrackTheTrueSineMuchBetterThanRepeatingTheLastSample() {
        // What training bought: compared with the clean next values, not with PyTorch.
        for (PyTorchOutputs.Case c : cases) {
            float[][][] y = model.forward(sequence(c.input, c.input.length));
            double model2 = 0;
            double naive2 = 0;
            int warmup = Forecast.WARMUP;
            for (int t = warmup; t < c.input.length; t++) {
                model2 += sq(y[0][t][0] - c.clean[t]);
                naive2 += sq(c.input[t] - c.clean[t]);
            }
            double n = c.input.length - warmup;
            double rmse = Math.sqrt(model2 / n);
            double naive = Math.sqrt(naive2 / n);
            assertTrue(rmse < 0.1 && rmse < naive / 1.5, c.name + ": rmse " + rmse + " vs naive " + naive);
        }
    }

    @Test
    void forecastProgramScoresWellAndPrintsItsTable() {
        Random random = new Random(5);
        Forecast.Wave wave = new Forecast.Wave(24, 0.3, 0.8);
        Forecast.Result r = Forecast.run(wave, random);
        assertTrue(Forecast.oneStepRmse(wave, r) < Forecast.naiveRmse(wave, r) / 1.5);
        // Running free, the first forecasts stay close to the wave.
        for (int k = 0; k < 3; k++) {
            assertEquals(wave.at(Forecast.HISTORY + k), r.freeRunning[k], 0.15, "free-running step " + k);
        }

        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        try {
            Forecast.main(new String[] {"42"});
        } finally {
            System.setOut(saved);
        }
        String text = buffer.toString();
        assertTrue(text.contains("One-step forecasts over steps 9..48: rmse"), text);
        assertEquals(Forecast.HORIZON, text.split("\n").length - 5, text);
    }

    private static double sq(double v) {
        return v * v;
    }
}

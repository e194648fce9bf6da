package io.github.lstmc.samples.sine;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.sine.model.SineForecaster;
import java.util.Locale;
import java.util.Random;

/**
 * Forecasts a noisy sine with the trained LSTM that the lstmc Maven plugin compiled into
 * {@link SineForecaster} at build time (from {@code src/main/lstm/sine_forecaster.safetensors}).
 *
 * <p>The model reads one noisy sample per step and outputs its forecast of the next clean value.
 * This program streams a history of noisy measurements through it one step at a time, reports
 * how close its one-step forecasts were to the true sine, then lets it run free: each forecast is
 * fed back as the next input to look further ahead.
 *
 * <pre>java -cp sine-forecast.jar:lstmc-runtime.jar io.github.lstmc.samples.sine.Forecast [seed]</pre>
 */
public final class Forecast {
    /** Standard deviation of the measurement noise (as in training). */
    static final double NOISE = 0.05;
    /** Noisy samples the model sees before it forecasts on its own. */
    static final int HISTORY = 48;
    /** Steps forecast beyond the history, each from the previous forecast. */
    static final int HORIZON = 12;
    /** One-step forecasts before this step are not scored: the model has not seen enough of the wave yet. */
    static final int WARMUP = 8;

    private Forecast() {
    }

    /** One sine as the sample measures it. */
    static final class Wave {
        final double period;
        final double phase;
        final double amplitude;

        Wave(double period, double phase, double amplitude) {
            this.period = period;
            this.phase = phase;
            this.amplitude = amplitude;
        }

        /** The true value at step {@code t}. */
        double at(int t) {
            return amplitude * Math.sin(2 * Math.PI * t / period + phase);
        }
    }

    /**
     * The forecasts for one wave.
     *
     * @see #run(Wave, Random)
     */
    static final class Result {
        /** {@code oneStep[t]}: the forecast of step {@code t + 1} made after reading the noisy sample at {@code t}. */
        final float[] oneStep = new float[HISTORY];
        /** {@code noisy[t]}: what the model read at step {@code t}. */
        final float[] noisy = new float[HISTORY];
        /** {@code freeRunning[k]}: the forecast of step {@code HISTORY + k}, without measurements after the history. */
        final float[] freeRunning = new float[HORIZON];
    }

    /** Streams {@link #HISTORY} noisy samples of {@code wave} through the model, then forecasts {@link #HORIZON} steps. */
    static Result run(Wave wave, Random noise) {
        LstmNetwork model = new SineForecaster();
        // Streaming use: a state and scratch for one sequence, reused at every step (no allocation per step).
        LstmState state = model.newState(1);
        LstmWorkspace workspace = model.newWorkspace(1, 1);
        float[] input = new float[1];
        float[] output = new float[1];
        Result result = new Result();
        for (int t = 0; t < HISTORY; t++) {
            input[0] = (float) (wave.at(t) + NOISE * noise.nextGaussian());
            result.noisy[t] = input[0];
            model.step(input, state, workspace, output);
            result.oneStep[t] = output[0];
        }
        // The last output forecasts step HISTORY; feed each forecast back to get the next one.
        result.freeRunning[0] = output[0];
        for (int k = 1; k < HORIZON; k++) {
            input[0] = output[0];
            model.step(input, state, workspace, output);
            result.freeRunning[k] = output[0];
        }
        return result;
    }

    /** Root mean square error of the scored one-step forecasts against the true sine. */
    static double oneStepRmse(Wave wave, Result r) {
        double sum = 0;
        int n = 0;
        for (int t = WARMUP; t < HISTORY; t++) {
            double e = r.oneStep[t] - wave.at(t + 1);
            sum += e * e;
            n++;
        }
        return Math.sqrt(sum / n);
    }

    /** The same error for the naive forecast "the next value equals the last measurement". */
    static double naiveRmse(Wave wave, Result r) {
        double sum = 0;
        int n = 0;
        for (int t = WARMUP; t < HISTORY; t++) {
            double e = r.noisy[t] - wave.at(t + 1);
            sum += e * e;
            n++;
        }
        return Math.sqrt(sum / n);
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42L;
        Random random = new Random(seed);
        Wave wave = new Wave(16 + 16 * random.nextDouble(), 2 * Math.PI * random.nextDouble(),
                0.5 + 0.5 * random.nextDouble());
        Result r = run(wave, random);

        System.out.printf(Locale.ROOT, "Noisy sine: period %.1f steps, amplitude %.2f, noise sd %.2f (seed %d)%n",
                wave.period, wave.amplitude, NOISE, seed);
        System.out.printf(Locale.ROOT, "One-step forecasts over steps %d..%d: rmse %.4f (repeating the last "
                + "measurement: %.4f)%n", WARMUP + 1, HISTORY, oneStepRmse(wave, r), naiveRmse(wave, r));
        System.out.println();
        System.out.println("Forecasting on its own after step " + (HISTORY - 1) + ":");
        System.out.println("  step   forecast       true      error");
        for (int k = 0; k < HORIZON; k++) {
            int t = HISTORY + k;
            double truth = wave.at(t);
            System.out.printf(Locale.ROOT, "  %4d  %+9.4f  %+9.4f  %+9.4f  %s%n", t, r.freeRunning[k], truth,
                    r.freeRunning[k] - truth, bar(r.freeRunning[k], truth));
        }
    }

    /** A one-line picture: 'o' the forecast, '|' the true value, on a -1..1 axis. */
    private static String bar(double forecast, double truth) {
        char[] line = new char[41];
        java.util.Arrays.fill(line, ' ');
        line[20] = '.';
        line[position(truth)] = '|';
        line[position(forecast)] = line[position(forecast)] == '|' ? '#' : 'o';
        return new String(line);
    }

    private static int position(double v) {
        return (int) Math.round(Math.max(-1, Math.min(1, v)) * 20) + 20;
    }
}

package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Not a test: events per second through the scoring job on a local MiniCluster, against the same
 * model work done directly in a loop (one step per event, keys interleaved as in a stream), with
 * each key's state kept as objects, as bytes (what the job does), and as bytes gathered into
 * batches of 64 keys per call (the micro-batching option). Run from the repository root:
 *
 * <pre>
 * mvn -B -pl samples/flink-scoring -am test-compile -DskipTests
 * mvn -B -pl samples/flink-scoring exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.lstmc.samples.flink.ScoringBenchmark [-Dexec.args="SENSORS STEPS"]
 * </pre>
 *
 * Direct loops run on one thread: events per second are per core. The job's rate is given per wall
 * second and per CPU second of the whole process (source, scoring, watermarks, checkpoints off,
 * Flink's own threads), which is what a core of a cluster delivers.
 */
public final class ScoringBenchmark {
    private static final int BATCH = 64;
    private static final int ROUNDS = 5;

    private ScoringBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        long events = (long) sensors * steps;
        float[][] values = new float[sensors][steps];
        for (int s = 0; s < sensors; s++) {
            for (int t = 0; t < steps; t++) {
                values[s][t] = SensorReadings.value(s, t);
            }
        }
        System.out.printf(Locale.ROOT, "%d sensors x %d steps = %d events; %d cores, %s%n", sensors, steps, events,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"));
        report("direct, states as objects", events, () -> objects(values));
        report("direct, states as bytes", events, () -> bytes(values));
        report("direct, bytes, 64 keys per call", events, () -> batched(values));
        for (boolean batched : new boolean[] {false, true}) {
            for (int parallelism = 1; parallelism <= 2; parallelism++) {
                flink(sensors, steps, parallelism, batched);
            }
        }
    }

    /** Median events per second over rounds (after one warm-up round). */
    private static void report(String what, long events, Runnable round) {
        round.run();
        double[] rates = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            round.run();
            rates[r] = events / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "  %-44s %,12.0f events/s per core (rounds %,.0f..%,.0f)%n", what,
                rates[ROUNDS / 2], rates[0], rates[ROUNDS - 1]);
    }

    private static float sink;

    private static void objects(float[][] values) {
        LstmNetwork net = new SineForecaster();
        LstmWorkspace ws = net.newWorkspace(1, 1);
        LstmState[] states = new LstmState[values.length];
        for (int s = 0; s < states.length; s++) {
            states[s] = net.newState(1);
        }
        float[] in = new float[1];
        float[] out = new float[1];
        for (int t = 0; t < values[0].length; t++) {
            for (int s = 0; s < values.length; s++) {
                in[0] = values[s][t];
                net.step(in, states[s], ws, out);
                sink += out[0];
            }
        }
    }

    private static void bytes(float[][] values) {
        LstmNetwork net = new SineForecaster();
        LstmWorkspace ws = net.newWorkspace(1, 1);
        LstmState state = net.newState(1);
        byte[][] stored = new byte[values.length][];
        float[] in = new float[1];
        float[] out = new float[1];
        for (int t = 0; t < values[0].length; t++) {
            for (int s = 0; s < values.length; s++) {
                if (stored[s] == null) {
                    state.reset();
                } else {
                    state.readFrom(stored[s]);
                }
                in[0] = values[s][t];
                net.step(in, state, ws, out);
                stored[s] = state.toBytes();
                sink += out[0];
            }
        }
    }

    private static void batched(float[][] values) {
        LstmNetwork net = new SineForecaster();
        LstmWorkspace ws = net.newWorkspace(BATCH, 1);
        LstmState state = net.newState(BATCH);
        byte[][] stored = new byte[values.length][];
        float[] in = new float[BATCH];
        float[] out = new float[BATCH];
        for (int t = 0; t < values[0].length; t++) {
            for (int first = 0; first < values.length; first += BATCH) {
                int n = Math.min(BATCH, values.length - first);
                for (int r = 0; r < n; r++) {
                    if (stored[first + r] == null) {
                        state.reset(r);
                    } else {
                        state.readFrom(stored[first + r], r);
                    }
                    in[r] = values[first + r][t];
                }
                net.forward(in, n, 1, null, state, ws, out);
                for (int r = 0; r < n; r++) {
                    stored[first + r] = state.toBytes(r);
                    sink += out[r];
                }
            }
        }
    }

    private static void flink(int sensors, int steps, int parallelism, boolean batched) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double best = 0;
        double bestCpu = 0;
        for (int r = 0; r < 3; r++) { // the first run also warms up the JIT and the MiniCluster
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            ScoringJob.scores(ScoringJob.readings(env, sensors, steps, 0), batched).sinkTo(new DiscardingSink<>());
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            env.execute("benchmark");
            double wall = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
            if (r > 0) {
                best = Math.max(best, (double) sensors * steps / wall);
                bestCpu = Math.max(bestCpu, (double) sensors * steps / cpuSeconds);
            }
        }
        System.out.printf(Locale.ROOT, "  %-44s %,12.0f events/s per CPU second, %,.0f per wall second%n",
                "Flink, " + (batched ? "64 keys per call" : "one key per call") + ", parallelism " + parallelism, bestCpu, best);
    }
}

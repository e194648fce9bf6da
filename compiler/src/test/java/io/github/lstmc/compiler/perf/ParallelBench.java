package io.github.lstmc.compiler.perf;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.runtime.ParallelLstm;
import java.util.Arrays;
import java.util.Random;

/**
 * A quick, non-JMH timing of {@link ParallelLstm} (not a test): one seeded one-layer LSTM per shape,
 * bytecode back end with default options, timed alone and wrapped with 2..N threads, in interleaved
 * rounds; forward over the whole sequence and one {@code step}. Reports median microseconds per call.
 *
 * <p>Usage: {@code ParallelBench [shapes IxHxTxB,...] [maxThreads] [roundSeconds] [rounds]}.
 */
public final class ParallelBench {
    private ParallelBench() {
    }

    public static void main(String[] args) {
        String shapes = args.length > 0 ? args[0] : "64x128x100x16";
        int maxThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double roundSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0.3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        for (String shape : shapes.split(",")) {
            int[] s = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            int in = s[0];
            int steps = s[2];
            int batch = s[3];
            LstmNetwork net = Lstmc.compiler().instantiate(QuickBench.lstm(in, s[1], 42),
                    CompileOptions.of("p", "Par").withBackend(Backend.BYTECODE));
            float[] input = new float[batch * steps * in];
            Random rnd = new Random(7);
            for (int i = 0; i < input.length; i++) {
                input[i] = rnd.nextFloat() * 2 - 1;
            }
            LstmNetwork[] engines = new LstmNetwork[maxThreads];
            engines[0] = net;
            for (int t = 2; t <= maxThreads; t++) {
                engines[t - 1] = ParallelLstm.of(net, t);
            }
            for (int mode = 0; mode < 2; mode++) {
                boolean step = mode == 1;
                Runnable[] runs = new Runnable[engines.length];
                for (int e = 0; e < engines.length; e++) {
                    LstmNetwork n = engines[e];
                    LstmState state = n.newState(batch);
                    LstmWorkspace ws = n.newWorkspace(batch, steps);
                    float[] out = new float[batch * steps * n.outputSize()];
                    runs[e] = step ? () -> n.step(input, state, ws, out)
                            : () -> {
                                state.reset();
                                n.forward(input, batch, steps, null, state, ws, out);
                            };
                }
                for (Runnable r : runs) {
                    QuickBench.time(r, 1.0);
                }
                double[][] samples = new double[runs.length][rounds];
                for (int round = 0; round < rounds; round++) {
                    for (int e = 0; e < runs.length; e++) {
                        samples[e][round] = QuickBench.time(runs[e], roundSeconds);
                    }
                }
                StringBuilder line = new StringBuilder(String.format("%-16s %-8s", shape, step ? "step" : "forward"));
                for (int e = 0; e < runs.length; e++) {
                    Arrays.sort(samples[e]);
                    line.append(String.format("  %d thread%s %9.1f us (min %9.1f)", e + 1, e == 0 ? " " : "s",
                            samples[e][rounds / 2], samples[e][0]));
                }
                System.out.println(line);
            }
            for (LstmNetwork e : engines) {
                if (e instanceof ParallelLstm p) {
                    p.close();
                }
            }
        }
    }
}

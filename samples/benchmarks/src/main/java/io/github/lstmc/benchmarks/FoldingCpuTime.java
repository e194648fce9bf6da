package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link EmbeddingFoldingBenchmark}'s comparison in thread CPU time, for a machine too busy for wall
 * time: per shape, the folded and unfolded classes (bytecode, batch 1) are warmed up, then timed in
 * interleaved rounds of the same number of calls; the median CPU time per call of each is printed.
 * {@code java -cp target/benchmarks.jar io.github.lstmc.benchmarks.FoldingCpuTime [rounds] [calls]}
 */
public final class FoldingCpuTime {
    private FoldingCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("| V x E x H x T | unfolded (us) | folded (us) | saved |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (String shape : new String[] {"60x16x32x20", "60x32x64x20", "60x64x128x20", "100x128x256x20"}) {
            String[] p = shape.split("x");
            int steps = Integer.parseInt(p[3]);
            Model model = EmbeddingFoldingBenchmark.model(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                    Integer.parseInt(p[2]));
            TokenForward[] runners = {new TokenForward(model, EmbeddingFolding.OFF, steps),
                    new TokenForward(model, EmbeddingFolding.ON, steps)};
            for (TokenForward r : runners) {
                r.run(calls * 2);
            }
            double[][] perCall = new double[2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < 2; k++) {
                    int which = round % 2 == 0 ? k : 1 - k; // alternate which goes first
                    long start = threads.getCurrentThreadCpuTime();
                    runners[which].run(calls);
                    perCall[which][round] = (threads.getCurrentThreadCpuTime() - start) / 1e3 / calls;
                }
            }
            double off = median(perCall[0]);
            double on = median(perCall[1]);
            System.out.println(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f %% |", shape, off, on,
                    100 * (off - on) / off));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

package io.github.lstmc.compiler.perf;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A quick, non-JMH timing harness for iterating on the generated kernels (not a test): builds a
 * seeded random one-layer LSTM per shape, instantiates the bytecode back end under each plan
 * variant, warms up, then times the flat forward in interleaved rounds (A, B, A, B, ...) so that
 * load on a shared machine hits every variant alike. Reports the median microseconds per forward.
 *
 * <p>Usage: {@code QuickBench [shapes IxHxTxB,...] [variants name=maxUnrolled:precomputeTile[:accumulationBlock[:batchGroup[:v]]],...]}
 * ({@code v}: the Vector API tier; run with {@code --add-modules jdk.incubator.vector}).
 */
public final class QuickBench {
    private QuickBench() {
    }

    public static void main(String[] args) throws Exception {
        String shapes = args.length > 0 ? args[0] : "8x16x50x1,32x64x100x1,64x128x100x1,128x256x100x1,256x512x50x1,64x128x100x16";
        String variants = args.length > 1 ? args[1] : "default=" + PlanOptions.DEFAULT_MAX_UNROLLED_PER_PRODUCT + ":0";
        double roundSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0.3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        for (String shape : shapes.split(",")) {
            int[] s = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            Model model = lstm(s[0], s[1], 42);
            float[] input = new float[s[3] * s[2] * s[0]];
            Random rnd = new Random(7);
            for (int i = 0; i < input.length; i++) {
                input[i] = rnd.nextFloat() * 2 - 1;
            }
            List<String> names = new ArrayList<>();
            List<Runnable> runs = new ArrayList<>();
            for (String variant : variants.split(",")) {
                String[] nv = variant.split("=");
                String[] o = nv[1].split(":");
                PlanOptions options = new PlanOptions(Integer.parseInt(o[0]), PlanOptions.DEFAULT_MAX_UNROLLED_PER_CLASS,
                        PlanOptions.DEFAULT_METHOD_BYTECODE_BUDGET, Integer.parseInt(o[1]),
                        o.length > 2 ? Integer.parseInt(o[2]) : PlanOptions.DEFAULT_ACCUMULATION_BLOCK,
                        o.length > 3 ? Integer.parseInt(o[3]) : PlanOptions.DEFAULT_BATCH_GROUP);
                boolean vector = o.length > 4 && o[4].equals("v");
                LstmNetwork net = Lstmc.compiler().instantiate(model,
                        CompileOptions.of("p", "C" + names.size()).withBackend(Backend.BYTECODE).withVectorApi(vector),
                        options);
                LstmState state = net.newState(s[3]);
                LstmWorkspace ws = net.newWorkspace(s[3], s[2]);
                float[] out = new float[s[3] * s[2] * net.outputSize()];
                names.add(nv[0]);
                runs.add(() -> net.forward(input, s[3], s[2], null, state, ws, out));
            }
            for (Runnable r : runs) {
                time(r, 2.0 / runs.size() + 0.5);
            }
            double[][] samples = new double[runs.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < runs.size(); v++) {
                    samples[v][round] = time(runs.get(v), roundSeconds);
                }
            }
            StringBuilder line = new StringBuilder(String.format("%-16s", shape));
            for (int v = 0; v < runs.size(); v++) {
                Arrays.sort(samples[v]);
                line.append(String.format("  %s %9.1f us (min %9.1f)", names.get(v), samples[v][rounds / 2], samples[v][0]));
            }
            System.out.println(line);
        }
    }

    /** Microseconds per call, averaged over about {@code seconds}. */
    static double time(Runnable r, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        long now;
        do {
            r.run();
            calls++;
            now = System.nanoTime();
        } while (now - start < budget);
        return (now - start) / 1e3 / calls;
    }

    static Model lstm(int inputSize, int h, long seed) {
        Random rnd = new Random(seed);
        float bound = (float) (1 / Math.sqrt(h));
        DirectionCell cell = new DirectionCell(Direction.FORWARD,
                Matrix.of(4 * h, inputSize, uniform(rnd, 4 * h * inputSize, bound)),
                Matrix.of(4 * h, h, uniform(rnd, 4 * h * h, bound)),
                Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)),
                Matrix.of(1, 4 * h, uniform(rnd, 4 * h, bound)),
                null, null, CellActivations.DEFAULT);
        return Model.of("bench", Layout.BATCH_FIRST, Layer.of(cell));
    }

    private static float[] uniform(Random rnd, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        return v;
    }
}

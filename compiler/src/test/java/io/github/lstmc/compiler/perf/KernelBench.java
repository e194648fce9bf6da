package io.github.lstmc.compiler.perf;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.runtime.LstmNetwork;
import java.lang.reflect.Method;

/** Times single generated kernels (cell update, gate product) of the bytecode back end by reflection: a diagnostic, not a test. */
public final class KernelBench {
    private KernelBench() {
    }

    public static void main(String[] args) throws Exception {
        int i = Integer.parseInt(args[0]);
        int h = Integer.parseInt(args[1]);
        LstmNetwork net = Lstmc.compiler().instantiate(QuickBench.lstm(i, h, 42),
                CompileOptions.of("p", "K").withBackend(Backend.BYTECODE), new PlanOptions(0, 0, 6000));
        Method cell = net.getClass().getDeclaredMethod("layer0ForwardCell", float[].class, float[].class, int.class,
                float[].class, int.class);
        Method gates = net.getClass().getDeclaredMethod("layer0ForwardGates", float[].class, int.class, float[].class,
                int.class, float[].class);
        cell.setAccessible(true);
        gates.setAccessible(true);
        float[] z = new float[5 * h];
        float[] c = new float[h];
        float[] hv = new float[h];
        float[] x = new float[i];
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 200_000; n++) {
                cell.invoke(null, z, c, 0, hv, 0);
            }
            long t1 = System.nanoTime();
            for (int n = 0; n < 20_000; n++) {
                gates.invoke(null, x, 0, hv, 0, z);
            }
            long t2 = System.nanoTime();
            System.out.printf("cell %.3f us, gates %.3f us%n", (t1 - t0) / 2e5 / 1e3, (t2 - t1) / 2e4 / 1e3);
        }
    }
}

package io.github.lstmc.compiler.emit.java;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.testing.Jit;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flat forward and step of generated code allocate nothing: scratch comes from the workspace. */
class AllocationFreeTest {

    @Test
    void forwardAndStepDoNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        RandomModels.Features features = RandomModels.Features.plain().withMaxSize(12).withMaxLayers(3)
                .with(RandomModels.Feature.PROJECTION, RandomModels.Feature.PEEPHOLES);
        // and a stack of GRU, RNN and LSTM layers
        Model gru = RandomModels.model(21, RandomModels.Features.plain().withMaxSize(12).withMaxLayers(3)
                .with(RandomModels.Feature.GRU, RandomModels.Feature.RNN), RandomModels.withCells(
                io.github.lstmc.compiler.model.CellKind.GRU, io.github.lstmc.compiler.model.CellKind.RNN));
        for (Model model : java.util.List.of(RandomModels.model(21, features), gru)) {
            for (PlanOptions options : new PlanOptions[] {PlanOptions.DEFAULT, PlanOptions.LOOPS_ONLY, PlanOptions.LOOPS_ONLY.withPrecomputeTile(8)}) {
                LstmNetwork net = Lstmc.compiler().instantiate(model, CompileOptions.of("alloc", "Net"), options);
                // 6 rows: per-row lengths walk rows one by one, none lets them share weight passes (groups)
                int batch = 6;
                int steps = 5;
                float[] in = new float[batch * steps * model.inputSize()];
                float[] out = new float[batch * steps * model.outputSize()];
                float[] stepIn = new float[batch * model.inputSize()];
                float[] stepOut = new float[batch * model.outputSize()];
                int[] lengths = {5, 3, 0, 5, 1, 4};
                LstmState state = net.newState(batch);
                LstmWorkspace workspace = net.newWorkspace(batch, steps);
                // Not a wait for the JIT: these paths have no allocation site, so interpreted code (-Xint) passes too.
                for (int i = 0; i < 200; i++) {
                    net.forward(in, batch, steps, lengths, state, workspace, out);
                    net.forward(in, batch, steps, null, state, workspace, out);
                    net.step(stepIn, state, workspace, stepOut);
                }
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < 50; i++) {
                    net.forward(in, batch, steps, lengths, state, workspace, out);
                    net.forward(in, batch, steps, null, state, workspace, out);
                    net.step(stepIn, state, workspace, stepOut);
                }
                long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                // One float[] per call would already be 100 allocations of 16+ bytes.
                assertTrue(allocated < 512, options + ": allocated " + allocated + " bytes in 150 calls");
            }
        }
    }

    /**
     * The Vector API tier boxes its vectors until C2 compiles the kernels (interpreted and C1 code
     * allocate a FloatVector per operation), so its claim is: once compiled, forward and step
     * allocate nothing. Warm-up rounds run until a round is allocation-free, for up to two minutes:
     * how many calls C2 takes depends on how busy the machine is. Skipped without C2.
     */
    @Test
    void vectorApiTierDoesNotAllocateOnceCompiled() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        assumeTrue(Jit.c2Available(), Jit.NO_C2);
        Model model = RandomModels.model(22, RandomModels.Features.plain().withMaxSize(12).withMaxLayers(2)
                .with(RandomModels.Feature.PROJECTION));
        LstmNetwork net = Lstmc.compiler().instantiate(model,
                CompileOptions.of("alloc", "VectorNet").withBackend(io.github.lstmc.compiler.Backend.BYTECODE)
                        .withVectorApi(true), PlanOptions.LOOPS_ONLY);
        int batch = 7; // a group of 6 rows and one row alone
        int steps = 3;
        float[] in = new float[batch * steps * model.inputSize()];
        float[] out = new float[batch * steps * model.outputSize()];
        float[] stepIn = new float[batch * model.inputSize()];
        float[] stepOut = new float[batch * model.outputSize()];
        LstmState state = net.newState(batch);
        LstmWorkspace workspace = net.newWorkspace(batch, steps);
        long allocated = Jit.runUntilAllocationFree(() -> {
            for (int i = 0; i < 500; i++) {
                net.forward(in, batch, steps, null, state, workspace, out);
                net.step(stepIn, state, workspace, stepOut);
            }
        }, 512, Duration.ofMinutes(2));
        assertTrue(allocated < 512, "still allocating " + allocated + " bytes per 1000 calls after 2 minutes of calls");
    }
}

package io.github.lstmc.compiler.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.compiler.testing.RandomModels.Feature;
import io.github.lstmc.compiler.testing.RandomModels.Features;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.runtime.ParallelLstm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ParallelLstm} computes exactly (bitwise) what the network it wraps computes for the whole
 * batch, whatever the split: every batch 1..9 with 1..4 threads, both layouts, with and without
 * lengths, random initial states, workspaces larger than the call and states with spare rows. Plus
 * the threading contract: worker failures reach the caller, executors that never run or reject
 * tasks cannot hang a call, and close() stops the threads it owns.
 */
class ParallelLstmTest {
    private static final int MAX_BATCH = 9;
    private static final int MAX_STEPS = 6;

    /** Generated (bytecode) networks of random models, each in both layouts, and one interpreter. */
    static Stream<Arguments> networks() {
        Features all = Features.all().withMaxSize(10).withMaxLayers(3);
        Features bidiProjection = Features.plain().withMaxSize(10).withMaxLayers(2)
                .with(Feature.BIDIRECTIONAL, Feature.PROJECTION).withProbability(1);
        List<Arguments> args = new ArrayList<>();
        List<Model> models = List.of(RandomModels.model(1, all), RandomModels.model(2, all),
                RandomModels.model(3, bidiProjection), RandomModels.model(4, Features.plain().withMaxSize(10)),
                // GRU and RNN layers (no cell state) with an LSTM, streamable
                RandomModels.model(5, Features.plain().with(Feature.GRU, Feature.RNN).withMaxSize(10).withMaxLayers(3),
                        RandomModels.withCells(CellKind.GRU, CellKind.RNN, CellKind.LSTM)));
        for (int m = 0; m < models.size(); m++) {
            for (Layout layout : Layout.values()) {
                Model model = new Model("random", models.get(m).layers(), layout);
                args.add(Arguments.of("model " + m + " " + layout, bytecode(model, "M" + m + layout.ordinal())));
            }
        }
        args.add(Arguments.of("interpreter", Lstmc.compiler().interpreter(models.get(2))));
        return args.stream();
    }

    /** The networks of {@link #networks()} that can step (not the bidirectional ones). */
    static Stream<Arguments> streamableNetworks() {
        return networks().filter(args -> ((LstmNetwork) args.get()[1]).isStreamable());
    }

    private static LstmNetwork bytecode(Model model, String className) {
        return Lstmc.compiler().instantiate(model, CompileOptions.of("lstmc.parallel", className).withBackend(Backend.BYTECODE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void forwardMatchesTheWrappedNetworkBitwise(String name, LstmNetwork net) {
        Random rnd = new Random(name.hashCode());
        for (int threads = 1; threads <= 4; threads++) {
            try (ParallelLstm parallel = ParallelLstm.of(net, threads, 0)) {
                LstmWorkspace shared = parallel.newWorkspace(MAX_BATCH, MAX_STEPS);
                for (int batch = 1; batch <= MAX_BATCH; batch++) {
                    for (int variant = 0; variant < 2; variant++) {
                        int steps = 1 + rnd.nextInt(MAX_STEPS);
                        int[] lengths = variant == 1 ? RandomModels.lengths(rnd, batch, steps) : null;
                        // Spare state rows (which both must leave alone) and an exactly sized workspace now and then.
                        int stateRows = batch + rnd.nextInt(2);
                        LstmWorkspace ws = rnd.nextBoolean() ? shared : parallel.newWorkspace(batch, steps);
                        String where = name + ", threads " + threads + ", batch " + batch + ", steps " + steps
                                + (lengths == null ? "" : ", lengths");
                        assertSameForward(where, net, parallel, ws, rnd, batch, steps, lengths, stateRows);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamableNetworks")
    void stepMatchesTheWrappedNetworkBitwise(String name, LstmNetwork net) {
        Random rnd = new Random(name.hashCode() + 1);
        for (int threads = 1; threads <= 4; threads++) {
            try (ParallelLstm parallel = ParallelLstm.of(net, threads, 0)) {
                LstmWorkspace shared = parallel.newWorkspace(MAX_BATCH, 2);
                for (int batch = 1; batch <= MAX_BATCH; batch++) {
                    LstmState expected = net.newState(batch);
                    RandomModels.fillState(rnd, expected);
                    LstmState actual = copy(parallel.newState(batch), expected);
                    LstmWorkspace netWs = net.newWorkspace(batch, 1);
                    for (int t = 0; t < 3; t++) {
                        float[] input = random(rnd, batch * net.inputSize());
                        float[] want = new float[batch * net.outputSize()];
                        float[] got = new float[want.length];
                        net.step(input, expected, netWs, want);
                        parallel.step(input, actual, shared, got);
                        String where = name + ", threads " + threads + ", batch " + batch + ", step " + t;
                        assertArrayEquals(want, got, where + ": output");
                        assertSameState(where, expected, actual);
                    }
                    // A forward on the same workspace after steps, then a step again.
                    assertSameForward(name + " forward after step", net, parallel, shared, rnd, batch, 2, null, batch);
                }
            }
        }
    }

    @Test
    void anExecutorThatNeverRunsOrRejectsTasksCannotHangACall() {
        LstmNetwork net = Lstmc.compiler().interpreter(RandomModels.model(5, Features.all().withMaxSize(8)));
        Executor never = task -> { };
        Executor rejecting = task -> {
            throw new RejectedExecutionException("full");
        };
        Executor direct = Runnable::run;
        Random rnd = new Random(5);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (Executor executor : List.of(never, rejecting, direct)) {
                ParallelLstm parallel = ParallelLstm.of(net, 3, executor, 0);
                LstmWorkspace ws = parallel.newWorkspace(7, 4);
                for (int batch = 2; batch <= 7; batch++) {
                    assertSameForward("executor " + executor + ", batch " + batch, net, parallel, ws, rnd, batch, 4,
                            RandomModels.lengths(rnd, batch, 4), batch);
                }
            }
        });
    }

    /**
     * The caller claims parts itself right after queueing the others, so on a busy machine it can
     * take every part before a pool thread wakes up. Its first part therefore waits until a pool
     * thread has started one: if the parts never reach the pool, that wait fails.
     */
    @Test
    void aCallerSuppliedPoolIsUsedAndNotShutDown() throws Exception {
        LstmNetwork net = bytecode(RandomModels.model(6, Features.plain().withMaxSize(8)), "Pool");
        Thread caller = Thread.currentThread();
        CountDownLatch poolStarted = new CountDownLatch(1);
        Probe probe = new Probe(net) {
            @Override
            public void forward(float[] input, int batch, int steps, int[] lengths, LstmState state,
                                LstmWorkspace workspace, float[] output) {
                if (Thread.currentThread() != caller) {
                    poolStarted.countDown();
                } else {
                    try {
                        assertTrue(poolStarted.await(60, TimeUnit.SECONDS), "no part ran on the pool in 60 s");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                super.forward(input, batch, steps, lengths, state, workspace, output);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ParallelLstm parallel = ParallelLstm.of(probe, 3, pool, 0);
            assertEquals(3, parallel.parallelism());
            assertSame(probe, parallel.network());
            Random rnd = new Random(6);
            LstmWorkspace ws = parallel.newWorkspace(8, 3);
            for (int i = 0; i < 20; i++) {
                assertSameForward("pool call " + i, net, parallel, ws, rnd, 8, 3, null, 8);
            }
            parallel.close();
            assertFalse(pool.isShutdown(), "close() must leave a caller's executor alone");
            assertTrue(probe.threads.stream().anyMatch(t -> t != caller), "no part ran on the pool");
            assertThrows(IllegalStateException.class, () -> parallel.forward(new float[8 * 3 * net.inputSize()], 8, 3,
                    null, parallel.newState(8), ws, new float[8 * 3 * net.outputSize()]));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchOfOneRunsInlineOnTheCallersArrays() {
        LstmNetwork net = Lstmc.compiler().interpreter(RandomModels.model(7, Features.plain().withMaxSize(8)));
        Probe probe = new Probe(net);
        try (ParallelLstm parallel = ParallelLstm.of(probe, 4)) {
            float[] input = new float[5 * net.inputSize()];
            float[] output = new float[5 * net.outputSize()];
            LstmState state = parallel.newState(1);
            parallel.forward(input, 1, 5, null, state, parallel.newWorkspace(4, 5), output);
            assertEquals(Set.of(Thread.currentThread()), probe.threads);
            assertSame(input, probe.lastInput);
            assertSame(output, probe.lastOutput);
            assertSame(state, probe.lastState);
        }
    }

    /** Parts carry at least minimumPartWork multiply-adds: 4H(I+S) per row and step, summed over layers and directions. */
    @Test
    void callsTooSmallToSplitRunInlineAndLargerOnesSplitByTheirWork() {
        LstmNetwork net = Lstmc.compiler().interpreter(RandomModels.model(14,
                Features.plain().withMaxSize(8).withMaxLayers(2).with(Feature.BIDIRECTIONAL, Feature.PROJECTION)));
        long perRowStep = 0;
        int in = net.inputSize();
        for (int layer = 0; layer < net.layerCount(); layer++) {
            perRowStep += 4L * net.directionCount() * net.hiddenSize(layer) * (in + net.stateSize(layer));
            in = net.directionCount() * net.stateSize(layer);
        }
        Probe probe = new Probe(net);
        Random rnd = new Random(14);
        try (ParallelLstm parallel = ParallelLstm.of(probe, 4, 6 * perRowStep)) {
            assertEquals(6 * perRowStep, parallel.minimumPartWork());
            LstmWorkspace ws = parallel.newWorkspace(12, 3);
            // {batch, steps, parts}: row-steps / 6, at least 1, at most min(batch, 4); but when split at all,
            // into parts of at most 3 rows (the scratch of a 12-row workspace in 4 parts)
            int[][] cases = {{5, 1, 1}, {5, 2, 1}, {6, 2, 2}, {9, 2, 3}, {9, 3, 4}, {12, 3, 4}, {2, 3, 1}, {3, 2, 1},
                {12, 1, 4}, {8, 2, 3}, {12, 2, 4}, {11, 1, 1}};
            for (int[] c : cases) {
                probe.calls.set(0);
                assertSameForward("batch " + c[0] + ", steps " + c[1], net, parallel, ws, rnd, c[0], c[1], null, c[0]);
                assertEquals(c[2], probe.calls.get(), "parts of batch " + c[0] + ", steps " + c[1]);
            }
            probe.calls.set(0);
            probe.threads.clear();
            float[] input = new float[5 * net.inputSize()];
            float[] output = new float[5 * net.outputSize()];
            LstmState state = parallel.newState(5);
            parallel.forward(input, 5, 1, null, state, ws, output);
            assertSame(input, probe.lastInput, "an unsplit call works on the caller's arrays");
            assertSame(output, probe.lastOutput);
            assertSame(state, probe.lastState);
            assertEquals(Set.of(Thread.currentThread()), probe.threads);
        }
        try (ParallelLstm parallel = ParallelLstm.of(net, 2)) {
            assertEquals(ParallelLstm.DEFAULT_MINIMUM_PART_WORK, parallel.minimumPartWork());
        }
        assertEquals(ParallelLstm.DEFAULT_MINIMUM_PART_WORK, ParallelLstm.of(net, 2, Runnable::run).minimumPartWork());
        assertThrows(IllegalArgumentException.class, () -> ParallelLstm.of(net, 2, -1));
    }

    static Stream<Arguments> failures() {
        return Stream.of(Arguments.of((Supplier<Throwable>) () -> new IllegalStateException("boom")),
                Arguments.of((Supplier<Throwable>) () -> new AssertionError("boom")));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aFailureOnAWorkerReachesTheCaller(Supplier<Throwable> failure) {
        LstmNetwork net = Lstmc.compiler().interpreter(RandomModels.model(8, Features.plain().withMaxSize(8)));
        Thread caller = Thread.currentThread();
        CountDownLatch workerStarted = new CountDownLatch(1);
        AtomicBoolean failing = new AtomicBoolean(true);
        // While failing, the caller's part waits until a worker has started its part, so the failure is a worker's.
        LstmNetwork flaky = new Probe(net) {
            @Override
            public void forward(float[] input, int batch, int steps, int[] lengths, LstmState state,
                                LstmWorkspace workspace, float[] output) {
                if (failing.get() && Thread.currentThread() != caller) {
                    workerStarted.countDown();
                    Throwable t = failure.get();
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) t;
                }
                if (failing.get()) {
                    try {
                        assertTrue(workerStarted.await(20, TimeUnit.SECONDS), "no worker started");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                super.forward(input, batch, steps, lengths, state, workspace, output);
            }
        };
        Random rnd = new Random(8);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (ParallelLstm parallel = ParallelLstm.of(flaky, 2, 0)) {
                LstmWorkspace ws = parallel.newWorkspace(4, 3);
                float[] input = random(rnd, 4 * 3 * net.inputSize());
                Throwable thrown = assertThrows(Throwable.class, () -> parallel.forward(input, 4, 3, null,
                        parallel.newState(4), ws, new float[4 * 3 * net.outputSize()]));
                assertEquals(failure.get().getClass(), thrown.getClass());
                assertEquals("boom", thrown.getMessage());
                // The same instance and workspace keep working once the failure is gone.
                failing.set(false);
                for (int i = 0; i < 5; i++) {
                    assertSameForward("after a failure", net, parallel, ws, rnd, 4, 3, null, 4);
                }
            }
        });
    }

    @Test
    void closeStopsTheOwnedDaemonThreads() throws Exception {
        LstmNetwork net = Lstmc.compiler().interpreter(RandomModels.model(9, Features.plain().withMaxSize(8)));
        Set<Thread> before = parallelThreads();
        ParallelLstm parallel = ParallelLstm.of(net, 3, 0);
        Set<Thread> started = parallelThreads();
        started.removeAll(before);
        assertEquals(2, started.size(), "threads - 1 workers: " + started);
        for (Thread t : started) {
            assertTrue(t.isDaemon(), t + " must be a daemon thread");
        }
        Random rnd = new Random(9);
        assertSameForward("before close", net, parallel, parallel.newWorkspace(6, 2), rnd, 6, 2, null, 6);
        parallel.close();
        parallel.close(); // idempotent
        for (Thread t : started) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " still runs after close()");
        }
        LstmWorkspace ws = parallel.newWorkspace(6, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forward(
                new float[6 * 2 * net.inputSize()], 6, 2, null, parallel.newState(6), ws, new float[6 * 2 * net.outputSize()]));
        assertEquals("this ParallelLstm is closed", e.getMessage());
        // One thread owns none.
        Set<Thread> beforeSingle = parallelThreads();
        try (ParallelLstm single = ParallelLstm.of(net, 1)) {
            Set<Thread> after = parallelThreads();
            after.removeAll(beforeSingle);
            assertEquals(Set.of(), after);
            assertSameForward("one thread", net, single, single.newWorkspace(3, 2), rnd, 3, 2, null, 3);
        }
    }

    @Test
    void concurrentCallersWithTheirOwnWorkspacesGetSequentialResults() throws Exception {
        LstmNetwork net = bytecode(RandomModels.model(10, Features.all().withMaxSize(8).withMaxLayers(2)), "Shared");
        try (ParallelLstm parallel = ParallelLstm.of(net, 3, 0)) {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    long seed = c;
                    results.add(callers.submit(() -> {
                        Random rnd = new Random(seed);
                        LstmWorkspace ws = parallel.newWorkspace(MAX_BATCH, 4);
                        for (int i = 0; i < 25; i++) {
                            int batch = 1 + rnd.nextInt(MAX_BATCH);
                            assertSameForward("caller " + seed + " call " + i, net, parallel, ws, rnd, batch, 4,
                                    rnd.nextBoolean() ? RandomModels.lengths(rnd, batch, 4) : null, batch);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    /**
     * Per-part scratch lives in the workspace: once warm, a call allocates nothing. Measured with an
     * executor that never runs its tasks, so the caller computes every part itself and every part's
     * allocations are counted on it; a JDK pool would add its queue's, which the class comment allows
     * (its lock allocates a node on the caller whenever a worker contends for it, so how much
     * depends on scheduling, and on a busy machine it exceeded any fixed slack).
     */
    @Test
    void theCallerAllocatesNothingPerCallOnceWarm() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Model base = RandomModels.model(13, Features.plain().withMaxSize(8).withMaxLayers(2));
        for (Layout layout : Layout.values()) {
            LstmNetwork net = bytecode(new Model("random", base.layers(), layout), "Alloc" + layout.ordinal());
            try (ParallelLstm parallel = ParallelLstm.of(net, 3, task -> { }, 0)) {
                int batch = 8;
                int steps = 5;
                float[] input = random(new Random(13), batch * steps * net.inputSize());
                float[] output = new float[batch * steps * net.outputSize()];
                float[] stepOutput = new float[batch * net.outputSize()];
                int[] lengths = {5, 0, 3, 5, 1, 2, 4, 5};
                LstmState state = parallel.newState(batch);
                LstmWorkspace ws = parallel.newWorkspace(batch, steps);
                for (int i = 0; i < 2000; i++) {
                    parallel.forward(input, batch, steps, lengths, state, ws, output);
                    parallel.step(input, state, ws, stepOutput);
                }
                int calls = 200;
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < calls; i++) {
                    parallel.forward(input, batch, steps, lengths, state, ws, output);
                    parallel.step(input, state, ws, stepOutput);
                }
                long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                // One array per call would already be 400 allocations of 16+ bytes.
                assertTrue(allocated < 512, layout + ": " + allocated + " bytes in " + calls + " forward and step calls");
            }
        }
    }

    @Test
    void argumentErrorsAreTheWrappedNetworksOwn() {
        LstmNetwork net = bytecode(RandomModels.model(11, Features.plain().withMaxSize(8)), "Checked");
        try (ParallelLstm parallel = ParallelLstm.of(net, 2)) {
            int in = net.inputSize();
            int out = net.outputSize();
            List<Object[]> cases = List.of(
                    new Object[] {new float[3 * 2 * in - 1], 3, 2, null, new float[3 * 2 * out]},
                    new Object[] {new float[3 * 2 * in], 3, 2, null, new float[3 * 2 * out - 1]},
                    new Object[] {new float[3 * 2 * in], 3, 2, new int[] {2, 3, 0}, new float[3 * 2 * out]},
                    new Object[] {new float[3 * 2 * in], 3, 2, new int[] {2, 1}, new float[3 * 2 * out]},
                    new Object[] {new float[5 * 2 * in], 5, 2, null, new float[5 * 2 * out]},
                    new Object[] {new float[3 * 9 * in], 3, 9, null, new float[3 * 9 * out]},
                    new Object[] {new float[0], 0, 2, null, new float[0]});
            for (Object[] c : cases) {
                String expected = message(() -> net.forward((float[]) c[0], (int) c[1], (int) c[2], (int[]) c[3],
                        net.newState(4), net.newWorkspace(4, 3), (float[]) c[4]));
                String actual = message(() -> parallel.forward((float[]) c[0], (int) c[1], (int) c[2], (int[]) c[3],
                        parallel.newState(4), parallel.newWorkspace(4, 3), (float[]) c[4]));
                assertEquals(expected, actual);
            }
            assertEquals(message(() -> net.newWorkspace(0, 3)), message(() -> parallel.newWorkspace(0, 3)));
            // A workspace of the wrapped network (or any other) is refused before any work.
            String refused = message(() -> parallel.forward(new float[2 * in], 2, 1, null, parallel.newState(2),
                    net.newWorkspace(2, 1), new float[2 * out]));
            assertTrue(refused.contains("workspace"), refused);
            String foreign = message(() -> parallel.forward(new float[2 * in], 2, 1, null, parallel.newState(2),
                    new LstmWorkspace(2, 1, new int[0]), new float[2 * out]));
            assertTrue(foreign.contains("newWorkspace"), foreign);
        }
        LstmNetwork bidirectional = Lstmc.compiler().interpreter(RandomModels.model(12,
                Features.plain().withMaxSize(8).with(Feature.BIDIRECTIONAL).withProbability(1)));
        try (ParallelLstm parallel = ParallelLstm.of(bidirectional, 2)) {
            assertFalse(parallel.isStreamable());
            assertThrows(UnsupportedOperationException.class, () -> parallel.step(new float[2 * bidirectional.inputSize()],
                    parallel.newState(2), parallel.newWorkspace(2, 1), new float[2 * bidirectional.outputSize()]));
        }
        assertThrows(IllegalArgumentException.class, () -> ParallelLstm.of(net, 0));
        assertThrows(IllegalArgumentException.class, () -> ParallelLstm.of(null, 2));
        assertThrows(IllegalArgumentException.class, () -> ParallelLstm.of(net, 2, null));
    }

    /**
     * Runs one forward on {@code net} and on {@code parallel} from the same random initial state
     * (with {@code stateRows >= batch} rows) and asserts outputs and whole final states equal bitwise.
     */
    private static void assertSameForward(String where, LstmNetwork net, ParallelLstm parallel, LstmWorkspace ws,
                                          Random rnd, int batch, int steps, int[] lengths, int stateRows) {
        float[] input = random(rnd, batch * steps * net.inputSize());
        LstmState expected = net.newState(stateRows);
        RandomModels.fillState(rnd, expected);
        LstmState actual = copy(parallel.newState(stateRows), expected);
        float[] want = new float[batch * steps * net.outputSize()];
        float[] got = random(rnd, want.length); // garbage that every output value must overwrite
        net.forward(input, batch, steps, lengths == null ? null : lengths.clone(), expected,
                net.newWorkspace(batch, steps), want);
        parallel.forward(input, batch, steps, lengths, actual, ws, got);
        assertArrayEquals(want, got, where + ": output");
        assertSameState(where, expected, actual);
        assertNotEquals(0, want.length);
    }

    private static void assertSameState(String where, LstmState expected, LstmState actual) {
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.hidden(k), actual.hidden(k), where + ": hidden(" + k + ")");
            assertArrayEquals(expected.cell(k), actual.cell(k), where + ": cell(" + k + ")");
        }
    }

    private static LstmState copy(LstmState target, LstmState source) {
        for (int k = 0; k < source.size(); k++) {
            System.arraycopy(source.hidden(k), 0, target.hidden(k), 0, source.hidden(k).length);
            System.arraycopy(source.cell(k), 0, target.cell(k), 0, source.cell(k).length);
        }
        return target;
    }

    private static float[] random(Random rnd, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = rnd.nextFloat() * 2 - 1;
        }
        return values;
    }

    private static String message(Runnable call) {
        return assertThrows(RuntimeException.class, call::run).getMessage();
    }

    private static Set<Thread> parallelThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lstmc-parallel-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** Delegates to a network and records which threads called forward and with which arrays. */
    private static class Probe implements LstmNetwork {
        final LstmNetwork net;
        final Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        volatile float[] lastInput;
        volatile float[] lastOutput;
        volatile LstmState lastState;

        Probe(LstmNetwork net) {
            this.net = net;
        }

        @Override
        public int inputSize() {
            return net.inputSize();
        }

        @Override
        public int outputSize() {
            return net.outputSize();
        }

        @Override
        public int layerCount() {
            return net.layerCount();
        }

        @Override
        public int directionCount() {
            return net.directionCount();
        }

        @Override
        public int hiddenSize(int layer) {
            return net.hiddenSize(layer);
        }

        @Override
        public int cellSize(int layer) {
            return net.cellSize(layer);
        }

        @Override
        public int stateSize(int layer) {
            return net.stateSize(layer);
        }

        @Override
        public String modelDigest() {
            return net.modelDigest();
        }

        @Override
        public Layout layout() {
            return net.layout();
        }

        @Override
        public boolean isStreamable() {
            return net.isStreamable();
        }

        @Override
        public LstmState newState(int batch) {
            return net.newState(batch);
        }

        @Override
        public LstmWorkspace newWorkspace(int batch, int maxSequenceLength) {
            return net.newWorkspace(batch, maxSequenceLength);
        }

        @Override
        public float[][][] forward(float[][][] input) {
            return net.forward(input);
        }

        @Override
        public void forward(float[] input, int batch, int steps, int[] lengths, LstmState state,
                            LstmWorkspace workspace, float[] output) {
            threads.add(Thread.currentThread());
            calls.incrementAndGet();
            lastInput = input;
            lastOutput = output;
            lastState = state;
            net.forward(input, batch, steps, lengths, state, workspace, output);
        }

        @Override
        public void step(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
            threads.add(Thread.currentThread());
            net.step(input, state, workspace, output);
        }

        @Override
        public int vocabularySize() {
            return net.vocabularySize();
        }

        @Override
        public boolean reducesTime() {
            return net.reducesTime();
        }

        @Override
        public float[][][] forward(int[][] tokens) {
            return net.forward(tokens);
        }

        @Override
        public float[][] predict(float[][][] input) {
            return net.predict(input);
        }

        @Override
        public float[][] predict(int[][] tokens) {
            return net.predict(tokens);
        }

        @Override
        public void forwardTokens(int[] tokens, int batch, int steps, int[] lengths, LstmState state,
                                  LstmWorkspace workspace, float[] output) {
            net.forwardTokens(tokens, batch, steps, lengths, state, workspace, output);
        }

        @Override
        public void stepTokens(int[] tokens, LstmState state, LstmWorkspace workspace, float[] output) {
            net.stepTokens(tokens, state, workspace, output);
        }
    }
}

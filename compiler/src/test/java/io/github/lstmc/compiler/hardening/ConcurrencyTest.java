package io.github.lstmc.compiler.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The threading contract of {@link LstmNetwork}: one instance shared by many threads, each with its
 * own {@link LstmState} and {@link LstmWorkspace}, computes exactly (bitwise) what sequential use
 * computes. A generated class with shared mutable scratch (a static or instance buffer) fails this
 * with garbled outputs; it is also checked structurally: every field of a generated class is final.
 */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 4;

    static Stream<Arguments> networks() {
        RandomModels.Features all = RandomModels.Features.all().withMaxSize(16).withMaxLayers(2).withProbability(0.7);
        RandomModels.Features plain = RandomModels.Features.plain().withMaxSize(16).withMaxLayers(2)
                .with(RandomModels.Feature.PROJECTION, RandomModels.Feature.PEEPHOLES);
        List<Arguments> args = new ArrayList<>();
        for (Model model : List.of(RandomModels.model(31, all), RandomModels.model(32, plain))) {
            for (Backend backend : Backend.values()) {
                args.add(Arguments.of(backend.name().toLowerCase(java.util.Locale.ROOT), model,
                        Lstmc.compiler().instantiate(model, new CompileOptions("lstmc.concurrency", "Shared", backend, 8))));
            }
            args.add(Arguments.of("interpreter", model, Lstmc.compiler().interpreter(model)));
        }
        return args.stream();
    }

    /** The generated networks of {@link #networks()}: the interpreter is hand-written, not generated. */
    static Stream<Arguments> generatedNetworks() {
        return networks().filter(args -> !args.get()[0].equals("interpreter"));
    }

    /** One unit of work: a forward pass (and, when streamable, the same sequence stepped). */
    private record Task(float[] input, int batch, int steps, int[] lengths, float[][] h0, float[][] c0) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void sharedInstanceMatchesSequentialUseBitwise(String engine, Model model, LstmNetwork net) throws Exception {
        List<Task> tasks = new ArrayList<>();
        Random rnd = new Random(engine.hashCode() * 31L + model.inputSize());
        for (int i = 0; i < THREADS * 3; i++) {
            tasks.add(task(rnd, net, 1 + rnd.nextInt(4), 1 + rnd.nextInt(7)));
        }
        List<float[]> expected = new ArrayList<>();
        for (Task t : tasks) {
            expected.add(run(net, t));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<String>> results = new ArrayList<>();
                for (int th = 0; th < THREADS; th++) {
                    int first = th;
                    Callable<String> worker = () -> {
                        start.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            // each thread walks the tasks from a different offset, so threads run different sizes at once
                            for (int k = 0; k < tasks.size(); k++) {
                                int i = (first * 3 + k) % tasks.size();
                                float[] got = run(net, tasks.get(i));
                                if (!bitwiseEqual(expected.get(i), got)) {
                                    return "thread " + first + ", round " + round + ", task " + i + " differs";
                                }
                            }
                        }
                        return null;
                    };
                    results.add(pool.submit(worker));
                }
                for (Future<String> f : results) {
                    String problem = f.get();
                    assertEquals(null, problem, engine);
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedNetworks") // the interpreter's threading is covered by the bitwise test above
    void generatedClassesHoldNoMutableFields(String engine, Model model, LstmNetwork net) {
        for (Class<?> c = net.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isFinal(f.getModifiers()) && f.getName().startsWith("$packed")) {
                    // the bytecode back end's packed weight text: a static field <clinit> clears after decoding, so
                    // that the text can be collected; it is null from then on and never written again
                    assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isPrivate(f.getModifiers()),
                            () -> engine + ": packed field " + f.getName() + " must be private static");
                    f.setAccessible(true);
                    assertNull(get(f), () -> engine + ": packed field " + f.getName() + " still holds its text");
                    continue;
                }
                assertTrue(Modifier.isFinal(f.getModifiers()),
                        () -> engine + ": field " + f.getName() + " of " + f.getDeclaringClass().getName() + " is not final");
                assertTrue(!LstmState.class.isAssignableFrom(f.getType()) && !LstmWorkspace.class.isAssignableFrom(f.getType()),
                        () -> engine + ": field " + f.getName() + " holds per-call state");
            }
        }
    }

    private static Object get(Field f) {
        try {
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static Task task(Random rnd, LstmNetwork net, int batch, int steps) {
        float[] input = new float[batch * steps * net.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) rnd.nextGaussian();
        }
        int[] lengths = rnd.nextBoolean() ? null : RandomModels.lengths(rnd, batch, steps);
        LstmState shape = net.newState(batch);
        float[][] h0 = new float[shape.size()][];
        float[][] c0 = new float[shape.size()][];
        for (int k = 0; k < shape.size(); k++) {
            h0[k] = new float[shape.hidden(k).length];
            c0[k] = new float[shape.cell(k).length];
            for (int j = 0; j < h0[k].length; j++) {
                h0[k][j] = (float) rnd.nextGaussian() * 0.5f;
            }
            for (int j = 0; j < c0[k].length; j++) {
                c0[k][j] = (float) rnd.nextGaussian() * 0.5f;
            }
        }
        return new Task(input, batch, steps, lengths, h0, c0);
    }

    /** Output, final hidden and final cell states (and, if streamable, the stepped outputs), concatenated. */
    private static float[] run(LstmNetwork net, Task t) {
        LstmState state = net.newState(t.batch);
        for (int k = 0; k < state.size(); k++) {
            System.arraycopy(t.h0[k], 0, state.hidden(k), 0, t.h0[k].length);
            System.arraycopy(t.c0[k], 0, state.cell(k), 0, t.c0[k].length);
        }
        LstmWorkspace workspace = net.newWorkspace(t.batch, t.steps);
        float[] output = new float[t.batch * t.steps * net.outputSize()];
        net.forward(t.input, t.batch, t.steps, t.lengths, state, workspace, output);
        List<float[]> parts = new ArrayList<>(List.of(output));
        for (int k = 0; k < state.size(); k++) {
            parts.add(state.hidden(k).clone());
            parts.add(state.cell(k).clone());
        }
        if (net.isStreamable()) {
            LstmState streamed = net.newState(t.batch);
            LstmWorkspace one = net.newWorkspace(t.batch, 1);
            float[] x = new float[t.batch * net.inputSize()];
            float[] y = new float[t.batch * net.outputSize()];
            for (int step = 0; step < t.steps; step++) {
                System.arraycopy(t.input, step * x.length, x, 0, x.length);
                net.step(x, streamed, one, y);
                parts.add(y.clone());
            }
        }
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static boolean bitwiseEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }
}

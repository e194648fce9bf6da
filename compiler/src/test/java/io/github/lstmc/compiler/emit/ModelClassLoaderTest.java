package io.github.lstmc.compiler.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Generated classes live in a loader of their own: isolated, resource-serving, collectable. */
class ModelClassLoaderTest {
    private static final CompileOptions OPTIONS =
            CompileOptions.of("lstmc.loader", "Net").withBackend(Backend.BYTECODE);

    private static GeneratedCode code(long seed) {
        Model model = RandomModels.model(new Random(seed), RandomModels.Features.plain().withMaxSize(4));
        return Lstmc.compiler().generate(model, OPTIONS);
    }

    @Test
    void eachLoaderDefinesItsOwnCopyAndSharesTheRuntime() {
        GeneratedCode code = code(1);
        LstmNetwork a = new ModelClassLoader(code).newNetwork(OPTIONS.qualifiedName());
        LstmNetwork b = new ModelClassLoader(code).newNetwork(OPTIONS.qualifiedName());
        assertNotSame(a.getClass(), b.getClass(), "same name, separate classes");
        assertEquals(a.getClass().getName(), b.getClass().getName());
        assertSame(LstmNetwork.class.getClassLoader(), a.getClass().getSuperclass().getClassLoader(),
                "the runtime comes from the parent");
    }

    @Test
    void servesNonClassFilesAsResources() throws Exception {
        GeneratedCode code = new GeneratedCode(List.of(code(2).files().get(0),
                new GeneratedFile("lstmc/loader/Net.weights", "packed".getBytes(StandardCharsets.UTF_8))));
        ModelClassLoader loader = new ModelClassLoader(code);
        try (InputStream in = loader.getResourceAsStream("lstmc/loader/Net.weights")) {
            assertArrayEquals("packed".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        Class<?> net = loader.loadClass(OPTIONS.qualifiedName());
        try (InputStream in = net.getResourceAsStream("Net.weights")) {
            assertArrayEquals("packed".getBytes(StandardCharsets.UTF_8), in.readAllBytes(),
                    "what a generated class would read with getResourceAsStream");
        }
        assertNull(loader.getResourceAsStream("lstmc/loader/Missing.weights"));
    }

    @Test
    void refusesWhatIsNotANetwork() {
        ModelClassLoader loader = new ModelClassLoader(code(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loader.newNetwork("lstmc.loader.Nope"));
        assertTrue(e.getMessage().contains("lstmc.loader.Nope"), e.getMessage());
    }

    /**
     * Collection is up to the JVM, and a busy machine may need more than a few quick collections to
     * clear a class (a concurrent cycle, or a collector starved of CPU): it asks for collections
     * until one class's reference is enqueued, for up to a minute, instead of for a fixed time.
     */
    @Test
    void droppedModelsAreCollected() throws Exception {
        ReferenceQueue<Class<?>> cleared = new ReferenceQueue<>();
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LstmNetwork net = new ModelClassLoader(code(4)).newNetwork(OPTIONS.qualifiedName());
            net.forward(new float[][][] {{new float[net.inputSize()]}});
            classes.add(new WeakReference<>(net.getClass(), cleared));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Reference<?> gone = null;
        while (gone == null && System.nanoTime() < deadline) {
            System.gc();
            gone = cleared.remove(100);
        }
        assertTrue(gone != null && classes.stream().anyMatch(r -> r.get() == null),
                "no generated class was unloaded in 60 s");
    }
}

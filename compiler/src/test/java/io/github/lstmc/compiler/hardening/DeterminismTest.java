package io.github.lstmc.compiler.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.testing.Goldens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same model compiles to the same bytes: twice in one JVM, and on another JDK (Temurin 25 in
 * a child JVM, with this test's class path) — for both back ends, for random models with every
 * feature and for models loaded from each file format. Generated files go into version control and
 * build caches; output that changed with the JDK or the run would defeat both.
 */
class DeterminismTest {
    /** The second JDK; the test is skipped (with a message) where it is not installed. */
    static final Path OTHER_JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path dir;

    private static List<String> modelFiles() {
        Path root = Goldens.root();
        return List.of(
                root.resolve("pytorch/projection_bidirectional_stacked/model.safetensors").toString(),
                root.resolve("onnx-export/bidirectional_layers2_state/model.onnx").toString(),
                root.resolve("burn/lstm_clip_relu/model.safetensors") + DeterminismProbe.CONFIG_SEPARATOR
                        + root.resolve("burn/lstm_clip_relu/config.json"));
    }

    @Test
    void twiceInOneJvmGiveTheSameBytes() throws Exception {
        DeterminismProbe.generate(dir.resolve("a"), modelFiles());
        DeterminismProbe.generate(dir.resolve("b"), modelFiles());
        assertSameTree(dir.resolve("a"), dir.resolve("b"));
    }

    @Test
    void anotherJdkGivesTheSameBytes() throws Exception {
        Path java = OTHER_JDK.resolve("bin/java");
        Assumptions.assumeTrue(Files.isExecutable(java),
                () -> "skipped: no second JDK at " + OTHER_JDK + " to compare generated code with");
        Path here = dir.resolve("jdk" + Runtime.version().feature());
        Path there = dir.resolve("other-jdk");
        DeterminismProbe.generate(here, modelFiles());

        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName(), there.toString()));
        command.addAll(modelFiles());
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, () -> "child JVM did not finish in 180 s:\n" + output);
        assertEquals(0, child.exitValue(), () -> "child JVM failed:\n" + output);
        assertTrue(output.isEmpty() || !output.contains("Exception"), output);
        assertSameTree(here, there);
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = files(expected);
        Map<String, byte[]> b = files(actual);
        assertEquals(a.keySet(), b.keySet(), "generated file sets differ");
        assertTrue(a.size() >= 2 * (DeterminismProbe.SEEDS.length + 3), () -> "too few files: " + a.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), () -> name + " differs");
        }
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }
}

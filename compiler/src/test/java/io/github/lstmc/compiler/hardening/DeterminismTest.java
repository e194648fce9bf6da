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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same model compiles to the same bytes: twice in one JVM, and on another JDK (in a child JVM,
 * with this test's class path; {@link #otherJdk()} says where it is found, e.g. Temurin 25) — for
 * both back ends, for random models with every feature and for models loaded from each file format.
 * Generated files go into version control and build caches; output that changed with the JDK or the
 * run would defeat both.
 */
class DeterminismTest {
    /** A JDK home to compare with, overriding the search of {@link #otherJdk()}. */
    static final String OTHER_JDK_PROPERTY = "lstmc.otherJdk";

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
        Optional<Path> other = otherJdk();
        if (other.isEmpty()) {
            String why = "DeterminismTest: skipped the comparison with another JDK: none found (set -D"
                    + OTHER_JDK_PROPERTY + "=<JDK home>, a JAVA_HOME_<version>_<arch> variable, a Maven toolchain,"
                    + " or install one under /usr/lib/jvm)";
            System.out.println(why); // in the build log too, not only in the report
            Assumptions.abort(why);
        }
        Path java = other.get().resolve("bin/java");
        assertTrue(Files.isExecutable(java), () -> java + " is not executable");
        System.out.println("DeterminismTest: comparing with the JDK at " + other.get());
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

    /**
     * The JDK to compare with: the one {@code -Dlstmc.otherJdk} names, else the first JDK 17+ of a
     * feature version other than this one's found in {@code JAVA_HOME_<version>_<arch>} variables (as
     * CI toolchain set-ups export them), in {@code ~/.m2/toolchains.xml}, then under
     * {@code /usr/lib/jvm} (newest first).
     */
    static Optional<Path> otherJdk() throws IOException {
        String chosen = System.getProperty(OTHER_JDK_PROPERTY, "");
        if (!chosen.isBlank()) {
            return Optional.of(Path.of(chosen));
        }
        List<Path> candidates = new ArrayList<>();
        new TreeMap<>(System.getenv()).forEach((name, value) -> {
            if (name.matches("JAVA_HOME_\\d+_\\w+") && !value.isBlank()) {
                candidates.add(Path.of(value));
            }
        });
        Path toolchains = Path.of(System.getProperty("user.home"), ".m2", "toolchains.xml");
        if (Files.isRegularFile(toolchains)) {
            Matcher home = Pattern.compile("<jdkHome>\\s*([^<]+?)\\s*</jdkHome>").matcher(Files.readString(toolchains));
            while (home.find()) {
                candidates.add(Path.of(home.group(1)));
            }
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.sorted(Comparator.comparingInt(DeterminismTest::featureVersion).reversed()).forEach(candidates::add);
            }
        }
        int here = Runtime.version().feature();
        return candidates.stream()
                .filter(home -> Files.isExecutable(home.resolve("bin/java")) && featureVersion(home) >= 17
                        && featureVersion(home) != here) // 17: the release the tests are compiled for
                .findFirst();
    }

    /** The feature version in a JDK's {@code release} file (8 for "1.8.0_x"), or 0 when it has none. */
    private static int featureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                Matcher m = Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+).*").matcher(line);
                if (m.matches()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK home
        }
        return 0;
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

package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.testing.Goldens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failed compile must leave the previous output exactly as it was: same files, same bytes, same
 * timestamps (so incremental builds do not recompile), and no temporary files.
 */
class AtomicOutputTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"source", "bytecode"})
    void brokenModelLeavesThePreviousOutputIntact(String backend) throws IOException {
        Path model = dir.resolve("tagger.safetensors");
        Files.copy(Goldens.root().resolve("pytorch/basic/model.safetensors"), model);
        Path out = dir.resolve("generated");
        Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", backend).assertOk();
        Map<Path, byte[]> before = snapshot(out);
        Map<Path, FileTime> times = times(out);
        assertEquals(1, before.size(), () -> "expected one generated file: " + before.keySet());

        byte[] good = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(good, good.length - 10)); // same name, now truncated
        Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", backend)
                .assertUserError("tagger.safetensors");

        Map<Path, byte[]> after = snapshot(out);
        assertEquals(before.keySet(), after.keySet(), "files added or removed by a failed compile");
        for (Path p : before.keySet()) {
            assertArrayEquals(before.get(p), after.get(p), () -> p + " changed");
        }
        assertEquals(times, times(out), "timestamps changed by a failed compile");

        // and a successful recompile of the unchanged model does not touch the file either
        Files.write(model, good);
        Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", backend).assertOk();
        assertEquals(times, times(out), "an unchanged file was rewritten");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Evil/../../X", "class", "a.b"})
    void badClassNamesWriteNothing(String className) throws IOException {
        Path out = dir.resolve("fresh");
        Cli.run("compile", Goldens.root().resolve("pytorch/basic/model.safetensors").toString(), "--out", out.toString(),
                "--class", className).assertUserError("--class");
        assertTrue(Files.notExists(out), "output directory created for a refused class name");
    }

    private static Map<Path, byte[]> snapshot(Path root) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static Map<Path, FileTime> times(Path root) throws IOException {
        Map<Path, FileTime> times = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                times.put(root.relativize(p), Files.getLastModifiedTime(p));
            }
        }
        return times;
    }
}

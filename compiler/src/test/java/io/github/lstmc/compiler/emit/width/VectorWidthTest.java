package io.github.lstmc.compiler.emit.width;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vector API tier gives the same bits whatever vector width the JVM runs with: {@link VectorWidthProbe}
 * runs in child JVMs with the widths HotSpot lets one select on x86 ({@code -XX:MaxVectorSize=16} and
 * {@code 32}, {@code -XX:UseAVX=0/1/2}; {@code MaxVectorSize=64} is also passed, which an AVX2 machine clamps to
 * 32 with a warning and an AVX-512 machine honours), and every model's digest of output and state bits must be
 * the same in every child, for the Vector API tier through both back ends and for the default tier. Each
 * child's preferred species is reported in the failure message (and printed). No timing: each child runs a
 * fixed number of calls, with a generous bound on its wall time for a busy machine. An AVX2 machine cannot
 * select 512 bits; 128 bits ({@code MaxVectorSize=16}, {@code UseAVX=0/1}) stands in for NEON.
 */
class VectorWidthTest {
    /** Flags per child; the first is the JVM's default width, which the others are compared with. */
    private static final List<List<String>> WIDTHS = widths();

    private static List<List<String>> widths() {
        List<List<String>> widths = new ArrayList<>(List.of(List.of(), List.of("-XX:MaxVectorSize=16"),
                List.of("-XX:MaxVectorSize=32"), List.of("-XX:MaxVectorSize=64")));
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            widths.add(List.of("-XX:UseAVX=0"));
            widths.add(List.of("-XX:UseAVX=1"));
            widths.add(List.of("-XX:UseAVX=2"));
        }
        return widths;
    }

    @Test
    void everyVectorWidthGivesTheSameBits(@TempDir Path dir) throws Exception {
        Map<String, String> reference = null;
        String referenceSpecies = null;
        for (List<String> flags : WIDTHS) {
            List<String> lines = run(dir, flags);
            String species = lines.get(0);
            Map<String, String> digests = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] parts = line.split(" ");
                digests.put(parts[0] + " " + parts[1], parts[2]);
            }
            assertEquals(VectorWidthProbe.MODELS * 3, digests.size(), flags + ": " + lines);
            for (Map.Entry<String, String> e : digests.entrySet()) {
                assertTrue(e.getValue().matches("[0-9a-f]{64}"), flags + " " + e.getKey() + ": " + e.getValue());
            }
            if (reference == null) {
                reference = digests;
                referenceSpecies = species;
            } else {
                assertEquals(reference, digests, flags + " (" + species + ") against the default ("
                        + referenceSpecies + ")");
            }
        }
    }

    /** The probe's lines (species first, then one per model and engine) in a child JVM with {@code flags}. */
    private static List<String> run(Path dir, List<String> flags) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-XX:-BackgroundCompilation", "-Xshare:auto"));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorWidthProbe.class.getName()));
        // SSE only: no FMA instruction, so every Math.fma and vector fma runs in software (BigDecimal)
        command.add(String.valueOf(flags.contains("-XX:UseAVX=0") ? 3 : VectorWidthProbe.CALLS));
        Path log = dir.resolve("child" + String.join("", flags).replace(':', '_') + ".log");
        Process child = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile())
                .redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        String errors = Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
        assertTrue(finished, () -> flags + ": child JVM did not finish in 300 s:\n" + output + errors);
        assertEquals(0, child.exitValue(), () -> flags + ": child JVM failed (the two back ends disagree, or an "
                + "exception):\n" + output + errors);
        List<String> lines = output.lines().toList();
        System.out.println(flags + ": " + (lines.isEmpty() ? "no output" : lines.get(0)));
        assertTrue(!lines.isEmpty() && lines.get(0).startsWith("species "), () -> flags + ":\n" + output + errors);
        return lines;
    }
}

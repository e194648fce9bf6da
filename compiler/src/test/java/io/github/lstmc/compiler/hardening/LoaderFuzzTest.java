package io.github.lstmc.compiler.hardening;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Goldens;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of every loader, seeded with the valid fixtures (goldens and ONNX node tests).
 * The property: every input either loads to a valid model (which then runs on the interpreter) or
 * fails with an {@link LstmcException} whose message is one line naming the file. Any other
 * exception or error (OutOfMemoryError, StackOverflowError, NullPointerException, ...) or an input
 * taking longer than {@value #TIMEOUT_SECONDS} s to load is a failure; the offending input is saved
 * under {@code target/fuzz-failures/} and the report gives the seed that reproduces it.
 *
 * <p>{@code mvn verify} tries a fixed number of inputs per loader ({@value #DEFAULT_ITERATIONS}, a few
 * seconds), never a time budget: the same build must try the same inputs on a fast machine and on a
 * busy one, or a failing seed would turn up only now and then. For release checks run longer, e.g.
 * {@code mvn -B -pl compiler -am test -Dtest=LoaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dlstmc.fuzz.iterations=1000000} (a few hundred to a few thousand inputs per second per loader);
 * {@code -Dlstmc.fuzz.seconds=N} runs for a time budget instead (for local runs only) and
 * {@code -Dlstmc.fuzz.seed=S} sets the first seed.
 *
 * <p>Jazzer's JUnit integration was not used: it is not in the offline Maven repository this
 * project builds from, and a seeded mutation loop needs no agent and reproduces from a seed.
 */
class LoaderFuzzTest {
    static final int TIMEOUT_SECONDS = 20;
    static final long DEFAULT_ITERATIONS = 1500;
    /** A time budget in seconds when set (and no iteration count is), else 0. */
    private static final double SECONDS = Double.parseDouble(System.getProperty("lstmc.fuzz.seconds", "0"));
    private static final long ITERATIONS = Long.getLong("lstmc.fuzz.iterations",
            System.getProperty("lstmc.fuzz.seconds") == null ? DEFAULT_ITERATIONS : 0);
    private static final long FIRST_SEED = Long.getLong("lstmc.fuzz.seed", 20261129L);
    /** Distinct failure signatures reported at most, so a report stays readable. */
    private static final int MAX_REPORTED = 10;

    @TempDir
    Path dir;

    /** One fuzz target: makes the i-th mutated input from its seed, then loads it. */
    private interface Target {
        /** Writes a mutated input into the directory and loads it; returns what to check the message for. */
        void run(Random rnd, Path dir) throws Exception;
    }

    // ------------------------------------------------------------------ targets

    @Test
    void pytorchSafetensors() {
        List<Goldens.Case> seeds = Goldens.cases("pytorch").stream()
                .filter(c -> size(c.model()) < 20_000).toList();
        fuzz("pytorch", (rnd, dir) -> {
            Goldens.Case seed = seeds.get(rnd.nextInt(seeds.size()));
            Mutator m = new Mutator(rnd);
            Path file = dir.resolve("fuzz.safetensors");
            Files.write(file, m.safetensors(Files.readAllBytes(seed.model())));
            LoadOptions options = seed.loadOptions();
            checkModel(Lstmc.compiler().load(file, options));
        }, "fuzz.safetensors");
    }

    @Test
    void burnConfigAndWeights() {
        List<Goldens.Case> seeds = Goldens.cases("burn");
        fuzz("burn", (rnd, dir) -> {
            Goldens.Case seed = seeds.get(rnd.nextInt(seeds.size()));
            Mutator m = new Mutator(rnd);
            byte[] config = Files.readAllBytes(seed.config());
            byte[] weights = Files.readAllBytes(seed.model());
            switch (rnd.nextInt(3)) {
                case 0 -> config = m.jsonFile(config);
                case 1 -> weights = m.safetensors(weights);
                default -> {
                    config = m.jsonFile(config);
                    weights = m.safetensors(weights);
                }
            }
            Files.write(dir.resolve("fuzz.json"), config);
            Files.write(dir.resolve("fuzz.safetensors"), weights);
            checkModel(Lstmc.compiler().load(dir.resolve("fuzz.json")));
        }, "fuzz.");
    }

    @Test
    void onnx() throws IOException {
        List<Path> seeds = new ArrayList<>();
        Goldens.cases("onnx-export").forEach(c -> seeds.add(c.model()));
        Path nodeTests = Goldens.root().resolveSibling("onnx-node-tests");
        try (Stream<Path> cases = Files.list(nodeTests)) {
            cases.map(c -> c.resolve("model.onnx")).filter(Files::exists).sorted().forEach(seeds::add);
        }
        Map<Path, ModelProto> parsed = new LinkedHashMap<>();
        for (Path p : seeds) {
            parsed.put(p, ModelProto.parseFrom(Files.readAllBytes(p)));
        }
        fuzz("onnx", (rnd, dir) -> {
            Path seed = seeds.get(rnd.nextInt(seeds.size()));
            Mutator m = new Mutator(rnd);
            byte[] bytes = rnd.nextInt(3) > 0
                    ? m.protobuf(parsed.get(seed)).toByteArray()
                    : m.bytes(Files.readAllBytes(seed));
            Path file = dir.resolve("fuzz.onnx");
            Files.write(file, bytes);
            checkModel(Lstmc.compiler().load(file));
        }, "fuzz.onnx");
    }

    @Test
    void runInputJson() throws Exception {
        List<Goldens.Case> cases = new ArrayList<>();
        cases.addAll(Goldens.cases("burn"));
        cases.addAll(Goldens.cases("pytorch").stream().filter(c -> size(c.model()) < 20_000).toList());
        List<LstmNetwork> networks = new ArrayList<>();
        for (Goldens.Case c : cases) {
            networks.add(Lstmc.compiler().interpreter(Lstmc.compiler().load(c.model(), c.loadOptions())));
        }
        fuzz("run-input", (rnd, dir) -> {
            int k = rnd.nextInt(cases.size());
            Mutator m = new Mutator(rnd);
            Path file = dir.resolve("fuzz-input.json");
            Files.write(file, m.jsonFile(Files.readAllBytes(cases.get(k).input())));
            Runner.run(networks.get(k), RunInput.read(file), file.getFileName().toString());
        }, "fuzz-input.json");
    }

    // ------------------------------------------------------------------ the loop

    private void fuzz(String name, Target target, String fileFragment) {
        long deadline = System.nanoTime() + (long) (SECONDS * 1e9);
        Map<String, String> failures = new LinkedHashMap<>();
        long runs = 0;
        long loaded = 0;
        for (long i = 0; ITERATIONS > 0 ? i < ITERATIONS : System.nanoTime() < deadline; i++) {
            long seed = FIRST_SEED + i;
            Path work = dir.resolve(name + "-" + (i % 2));
            String outcome;
            try {
                Files.createDirectories(work);
                outcome = assertTimeoutPreemptively(Duration.ofSeconds(TIMEOUT_SECONDS), () -> attempt(target, seed, work, fileFragment),
                        () -> name + " seed " + seed + ": load did not finish in " + TIMEOUT_SECONDS + " s");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            runs++;
            if (outcome == null) {
                loaded++;
            } else if (!outcome.isEmpty()) {
                String signature = outcome.lines().findFirst().orElse(outcome);
                if (!failures.containsKey(signature) && failures.size() < MAX_REPORTED) {
                    failures.put(signature, "seed " + seed + " (saved as " + save(name, seed, work) + "):\n" + outcome);
                }
            }
        }
        System.out.printf("fuzz %s: %d inputs, %d loaded, %d distinct failures%n", name, runs, loaded, failures.size());
        assertTrue(failures.isEmpty(), () -> name + ": " + failures.size() + " distinct failure(s):\n"
                + String.join("\n\n", failures.values()));
        assertTrue(runs > 0, "no input was tried");
    }

    /** Null if the input loaded, "" if it was refused properly, else a description of the failure. */
    private static String attempt(Target target, long seed, Path work, String fileFragment) {
        try {
            target.run(new Random(seed), work);
            return null;
        } catch (LstmcException e) {
            String message = e.getMessage();
            if (message == null || message.isBlank()) {
                return "LstmcException without a message";
            }
            if (message.contains("\n") || message.contains("\r")) {
                return "LstmcException message spans several lines: " + message;
            }
            if (!message.contains(fileFragment)) {
                return "LstmcException message does not name the file (" + fileFragment + "): " + message;
            }
            return "";
        } catch (Throwable t) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            String[] lines = trace.toString().split("\n");
            StringBuilder b = new StringBuilder(t.getClass().getName());
            for (String line : lines) {
                if (line.contains("io.github.lstmc.compiler") && !line.contains("hardening")) {
                    b.append(" ").append(line.trim());
                    break;
                }
            }
            b.append('\n');
            for (int k = 0; k < Math.min(lines.length, 25); k++) {
                b.append(lines[k]).append('\n');
            }
            return b.toString();
        }
    }

    /** Runs a model that loaded: valid models must run (here on the interpreter, one short sequence). */
    private static void checkModel(Model model) {
        LstmNetwork net = Lstmc.compiler().interpreter(model);
        float[][][] out = net.forward(new float[1][2][model.inputSize()]);
        assertFalse(out.length != 1 || out[0].length != 2 || out[0][0].length != model.outputSize(), "output shape");
    }

    private static String save(String name, long seed, Path work) {
        try {
            Path target = Path.of("target", "fuzz-failures", name + "-" + seed);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target.toString();
        } catch (IOException e) {
            return "(not saved: " + e.getMessage() + ")";
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

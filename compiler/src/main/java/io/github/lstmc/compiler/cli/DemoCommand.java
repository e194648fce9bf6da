package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.JavaNames;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lstmc demo}: the whole tool chain on a small trained model bundled in the jar — summary,
 * generated files, agreement with PyTorch and between engines, and a quick speed comparison.
 * Parts that this build lacks (an engine, a back end) are listed as not available.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compile the bundled sample model (a PyTorch LSTM forecasting a noisy sine) with both back ends, "
                + "run it on every engine, compare the results with PyTorch's and time them.")
final class DemoCommand implements Callable<Integer> {
    /** Where the sample lives inside the jar (made by tools/demo-model/train_demo_model.py). */
    static final String RESOURCES = "/io/github/lstmc/compiler/cli/demo/";
    static final String MODEL = "sine_forecaster.safetensors";
    static final String INPUT = "sample-input.json";
    static final String EXPECTED = "sample-expected.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write the generated files (default: a new temporary directory).")
    Path outputDirectory;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1.5",
            description = "Measurement time per engine for the speed comparison, after a short warm-up; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    double seconds;

    /** One engine's results; {@code unavailable} is null when it ran. */
    record EngineResult(Engine engine, String unavailable, double maxDiffFromPyTorch, double maxDiffFromInterpreter,
                        Benchmark.Result speed) {
        boolean ran() {
            return unavailable == null;
        }
    }

    /** One back end's files, or why there are none. */
    record BackendResult(Backend backend, String unavailable, List<GeneratedFile> files) {
    }

    /** Everything the demo found out, printed by {@link #print}; tests check it directly. */
    record Report(Path sampleDirectory, Path outputDirectory, Model model, String summary, int batch, int steps,
                  List<BackendResult> backends, List<EngineResult> engines) {
    }

    @Override
    public Integer call() throws LstmcException {
        if (!(seconds >= 0 && seconds <= 600)) {
            throw new LstmcException("--seconds: must be between 0 and 600, got " + seconds);
        }
        if (outputDirectory != null) {
            CliFiles.requireDirectoryTarget(outputDirectory, "--out");
        }
        Report report = run(spec.commandLine().getErr());
        print(report, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** Runs the demo, printing progress notes to {@code progress} (it takes a few seconds). */
    Report run(PrintWriter progress) throws LstmcException {
        progress.printf("lstmc demo: compiling, running and timing the sample model (about %.0f s) ...%n",
                3 + 3 * (seconds + Math.min(seconds / 3, 0.5)));
        progress.flush();
        try {
            Path samples = Files.createTempDirectory("lstmc-demo-sample-");
            Path modelFile = extract(MODEL, samples);
            Path inputFile = extract(INPUT, samples);
            Path expectedFile = extract(EXPECTED, samples);
            Path generated = outputDirectory != null ? outputDirectory : Files.createTempDirectory("lstmc-demo-");

            Model model = Lstmc.compiler().load(modelFile);
            String summary = Toolchain.describeModel(model);
            RunInput input = RunInput.read(inputFile);
            RunOutput expected = RunOutput.read(expectedFile);
            CompileOptions options = CompileOptions.of(CompileOptions.DEFAULT_PACKAGE, JavaNames.classNameFor(MODEL));

            List<BackendResult> backends = new ArrayList<>();
            for (Backend backend : Backend.values()) {
                backends.add(generate(model, options.withBackend(backend), generated));
            }
            List<EngineResult> engines = new ArrayList<>();
            RunOutput reference = null;
            for (Engine engine : Engine.values()) {
                LstmNetwork network;
                try {
                    network = Toolchain.network(model, engine, options);
                } catch (EngineUnavailableException e) {
                    engines.add(new EngineResult(engine, e.getMessage(), Double.NaN, Double.NaN, null));
                    continue;
                }
                RunOutput result = Runner.run(network, input);
                if (engine == Engine.INTERPRETER) {
                    reference = result;
                }
                Benchmark.Result speed = null;
                if (seconds > 0) {
                    progress.printf("timing the %s engine ...%n", engine.label());
                    progress.flush();
                    long measure = (long) (seconds * 1e9);
                    speed = Benchmark.measure(network, input.input(), Math.min(measure / 3, 500_000_000L), measure);
                }
                engines.add(new EngineResult(engine, null, maxAbsDiff(result, expected),
                        reference == null ? Double.NaN : maxAbsDiff(result, reference), speed));
            }
            return new Report(samples, generated, model, summary, input.input().length, input.input()[0].length,
                    backends, engines);
        } catch (IOException e) {
            throw new IllegalStateException("demo: cannot prepare the sample files: " + e.getMessage(), e);
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (LstmcException e) {
            // The sample is bundled: a problem reading or running it is lstmc's fault, not the user's.
            throw new IllegalStateException("demo: " + e.getMessage(), e);
        }
    }

    private static BackendResult generate(Model model, CompileOptions options, Path directory) throws LstmcException {
        GeneratedCode code;
        try {
            code = Toolchain.generate(model, options);
        } catch (EngineUnavailableException e) {
            return new BackendResult(options.backend(), e.getMessage(), List.of());
        }
        try {
            code.writeTo(directory);
        } catch (IOException e) {
            throw new LstmcException(directory + ": cannot write generated files: " + e.getMessage(), e);
        }
        return new BackendResult(options.backend(), null, code.files());
    }

    private static Path extract(String name, Path directory) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCES + name + " is missing from the jar");
            }
            Path target = directory.resolve(name);
            Files.copy(in, target);
            return target;
        }
    }

    /**
     * Largest absolute difference over output, h_n and c_n; infinite if shapes differ. A model of GRU or RNN
     * layers has no c_n: both sides must then lack it.
     */
    static double maxAbsDiff(RunOutput a, RunOutput b) {
        return Math.max(maxAbsDiff(a.output(), b.output()), Math.max(maxAbsDiff(a.hN(), b.hN()), maxAbsDiff(a.cN(), b.cN())));
    }

    private static double maxAbsDiff(float[][][] a, float[][][] b) {
        if (a == null || b == null) {
            return a == b ? 0 : Double.POSITIVE_INFINITY;
        }
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int j = 0; j < a[i].length; j++) {
                if (a[i][j].length != b[i][j].length) {
                    return Double.POSITIVE_INFINITY;
                }
                for (int k = 0; k < a[i][j].length; k++) {
                    double d = Math.abs((double) a[i][j][k] - b[i][j][k]);
                    if (!(d <= max)) {
                        max = d; // NaN propagates: a NaN output must not look like agreement
                    }
                }
            }
        }
        return max;
    }

    static void print(Report r, PrintWriter out) {
        out.println();
        out.println("lstmc " + Lstmc.VERSION + " demo: " + MODEL
                + ", a PyTorch nn.LSTM trained to forecast a noisy sine one step ahead");
        out.println();
        out.println("Model");
        r.summary().stripTrailing().lines().forEach(l -> out.println(l.isBlank() ? "" : "  " + l));
        out.println();
        out.println("Generated code (in " + r.outputDirectory() + ")");
        for (BackendResult b : r.backends()) {
            String label = Engine.of(b.backend()).label();
            if (b.unavailable() != null) {
                out.printf("  %-9s %s%n", label, b.unavailable());
                continue;
            }
            for (GeneratedFile f : b.files()) {
                out.printf("  %-9s %-45s %,9d bytes%n", label, f.relativePath(), f.content().length);
            }
        }
        out.println();
        out.printf("Agreement on the sample input (%d sequences x %d steps; output, h_n and c_n)%n", r.batch(), r.steps());
        out.printf("  %-12s %-22s %s%n", "engine", "max |diff| vs PyTorch", "max |diff| vs interpreter");
        for (EngineResult e : r.engines()) {
            if (!e.ran()) {
                out.printf("  %-12s %s%n", e.engine().label(), e.unavailable());
            } else {
                out.printf("  %-12s %-22s %s%n", e.engine().label(), format(e.maxDiffFromPyTorch()),
                        e.engine() == Engine.INTERPRETER ? "-" : format(e.maxDiffFromInterpreter()));
            }
        }
        List<EngineResult> timed = r.engines().stream().filter(e -> e.speed() != null).toList();
        if (!timed.isEmpty()) {
            out.println();
            out.println("Speed (a step = one sequence advancing one time step; quick measurement, not JMH)");
            double base = r.engines().stream().filter(e -> e.engine() == Engine.INTERPRETER && e.speed() != null)
                    .mapToDouble(e -> e.speed().stepsPerSecond()).findFirst().orElse(Double.NaN);
            for (EngineResult e : timed) {
                double s = e.speed().stepsPerSecond();
                out.printf("  %-12s %,15.0f steps/s%s%n", e.engine().label(), s,
                        Double.isNaN(base) ? "" : String.format("   %.1fx the interpreter", s / base));
            }
        }
        out.flush();
    }

    private static String format(double d) {
        return Double.isNaN(d) ? "-" : d == 0 ? "0 (identical)" : String.format("%.2e", d);
    }
}

package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What compiling costs: {@code generate} (plan and emit the source or class files, what the Maven
 * plugin and CLI do) and {@code instantiate} (generate, compile with javac for the source back
 * end, define the class and construct it: what an in-process user pays once per model).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CompileBenchmark {

    @Param({"source", "bytecode"})
    public String backend;

    /** {@code IxH}: input size and hidden size. */
    @Param({"32x64", "128x256"})
    public String size;

    private Model model;
    private CompileOptions options;

    @Setup(Level.Trial)
    public void setUp() {
        Shape s = Shape.parse(size + "x1x1");
        model = BenchmarkModels.lstm(s, BenchmarkModels.SEED);
        options = CompileOptions.of("lstmc.bench", "Compiled")
                .withBackend(Backend.valueOf(backend.toUpperCase(Locale.ROOT)));
    }

    @Benchmark
    public GeneratedCode generate() throws Exception {
        return Lstmc.compiler().generate(model, options);
    }

    @Benchmark
    public LstmNetwork instantiate() throws Exception {
        return Lstmc.compiler().instantiate(model, options);
    }
}

package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.Model;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole-sequence forward pass (from a zero state, {@code B} sequences of {@code T} steps) of a
 * one-layer LSTM or GRU (PyTorch's, reset after the linear map) with seeded random weights, per
 * cell, engine and shape. Every engine runs the same
 * weights on the same input, and is checked against the interpreter before it is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The vector engine's generated class needs the incubating module; resolving it is harmless for the others.
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LstmForwardBenchmark {

    @Param({Engines.INTERPRETER, Engines.SOURCE, Engines.BYTECODE, Engines.VECTOR, Engines.VECTOR_PREPASS,
            Engines.VECTOR_2_THREADS, Engines.ONNXRUNTIME, Engines.ONNXRUNTIME_2_THREADS})
    public String engine;

    /** {@code IxHxTxB}: input size, hidden size, sequence length, batch. */
    @Param({"8x16x50x1", "32x64x100x1", "64x128x100x1", "128x256x100x1", "256x512x50x1", "64x128x100x16"})
    public String shape;

    /** The recurrent cell: {@code lstm} or {@code gru} (ONNX Runtime then runs a GRU node). */
    @Param({"lstm", "gru"})
    public String cell;

    private Engine runner;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Shape s = Shape.parse(shape);
        Model model = BenchmarkModels.model(cell, s, BenchmarkModels.SEED);
        float[] input = BenchmarkModels.input(s, BenchmarkModels.SEED);
        runner = Engines.create(engine, model, s, input);
        Engines.checkAgainstInterpreter(engine, runner, model, s, input, 1e-4f);
    }

    @Benchmark
    public Object forward() throws Exception {
        return runner.forward();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        runner.close();
    }
}

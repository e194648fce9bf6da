package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
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
 * Streaming latency: one {@link LstmNetwork#step} of a batch-1 state of an LSTM or GRU, the call a real-time user
 * makes per incoming sample. The state carries on from call to call (as in streaming use); the
 * weights keep it bounded. Only the JVM engines: ONNX Runtime has no step of its own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The vector engine's generated class needs the incubating module; resolving it is harmless for the others.
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LstmStepBenchmark {

    @Param({Engines.INTERPRETER, Engines.SOURCE, Engines.BYTECODE, Engines.VECTOR})
    public String engine;

    /** {@code IxH}: input size and hidden size. */
    @Param({"8x16", "64x128", "256x512"})
    public String size;

    /** The recurrent cell: {@code lstm} or {@code gru} (PyTorch's). */
    @Param({"lstm", "gru"})
    public String cell;

    private LstmNetwork network;
    private LstmState state;
    private LstmWorkspace workspace;
    private float[] input;
    private float[] output;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Shape s = Shape.parse(size + "x1x1");
        Model model = BenchmarkModels.model(cell, s, BenchmarkModels.SEED);
        input = BenchmarkModels.input(s, BenchmarkModels.SEED);
        Engine e = Engines.create(engine, model, s, input);
        Engines.checkAgainstInterpreter(engine, e, model, s, input, 1e-4f);
        network = ((LstmcEngine) e).network();
        state = network.newState(1);
        workspace = network.newWorkspace(1, 1);
        output = new float[network.outputSize()];
    }

    @Benchmark
    public float[] step() {
        network.step(input, state, workspace, output);
        return output;
    }
}

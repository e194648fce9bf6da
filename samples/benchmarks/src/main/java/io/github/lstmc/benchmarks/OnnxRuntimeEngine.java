package io.github.lstmc.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.lstmc.compiler.model.Model;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime on the same weights (one LSTM or GRU node, see {@link OnnxLstmModel}), with one intra-op
 * and one inter-op thread so that it competes on the same single core as the JVM engines. The
 * input tensor is made once; each call runs the session and reads the output.
 */
final class OnnxRuntimeEngine implements Engine {
    private final OrtSession session;
    private final OnnxTensor input;
    private final Map<String, OnnxTensor> inputs;
    private final Shape shape;
    private float[] last;

    OnnxRuntimeEngine(Model model, Shape shape, float[] batchFirstInput) throws Exception {
        this(model, shape, batchFirstInput, 1);
    }

    /** With {@code threads} intra-op threads (ONNX Runtime splits its matrix products between them). */
    OnnxRuntimeEngine(Model model, Shape shape, float[] batchFirstInput, int threads) throws Exception {
        this.shape = shape;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(OnnxLstmModel.bytes(model, shape.steps(), shape.batch()), options);
        }
        float[] x = Layouts.toSequenceFirst(batchFirstInput, shape.batch(), shape.steps(), shape.input());
        input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
                new long[] {shape.steps(), shape.batch(), shape.input()});
        inputs = Map.of("X", input);
    }

    @Override
    public Object forward() throws Exception {
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer y = ((OnnxTensor) result.get(0)).getFloatBuffer();
            // Reading the output is part of the work (the JVM engines leave it in a Java array).
            last = new float[y.remaining()];
            y.get(last);
            return last;
        }
    }

    @Override
    public float[][][] lastOutput() {
        // Y is [T][1][B][H]: sequence-first once the direction axis is dropped.
        return Layouts.unflatten(last, shape.batch(), shape.steps(), shape.hidden(), false);
    }

    @Override
    public void close() throws Exception {
        input.close();
        session.close();
    }
}

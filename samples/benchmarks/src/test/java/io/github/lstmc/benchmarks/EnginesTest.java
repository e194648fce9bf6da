package io.github.lstmc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The benchmark setup, on a tiny shape (the benchmarks themselves never run in the build): every
 * engine computes what the interpreter computes on the same weights, batch of two.
 */
class EnginesTest {
    private static final Shape SHAPE = Shape.parse("3x5x4x2");

    @ParameterizedTest
    @ValueSource(strings = {Engines.SOURCE, Engines.BYTECODE, Engines.VECTOR, Engines.VECTOR_PREPASS,
            Engines.VECTOR_2_THREADS, Engines.ONNXRUNTIME, Engines.ONNXRUNTIME_2_THREADS})
    void engineAgreesWithTheInterpreter(String name) throws Exception {
        Model model = BenchmarkModels.lstm(SHAPE, 7);
        float[] input = BenchmarkModels.input(SHAPE, 7);
        Engine engine;
        try {
            engine = Engines.create(name, model, SHAPE, input);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort(name + " is not available in this build: " + e.getMessage());
            return;
        }
        try (engine) {
            Engines.checkAgainstInterpreter(name, engine, model, SHAPE, input, 1e-5f);
            float[][][] y = engine.lastOutput();
            assertEquals(2, y.length);
            assertEquals(4, y[0].length);
            assertEquals(5, y[0][0].length);
            // The two batch rows got different inputs, so the check above compared two different sequences.
            assertTrue(y[0][3][0] != y[1][3][0]);
        }
    }

    /** The GRU (PyTorch's, reset after the linear map) on every engine, ONNX Runtime running a GRU node. */
    @ParameterizedTest
    @ValueSource(strings = {Engines.SOURCE, Engines.BYTECODE, Engines.VECTOR, Engines.VECTOR_PREPASS,
            Engines.VECTOR_2_THREADS, Engines.ONNXRUNTIME})
    void gruAgreesWithTheInterpreter(String name) throws Exception {
        for (Shape shape : new Shape[] {SHAPE, Shape.parse("19x37x3x2")}) {
            Model model = BenchmarkModels.gru(shape, 7);
            float[] input = BenchmarkModels.input(shape, 7);
            Engine engine;
            try {
                engine = Engines.create(name, model, shape, input);
            } catch (UnsupportedOperationException e) {
                Assumptions.abort(name + " is not available in this build: " + e.getMessage());
                return;
            }
            try (engine) {
                Engines.checkAgainstInterpreter(name, engine, model, shape, input, 1e-5f);
                assertEquals(shape.hidden(), engine.lastOutput()[0][0].length);
            }
        }
    }

    /**
     * ONNX Runtime's GRU with {@code linear_before_reset} 0 and 1, with and without a {@code clip} that
     * bites, computes what the interpreter computes: the clip applies to each gate's whole pre-activation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"after", "before", "after clipped", "before clipped"})
    void onnxRuntimeGruBothResetPlacementsAndClip(String variant) throws Exception {
        Shape shape = Shape.parse("19x37x3x2");
        Model model = BenchmarkModels.gru(shape, 9, variant.startsWith("after"));
        float[] input = new float[shape.batch() * shape.steps() * shape.input()];
        float[] small = BenchmarkModels.input(shape, 9);
        for (int i = 0; i < input.length; i++) {
            input[i] = 4 * small[i]; // pre-activations beyond the clip
        }
        if (variant.endsWith("clipped")) {
            io.github.lstmc.compiler.model.Layer layer = model.layers().get(0);
            Model free = model;
            model = new Model(model.name(), java.util.List.of(new io.github.lstmc.compiler.model.Layer(
                    layer.directions(), io.github.lstmc.compiler.model.Layer.NO_CLIP, 0.7f, false)), model.layout());
            Engine clipped = Engines.create(Engines.INTERPRETER, model, shape, input);
            Engine unclipped = Engines.create(Engines.INTERPRETER, free, shape, input);
            clipped.forward();
            unclipped.forward();
            double most = 0;
            for (int b = 0; b < shape.batch(); b++) {
                for (int k = 0; k < shape.hidden(); k++) {
                    most = Math.max(most, Math.abs(clipped.lastOutput()[b][2][k] - unclipped.lastOutput()[b][2][k]));
                }
            }
            assertTrue(most > 1e-2, "the clip must bite, max difference " + most);
        }
        try (Engine engine = Engines.create(Engines.ONNXRUNTIME, model, shape, input)) {
            Engines.checkAgainstInterpreter(Engines.ONNXRUNTIME, engine, model, shape, input, 1e-5f);
        }
    }

    /**
     * On the tiny shape every product is unrolled, which leaves the Vector API tier (it renders the
     * looped products) nothing to do. At I = 19, H = 37 the products are looped, and neither size
     * is a multiple of the 8 float lanes, so the vector loops' tails run too.
     */
    @ParameterizedTest
    @ValueSource(strings = {Engines.BYTECODE, Engines.VECTOR, Engines.VECTOR_PREPASS})
    void loopedProductsAgreeWithTheInterpreter(String name) throws Exception {
        Shape shape = Shape.parse("19x37x3x2");
        Model model = BenchmarkModels.lstm(shape, 11);
        float[] input = BenchmarkModels.input(shape, 11);
        try (Engine engine = Engines.create(name, model, shape, input)) {
            Engines.checkAgainstInterpreter(name, engine, model, shape, input, 1e-5f);
        }
        if (name.equals(Engines.VECTOR)) {
            // The same plan rendered as source shows that this shape really takes the vector path.
            GeneratedCode code = Lstmc.compiler().generate(model, CompileOptions.of("lstmc.bench", "Probe").withVectorApi(true));
            String source = new String(code.files().get(0).content(), StandardCharsets.UTF_8);
            assertTrue(source.contains("jdk.incubator.vector"), "no Vector API code generated for " + shape);
        }
    }

    @Test
    void checkCatchesAnEngineThatComputesSomethingElse() throws Exception {
        Model model = BenchmarkModels.lstm(SHAPE, 7);
        Model other = BenchmarkModels.lstm(SHAPE, 8);
        float[] input = BenchmarkModels.input(SHAPE, 7);
        Engine wrong = Engines.create(Engines.INTERPRETER, other, SHAPE, input);
        assertThrows(IllegalStateException.class,
                () -> Engines.checkAgainstInterpreter("wrong", wrong, model, SHAPE, input, 1e-5f));
    }

    @Test
    void shapesParseAsWrittenInParams() {
        assertEquals(new Shape(64, 128, 100, 16), Shape.parse("64x128x100x16"));
        assertEquals("8x16x50x1", Shape.parse("8x16x50x1").toString());
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("8x16x50"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("8x0x50x1"));
    }
}

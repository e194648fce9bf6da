package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A model of about 6 M parameters (input 512, hidden 1024) compiles to bytecode, loads and runs. */
class LargeModelTest {

    /** A single-layer model with weights uniform in ±1/sqrt(H), PyTorch's initialisation. */
    static Model randomModel(String name, int inputSize, int hiddenSize, long seed) {
        Random rnd = new Random(seed);
        float scale = (float) (1 / Math.sqrt(hiddenSize));
        DirectionCell cell = new DirectionCell(Direction.FORWARD,
                Matrix.of(4 * hiddenSize, inputSize, uniform(rnd, 4 * hiddenSize * inputSize, scale)),
                Matrix.of(4 * hiddenSize, hiddenSize, uniform(rnd, 4 * hiddenSize * hiddenSize, scale)),
                Matrix.vector(uniform(rnd, 4 * hiddenSize, scale)),
                Matrix.vector(uniform(rnd, 4 * hiddenSize, scale)),
                null, null, CellActivations.DEFAULT);
        return Model.of(name, Layout.BATCH_FIRST, Layer.of(cell));
    }

    private static float[] uniform(Random rnd, int n, float scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return values;
    }

    @Test
    void sixMillionParameters() {
        Model model = randomModel("large", 512, 1024, 7);
        assertTrue(model.parameterCount() > 6_000_000, "parameters: " + model.parameterCount());
        CompileOptions options = CompileOptions.of("lstmc.test", "Large").withBackend(Backend.BYTECODE);
        GeneratedCode code = BytecodeEmitter.emit(Planner.plan(model), options);
        ModelClassLoader loader = new ModelClassLoader(code);
        ClassFileChecks.checkAll(code, loader);
        LstmNetwork net = loader.newNetwork(options.qualifiedName());

        int steps = 2;
        float[] input = uniform(new Random(1), steps * 512, 1f);
        float[] output = new float[steps * 1024];
        LstmState state = net.newState(1);
        net.forward(input, 1, steps, null, state, net.newWorkspace(1, steps), output);
        // The first unit of the first step, recomputed from the model in double: from a zero state
        // only W x + b counts, so this checks that the weights survived packing and transposition.
        DirectionCell cell = model.layers().get(0).directions().get(0);
        double[] z = new double[4];
        for (int gate = 0; gate < 4; gate++) {
            int row = gate * 1024;
            double sum = cell.combinedBias(row);
            for (int k = 0; k < 512; k++) {
                sum += (double) cell.inputWeights().get(row, k) * input[k];
            }
            z[gate] = sum;
        }
        double c = sigmoid(z[0]) * Math.tanh(z[2]);
        double h = sigmoid(z[3]) * Math.tanh(c);
        assertEquals(h, output[0], 1e-5);
        for (float v : output) {
            assertTrue(Float.isFinite(v) && Math.abs(v) < 1f);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

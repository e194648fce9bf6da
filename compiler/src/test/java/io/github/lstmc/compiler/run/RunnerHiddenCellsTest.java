package io.github.lstmc.compiler.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON contract of {@code lstmc run} for cells without a cell state: {@code h0} and {@code lengths}
 * in, {@code output} and {@code h_n} out, no {@code c_n}; a {@code c0} is refused naming the field; in a
 * stack mixing GRU and LSTM layers the GRU entries of {@code c0} and {@code c_n} have empty rows.
 */
class RunnerHiddenCellsTest {
    @TempDir
    Path dir;

    /** A forward-only model whose layers are exactly {@code kinds}. */
    private static Model model(List<CellKind> kinds) {
        RandomModels.Features features = RandomModels.Features.plain().with(RandomModels.Feature.GRU,
                RandomModels.Feature.RNN).withMaxSize(6).withMaxLayers(kinds.size());
        return RandomModels.model(0, features, m -> m.cellKinds().equals(kinds));
    }

    @Test
    void gruHasHiddenStateOnlyAndWritesNoCellState() throws Exception {
        Model model = model(List.of(CellKind.GRU, CellKind.RNN));
        Random rnd = new Random(3);
        int batch = 3;
        int steps = 4;
        float[][][] x = RandomModels.input(rnd, batch, steps, model.inputSize());
        float[][][] h0 = RandomModels.initialHidden(rnd, model, batch);
        int[] lengths = RandomModels.lengths(rnd, batch, steps);
        RunOutput result = Runner.run(new Interpreter(model), new RunInput(x, h0, null, lengths));
        assertNull(result.cN(), "a GRU/RNN model has no c_n");
        assertEquals(model.layers().size() * model.directionCount(), result.hN().length);
        Path file = dir.resolve("out.json");
        result.write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"h_n\""), json);
        assertFalse(json.contains("c_n"), json);

        // h_n is the network's own final state from h0
        Interpreter net = new Interpreter(model);
        LstmState state = net.newState(batch);
        for (int k = 0; k < state.size(); k++) {
            int width = model.layers().get(k / model.directionCount()).stateSize();
            for (int b = 0; b < batch; b++) {
                System.arraycopy(h0[k][b], 0, state.hidden(k), b * width, width);
            }
            assertEquals(0, state.cell(k).length);
        }
        float[] flat = new float[batch * steps * model.inputSize()];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int position = model.layout() == Layout.BATCH_FIRST ? b * steps + t : t * batch + b;
                System.arraycopy(x[b][t], 0, flat, position * model.inputSize(), model.inputSize());
            }
        }
        net.forward(flat, batch, steps, lengths.clone(), state, net.newWorkspace(batch, steps),
                new float[batch * steps * model.outputSize()]);
        for (int k = 0; k < state.size(); k++) {
            int width = model.layers().get(k / model.directionCount()).stateSize();
            for (int b = 0; b < batch; b++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(state.hidden(k), b * width, (b + 1) * width),
                        result.hN()[k][b], "h_n[" + k + "][" + b + "]");
            }
        }
    }

    @Test
    void c0ForAModelWithoutCellStateIsAnErrorNamingTheField() {
        Model model = model(List.of(CellKind.GRU));
        float[][][] x = RandomModels.input(new Random(1), 2, 3, model.inputSize());
        float[][][] c0 = new float[model.directionCount()][2][model.layers().get(0).hiddenSize()];
        LstmcException e = assertThrows(LstmcException.class,
                () -> Runner.run(new Interpreter(model), new RunInput(x, null, c0, null), "in.json"));
        assertTrue(e.getMessage().startsWith("in.json: c0: "), e.getMessage());
        assertTrue(e.getMessage().contains("no cell state"), e.getMessage());
    }

    @Test
    void mixedStackHasEmptyCellRowsForItsGruLayer() throws Exception {
        Model model = model(List.of(CellKind.GRU, CellKind.LSTM));
        int dirs = model.directionCount();
        Random rnd = new Random(5);
        float[][][] x = RandomModels.input(rnd, 2, 3, model.inputSize());
        float[][][] c0 = RandomModels.initialCell(rnd, model, 2);
        assertEquals(0, c0[0][0].length, "the GRU entries of c0 have empty rows");
        RunOutput result = Runner.run(new Interpreter(model), new RunInput(x, null, c0, null));
        assertEquals(0, result.cN()[0][1].length);
        assertEquals(model.layers().get(1).hiddenSize(), result.cN()[dirs][0].length);

        float[][][] wrong = RandomModels.initialCell(rnd, model, 2);
        wrong[0][0] = new float[] {1f};
        LstmcException e = assertThrows(LstmcException.class,
                () -> Runner.run(new Interpreter(model), new RunInput(x, null, wrong, null), "in.json"));
        assertTrue(e.getMessage().contains("c0[0][0] has 1 values, expected 0"), e.getMessage());
    }
}

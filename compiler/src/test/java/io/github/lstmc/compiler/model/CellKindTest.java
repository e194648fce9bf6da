package io.github.lstmc.compiler.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.runtime.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IR of GRU and RNN cells: shapes, the LSTM-only fields refused by name, mixed stacks. */
class CellKindTest {

    private static Matrix filled(int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int k = 0; k < data.length; k++) {
            data[k] = 0.01f * (k % 7) - 0.03f;
        }
        return Matrix.of(rows, cols, data);
    }

    private static DirectionCell gru(Direction d, int in, int h, boolean linearBeforeReset) {
        return DirectionCell.gru(d, filled(3 * h, in), filled(3 * h, h), filled(1, 3 * h), filled(1, 3 * h),
                CellActivations.GRU_DEFAULT, linearBeforeReset);
    }

    @Test
    void gruAndRnnSizesAndFlops() {
        DirectionCell g = gru(Direction.FORWARD, 5, 4, true);
        assertEquals(CellKind.GRU, g.kind());
        assertEquals(4, g.hiddenSize());
        assertEquals(4, g.stateSize());
        DirectionCell r = DirectionCell.rnn(Direction.FORWARD, filled(6, 4), filled(6, 6), null, null,
                Activation.of(Activation.Kind.RELU));
        assertEquals(6, r.hiddenSize());
        Model model = Model.of("mixed", Layout.SEQUENCE_FIRST, Layer.of(g), Layer.of(r));
        assertEquals(2L * 3 * 4 * (5 + 4) + 2L * 6 * (4 + 6), model.flopsPerStep());
        assertEquals(List.of(CellKind.GRU, CellKind.RNN), model.cellKinds());
        assertEquals(0, model.layers().get(0).cellSize());
        assertTrue(!model.hasCellState());
    }

    @Test
    void inspectDescribesTheCellKindAndItsParameters() {
        DirectionCell r = DirectionCell.rnn(Direction.FORWARD, filled(6, 4), filled(6, 6), null, filled(1, 6),
                Activation.of(Activation.Kind.RELU));
        Model model = Model.of("mixed", Layout.SEQUENCE_FIRST, new Layer(List.of(gru(Direction.FORWARD, 5, 4, true)),
                Layer.NO_CLIP, 2f, false), Layer.of(r));
        String text = ModelSummary.describe(model);
        assertTrue(text.contains("layer 0: GRU, forward, input 5, hidden 4, output 4, 132 parameters\n"), text);
        assertTrue(text.contains("  reset: after the recurrent linear map (linear_before_reset=1, PyTorch),"
                + " pre-activation clip: 2\n"), text);
        assertTrue(text.contains("  forward: gates z, r Sigmoid, candidate n Tanh; biases input+recurrent\n"), text);
        assertTrue(text.contains("layer 1: RNN, forward, input 4, hidden 6, output 6, 66 parameters\n"), text);
        assertTrue(text.contains("  forward: activation Relu; biases recurrent\n"), text);
        assertTrue(text.contains("FLOPs per step: " + model.flopsPerStep()), text);
    }

    @Test
    void gruFeedingAnLstmIsLegal() {
        DirectionCell lstm = new DirectionCell(Direction.FORWARD, filled(12, 4), filled(12, 3), null, null, null, null,
                CellActivations.DEFAULT);
        Model model = Model.of("gru-lstm", Layout.BATCH_FIRST, Layer.of(gru(Direction.FORWARD, 2, 4, false)),
                Layer.of(lstm));
        assertTrue(model.hasCellState());
        assertEquals(3, model.outputSize());
    }

    @Test
    void lstmOnlyFieldsAreRefusedByName() {
        IllegalArgumentException projection = assertThrows(IllegalArgumentException.class,
                () -> new DirectionCell(Direction.FORWARD, filled(9, 2), filled(9, 2), null, null, null, filled(2, 3),
                        CellActivations.GRU_DEFAULT, CellKind.GRU, true));
        assertTrue(projection.getMessage().contains("GRU forward: projection"), projection.getMessage());
        IllegalArgumentException peepholes = assertThrows(IllegalArgumentException.class,
                () -> new DirectionCell(Direction.REVERSE, filled(3, 2), filled(3, 3), null, null, filled(3, 3), null,
                        CellActivations.RNN_TANH, CellKind.RNN, false));
        assertTrue(peepholes.getMessage().contains("RNN reverse: peepholes"), peepholes.getMessage());
        IllegalArgumentException cellClip = assertThrows(IllegalArgumentException.class,
                () -> new Layer(List.of(gru(Direction.FORWARD, 2, 3, true)), 3f, Layer.NO_CLIP, false));
        assertTrue(cellClip.getMessage().contains("GRU layer: cellClip"), cellClip.getMessage());
        IllegalArgumentException coupled = assertThrows(IllegalArgumentException.class,
                () -> new Layer(List.of(gru(Direction.FORWARD, 2, 3, true)), Layer.NO_CLIP, Layer.NO_CLIP, true));
        assertTrue(coupled.getMessage().contains("coupledInputForget"), coupled.getMessage());
        IllegalArgumentException reset = assertThrows(IllegalArgumentException.class,
                () -> new DirectionCell(Direction.FORWARD, filled(3, 2), filled(3, 3), null, null, null, null,
                        CellActivations.RNN_TANH, CellKind.RNN, true));
        assertTrue(reset.getMessage().contains("linearBeforeReset"), reset.getMessage());
        IllegalArgumentException activations = assertThrows(IllegalArgumentException.class,
                () -> DirectionCell.gru(Direction.FORWARD, filled(9, 2), filled(9, 3), null, null,
                        CellActivations.DEFAULT, true));
        assertTrue(activations.getMessage().contains("GRU forward: activations"), activations.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> DirectionCell.gru(Direction.FORWARD, filled(8, 2), filled(8, 3), null, null,
                        CellActivations.GRU_DEFAULT, true));
        assertTrue(rows.getMessage().contains("3*hidden rows"), rows.getMessage());
    }

    @Test
    void directionsMustShareTheCellAndResetPlacement() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Layer(
                List.of(gru(Direction.FORWARD, 2, 3, true), gru(Direction.REVERSE, 2, 3, false)),
                Layer.NO_CLIP, Layer.NO_CLIP, false));
        assertTrue(e.getMessage().contains("linear before reset"), e.getMessage());
    }

    @Test
    void initialCellStateOfAGruIsRefused() {
        Model model = Model.of("gru", Layout.BATCH_FIRST, Layer.of(gru(Direction.FORWARD, 2, 3, true)));
        Matrix h = Matrix.vector(new float[] {1f, 2f, 3f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.withInitialState(new InitialState(List.of(h), java.util.Arrays.asList((Matrix) h))));
        assertTrue(e.getMessage().contains("initial state entry 0: cell: layer 0 is a GRU"), e.getMessage());
        assertEquals(h, model.withInitialState(new InitialState(List.of(h), java.util.Arrays.asList((Matrix) null)))
                .initialState().hidden().get(0));
    }
}

package io.github.lstmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import org.junit.jupiter.api.Test;

/** Where the GRU's biases go in the plan, the RNN's plan, and the digest telling the reset placements apart. */
class HiddenCellsPlanTest {
    private static final float[] BW = {1f, 2f, 3f, 4f, 5f, 6f};
    private static final float[] BR = {10f, 20f, 30f, 40f, 50f, 60f};

    private static DirectionCell gru(boolean linearBeforeReset) {
        float[] w = new float[12];
        float[] r = new float[12];
        for (int i = 0; i < 12; i++) {
            w[i] = 0.5f + i;
            r[i] = -0.25f - i;
        }
        return DirectionCell.gru(Direction.FORWARD, Matrix.of(6, 2, w), Matrix.of(6, 2, r), Matrix.vector(BW),
                Matrix.vector(BR), CellActivations.GRU_DEFAULT, linearBeforeReset);
    }

    @Test
    void linearBeforeResetKeepsBhnInTheResetProduct() {
        DirectionCell cell = gru(true);
        Planner.GateRows rows = HiddenCells.gateRows(cell);
        assertArrayEquals(new float[] {11f, 22f, 33f, 44f, 5f, 6f}, rows.bias());
        assertArrayEquals(new float[] {0f, 0f}, rows.recurrent()[4]);
        assertArrayEquals(cell.recurrentWeights().row(2), rows.recurrent()[2]);
        assertArrayEquals(new float[] {50f, 60f}, HiddenCells.resetStart(cell));
        assertArrayEquals(cell.recurrentWeights().row(5), HiddenCells.candidateRecurrentRows(cell)[1]);
    }

    @Test
    void resetBeforeLinearFoldsBhnIntoTheGateRows() {
        DirectionCell cell = gru(false);
        assertArrayEquals(new float[] {11f, 22f, 33f, 44f, 55f, 66f}, HiddenCells.gateRows(cell).bias());
        assertArrayEquals(new float[] {0f, 0f}, HiddenCells.resetStart(cell));
    }

    @Test
    void planOfEachKind() {
        Model model = Model.of("m", Layout.BATCH_FIRST, Layer.of(gru(true)), Layer.of(DirectionCell.rnn(
                Direction.FORWARD, Matrix.of(1, 2, new float[] {1f, 2f}), Matrix.of(1, 1, new float[] {0.5f}), null,
                null, Activation.of(Activation.Kind.RELU))));
        Plan plan = Planner.plan(model);
        DirectionPlan g = plan.directions().get(0);
        assertNull(g.cell());
        assertEquals(CellKind.GRU, g.hiddenUpdate().kind());
        assertEquals(6, g.gates().rows());
        assertEquals(2, g.resetProduct().rows());
        assertEquals(0, g.cellSize());
        DirectionPlan r = plan.directions().get(1);
        assertEquals(CellKind.RNN, r.hiddenUpdate().kind());
        assertNull(r.resetProduct());
        assertNull(r.hiddenUpdate().gatesMethod());
        assertEquals("relu", r.hiddenUpdate().gate().method());
        assertEquals(true, plan.hasLayersWithoutCellState());
    }

    @Test
    void digestTellsTheResetPlacementsApart() {
        assertNotEquals(ModelDescription.digest(Model.of("a", Layout.BATCH_FIRST, Layer.of(gru(true)))),
                ModelDescription.digest(Model.of("a", Layout.BATCH_FIRST, Layer.of(gru(false)))));
    }
}

package io.github.lstmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.PackedFloats;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static Model model(int input, int hidden, boolean coupled, Matrix peepholes, Activation hiddenAct) {
        float[] w = new float[4 * hidden * input];
        float[] r = new float[4 * hidden * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? -1f : 0.5f;
        }
        java.util.Arrays.fill(r, 0.25f);
        float[] bias = new float[4 * hidden];
        java.util.Arrays.fill(bias, 0.5f);
        DirectionCell cell = new DirectionCell(Direction.FORWARD, Matrix.of(4 * hidden, input, w),
                Matrix.of(4 * hidden, hidden, r), Matrix.vector(bias), Matrix.vector(bias), peepholes, null,
                new CellActivations(Activation.SIGMOID, Activation.TANH, hiddenAct));
        return new Model("m", List.of(new Layer(List.of(cell), Layer.NO_CLIP, Layer.NO_CLIP, coupled)), Layout.BATCH_FIRST);
    }

    @Test
    void smallProductsUnrollWithFoldedConstants() {
        Plan plan = Planner.plan(model(3, 2, false, null, Activation.TANH));
        DirectionPlan d = plan.directions().get(0);
        UnrolledMatVec gates = assertInstanceOf(UnrolledMatVec.class, d.gates());
        UnrolledRow row = gates.methods().get(0).rows().get(0);
        assertEquals(1f, row.start(), "biases pre-summed: 0.5 + 0.5");
        // input row 0 = {0, -1, 0.5}: the zero is dropped; then two recurrent 0.25 terms
        assertEquals(4, row.terms().size());
        assertTrue(row.terms().get(0).isMinusOne());
        assertEquals(new Term(Operand.INPUT, 2, 0.5f), row.terms().get(1));
        assertEquals(Operand.STATE, row.terms().get(2).operand());
        assertTrue(plan.weights().isEmpty(), "nothing to store when everything is unrolled without peepholes");
    }

    @Test
    void coupledLayersComputeNoForgetRows() {
        Plan plan = Planner.plan(model(3, 2, true, null, Activation.TANH));
        DirectionPlan d = plan.directions().get(0);
        assertEquals(6, d.gates().rows());
        assertTrue(d.cell().coupled());
        assertEquals(List.of(0, 2, 1), List.of(d.cell().slotInput(), d.cell().slotCell(), d.cell().slotOutput()));
    }

    @Test
    void identitiesAndZeroPeepholesFoldAway() {
        Matrix peepholes = Matrix.of(3, 2, new float[] {0f, 0f, 0.5f, 0f, 0f, 0f});
        Plan plan = Planner.plan(model(3, 2, false, peepholes, Activation.of(Activation.Kind.AFFINE, 1f, 0f)));
        CellUpdate cell = plan.directions().get(0).cell();
        assertTrue(cell.hidden().isIdentity());
        assertNull(cell.peepholeInput());
        assertNull(cell.peepholeOutput());
        assertEquals("L0_FORWARD_PEEPHOLE_FORGET", cell.peepholeForget());
        assertEquals(new ActivationCall("sigmoid", List.of()), cell.gate());
    }

    @Test
    void largeProductsLoopOverTransposedWeights() {
        Model model = model(3, 2, false, null, Activation.TANH);
        Plan plan = Planner.plan(model, PlanOptions.LOOPS_ONLY);
        LoopedMatVec gates = assertInstanceOf(LoopedMatVec.class, plan.directions().get(0).gates());
        assertEquals(2, gates.weights().size());
        WeightField input = plan.weights().stream()
                .filter(f -> f.name().equals(gates.weights().get(0).field())).findFirst().orElseThrow();
        float[][] transposed = PackedFloats.rows(input.rows(), input.cols(), input.chunks().toArray(new String[0]));
        Matrix w = model.layers().get(0).directions().get(0).inputWeights();
        for (int k = 0; k < 3; k++) {
            for (int row = 0; row < 8; row++) {
                assertEquals(w.get(row, k), transposed[k][row]);
            }
        }
    }

    @Test
    void vectorApiCellUpdatesAreVectorizedOnlyWhenEveryActivationHasAVectorForm() {
        PlanOptions vector = PlanOptions.LOOPS_ONLY.withVectorApi(true);
        assertTrue(Planner.plan(model(3, 5, false, null, Activation.TANH), vector).directions().get(0).cell()
                .vectorized(), "sigmoid, tanh, tanh");
        assertTrue(Planner.plan(model(3, 5, false, null, Activation.of(Activation.Kind.LEAKY_RELU, 0.1f)), vector)
                .directions().get(0).cell().vectorized(), "leaky relu has a vector form");
        assertFalse(Planner.plan(model(3, 5, false, null, Activation.of(Activation.Kind.ELU, 1f)), vector)
                .directions().get(0).cell().vectorized(), "elu computes in double: the cell stays scalar");
        assertFalse(Planner.plan(model(3, 5, false, null, Activation.TANH), PlanOptions.LOOPS_ONLY).directions().get(0)
                .cell().vectorized(), "the plain tier never vectorizes");
        CellUpdate scalar = Planner.plan(model(3, 5, false, null, Activation.of(Activation.Kind.GELU)), vector)
                .directions().get(0).cell();
        assertThrows(IllegalArgumentException.class, () -> new CellUpdate(scalar.method(), 5, 0, 1, 3, 2,
                scalar.gate(), scalar.cell(), scalar.hidden(), Layer.NO_CLIP, Layer.NO_CLIP, null, null, null, true));
    }

    @Test
    void vectorApiProductsPackBothOperandsSideBySideInStrips() {
        // H = 5: 20 gate rows = 2 whole vectors (no chunk, a remaining block) and a 4-row scalar tail
        Model model = model(3, 5, false, null, Activation.TANH);
        Plan plan = Planner.plan(model, PlanOptions.LOOPS_ONLY.withVectorApi(true));
        DirectionPlan d = plan.directions().get(0);
        VectorMatVec gates = assertInstanceOf(VectorMatVec.class, d.gates());
        assertNull(d.inputProjection(), "no pre-pass unless asked for");
        assertEquals(BatchGroup.VECTOR_SIZE, d.batchGroup().size(), "batch groups of the Vector API tier have 6 rows");
        assertNull(Planner.plan(model, PlanOptions.LOOPS_ONLY.withVectorApi(true).withBatchGroup(1)).directions().get(0)
                .batchGroup(), "batch group 1 turns groups off in both tiers");
        DirectionPlan prePass = Planner.plan(model, PlanOptions.LOOPS_ONLY.withVectorApi(true).withPrecomputeTile(4))
                .directions().get(0);
        assertEquals(1, prePass.inputProjection().tile(), "the vector pre-pass groups positions itself");
        assertNull(prePass.batchGroup(), "rows walk one by one after a pre-pass");
        assertEquals(List.of(Operand.INPUT, Operand.STATE), gates.operands());
        assertEquals(List.of(3, 5), gates.lengths());
        assertEquals(8, gates.inputLength());
        assertTrue(gates.concatenates());
        assertEquals(2, gates.vectorColumns());
        WeightField field = plan.weights().stream().filter(f -> f.name().equals(gates.field())).findFirst()
                .orElseThrow();
        assertEquals(2, field.rows(), "ceil(20 / 16) strips");
        assertEquals(8 * VectorMatVec.STRIP, field.cols());
        float[][] strips = PackedFloats.rows(field.rows(), field.cols(), field.chunks().toArray(new String[0]));
        DirectionCell cell = model.layers().get(0).directions().get(0);
        for (int row = 0; row < 20; row++) {
            // z row order is i, f, o, g: slot 2 holds the model's output gate, slot 3 its cell gate
            int slot = row / 5;
            int modelRow = (slot == 2 ? 3 : slot == 3 ? 2 : slot) * 5 + row % 5;
            for (int k = 0; k < 8; k++) {
                float expected = k < 3 ? cell.inputWeights().get(modelRow, k) : cell.recurrentWeights().get(modelRow, k - 3);
                assertEquals(expected, strips[row / 16][k * 16 + row % 16], "row " + row + ", k " + k);
            }
        }
        for (int k = 0; k < 8; k++) {
            for (int j = 4; j < 16; j++) {
                assertEquals(0f, strips[1][k * 16 + j], "padding past the last row");
            }
        }
        // z holds the gate rows, then the concatenated x and h (more than the 5 H of the cell update)
        assertEquals(20 + 8, plan.workspace().get(0).fixed());
    }

    @Test
    void unrolledMethodsStayWithinTheBudget() {
        Plan plan = Planner.plan(model(20, 16, false, null, Activation.TANH), new PlanOptions(100_000, 100_000, 1000));
        UnrolledMatVec gates = assertInstanceOf(UnrolledMatVec.class, plan.directions().get(0).gates());
        assertTrue(gates.methods().size() > 1);
        int next = 0;
        for (UnrolledMethod m : gates.methods()) {
            assertTrue(m.estimatedBytecodeSize() <= 1000, m.name() + " " + m.estimatedBytecodeSize());
            for (UnrolledRow row : m.rows()) {
                assertEquals(next++, row.row());
            }
        }
        assertEquals(64, next);
    }

    @Test
    void trainedWeightsPackInFourCharactersAValue() {
        // Gaussian weights (14 binades below the largest hold all but about 2e-4 of them), with zeros,
        // subnormals, infinities, NaN and outliers escaped
        Random rnd = new Random(10);
        float[] values = new float[40_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, -0x1p-140f, Float.POSITIVE_INFINITY, Float.NaN, 1e6f, -3e-9f};
        System.arraycopy(special, 0, values, 17_000, special.length);
        List<String> chunks = FloatPacking.encode(values);
        assertEquals(3, (chunks.get(0).charAt(1) ^ chunks.get(0).charAt(0)) >>> 5, "format 3");
        assertTrue(chunks.size() >= 2, "a value across two constants");
        long bytes = chunks.stream().mapToLong(FloatPacking::utf8Length).sum();
        assertTrue(bytes <= values.length * 4L * 1.03, "about 28 bits a value: " + bytes);
        float[] decoded = PackedFloats.vector(values.length, chunks.toArray(new String[0]));
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(decoded[i]), "index " + i);
        }
    }

    @Test
    void packingRoundTripsEveryBitPattern() {
        Random rnd = new Random(9);
        float[] values = new float[30_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(rnd.nextInt());
        }
        values[0] = -0f;
        values[1] = Float.intBitsToFloat(0x7fc00001);
        values[2] = Float.intBitsToFloat(0xffffffff);
        values[3] = Float.MIN_VALUE;
        List<String> chunks = FloatPacking.encode(values);
        assertTrue(chunks.size() >= 2, "random bits take 33 bits a float: more than one constant");
        for (String chunk : chunks) {
            assertTrue(FloatPacking.utf8Length(chunk) <= FloatPacking.MAX_CHUNK_BYTES);
            assertTrue(chunk.chars().allMatch(ch -> ch <= 0x7f), "7-bit characters");
        }
        float[] decoded = PackedFloats.vector(values.length, chunks.toArray(new String[0]));
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(decoded[i]), "index " + i);
        }
        assertArrayEquals(new float[0], PackedFloats.vector(0, FloatPacking.encode(new float[0]).toArray(new String[0])));
    }
}

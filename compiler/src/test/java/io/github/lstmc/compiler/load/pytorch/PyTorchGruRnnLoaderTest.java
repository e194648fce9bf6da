package io.github.lstmc.compiler.load.pytorch;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.safetensors.SafetensorsWriter;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Model;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nn.GRU and nn.RNN state dicts: the kind from {@code weight_hh_l0}'s rows, PyTorch's GRU rows r, z, n
 * reordered to lstmc's z, r, n (weights and both biases), the RNN nonlinearity from the options
 * with a notice when it is not given.
 */
class PyTorchGruRnnLoaderTest {
    @TempDir
    Path dir;

    /** Row r of a [G*H][cols] tensor holds the value id*100 + r in every column. */
    static float[] rows(int id, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = id * 100 + r;
            }
        }
        return v;
    }

    private Path gru(int input, int hidden, boolean bidirectional) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String sfx : bidirectional ? List.of("_l0", "_l0_reverse") : List.of("_l0")) {
            int id = sfx.endsWith("reverse") ? 5 : 1;
            w.f32("weight_ih" + sfx, shape(3 * hidden, input), rows(id, 3 * hidden, input));
            w.f32("weight_hh" + sfx, shape(3 * hidden, hidden), rows(id + 1, 3 * hidden, hidden));
            w.f32("bias_ih" + sfx, shape(3 * hidden), rows(id + 2, 3 * hidden, 1));
            w.f32("bias_hh" + sfx, shape(3 * hidden), rows(id + 3, 3 * hidden, 1));
        }
        return w.write(dir.resolve("gru.safetensors"));
    }

    private Path rnn() {
        return new SafetensorsWriter()
                .f32("rnn.weight_ih_l0", shape(2, 3), rows(1, 2, 3))
                .f32("rnn.weight_hh_l0", shape(2, 2), rows(2, 2, 2))
                .f32("rnn.weight_ih_l1", shape(2, 2), rows(3, 2, 2))
                .f32("rnn.weight_hh_l1", shape(2, 2), rows(4, 2, 2))
                .write(dir.resolve("rnn.safetensors"));
    }

    /** The first column of each row: which stored row ended up where. */
    private static float[] firstColumn(io.github.lstmc.compiler.model.Matrix m) {
        float[] v = new float[m.rows() == 1 ? m.cols() : m.rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.rows() == 1 ? m.get(i) : m.get(i, 0);
        }
        return v;
    }

    @Test
    void gruRowsAreReorderedFromRzNToZrN() throws Exception {
        Model m = PyTorchLstmLoader.load(gru(3, 2, true), LoadOptions.DEFAULT);
        assertEquals(List.of(CellKind.GRU), m.cellKinds());
        assertEquals(2, m.directionCount());
        assertTrue(m.layers().get(0).linearBeforeReset(), "PyTorch resets after the recurrent linear map");
        DirectionCell fwd = m.layers().get(0).directions().get(0);
        // PyTorch rows 0-1 are r, 2-3 z, 4-5 n; lstmc wants z, r, n
        assertArrayEquals(new float[] {102, 103, 100, 101, 104, 105}, firstColumn(fwd.inputWeights()));
        assertArrayEquals(new float[] {202, 203, 200, 201, 204, 205}, firstColumn(fwd.recurrentWeights()));
        assertArrayEquals(new float[] {302, 303, 300, 301, 304, 305}, firstColumn(fwd.inputBias()));
        assertArrayEquals(new float[] {402, 403, 400, 401, 404, 405}, firstColumn(fwd.recurrentBias()));
        DirectionCell rev = m.layers().get(0).directions().get(1);
        assertArrayEquals(new float[] {802, 803, 800, 801, 804, 805}, firstColumn(rev.recurrentBias()));
    }

    @Test
    void rnnIsTanhWithANoticeUnlessTheNonlinearityIsGiven() throws Exception {
        LoadResult plain = PyTorchLstmLoader.loadResult(rnn(), LoadOptions.DEFAULT);
        assertEquals(List.of(CellKind.RNN, CellKind.RNN), plain.model().cellKinds());
        assertEquals(Activation.TANH, plain.model().layers().get(1).directions().get(0).activations().gate());
        assertEquals(List.of("rnn.safetensors: an nn.RNN state dict does not say its nonlinearity; compiled with tanh"
                + " (PyTorch's default; --rnn-nonlinearity relu for nonlinearity='relu')"), plain.warnings());

        LoadResult relu = PyTorchLstmLoader.loadResult(rnn(), LoadOptions.DEFAULT.withRnnNonlinearity("ReLU"));
        assertEquals(Activation.Kind.RELU, relu.model().layers().get(0).directions().get(0).activations().gate().kind());
        assertEquals(List.of(), relu.warnings());
        LoadResult tanh = PyTorchLstmLoader.loadResult(rnn(), LoadOptions.DEFAULT.withRnnNonlinearity("tanh"));
        assertEquals(List.of(), tanh.warnings());
        assertArrayEquals(new float[] {100, 101}, firstColumn(tanh.model().layers().get(0).directions().get(0)
                .inputWeights()));
    }

    @Test
    void gruAndLstmStateDictsGetNoNotice() throws Exception {
        assertEquals(List.of(), PyTorchLstmLoader.loadResult(gru(3, 2, false), LoadOptions.DEFAULT).warnings());
    }

    @Test
    void tensorsBesideAGruAreNamedInAWarningThatSaysGru() throws Exception {
        Path f = new SafetensorsWriter()
                .f32("enc.weight_ih_l0", shape(6, 3), new float[18])
                .f32("enc.weight_hh_l0", shape(6, 2), new float[12])
                .f32("fc.weight", shape(1, 2), new float[2])
                .write(dir.resolve("m.safetensors"));
        assertEquals(List.of("m.safetensors: 1 tensor not compiled (only the GRU is read from a state dict): fc.weight;"
                + " export the whole model to ONNX to compile it"),
                PyTorchLstmLoader.loadResult(f, LoadOptions.DEFAULT).warnings());
    }

    @Test
    void unknownNonlinearityIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.DEFAULT.withRnnNonlinearity("sigmoid"));
        assertEquals("rnn nonlinearity must be tanh or relu, got 'sigmoid'", e.getMessage());
    }

    @Test
    void gruLayerOfTheWrongSizeNamesTheTensor() {
        Path f = new SafetensorsWriter()
                .f32("weight_ih_l0", shape(6, 3), new float[18])
                .f32("weight_hh_l0", shape(6, 2), new float[12])
                .f32("weight_ih_l1", shape(6, 2), new float[12])
                .f32("weight_hh_l1", shape(8, 2), new float[16])
                .write(dir.resolve("m.safetensors"));
        LstmcException e = assertThrows(LstmcException.class, () -> PyTorchLstmLoader.load(f, LoadOptions.DEFAULT));
        assertEquals("m.safetensors: tensor 'weight_hh_l1' has shape [8, 2], expected [6, 2] [3*H, H]; layer 0 is a GRU"
                + " but this shape is an LSTM's (4*H rows)", e.getMessage());
    }
}

package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Graph-level patterns around LSTM nodes: torch exports edited into shapes the importer must
 * refuse (with the node named), and glue variants torch 1.13 does not write but other exporters do.
 */
class OnnxGraphPatternsTest {
    private static final String FILE = "g.onnx";

    private static ModelProto golden(String name) throws Exception {
        Path p = Path.of(OnnxGraphPatternsTest.class.getResource("/goldens/onnx-export/" + name + "/model.onnx").toURI());
        return ModelProto.parseFrom(Files.readAllBytes(p));
    }

    private static byte[] edit(ModelProto m, Consumer<GraphProto.Builder> change) {
        ModelProto.Builder b = m.toBuilder();
        change.accept(b.getGraphBuilder());
        return b.build().toByteArray();
    }

    private static NodeProto.Builder lstm(GraphProto.Builder g, int k) {
        int seen = 0;
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            if (n.getOpType().equals("LSTM") && seen++ == k) {
                return n;
            }
        }
        throw new AssertionError("no LSTM #" + k);
    }

    private static String error(byte[] bytes) {
        LstmcException e = assertThrows(LstmcException.class, () -> OnnxLoader.read(bytes, FILE));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void intermediateLayerOutputAsGraphOutputIsRefused() throws Exception {
        byte[] bytes = edit(golden("layers2"), g -> g.addOutput(LstmNodeModels.valueInfo(lstm(g, 0).getOutput(0),
                TensorProto.DataType.FLOAT, new Object[] {"s", 1, "b", 4})));
        String message = error(bytes);
        assertTrue(message.contains("sequence output of node") && message.contains("last layer"), message);
    }

    @Test
    void layerReadingAnotherLayersStateRowsIsRefused() throws Exception {
        byte[] bytes = edit(golden("layers2_state_batch_first"), g -> lstm(g, 1).setInput(5, lstm(g, 0).getInput(5)));
        String message = error(bytes);
        assertTrue(message.contains("(layer 1) input initial_h takes rows 0..0 of graph input 'h0', expected rows 1..1"),
                message);
    }

    @Test
    void secondLayerFedByTheModelInputIsRefused() throws Exception {
        byte[] bytes = edit(golden("layers2"), g -> lstm(g, 1).setInput(0, "input"));
        String message = error(bytes);
        assertTrue(message.contains("LSTM)") && message.contains("must be the output of the previous LSTM node"), message);
    }

    @Test
    void outputInAnotherLayoutThanTheInputIsRefused() throws Exception {
        // Return the sequence-first LSTM output of a batch-first model, skipping the final Transpose.
        byte[] bytes = edit(golden("layers1_batch_first"), g -> {
            String squeezed = null;
            for (NodeProto n : g.getNodeList()) {
                if (n.getOpType().equals("Squeeze")) {
                    squeezed = n.getOutput(0);
                }
            }
            g.setOutput(0, LstmNodeModels.valueInfo(squeezed, TensorProto.DataType.FLOAT, new Object[] {"s", "b", 4}));
        });
        String message = error(bytes);
        assertTrue(message.contains("SEQUENCE_FIRST but the input is BATCH_FIRST"), message);
    }

    @Test
    void reshapeThatMergesSequenceAndBatchIsRefused() throws Exception {
        byte[] bytes = edit(golden("layers1"), g -> {
            g.addInitializer(LstmNodeModels.longs("flat", new long[] {-1, 4}, 2));
            g.addNode(NodeProto.newBuilder().setName("flatten").setOpType("Reshape").addInput(g.getOutput(0).getName())
                    .addInput("flat").addOutput("rows"));
            g.setOutput(0, LstmNodeModels.valueInfo("rows", TensorProto.DataType.FLOAT, new Object[] {"n", 4}));
        });
        String message = error(bytes);
        assertTrue(message.contains("graph output 'rows' has axes"), message);
    }

    @Test
    void inferenceDropoutIsTheIdentityAndTrainingDropoutIsRefused() throws Exception {
        Consumer<GraphProto.Builder> addDropout = g -> {
            g.addNode(NodeProto.newBuilder().setName("drop").setOpType("Dropout").addInput(g.getOutput(0).getName())
                    .addInput("").addInput("training").addOutput("dropped"));
            g.setOutput(0, LstmNodeModels.valueInfo("dropped", TensorProto.DataType.FLOAT, new Object[] {"s", "b", 4}));
        };
        byte[] eval = edit(golden("layers1"), g -> {
            g.addInitializer(TensorProto.newBuilder().setName("training").setDataType(TensorProto.DataType.BOOL_VALUE)
                    .addInt32Data(0));
            addDropout.accept(g);
        });
        assertEquals(1, OnnxLoader.read(eval, FILE).model().layers().size());
        byte[] training = edit(golden("layers1"), g -> {
            g.addInitializer(TensorProto.newBuilder().setName("training").setDataType(TensorProto.DataType.BOOL_VALUE)
                    .addInt32Data(1));
            addDropout.accept(g);
        });
        String message = error(training);
        assertTrue(message.contains("node 'drop' (Dropout)") && message.contains("training mode"), message);
    }

    @Test
    void gruNodeImportsAsAGruLayer() throws Exception {
        GraphProto g = GraphProto.newBuilder()
                .addInput(LstmNodeModels.valueInfo("X", TensorProto.DataType.FLOAT, new Object[] {"s", "b", 3}))
                .addInitializer(LstmNodeModels.floats("W", new float[18], true, 1, 6, 3))
                .addInitializer(LstmNodeModels.floats("R", new float[12], true, 1, 6, 2))
                .addNode(NodeProto.newBuilder().setOpType("GRU").setName("gru").addInput("X").addInput("W").addInput("R")
                        .addOutput("Y").addAttribute(LstmNodeModels.intAttr("hidden_size", 2)))
                .addOutput(LstmNodeModels.valueInfo("Y", TensorProto.DataType.FLOAT, new Object[] {"s", 1, "b", 2})).build();
        Model m = OnnxLoader.read(LstmNodeModels.model(g, 14).toByteArray(), "g.onnx").model();
        assertEquals(List.of(io.github.lstmc.compiler.model.CellKind.GRU), m.cellKinds());
        assertEquals(2, m.layers().get(0).hiddenSize());
        assertFalse(m.layers().get(0).linearBeforeReset());
    }

    @Test
    void zeroStateFromExpandOfAScalarIsTheDefaultState() throws Exception {
        // h0 = Expand(0.0, [1, batch, H]) with batch = Shape(X)[1]: the form other exporters use.
        LstmNodeModels.Spec s = new LstmNodeModels.Spec();
        s.w = LstmNodeModels.ramp(24, 0.01f);
        s.r = LstmNodeModels.ramp(16, 0.01f);
        ModelProto.Builder m = ModelProto.parseFrom(LstmNodeModels.build(s)).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        g.addInitializer(LstmNodeModels.floats("zero", new float[] {0f}, true));
        g.addInitializer(LstmNodeModels.longs("one", new long[] {1}, 1));
        g.addInitializer(LstmNodeModels.longs("hidden", new long[] {2}, 1));
        g.addInitializer(LstmNodeModels.longs("batch_axis", new long[] {1}));
        g.addInitializer(LstmNodeModels.longs("axis0", new long[] {0}, 1));
        NodeProto lstmNode = g.getNode(0);
        g.clearNode()
                .addNode(NodeProto.newBuilder().setOpType("Shape").addInput("X").addOutput("shape"))
                .addNode(NodeProto.newBuilder().setOpType("Gather").addInput("shape").addInput("batch_axis").addOutput("b"))
                .addNode(NodeProto.newBuilder().setOpType("Unsqueeze").addInput("b").addInput("axis0").addOutput("b1"))
                .addNode(NodeProto.newBuilder().setOpType("Concat").addInput("one").addInput("b1").addInput("hidden")
                        .addOutput("state_shape").addAttribute(LstmNodeModels.intAttr("axis", 0)))
                .addNode(NodeProto.newBuilder().setOpType("Expand").addInput("zero").addInput("state_shape").addOutput("h0"))
                .addNode(lstmNode.toBuilder().setInput(5, "h0").setInput(6, "h0"));
        OnnxImport imported = OnnxLoader.read(m.build().toByteArray(), FILE);
        assertNull(imported.initialHidden());
        assertNull(imported.initialCell());
        assertEquals(Layout.SEQUENCE_FIRST, imported.model().layout());
    }

    @Test
    void expandOfANonZeroConstantIsCompiledInAsInitialState() throws Exception {
        LstmNodeModels.Spec s = new LstmNodeModels.Spec();
        s.w = LstmNodeModels.ramp(24, 0.01f);
        s.r = LstmNodeModels.ramp(16, 0.01f);
        ModelProto.Builder m = ModelProto.parseFrom(LstmNodeModels.build(s)).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        g.addInitializer(LstmNodeModels.floats("half", new float[] {0.5f}, true));
        g.addInitializer(LstmNodeModels.longs("state_shape", new long[] {1, 1, 2}, 3));
        NodeProto lstmNode = g.getNode(0);
        g.clearNode()
                .addNode(NodeProto.newBuilder().setOpType("Expand").setName("fill").addInput("half").addInput("state_shape")
                        .addOutput("h0"))
                .addNode(lstmNode.toBuilder().setInput(5, "h0"));
        io.github.lstmc.compiler.model.Model model = OnnxLoader.read(m.build().toByteArray(), "m.onnx").model();
        assertEquals(io.github.lstmc.compiler.model.Matrix.vector(new float[] {0.5f, 0.5f}),
                model.initialState().hidden().get(0));
        assertNull(model.initialState().cell().get(0));
        // newState starts from it
        float[] h = io.github.lstmc.compiler.Lstmc.compiler().interpreter(model).newState(3).hidden(0);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, h);
    }
}

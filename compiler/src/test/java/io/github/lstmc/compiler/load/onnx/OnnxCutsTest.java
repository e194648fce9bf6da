package io.github.lstmc.compiler.load.onnx;

import static io.github.lstmc.compiler.load.onnx.GraphBuilder.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto.DataType;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --from}/{@code --to}: compiling the part of a graph between two tensors, and finding where cuts work. */
class OnnxCutsTest {
    private static final int F = WholeGraphs.F;
    private static final int H = WholeGraphs.H;

    /** x → Sin → LSTM (batch-first) → Linear per step → Cos: both ends unsupported. */
    private static byte[] frontAndBackEnds(String[] names) {
        GraphBuilder g = new GraphBuilder(9).input("x", DataType.FLOAT, "B", "T", F);
        String front = g.node("Sin", "front", in("x"));
        String y = WholeGraphs.torchBatchFirstLstm(g, front, "forward", null);
        String dense = WholeGraphs.linear3(g, y, H, 2);
        g.output(g.node("Cos", "back", in(dense)), "B", "T", 2);
        names[0] = front;
        names[1] = y;
        names[2] = dense;
        return g.build(14);
    }

    @Test
    void cuttingBothEndsCompilesTheMiddle() throws Exception {
        String[] names = new String[3];
        byte[] bytes = frontAndBackEnds(names);
        OnnxImport cut = OnnxLoader.read(bytes, "c.onnx", LoadOptions.DEFAULT.withCut(names[0], names[2]));
        assertEquals(names[0], cut.inputName());
        Model m = cut.model();
        assertEquals(Layout.BATCH_FIRST, m.layout());
        assertEquals(TimeReduction.NONE, m.reduction());
        assertEquals(List.of(HeadLayer.Dense.class), m.head().stream().map(Object::getClass).toList());
        Model bare = OnnxLoader.read(bytes, "c.onnx", LoadOptions.DEFAULT.withCut(names[0], names[1])).model();
        assertTrue(bare.head().isEmpty());
    }

    @Test
    void cutPointsListTheTensorsWhereCutsWork() throws Exception {
        String[] names = new String[3];
        OnnxLoader.CutPoints cuts = OnnxLoader.cutPoints(frontAndBackEnds(names), "c.onnx");
        assertTrue(cuts.from().contains(names[0]), cuts.toString());
        assertTrue(!cuts.from().contains("x"), cuts.toString());
        assertTrue(cuts.to().contains(names[1]) && cuts.to().contains(names[2]), cuts.toString());
        assertEquals(cuts.to().size(), cuts.to().stream().distinct().count());
    }

    @Test
    void loadOptionsCarryTheCutThroughTheFacade(@TempDir Path dir) throws Exception {
        String[] names = new String[3];
        Path file = dir.resolve("net.onnx");
        Files.write(file, frontAndBackEnds(names));
        Model m = Lstmc.compiler().load(file, LoadOptions.DEFAULT.withCut(names[0], names[2]));
        assertEquals(2, m.outputSize());
        Path weights = dir.resolve("w.safetensors");
        Files.write(weights, new byte[16]);
        io.github.lstmc.compiler.LstmcException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.lstmc.compiler.LstmcException.class,
                () -> Lstmc.compiler().load(weights, LoadOptions.DEFAULT.withCut("a", null)));
        assertEquals("w.safetensors: --from/--to cut ONNX graphs; this is not an .onnx file", e.getMessage());
    }
}

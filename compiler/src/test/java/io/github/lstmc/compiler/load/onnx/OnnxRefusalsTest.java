package io.github.lstmc.compiler.load.onnx;

import static io.github.lstmc.compiler.load.onnx.GraphBuilder.in;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.integer;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto.DataType;
import org.junit.jupiter.api.Test;

/** Graphs around LSTM nodes that lstmc refuses, each with its exact one-line message. */
class OnnxRefusalsTest {
    private static final int F = WholeGraphs.F;
    private static final int H = WholeGraphs.H;
    private static final String AFTER = " (it is after the LSTM: --to TENSOR can cut it off; lstmc inspect lists the"
            + " tensors)";
    private static final String BEFORE = " (it is before the LSTM: --from TENSOR can cut it off; lstmc inspect lists the"
            + " tensors)";

    private static String refusal(byte[] bytes) {
        return refusal(bytes, null);
    }

    private static String refusal(byte[] bytes, LoadOptions options) {
        LstmcException e = assertThrows(LstmcException.class, () -> OnnxLoader.read(bytes, "r.onnx", options));
        return e.getMessage();
    }

    private static GraphBuilder batchFirst() {
        return new GraphBuilder(42).input("x", DataType.FLOAT, "B", "T", F);
    }

    @Test
    void unsupportedOperatorAfterTheLstm() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(g.node("Sin", "head_sin", in(y)), "B", "T", H);
        assertEquals("r.onnx: node 'head_sin' (Sin): operator Sin is not supported by lstmc's ONNX importer" + AFTER,
                refusal(g.build(14)));
    }

    @Test
    void unsupportedOperatorBeforeTheLstm() {
        GraphBuilder g = batchFirst();
        String front = g.node("Sin", "front", in("x"));
        String y = WholeGraphs.torchBatchFirstLstm(g, front, "forward", null);
        g.output(y, "B", "T", H);
        assertEquals("r.onnx: node 'front' (Sin): operator Sin is not supported by lstmc's ONNX importer" + BEFORE,
                refusal(g.build(14)));
    }

    @Test
    void unsupportedOperatorBetweenLstmNodes() {
        GraphBuilder g = new GraphBuilder(43).input("x", DataType.FLOAT, "T", "B", F);
        String[] l0 = g.lstm("lstm0", "x", F, H, "forward", null, null, null);
        String mid = g.node("Sin", "between", in(g.node("Squeeze", in(l0[0], g.ints(new long[] {1}, 1)))));
        String[] l1 = g.lstm("lstm1", mid, H, H, "forward", null, null, null);
        g.output(l1[0], "T", 1, "B", H);
        assertEquals("r.onnx: node 'between' (Sin): operator Sin is not supported by lstmc's ONNX importer (it is"
                + " between LSTM nodes: --from/--to cannot cut around it)", refusal(g.build(14)));
    }

    @Test
    void otherTimeStepsThanTheFirstAndLast() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(g.node("Gather", "third", in(y, g.ints(new long[] {2})), integer("axis", 1)), "B", H);
        assertEquals("r.onnx: node 'third' (Gather): taking time step 2 is not supported (lstmc takes the last step, -1,"
                + " or the first, 0)" + AFTER, refusal(g.build(14)));
    }

    @Test
    void firstStepOfABidirectionalOutput() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "bidirectional", null);
        g.output(g.node("Gather", "first", in(y, g.ints(new long[] {0})), integer("axis", 1)), "B", 2 * H);
        assertEquals("r.onnx: graph output 'first_out0_" + "X" + "' is the LSTM output at the first time step, which"
                + " lstmc computes only for a reverse-only LSTM (its final state)", refusal(g.build(14))
                .replaceAll("first_out0_\\d+", "first_out0_X"));
    }

    @Test
    void oneDirectionAsTheOutput() {
        GraphBuilder g = new GraphBuilder(44).input("x", DataType.FLOAT, "T", "B", F);
        String[] y = g.lstm("lstm", "x", F, H, "bidirectional", null, null, null);
        String forward = g.node("Gather", "fw", in(y[0], g.ints(new long[] {0})), integer("axis", 1));
        g.output(forward, "T", "B", H);
        assertEquals("r.onnx: graph output 'fw_out0_X' holds only the forward direction of node 'lstm' (LSTM)'s output;"
                + " lstmc models output both", refusal(g.build(14)).replaceAll("fw_out0_\\d+", "fw_out0_X"));
    }

    @Test
    void meanOverTimeOfAnLstmWithSequenceLengths() {
        GraphBuilder g = batchFirst().input("lengths", DataType.INT32, "B");
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", "lengths");
        g.output(g.node("ReduceMean", "mean", in(y), ints("axes", 1), integer("keepdims", 0)), "B", H);
        assertEquals("r.onnx: node 'mean' (ReduceMean): ReduceMean over time of an LSTM with sequence_lens would include"
                + " the padded steps, which lstmc's MEAN leaves out" + AFTER, refusal(g.build(14)));
    }

    @Test
    void reductionOverFeatures() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(g.node("ReduceMax", "fmax", in(y), ints("axes", 2), integer("keepdims", 0)), "B", "T");
        assertEquals("r.onnx: node 'fmax' (ReduceMax): ReduceMax over axis 2 is not supported (lstmc reduces over the time"
                + " axis only)" + AFTER, refusal(g.build(14)));
    }

    @Test
    void sumOfTheDirections() {
        GraphBuilder g = new GraphBuilder(45).input("x", DataType.FLOAT, "T", "B", F);
        String[] y = g.lstm("lstm", "x", F, H, "bidirectional", null, null, null);
        String fw = g.node("Gather", in(y[0], g.ints(new long[] {0})), integer("axis", 1));
        String bw = g.node("Gather", in(y[0], g.ints(new long[] {1})), integer("axis", 1));
        g.output(g.node("Add", "merge_sum", in(fw, bw)), "T", "B", H);
        String message = refusal(g.build(14)).replaceAll("axes \\[[^]]*\\]", "axes [..]");
        assertEquals("r.onnx: node 'merge_sum' (Add): Add of data from LSTM node #0 with axes [..] and data from LSTM"
                + " node #0 with axes [..] is not supported" + AFTER, message);
    }

    @Test
    void headOnTheInput() {
        GraphBuilder g = batchFirst();
        String relu = g.node("Relu", "pre", in("x"));
        g.output(WholeGraphs.torchBatchFirstLstm(g, relu, "forward", null), "B", "T", H);
        assertEquals("r.onnx: node 'pre' (Relu): Relu of data from graph input 'x' with axes [x:0, x:1, x:2] is not"
                + " supported (lstmc applies head operators to the features of the LSTM output, on the last axis)"
                + BEFORE, refusal(g.build(14)));
    }

    @Test
    void softmaxOverTime() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(g.node("Softmax", "over_time", in(y), integer("axis", 1)), "B", "T", H);
        assertEquals("r.onnx: node 'over_time' (Softmax): Softmax on axis 1 is not supported (lstmc applies it over the"
                + " features, the last axis 2)" + AFTER, refusal(g.build(14)));
    }

    @Test
    void constantInitialStateThatDiffersPerRow() {
        GraphBuilder g = new GraphBuilder(46).input("x", DataType.FLOAT, "T", "B", F);
        String h0 = g.init(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0f, 0f, 0f, 0f}, 1, 2, H);
        String[] y = g.lstm("lstm", "x", F, H, "forward", null, h0, null);
        g.output(y[0], "T", 1, "B", H);
        assertEquals("r.onnx: node 'lstm' (LSTM): input initial_h '" + h0 + "' [1, 2, 4] is a constant that differs"
                + " between batch rows; lstmc compiles in a constant initial state only when every row starts alike"
                + " (pass per-row states as a graph input instead)", refusal(g.build(14)));
    }

    @Test
    void constantSequenceLengthsWithALengthsInputForTheReduction() {
        assertEquals("r.onnx: graph output 'out' reads lengths from graph input 'lengths' but the LSTM's sequence_lens is"
                + " a constant; lstmc takes lengths either at run time or compiled in, not both",
                refusal(WholeGraphs.lastValidStep("constant", true)).replaceAll("'gemm\\w+'", "'out'"));
    }

    @Test
    void floatConstantSequenceLengths() {
        GraphBuilder g = new GraphBuilder(47).input("x", DataType.FLOAT, "T", "B", F);
        String lens = g.init(new float[] {2, 3}, 2);
        String[] y = g.lstm("lstm", "x", F, H, "forward", lens, null, null);
        g.output(y[0], "T", 1, "B", H);
        assertEquals("r.onnx: node 'lstm' (LSTM): input sequence_lens '" + lens + "' [2] must be an integer"
                + " constant of rank 1 with at least one row", refusal(g.build(14)));
    }

    @Test
    void twoDifferentOutputs() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(y, "B", "T", H);
        g.output(g.node("Gather", "last", in(y, g.ints(new long[] {-1})), integer("axis", 1)), "B", H);
        assertEquals("r.onnx: graph output 'Y' and graph output 'L' compute different things from the LSTM output; an"
                + " lstmc model has one output (choose one with --to)", refusal(g.build(14))
                .replaceAll("'transpose\\w+'", "'Y'").replaceAll("'last_out0_\\d+'", "'L'"));
    }

    @Test
    void cutsNamingMissingTensors() {
        byte[] bytes = WholeGraphs.tagger();
        assertEquals("r.onnx: --from names tensor 'nope', which the graph does not have",
                refusal(bytes, LoadOptions.DEFAULT.withCut("nope", null)));
        assertEquals("r.onnx: --to names tensor 'nope', which the graph does not have",
                refusal(bytes, LoadOptions.DEFAULT.withCut(null, "nope")));
    }

    @Test
    void cutThatLeavesNoLstm() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(y, "B", "T", H);
        assertEquals("r.onnx: the graph between the cut tensors has no LSTM node (operators: LSTM, Squeeze, Transpose)",
                refusal(g.build(14), LoadOptions.DEFAULT.withCut(y, null)));
    }

    @Test
    void graphWithoutLstmNodeOrLoop() {
        GraphBuilder g = batchFirst();
        g.output(g.node("Relu", in("x")), "B", "T", F);
        assertEquals("r.onnx: the graph has no LSTM node (operators: Relu)", refusal(g.build(14)));
    }

    @Test
    void sumOverTimeWithoutAMask() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        g.output(g.node("ReduceSum", "sum", in(y, g.ints(new long[] {1}, 1)), integer("keepdims", 0)), "B", H);
        assertEquals("r.onnx: node 'sum' (ReduceSum): ReduceSum of data from LSTM node #0 with axes [x:0, x:1, hid:0] is not supported (lstmc sums the LSTM output"
                + " over time only times a mask of valid steps, for a mean over them)" + AFTER, refusal(g.build(14)));
    }

    @Test
    void batchSortedByLength() {
        GraphBuilder g = batchFirst().input("lengths", DataType.INT64, "B");
        String[] sorted = g.nodeN("TopK", "sort", 2, in("lengths", g.ints(new long[] {3}, 1)), integer("axis", -1));
        String lens32 = g.node("Cast", in(sorted[0]), integer("to", 6));
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", lens32);
        g.output(y, "B", "T", H);
        assertEquals("r.onnx: node 'sort' (TopK): sorting the batch by graph input 'lengths' (pack_padded_sequence with"
                + " enforce_sorted=False) is not supported; sort the batch by length before the model and export with"
                + " enforce_sorted=True, or without packing", refusal(g.build(14)));
    }

    @Test
    void gruWithoutAnyLstm() {
        GraphBuilder g = new GraphBuilder(49).input("x", DataType.FLOAT, "T", "B", F);
        String[] gru = g.nodeN("GRU", "encoder/gru", 2, in("x", g.random(0.5f, 1, 3 * H, F),
                g.random(0.5f, 1, 3 * H, H)), integer("hidden_size", H));
        g.output(g.node("Relu", in(gru[1])), 1, "B", H);
        assertEquals("r.onnx: node 'encoder/gru' (GRU): lstmc compiles LSTM recurrences, not GRU, and the graph has"
                + " no LSTM node, so no --from/--to cut helps", refusal(g.build(14)));
    }

    @Test
    void tokenIdsThatAreNotLookedUp() {
        GraphBuilder g = new GraphBuilder(48).input("ids", DataType.INT64, "B", "T");
        String f = g.node("Cast", in("ids"), integer("to", 1));
        g.output(g.node("Unsqueeze", "u", in(f, g.ints(new long[] {2}, 1))), "B", "T", 1);
        assertEquals("r.onnx: the graph has no LSTM node (operators: Cast, Unsqueeze)", refusal(g.build(14)));
    }

    @Test
    void recurrenceLoweredIntoAScan() {
        GraphBuilder g = batchFirst();
        io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto body =
                io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto.newBuilder().setName("cell").build();
        String y = g.node("Scan", "rnn/scan", in("x"), integer("num_scan_inputs", 1),
                io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto.newBuilder().setName("body")
                        .setType(io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto.AttributeType.GRAPH)
                        .setG(body).build());
        g.output(g.node("Tanh", in(y)), "B", "T", F);
        assertEquals("r.onnx: the graph has no LSTM node: its recurrence was lowered into a Scan (operators: Scan, Tanh);"
                + " lstmc compiles the ONNX LSTM operator, so re-export the model with an LSTM op", refusal(g.build(14)));
    }

    @Test
    void ifWhoseConditionDependsOnTheBatch() {
        GraphBuilder g = batchFirst();
        String y = WholeGraphs.torchBatchFirstLstm(g, "x", "forward", null);
        String batch = g.node("Gather", in(g.node("Shape", in(y)), g.ints(new long[] {0})));
        String cond = g.node("Equal", "batch_is_one", in(batch, g.ints(new long[] {1})));
        g.output(g.node("Identity", in(cond)), 1);
        g.output(y, "B", "T", H);
        assertEquals("r.onnx: node 'batch_is_one' (Equal): Equal of values that depend on the sequence length or batch"
                + " size is not supported" + AFTER, refusal(g.build(14)));
    }
}

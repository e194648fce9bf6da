package io.github.lstmc.compiler.load.onnx;

import static io.github.lstmc.compiler.load.onnx.GraphBuilder.in;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.integer;
import static io.github.lstmc.compiler.load.onnx.GraphBuilder.ints;

import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto.DataType;

/**
 * Whole networks written the way torch.onnx.export and tf2onnx write them (see
 * /work/shared/notes/exported-graphs.md): an input stage, LSTM nodes with their layout glue, a
 * choice of time step or reduction, and a head. Sizes: F input features, H hidden, K outputs.
 */
final class WholeGraphs {
    static final int F = 3;
    static final int H = 4;
    static final int K = 2;
    static final long INT_MAX = Integer.MAX_VALUE;

    private WholeGraphs() {
    }

    /** Batch-first input [B,T,F] through a torch-style LSTM: returns Y as [B,T,D*H]. */
    static String torchBatchFirstLstm(GraphBuilder g, String x, String direction, String lengths) {
        int d = direction.equals("bidirectional") ? 2 : 1;
        String xt = g.node("Transpose", in(x), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, direction, lengths, null, null);
        String seq;
        if (d == 1) {
            seq = g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)));
        } else {
            String t = g.node("Transpose", in(y[0]), ints("perm", 0, 2, 1, 3));
            seq = g.node("Reshape", in(t, g.ints(new long[] {0, 0, -1}, 3)));
        }
        return g.node("Transpose", in(seq), ints("perm", 1, 0, 2));
    }

    /** nn.Linear on the last axis of rank-3 data: MatMul with the transposed weight + Add. */
    /**
     * Two bidirectional sequence-first LSTM layers over graph input "x" (torch's Transpose + Reshape
     * between them) and their Y_h concatenated, {@code [4, batch, H]}: what {@code h_n} is in the graph.
     */
    static String stackedBidirectionalFinalStates(GraphBuilder g) {
        String[] l0 = g.lstm("lstm0", "x", F, H, "bidirectional", null, null, null);
        String t0 = g.node("Transpose", in(l0[0]), ints("perm", 0, 2, 1, 3));
        String x1 = g.node("Reshape", in(t0, g.ints(new long[] {0, 0, -1}, 3)));
        String[] l1 = g.nodeN("LSTM", "lstm1", 3, in(x1, g.random(0.5f, 2, 4 * H, 2 * H), g.random(0.5f, 2, 4 * H, H),
                g.random(0.3f, 2, 8 * H)), integer("hidden_size", H),
                LstmNodeModels.stringAttr("direction", "bidirectional"));
        return g.node("Concat", in(l0[1], l1[1]), integer("axis", 0));
    }

    static String linear3(GraphBuilder g, String x, int in, int out) {
        String mm = g.node("MatMul", in(x, g.random(0.5f, in, out)));
        return g.node("Add", in(mm, g.random(0.2f, out)));
    }

    /** nn.Linear on [B, in]: Gemm(transB=1). */
    static String gemm(GraphBuilder g, String x, int in, int out) {
        return g.node("Gemm", in(x, g.random(0.5f, out, in), g.random(0.2f, out)), integer("transB", 1));
    }

    /** Tagger: batch-first LSTM, Linear per step. */
    static byte[] tagger() {
        GraphBuilder g = new GraphBuilder(1).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        return g.output(linear3(g, y, H, K), "B", "T", K).build(14);
    }

    /**
     * A learned initial state: a bidirectional sequence-first LSTM whose initial_h is a constant
     * {@code [2, 1, H]} expanded over the batch and initial_c a constant filled by ConstantOfShape
     * over the batch; the final states through Y_h, Linear and Tanh.
     */
    static byte[] constantInitialState() {
        GraphBuilder g = new GraphBuilder(40).input("x", DataType.FLOAT, "T", "B", F);
        float[] h0 = new float[2 * H];
        for (int i = 0; i < h0.length; i++) {
            h0[i] = 0.25f - 0.1f * i;
        }
        String batch = g.node("Gather", in(g.node("Shape", in("x")), g.ints(new long[] {1}, 1)), integer("axis", 0));
        String shape = g.node("Concat", in(g.ints(new long[] {2}, 1), batch, g.ints(new long[] {H}, 1)), integer("axis", 0));
        // ONNX Runtime wants initial_h of the batch's size: the learned [2, 1, H] is expanded to it
        String initialH = g.node("Expand", in(g.init(h0, 2, 1, H), shape));
        String initialC = g.node("ConstantOfShape", in(shape), GraphBuilder.tensorAttribute("value", 0.5f));
        String[] y = g.lstm("lstm", "x", F, H, "bidirectional", null, initialH, initialC);
        String hn = g.node("Transpose", in(y[1]), ints("perm", 1, 0, 2));
        String flat = g.node("Reshape", in(hn, g.ints(new long[] {0, -1}, 2)));
        String out = g.node("Tanh", in(gemm(g, flat, 2 * H, K)));
        return g.output(out, "B", K).build(14);
    }

    /** Classifier: out[:, -1, :] → Linear → ReLU → Linear → Softmax. */
    static byte[] lastStepClassifier(String direction) {
        int d = direction.equals("bidirectional") ? 2 : 1;
        GraphBuilder g = new GraphBuilder(2).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", direction, null);
        String last = g.node("Gather", in(y, g.ints(new long[] {-1})), integer("axis", 1));
        String h = g.node("Relu", in(gemm(g, last, d * H, 5)));
        String out = g.node("Softmax", in(gemm(g, h, 5, K)), integer("axis", -1));
        return g.output(out, "B", K).build(14);
    }

    /** torch.cat([h_n[-2], h_n[-1]], 1) of a stacked bidirectional sequence-first LSTM → Linear → Sigmoid. */
    static byte[] hnStackedBidirectional() {
        GraphBuilder g = new GraphBuilder(3).input("x", DataType.FLOAT, "T", "B", F);
        String hn = stackedBidirectionalFinalStates(g);
        String fw = g.node("Gather", in(hn, g.ints(new long[] {-2})), integer("axis", 0));
        String bw = g.node("Gather", in(hn, g.ints(new long[] {-1})), integer("axis", 0));
        String cat = g.node("Concat", in(fw, bw), integer("axis", 1));
        String out = g.node("Sigmoid", in(gemm(g, cat, 2 * H, K)));
        return g.output(out, "B", K).build(14);
    }

    /** Keras Bidirectional(LSTM) through tf2onnx: one node, Y split per direction and joined. */
    static byte[] tf2onnxBidirectional(boolean returnSequences) {
        GraphBuilder g = new GraphBuilder(4).input("x", DataType.FLOAT, "B", "T", F);
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, "bidirectional", null, null, null);
        String one = g.ints(new long[] {1}, 1);
        String fw = g.node("Squeeze", in(g.node("Slice", in(y[0], g.ints(new long[] {0}, 1), one, one)), one));
        String bw = g.node("Squeeze", in(g.node("Slice", in(y[0], one, g.ints(new long[] {2}, 1), one)), one));
        String zero = g.ints(new long[] {0}, 1);
        if (returnSequences) {
            String cat = g.node("Concat", in(fw, bw), integer("axis", 2));
            String bt = g.node("Transpose", in(cat), ints("perm", 1, 0, 2));
            String dense = linear3(g, bt, 2 * H, K);
            return g.output(g.node("Softmax", in(dense), integer("axis", -1)), "B", "T", K).build(13);
        }
        String fl = g.node("Squeeze", in(g.node("Slice", "strided_slice", in(fw, g.ints(new long[] {-1}, 1),
                g.ints(new long[] {INT_MAX}, 1), zero)), zero));
        String bl = g.node("Squeeze", in(g.node("Slice", "strided_slice_1", in(bw, zero, one, zero)), zero));
        String cat = g.node("Concat", in(fl, bl), integer("axis", -1));
        String mm = g.node("MatMul", in(cat, g.random(0.5f, 2 * H, K)));
        String dense = g.node("Add", in(mm, g.random(0.2f, K)));
        return g.output(g.node("Softmax", in(dense), integer("axis", -1)), "B", K).build(13);
    }

    /**
     * Each row's last valid step: Sub(lengths, 1) → Clip(0) → Unsqueeze ×2 → Expand → GatherElements
     * → Squeeze → Linear; the LSTM node takes sequence_lens when {@code masked}.
     */
    static byte[] lastValidStep(boolean masked, boolean clamped) {
        return lastValidStep(masked ? "lengths" : null, clamped);
    }

    /**
     * {@link #lastValidStep(boolean, boolean)} whose LSTM node takes {@code lstmLengths} (cast to int32) as
     * sequence_lens: the graph input "lengths", "constant" (an int64 initializer [2, 3]), or null for none.
     */
    static byte[] lastValidStep(String lstmLengths, boolean clamped) {
        GraphBuilder g = new GraphBuilder(5).input("x", DataType.FLOAT, "B", "T", F).input("lengths", DataType.INT64, "B");
        String source = "constant".equals(lstmLengths) ? g.ints(new long[] {2, 3}, 2) : lstmLengths;
        String lens32 = source != null ? g.node("Cast", in(source), integer("to", 6)) : null; // LSTM takes int32
        String y = torchBatchFirstLstm(g, "x", "forward", lens32);
        String idx = g.node("Sub", in("lengths", g.ints(new long[] {1})));
        if (clamped) {
            idx = g.node("Clip", in(idx, g.ints(new long[] {0}), ""));
        }
        String u = g.node("Unsqueeze", in(g.node("Unsqueeze", in(idx, g.ints(new long[] {1}, 1))), g.ints(new long[] {2}, 1)));
        String e = g.node("Expand", in(u, g.ints(new long[] {1, 1, H}, 3)));
        String picked = g.node("GatherElements", in(y, e), integer("axis", 1));
        String sq = g.node("Squeeze", in(picked, g.ints(new long[] {1}, 1)));
        return g.output(gemm(g, sq, H, K), "B", K).build(14);
    }

    /** nn.Embedding → LSTM(batch_first) → Linear per step. */
    static byte[] embeddingTagger(int vocabulary) {
        GraphBuilder g = new GraphBuilder(6).input("ids", DataType.INT64, "B", "T");
        String emb = g.node("Gather", in(g.random(1f, vocabulary, F), "ids"));
        String y = torchBatchFirstLstm(g, emb, "forward", null);
        return g.output(linear3(g, y, H, K), "B", "T", K).build(14);
    }

    /** Keras: float ids → Cast → Clip into the table → Gather → LSTM → last step (Slice) → Dense. */
    static byte[] kerasEmbedding(int vocabulary) {
        GraphBuilder g = new GraphBuilder(7).input("ids", DataType.FLOAT, "B", "T");
        String cast = g.node("Cast", in("ids"), integer("to", 7));
        String clipped = g.node("Clip", in(cast, g.ints(new long[] {0}), g.ints(new long[] {vocabulary - 1})));
        String emb = g.node("Gather", in(g.random(1f, vocabulary, F), clipped));
        String xt = g.node("Transpose", in(emb), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, "forward", null, null, null);
        String zero = g.ints(new long[] {0}, 1);
        String sq = g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)));
        String last = g.node("Squeeze", in(g.node("Slice", in(sq, g.ints(new long[] {-1}, 1),
                g.ints(new long[] {INT_MAX}, 1), zero)), zero));
        String mm = g.node("MatMul", in(last, g.random(0.5f, H, K)));
        return g.output(g.node("Add", in(mm, g.random(0.2f, K))), "B", K).build(13);
    }

    /** (x - mean) / std per feature before a sequence-first LSTM; the raw Y as output. */
    static byte[] normalizedInput() {
        GraphBuilder g = new GraphBuilder(8).input("x", DataType.FLOAT, "T", "B", F);
        String centred = g.node("Sub", in("x", g.init(new float[] {0.5f, -1f, 2f}, F)));
        String scaled = g.node("Div", in(centred, g.init(new float[] {2f, 0.5f, 4f}, 1, 1, F)));
        String[] y = g.lstm("lstm", scaled, F, H, "forward", null, null, null);
        String sq = g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)));
        return g.output(sq, "T", "B", H).build(14);
    }

    /** Per-step Linear → exact GELU as torch writes it (Div, Erf, Add, Mul, Mul) → Linear. */
    static byte[] geluHead() {
        GraphBuilder g = new GraphBuilder(9).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        String a = linear3(g, y, H, 5);
        String div = g.node("Div", in(a, g.scalar((float) Math.sqrt(2))));
        String erf = g.node("Erf", in(div));
        String plus = g.node("Add", in(erf, g.scalar(1f)));
        String mul = g.node("Mul", in(a, plus));
        String half = g.node("Mul", in(mul, g.scalar(0.5f)));
        return g.output(linear3(g, half, 5, K), "B", "T", K).build(14);
    }

    /** mean over time (ReduceMean axes [1], keepdims 0) → Linear → LogSoftmax. */
    static byte[] meanPooled(long opset) {
        GraphBuilder g = new GraphBuilder(10).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        String mean = opset >= 18
                ? g.node("ReduceMean", in(y, g.ints(new long[] {1}, 1)), integer("keepdims", 0))
                : g.node("ReduceMean", in(y), ints("axes", 1), integer("keepdims", 0));
        return g.output(g.node("LogSoftmax", in(gemm(g, mean, H, K)), integer("axis", 1)), "B", K).build(opset);
    }

    /** BatchNorm1d (eval) on the input ([B, F, T]) and in the head ([B, 5]) around a last-step classifier. */
    static byte[] batchNorms() {
        GraphBuilder g = new GraphBuilder(11).input("x", DataType.FLOAT, "B", "T", F);
        String channels = g.node("Transpose", in("x"), ints("perm", 0, 2, 1));
        String normed = g.node("BatchNormalization", in(channels, g.init(new float[] {1.5f, 0.5f, 2f}, F),
                g.init(new float[] {0.1f, -0.2f, 0.3f}, F), g.init(new float[] {0.2f, 0f, -0.4f}, F),
                g.init(new float[] {0.8f, 1.2f, 2.5f}, F)));
        String back = g.node("Transpose", in(normed), ints("perm", 0, 2, 1));
        String y = torchBatchFirstLstm(g, back, "forward", null);
        String last = g.node("Gather", in(y, g.ints(new long[] {-1})), integer("axis", 1));
        String hidden = gemm(g, last, H, 5);
        String bn = g.node("BatchNormalization", in(hidden, g.random(1f, 5), g.random(0.5f, 5), g.random(0.5f, 5),
                g.init(new float[] {0.5f, 1f, 1.5f, 2f, 0.7f}, 5)));
        String out = gemm(g, g.node("Relu", in(bn)), 5, K);
        return g.output(out, "B", K).build(14);
    }

    /** Keras-style final states from Y_h: Transpose(1, 0, 2) → Reshape [B, 2H] → Dense → Softmax. */
    static byte[] yhTransposed() {
        GraphBuilder g = new GraphBuilder(12).input("x", DataType.FLOAT, "B", "T", F);
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, "bidirectional", null, null, null);
        String t = g.node("Transpose", in(y[1]), ints("perm", 1, 0, 2));
        String flat = g.node("Reshape", in(t, g.ints(new long[] {-1, 2 * H}, 2)));
        String mm = g.node("MatMul", in(flat, g.random(0.5f, 2 * H, K)));
        String dense = g.node("Add", in(mm, g.random(0.2f, K)));
        return g.output(g.node("Softmax", in(dense), integer("axis", -1)), "B", K).build(13);
    }

    /** Operators of the head at opset 20: Gelu (both forms), Selu, Softsign, HardSwish, Celu, PRelu, Flatten. */
    static byte[] activationZoo() {
        GraphBuilder g = new GraphBuilder(13).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        String last = g.node("Gather", in(y, g.ints(new long[] {-1})), integer("axis", 1));
        String flat = g.node("Flatten", in(last), integer("axis", 1));
        String a = g.node("Gelu", in(gemm(g, flat, H, 6)), LstmNodeModels.stringAttr("approximate", "tanh"));
        String b = g.node("Gelu", in(gemm(g, a, 6, 6)));
        String c = g.node("Softsign", in(g.node("Selu", in(b))));
        String d = g.node("Celu", in(g.node("HardSwish", in(c))), GraphBuilder.real("alpha", 0.7f));
        String e = g.node("PRelu", in(d, g.init(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 6)));
        String out = g.node("Softmax", in(gemm(g, e, 6, K)), integer("axis", -1));
        return g.output(out, "B", K).build(20);
    }

    /**
     * Self-gated activations as torch exports them: nn.SiLU is Sigmoid then Mul(x, sigmoid), nn.Hardswish
     * below opset 14 is HardSigmoid(alpha 1/6) then Mul(x, hardsigmoid), here per step (MatMul + Add) and
     * after the last step (Gemm).
     */
    static byte[] selfGated() {
        GraphBuilder g = new GraphBuilder(14).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        String a = linear3(g, y, H, 5);
        String silu = g.node("Mul", in(a, g.node("Sigmoid", in(a))));
        String last = g.node("Gather", in(silu, g.ints(new long[] {-1})), integer("axis", 1));
        String b = gemm(g, last, 5, 6);
        String hs = g.node("Mul", in(b, g.node("HardSigmoid", in(b), GraphBuilder.real("alpha", 1f / 6))));
        return g.output(gemm(g, hs, 6, K), "B", K).build(13);
    }

    /**
     * Mean over valid steps with a mask, as torch exports {@code (out * mask[..., None]).sum(1) / lengths[:, None]}
     * with {@code mask = arange(T)[None, :] < lengths[:, None]}: a BiLSTM without sequence_lens (it runs over
     * the padding, the mask leaves the padded steps out of the mean). {@code maskSum}: the divisor is
     * {@code mask.sum(1)} instead of the lengths, and the mask is written {@code lengths[:, None] > arange(T)}.
     */
    static byte[] maskedMean(boolean maskSum) {
        GraphBuilder g = new GraphBuilder(15).input("x", DataType.FLOAT, "B", "T", F).input("lengths", DataType.INT64, "B");
        String y = torchBatchFirstLstm(g, "x", "bidirectional", null);
        String steps = g.node("Gather", in(g.node("Shape", in("x")), g.ints(new long[] {1})), integer("axis", 0));
        String range = g.node("Range", in(g.ints(new long[] {0}), steps, g.ints(new long[] {1})));
        String row = g.node("Unsqueeze", in(range, g.ints(new long[] {0}, 1)));
        String column = g.node("Unsqueeze", in("lengths", g.ints(new long[] {1}, 1)));
        String valid = maskSum ? g.node("Greater", in(column, row)) : g.node("Less", in(row, column));
        String mask = g.node("Unsqueeze", in(g.node("Cast", in(valid), integer("to", 1)), g.ints(new long[] {-1}, 1)));
        String masked = g.node("Mul", in(y, mask));
        String sum = g.node("ReduceSum", in(masked, g.ints(new long[] {1}, 1)), integer("keepdims", 0));
        String divisor = maskSum
                ? g.node("ReduceSum", in(mask, g.ints(new long[] {1}, 1)), integer("keepdims", 0))
                : g.node("Cast", in(column), integer("to", 1));
        String mean = g.node("Div", in(sum, divisor));
        return g.output(gemm(g, mean, 2 * H, K), "B", K).build(13);
    }

    /**
     * Keras {@code Lambda(lambda x: x[:, -1, :])} on an LSTM's sequences through tf2onnx: one Slice over
     * every axis of the time-first output, the untouched ones [0, INT_MAX), then Squeeze and Dense.
     */
    static byte[] tf2onnxMultiAxisSlice() {
        GraphBuilder g = new GraphBuilder(16).input("x", DataType.FLOAT, "B", "T", F);
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, F, H, "forward", null, null, null);
        String seq = g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)));
        String last = g.node("Slice", "lambda/strided_slice", in(seq, g.ints(new long[] {0, -1, 0}, 3),
                g.ints(new long[] {INT_MAX, INT_MAX, INT_MAX}, 3), g.ints(new long[] {1, 0, 2}, 3)));
        String squeezed = g.node("Squeeze", in(last, g.ints(new long[] {0}, 1)));
        String mm = g.node("MatMul", in(squeezed, g.random(0.5f, H, K)));
        return g.output(g.node("Add", in(mm, g.random(0.2f, K))), "B", K).build(13);
    }

    /**
     * A univariate series {@code [batch, seq]} unsqueezed to one feature per step, a 1-unit regressor
     * and torch's {@code .squeeze()} without axes (the batch stays an axis).
     */
    static byte[] univariateSqueeze() {
        GraphBuilder g = new GraphBuilder(17).input("x", DataType.FLOAT, "B", "T");
        String x3 = g.node("Unsqueeze", in("x", g.ints(new long[] {-1}, 1)));
        String xt = g.node("Transpose", in(x3), ints("perm", 1, 0, 2));
        String[] y = g.lstm("lstm", xt, 1, H, "forward", null, null, null);
        String seq = g.node("Transpose", in(g.node("Squeeze", in(y[0], g.ints(new long[] {1}, 1)))), ints("perm", 1, 0, 2));
        String last = g.node("Gather", in(seq, g.ints(new long[] {-1})), integer("axis", 1));
        return g.output(g.node("Squeeze", in(gemm(g, last, H, 1))), "B").build(13);
    }

    /** AdaptiveAvgPool1d(1) / AdaptiveMaxPool1d(1) over time as torch exports them: [B, H, T] → Global*Pool → Squeeze(2). */
    static byte[] globalPool(String op) {
        GraphBuilder g = new GraphBuilder(18).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "bidirectional", null);
        String channels = g.node("Transpose", in(y), ints("perm", 0, 2, 1));
        String pooled = g.node("Squeeze", in(g.node(op, in(channels)), g.ints(new long[] {2}, 1)));
        return g.output(gemm(g, pooled, 2 * H, K), "B", K).build(13);
    }

    /**
     * {@code h_n.view(num_layers, 2, batch, H)[-1]}, then {@code cat([h[0], h[1]], 1)}: the last layer's
     * final states of a stacked bidirectional LSTM through a 4-axis view (batch from Shape).
     */
    static byte[] hnLayersView() {
        GraphBuilder g = new GraphBuilder(19).input("x", DataType.FLOAT, "T", "B", F);
        String hn = stackedBidirectionalFinalStates(g);
        String batch = g.node("Gather", in(g.node("Shape", in("x")), g.ints(new long[] {1}, 1)), integer("axis", 0));
        String shape = g.node("Concat", in(g.ints(new long[] {2, 2}, 2), batch, g.ints(new long[] {H}, 1)),
                integer("axis", 0));
        String layers = g.node("Reshape", in(hn, shape));
        String last = g.node("Gather", in(layers, g.ints(new long[] {-1})), integer("axis", 0));
        String fw = g.node("Gather", in(last, g.ints(new long[] {0})), integer("axis", 0));
        String bw = g.node("Gather", in(last, g.ints(new long[] {1})), integer("axis", 0));
        String cat = g.node("Concat", in(fw, bw), integer("axis", 1));
        return g.output(gemm(g, cat, 2 * H, K), "B", K).build(14);
    }

    /**
     * Max over valid steps as torch exports {@code out.masked_fill(~mask[..., None], -inf).max(1)}
     * (Not, Where) or, when {@code equalZero}, {@code masked_fill(mask.float()[..., None] == 0, -1e9)}
     * (Equal, Where); a BiLSTM without sequence_lens.
     */
    static byte[] maskedMax(boolean equalZero) {
        GraphBuilder g = new GraphBuilder(20).input("x", DataType.FLOAT, "B", "T", F).input("lengths", DataType.INT64, "B");
        String y = torchBatchFirstLstm(g, "x", "bidirectional", null);
        String steps = g.node("Gather", in(g.node("Shape", in("x")), g.ints(new long[] {1})), integer("axis", 0));
        String range = g.node("Range", in(g.ints(new long[] {0}), steps, g.ints(new long[] {1})));
        String row = g.node("Unsqueeze", in(range, g.ints(new long[] {0}, 1)));
        String column = g.node("Unsqueeze", in("lengths", g.ints(new long[] {1}, 1)));
        String valid = g.node("Less", in(row, column));
        String padded;
        float fill;
        if (equalZero) {
            String mask = g.node("Unsqueeze", in(g.node("Cast", in(valid), integer("to", 1)), g.ints(new long[] {-1}, 1)));
            padded = g.node("Equal", in(mask, g.scalar(0f)));
            fill = -1e9f;
        } else {
            padded = g.node("Not", in(g.node("Unsqueeze", in(valid, g.ints(new long[] {-1}, 1)))));
            fill = Float.NEGATIVE_INFINITY;
        }
        String filled = g.node("Where", in(padded, g.scalar(fill), y));
        String max = g.node("ReduceMax", in(filled), ints("axes", 1), integer("keepdims", 0));
        return g.output(gemm(g, max, 2 * H, K), "B", K).build(13);
    }

    /** ReLU6 (Clip 0..6, opset 11 inputs) and Hardtanh (Clip -1..1) in a per-step head. */
    static byte[] clippedHead() {
        GraphBuilder g = new GraphBuilder(21).input("x", DataType.FLOAT, "B", "T", F);
        String y = torchBatchFirstLstm(g, "x", "forward", null);
        String a = g.node("Clip", in(linear3(g, y, H, 5), g.scalar(0f), g.scalar(6f)));
        String b = g.node("Clip", in(linear3(g, a, 5, 5), g.scalar(-1f), g.scalar(1f)));
        return g.output(linear3(g, b, 5, K), "B", "T", K).build(13);
    }

    /**
     * A streaming model whose initial states come packed in one graph input {@code [batch, layers, H, 2]}
     * (DTLN as Keras and onnxmltools write it): per layer Slice [:, l, :, k] → Squeeze(1, 3) →
     * Unsqueeze(0) into a 2-layer LSTM, then Dense + Sigmoid per step; final states packed alike as a
     * second output (cut off with --to).
     */
    static byte[] packedStates() {
        GraphBuilder g = new GraphBuilder(22).input("x", DataType.FLOAT, "B", "T", F)
                .input("states", DataType.FLOAT, "B", 2, H, 2);
        String[][] hc = new String[2][2];
        for (int layer = 0; layer < 2; layer++) {
            for (int slot = 0; slot < 2; slot++) {
                String sliced = g.node("Slice", in("states", g.ints(new long[] {0, layer, 0, slot}, 4),
                        g.ints(new long[] {Long.MAX_VALUE, layer + 1, Long.MAX_VALUE, slot + 1}, 4),
                        g.ints(new long[] {0, 1, 2, 3}, 4)));
                String squeezed = g.node("Squeeze", in(sliced, g.ints(new long[] {1, 3}, 2)));
                hc[layer][slot] = g.node("Unsqueeze", in(squeezed, g.ints(new long[] {0}, 1)));
            }
        }
        String xt = g.node("Transpose", in("x"), ints("perm", 1, 0, 2));
        String[] l0 = g.lstm("lstm0", xt, F, H, "forward", null, hc[0][0], hc[0][1]);
        String x1 = g.node("Squeeze", in(l0[0], g.ints(new long[] {1}, 1)));
        String[] l1 = g.lstm("lstm1", x1, H, H, "forward", null, hc[1][0], hc[1][1]);
        String y = g.node("Transpose", in(g.node("Squeeze", in(l1[0], g.ints(new long[] {1}, 1)))), ints("perm", 1, 0, 2));
        String mask = g.node("Sigmoid", in(linear3(g, y, H, K)));
        g.output(mask, "B", "T", K);
        String h = g.node("Concat", in(g.node("Unsqueeze", in(g.node("Squeeze", in(l0[1], g.ints(new long[] {0}, 1))),
                g.ints(new long[] {1}, 1))), g.node("Unsqueeze", in(g.node("Squeeze", in(l1[1], g.ints(new long[] {0}, 1))),
                g.ints(new long[] {1}, 1)))), integer("axis", 1));
        return g.output(h, "B", 2, H).build(13);
    }
}

#!/usr/bin/python3
"""Writes ONNX graphs shaped the way tf2onnx writes Keras LSTM models, plus graphs lstmc must refuse.

    /usr/bin/python3 compiler/src/test/python/make_tf2onnx_graphs.py

goldens/tf2onnx/<case>/   model.onnx, input.json, meta.json. The graphs are built with onnx.helper
    after the patterns in shared/notes/exported-graphs.md (Keras ids behind Cast and index clamping,
    Transpose to sequence-first, one LSTM node per layer with W/R/B initializers in ONNX iofc gate
    order, a fused bidirectional node, return_sequences=False as a `strided_slice` Slice + Squeeze,
    Dense as MatMul + Add, zero initial states built from Shape). There is no framework reference:
    the Java tests compute the expected output with ONNX Runtime.
goldens/refused/<case>/   model.onnx and meta.json of graphs outside lstmc's scope (an LSTM lowered
    into a Loop, a Conv1d front end); meta.json names the node the refusal should name.

Weights are uniform in [-0.5, 0.5) from numpy RandomState(6000 + case index); reruns are byte-identical.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import ROOT, case_dir, write_json  # noqa: E402

INT64_MAX = np.iinfo(np.int64).max
PRODUCER = ("tf2onnx", "1.16.1 15c810")  # the producer the patterns were taken from; the file is synthetic


class Graph:
    """Collects nodes and initializers; names follow tf2onnx's `<model>/<layer>/<op>` scheme."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def weight(self, name, *shape, scale=0.5):
        value = ((self.rng.random_sample(shape) * 2 - 1) * scale).astype(np.float32)
        return self.const(name, value)

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def i64(self, name, values):
        return self.const(name, np.array(values, dtype=np.int64))

    def node(self, op, inputs, name, outputs=1, **attrs):
        outs = [name + ":0"] if outputs == 1 else ["%s:%d" % (name, k) for k in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if outputs == 1 else outs

    def model(self, name, inputs, outputs, opset):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=PRODUCER[0], producer_version=PRODUCER[1])
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def keras_lstm_weights(g, prefix, inputs, hidden, directions=1):
    """Keras kernel/recurrent_kernel/bias (gates i, f, c, o) rewritten as ONNX W, R, B (gates i, o, f, c)."""
    ws, rs, bs = [], [], []
    for _ in range(directions):
        kernel = ((g.rng.random_sample((inputs, 4 * hidden)) * 2 - 1) * 0.5).astype(np.float32)
        recurrent = ((g.rng.random_sample((hidden, 4 * hidden)) * 2 - 1) * 0.5).astype(np.float32)
        bias = ((g.rng.random_sample(4 * hidden) * 2 - 1) * 0.5).astype(np.float32)
        order = [0, 3, 1, 2]  # Keras i f c o -> ONNX i o f c

        def reorder(a, axis):
            return np.concatenate([np.split(a, 4, axis=axis)[k] for k in order], axis=axis)

        ws.append(reorder(kernel, 1).T)
        rs.append(reorder(recurrent, 1).T)
        # Keras has one bias; tf2onnx writes it as Wb and leaves Rb zero
        bs.append(np.concatenate([reorder(bias, 0), np.zeros(4 * hidden, np.float32)]))
    w = g.const(prefix + "/W", np.stack(ws))
    r = g.const(prefix + "/R", np.stack(rs))
    b = g.const(prefix + "/B", np.stack(bs))
    return w, r, b


def keras_gru_weights(g, prefix, inputs, hidden, reset_after):
    """Keras GRU kernel/recurrent_kernel (gates z, r, h: ONNX's order) as ONNX W, R and B. With reset_after
    (TF2's default) Keras has an input and a recurrent bias, [2, 3H], which are ONNX's Wb and Rb; without it
    one bias, written as Wb with Rb zero."""
    kernel = ((g.rng.random_sample((inputs, 3 * hidden)) * 2 - 1) * 0.5).astype(np.float32)
    recurrent = ((g.rng.random_sample((hidden, 3 * hidden)) * 2 - 1) * 0.5).astype(np.float32)
    bias = ((g.rng.random_sample((2, 3 * hidden)) * 2 - 1) * 0.5).astype(np.float32)
    if not reset_after:
        bias[1] = 0
    w = g.const(prefix + "/W", kernel.T[np.newaxis])
    r = g.const(prefix + "/R", recurrent.T[np.newaxis])
    b = g.const(prefix + "/B", bias.reshape(1, 6 * hidden))
    return w, r, b


def zero_state(g, prefix, source, hidden, directions, use_expand):
    """Keras get_initial_state: zeros([batch, units]) from tf.shape(inputs)[0], then one direction axis."""
    shape = g.node("Shape", [source], prefix + "/Shape")
    batch = g.node("Gather", [shape, g.i64(prefix + "/strided_slice/index", 0)], prefix + "/strided_slice", axis=0)
    batch1 = g.node("Unsqueeze", [batch, g.i64(prefix + "/zeros/packed/axes", [0])], prefix + "/zeros/packed/Unsqueeze")
    dims = g.node("Concat", [batch1, g.i64(prefix + "/zeros/packed/units", [hidden])], prefix + "/zeros/packed", axis=0)
    if use_expand:
        zeros = g.node("Expand", [g.const(prefix + "/zeros/Const", np.zeros((1, 1), np.float32)), dims], prefix + "/zeros")
    else:
        zeros = g.node("ConstantOfShape", [dims], prefix + "/zeros",
                       value=numpy_helper.from_array(np.zeros(1, np.float32)))
    state = g.node("Unsqueeze", [zeros, g.i64(prefix + "/init/axes", [0])], prefix + "/init_state")
    if directions == 2:
        state = g.node("Concat", [state, state], prefix + "/init_state_bidirectional", axis=0)
    return state


def tensor(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def save(group, name, m, input_doc, meta):
    d = case_dir(group, name)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(m.SerializeToString())
    if input_doc is not None:
        write_json(os.path.join(d, "input.json"), input_doc)
    meta = dict(meta)
    meta["opset"] = m.opset_import[0].version
    meta["ops"] = [n.op_type for n in m.graph.node]
    write_json(os.path.join(d, "meta.json"), meta)
    print(group + "/" + name, file=sys.stderr)


def graph_inputs_meta(m):
    out = []
    for v in m.graph.input:
        t = v.type.tensor_type
        dtype = {TensorProto.FLOAT: "float32", TensorProto.INT32: "int32", TensorProto.INT64: "int64"}[t.elem_type]
        out.append({"name": v.name, "dtype": dtype,
                    "shape": [d.dim_param or d.dim_value for d in t.shape.dim]})
    return out


# ---------------------------------------------------------------- tf2onnx-style Keras graphs

def embedding_lstm_softmax(seed):
    """(a) float ids -> Cast int32 -> Clip -> Gather -> Transpose -> LSTM -> strided_slice -> Dense -> Softmax."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    vocab, dim, hidden, classes = 20, 5, 8, 4
    p = "sequential"
    ids = g.node("Cast", ["embedding_input"], p + "/embedding/Cast", to=TensorProto.INT32)
    ids = g.node("Clip", [ids, g.const(p + "/embedding/clip_min", np.array(0, np.int32)),
                          g.const(p + "/embedding/clip_max", np.array(vocab - 1, np.int32))],
                 p + "/embedding/embedding_lookup/Clip")
    emb = g.node("Gather", [g.weight(p + "/embedding/embedding_lookup/ReadVariableOp", vocab, dim), ids],
                 p + "/embedding/embedding_lookup", axis=0)
    x = g.node("Transpose", [emb], p + "/lstm/transpose", perm=[1, 0, 2])
    w, r, b = keras_lstm_weights(g, p + "/lstm", dim, hidden)
    h0 = zero_state(g, p + "/lstm", emb, hidden, 1, use_expand=False)
    y = g.node("LSTM", [x, w, r, b, "", h0, h0], p + "/lstm/PartitionedCall/LSTM", outputs=3, hidden_size=hidden,
               direction="forward", activations=["Sigmoid", "Tanh", "Tanh"])[0]
    y = g.node("Squeeze", [y, g.i64(p + "/lstm/Squeeze/axes", [1])], p + "/lstm/Squeeze")
    last = g.node("Slice", [y, g.i64(p + "/lstm/strided_slice_3/begin", [-1]),
                            g.i64(p + "/lstm/strided_slice_3/end", [INT64_MAX]),
                            g.i64(p + "/lstm/strided_slice_3/axes", [0])], p + "/lstm/strided_slice_3")
    last = g.node("Squeeze", [last, g.i64(p + "/lstm/strided_slice_3/Squeeze/axes", [0])],
                  p + "/lstm/strided_slice_3/Squeeze")
    z = g.node("MatMul", [last, g.weight(p + "/dense/MatMul/ReadVariableOp", hidden, classes)], p + "/dense/MatMul")
    z = g.node("Add", [z, g.weight(p + "/dense/BiasAdd/ReadVariableOp", classes)], p + "/dense/BiasAdd")
    g.nodes.append(helper.make_node("Softmax", [z], ["dense"], name=p + "/dense/Softmax", axis=-1))
    m = g.model("tf2onnx", [tensor("embedding_input", TensorProto.FLOAT, ["unk__12", "unk__13"])],
                [tensor("dense", TensorProto.FLOAT, ["unk__14", classes])], 13)
    ids_in = rng.randint(0, vocab, size=(3, 6))
    save("tf2onnx", "embedding_lstm_softmax", m, {"input": ids_in.tolist()}, {
        "description": "(a) Keras Sequential: Embedding(20, 5) -> LSTM(8) -> Dense(4, softmax). Float ids -> "
                       "Cast(int32) -> Clip(0, 19) -> Gather; Transpose to sequence-first; LSTM with zero initial "
                       "states from Shape -> Gather -> Unsqueeze -> Concat -> ConstantOfShape -> Unsqueeze; "
                       "return_sequences=False as Slice(-1:, axis 0) 'strided_slice_3' + Squeeze; Dense as MatMul + Add",
        "source": "synthetic, after tf2onnx Keras exports",
        "seed": seed,
        "inputs": ["embedding_input"],
        "graph_inputs": graph_inputs_meta(m),
        "input_note": "input.json holds integer ids; the graph input is float32, so feed them as floats",
        "graph_output": {"name": "dense", "shape": ["batch", classes]},
        "vocabulary_size": vocab,
        "reduction": "LAST_STEP",
        "expected": "compute with ONNX Runtime",
    })


def bidirectional_sigmoid(seed):
    """(b) fused bidirectional LSTM nodes: Y split per direction, Concat(axis 2); last layer takes both final steps."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    features, hidden, units2 = 3, 6, 5
    p = "model/bidirectional"
    x = g.node("Transpose", ["input_1"], p + "/forward_lstm/transpose", perm=[1, 0, 2])
    w, r, b = keras_lstm_weights(g, p, features, hidden, directions=2)
    y = g.node("LSTM", [x, w, r, b], p + "/LSTM", outputs=3, hidden_size=hidden, direction="bidirectional",
               activations=["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"])[0]

    def direction(src, prefix, k):
        s = g.node("Slice", [src, g.i64(prefix + "/Slice_%d/starts" % k, [k]), g.i64(prefix + "/Slice_%d/ends" % k, [k + 1]),
                             g.i64(prefix + "/Slice_%d/axes" % k, [1])], prefix + "/Slice_%d" % k)
        return g.node("Squeeze", [s, g.i64(prefix + "/Squeeze_%d/axes" % k, [1])], prefix + "/Squeeze_%d" % k)

    fw, bw = direction(y, p, 0), direction(y, p, 1)
    seq = g.node("Concat", [fw, bw], p + "/concat", axis=2)  # return_sequences=True, merge_mode=concat

    p2 = "model/bidirectional_1"
    w2, r2, b2 = keras_lstm_weights(g, p2, 2 * hidden, units2, directions=2)
    y2 = g.node("LSTM", [seq, w2, r2, b2], p2 + "/LSTM", outputs=3, hidden_size=units2, direction="bidirectional",
                activations=["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"])[0]
    fw2, bw2 = direction(y2, p2, 0), direction(y2, p2, 1)
    # return_sequences=False: forward's last step and the reverse direction's step 0
    f_last = g.node("Slice", [fw2, g.i64(p2 + "/forward_lstm/strided_slice_3/begin", [-1]),
                              g.i64(p2 + "/forward_lstm/strided_slice_3/end", [INT64_MAX]),
                              g.i64(p2 + "/forward_lstm/strided_slice_3/axes", [0])], p2 + "/forward_lstm/strided_slice_3")
    f_last = g.node("Squeeze", [f_last, g.i64(p2 + "/forward_lstm/Squeeze/axes", [0])], p2 + "/forward_lstm/Squeeze")
    b_first = g.node("Slice", [bw2, g.i64(p2 + "/backward_lstm/strided_slice_3/begin", [0]),
                               g.i64(p2 + "/backward_lstm/strided_slice_3/end", [1]),
                               g.i64(p2 + "/backward_lstm/strided_slice_3/axes", [0])], p2 + "/backward_lstm/strided_slice_3")
    b_first = g.node("Squeeze", [b_first, g.i64(p2 + "/backward_lstm/Squeeze/axes", [0])], p2 + "/backward_lstm/Squeeze")
    h = g.node("Concat", [f_last, b_first], p2 + "/concat", axis=1)
    z = g.node("MatMul", [h, g.weight("model/dense/MatMul/ReadVariableOp", 2 * units2, 1)], "model/dense/MatMul")
    z = g.node("Add", [z, g.weight("model/dense/BiasAdd/ReadVariableOp", 1)], "model/dense/BiasAdd")
    g.nodes.append(helper.make_node("Sigmoid", [z], ["dense"], name="model/dense/Sigmoid"))
    m = g.model("tf2onnx", [tensor("input_1", TensorProto.FLOAT, ["unk__20", "unk__21", features])],
                [tensor("dense", TensorProto.FLOAT, ["unk__22", 1])], 15)
    x_in = ((rng.random_sample((2, 5, features)) * 2 - 1)).astype(np.float32)
    save("tf2onnx", "bidirectional2_sigmoid", m, {"input": x_in.tolist()}, {
        "description": "(b) Keras Model: Bidirectional(LSTM(6, return_sequences=True)) -> Bidirectional(LSTM(5)) -> "
                       "Dense(1, sigmoid). Each Bidirectional is ONE LSTM node (direction=bidirectional, activations "
                       "listed twice, no initial state inputs); Y split per direction by Slice(axis 1) + Squeeze; "
                       "layer 1 joins the halves with Concat(axis 2); layer 2 (return_sequences=False) takes forward's "
                       "last step (Slice -1:) and reverse's step 0 (Slice 0:1), Squeeze, Concat(axis 1)",
        "source": "synthetic, after tf2onnx Keras exports",
        "seed": seed,
        "inputs": ["input_1"],
        "graph_inputs": graph_inputs_meta(m),
        "graph_output": {"name": "dense", "shape": ["batch", 1]},
        "vocabulary_size": 0,
        "reduction": "FINAL_STATE",
        "reduction_note": "forward's last step and reverse's step 0 of Y are both final states (FINAL_STATE == LAST_STEP here for the forward half)",
        "expected": "compute with ONNX Runtime",
    })


def stacked_forecaster(seed):
    """(c) stacked LSTMs with zero states via Expand, per-step Dense as one MatMul over [B,T,F] + Add."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    features, h1, h2, out = 2, 8, 6, 2
    p = "sequential_1"
    x = g.node("Transpose", ["lstm_input"], p + "/lstm/transpose", perm=[1, 0, 2])
    w, r, b = keras_lstm_weights(g, p + "/lstm", features, h1)
    s1 = zero_state(g, p + "/lstm", "lstm_input", h1, 1, use_expand=True)
    y = g.node("LSTM", [x, w, r, b, "", s1, s1], p + "/lstm/PartitionedCall/LSTM", outputs=3, hidden_size=h1,
               direction="forward")[0]
    y = g.node("Squeeze", [y, g.i64(p + "/lstm/Squeeze/axes", [1])], p + "/lstm/Squeeze")
    # Keras transposes back to batch-first and the next layer transposes again; tf2onnx keeps both
    y = g.node("Transpose", [y], p + "/lstm/transpose_1", perm=[1, 0, 2])
    x2 = g.node("Transpose", [y], p + "/lstm_1/transpose", perm=[1, 0, 2])
    w2, r2, b2 = keras_lstm_weights(g, p + "/lstm_1", h1, h2)
    s2 = zero_state(g, p + "/lstm_1", y, h2, 1, use_expand=True)
    y2 = g.node("LSTM", [x2, w2, r2, b2, "", s2, s2], p + "/lstm_1/PartitionedCall/LSTM", outputs=3, hidden_size=h2,
                direction="forward")[0]
    y2 = g.node("Squeeze", [y2, g.i64(p + "/lstm_1/Squeeze/axes", [1])], p + "/lstm_1/Squeeze")
    y2 = g.node("Transpose", [y2], p + "/lstm_1/transpose_1", perm=[1, 0, 2])
    z = g.node("MatMul", [y2, g.weight(p + "/dense/Tensordot/ReadVariableOp", h2, out)], p + "/dense/Tensordot/MatMul")
    g.nodes.append(helper.make_node("Add", [z, g.weight(p + "/dense/BiasAdd/ReadVariableOp", out)], ["dense"],
                                    name=p + "/dense/BiasAdd"))
    m = g.model("tf2onnx", [tensor("lstm_input", TensorProto.FLOAT, ["unk__30", "unk__31", features])],
                [tensor("dense", TensorProto.FLOAT, ["unk__32", "unk__33", out])], 13)
    x_in = ((rng.random_sample((2, 7, features)) * 2 - 1)).astype(np.float32)
    save("tf2onnx", "stacked_forecaster", m, {"input": x_in.tolist()}, {
        "description": "(c) Keras Sequential forecaster: LSTM(8, return_sequences=True) -> LSTM(6, return_sequences=True) "
                       "-> Dense(2) per step. Zero initial states via Shape -> Gather -> Unsqueeze -> Concat -> Expand "
                       "-> Unsqueeze (same tensor as initial_h and initial_c); Transpose pairs between the layers; "
                       "Dense as one MatMul over [B,T,6] + Add",
        "source": "synthetic, after tf2onnx Keras exports",
        "seed": seed,
        "inputs": ["lstm_input"],
        "graph_inputs": graph_inputs_meta(m),
        "graph_output": {"name": "dense", "shape": ["batch", "seq", out]},
        "vocabulary_size": 0,
        "reduction": "NONE",
        "expected": "compute with ONNX Runtime",
    })


def int32_ids_zero_state(seed):
    """(d) int32 ids behind Max/Min clamping, zero states from ConstantOfShape, Y_h as the final state."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    vocab, dim, hidden, mid, classes = 16, 4, 6, 5, 3
    p = "model_2"
    ids = g.node("Max", ["tokens", g.const(p + "/embedding/Max/y", np.array(0, np.int32))], p + "/embedding/Max")
    ids = g.node("Min", [ids, g.const(p + "/embedding/Min/y", np.array(vocab - 1, np.int32))], p + "/embedding/Min")
    emb = g.node("Gather", [g.weight(p + "/embedding/embedding_lookup/ReadVariableOp", vocab, dim), ids],
                 p + "/embedding/embedding_lookup", axis=0)
    x = g.node("Transpose", [emb], p + "/lstm/transpose", perm=[1, 0, 2])
    w, r, b = keras_lstm_weights(g, p + "/lstm", dim, hidden)
    s = zero_state(g, p + "/lstm", "tokens", hidden, 1, use_expand=False)
    _, y_h, _ = g.node("LSTM", [x, w, r, b, "", s, s], p + "/lstm/PartitionedCall/LSTM", outputs=3, hidden_size=hidden,
                       direction="forward", activations=["Sigmoid", "Tanh", "Tanh"])
    h = g.node("Squeeze", [y_h, g.i64(p + "/lstm/Squeeze_1/axes", [0])], p + "/lstm/Squeeze_1")
    z = g.node("MatMul", [h, g.weight(p + "/dense/MatMul/ReadVariableOp", hidden, mid)], p + "/dense/MatMul")
    z = g.node("Add", [z, g.weight(p + "/dense/BiasAdd/ReadVariableOp", mid)], p + "/dense/BiasAdd")
    z = g.node("Relu", [z], p + "/dense/Relu")
    z = g.node("MatMul", [z, g.weight(p + "/dense_1/MatMul/ReadVariableOp", mid, classes)], p + "/dense_1/MatMul")
    z = g.node("Add", [z, g.weight(p + "/dense_1/BiasAdd/ReadVariableOp", classes)], p + "/dense_1/BiasAdd")
    g.nodes.append(helper.make_node("Softmax", [z], ["dense_1"], name=p + "/dense_1/Softmax", axis=-1))
    m = g.model("tf2onnx", [tensor("tokens", TensorProto.INT32, ["unk__40", "unk__41"])],
                [tensor("dense_1", TensorProto.FLOAT, ["unk__42", classes])], 15)
    ids_in = rng.randint(0, vocab, size=(2, 5))
    save("tf2onnx", "int32_ids_zero_state", m, {"input": ids_in.tolist()}, {
        "description": "(d) Keras Model: Input(dtype=int32) -> Embedding(16, 4) -> LSTM(6) -> Dense(5, relu) -> "
                       "Dense(3, softmax). int32 ids clamped by Max(0) + Min(15) -> Gather; zero initial states via "
                       "Shape(tokens) -> Gather(0) -> Unsqueeze -> Concat([B, 6]) -> ConstantOfShape -> Unsqueeze; "
                       "the final state taken from the LSTM's Y_h output + Squeeze(axis 0)",
        "source": "synthetic, after tf2onnx Keras exports",
        "seed": seed,
        "inputs": ["tokens"],
        "graph_inputs": graph_inputs_meta(m),
        "graph_output": {"name": "dense_1", "shape": ["batch", classes]},
        "vocabulary_size": vocab,
        "reduction": "FINAL_STATE",
        "expected": "compute with ONNX Runtime",
    })


def keras_gru(seed, reset_after):
    """(e)/(f) Keras GRU(reset_after) -> [GRU(5) ->] Dense softmax, as tf2onnx writes it: Transpose, one GRU
    node with linear_before_reset = reset_after, zero state from ConstantOfShape, Y_h + Squeeze as the final
    state. Without reset_after the model also stacks an LSTM on the GRU's sequences (Squeeze/Transpose pairs)."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    features, hidden, classes = 4, 6, 3
    p = "model_gru" if reset_after else "model_gru_lstm"
    x = g.node("Transpose", ["gru_input"], p + "/gru/transpose", perm=[1, 0, 2])
    w, r, b = keras_gru_weights(g, p + "/gru", features, hidden, reset_after)
    s = zero_state(g, p + "/gru", "gru_input", hidden, 1, use_expand=False)
    y, y_h = g.node("GRU", [x, w, r, b, "", s], p + "/gru/PartitionedCall/GRU", outputs=2, hidden_size=hidden,
                    direction="forward", activations=["Sigmoid", "Tanh"], linear_before_reset=int(reset_after))
    last, units = y_h, hidden
    if not reset_after:
        seq = g.node("Squeeze", [y, g.i64(p + "/gru/Squeeze/axes", [1])], p + "/gru/Squeeze")
        seq = g.node("Transpose", [seq], p + "/gru/transpose_1", perm=[1, 0, 2])
        x2 = g.node("Transpose", [seq], p + "/lstm/transpose", perm=[1, 0, 2])
        units = 5
        w2, r2, b2 = keras_lstm_weights(g, p + "/lstm", hidden, units)
        s2 = zero_state(g, p + "/lstm", seq, units, 1, use_expand=True)
        last = g.node("LSTM", [x2, w2, r2, b2, "", s2, s2], p + "/lstm/PartitionedCall/LSTM", outputs=3,
                      hidden_size=units, direction="forward")[1]
    h = g.node("Squeeze", [last, g.i64(p + "/Squeeze_1/axes", [0])], p + "/Squeeze_1")
    z = g.node("MatMul", [h, g.weight(p + "/dense/MatMul/ReadVariableOp", units, classes)], p + "/dense/MatMul")
    z = g.node("Add", [z, g.weight(p + "/dense/BiasAdd/ReadVariableOp", classes)], p + "/dense/BiasAdd")
    g.nodes.append(helper.make_node("Softmax", [z], ["dense"], name=p + "/dense/Softmax", axis=-1))
    m = g.model("tf2onnx", [tensor("gru_input", TensorProto.FLOAT, ["unk__50", "unk__51", features])],
                [tensor("dense", TensorProto.FLOAT, ["unk__52", classes])], 15 if reset_after else 13)
    x_in = ((rng.random_sample((3, 5, features)) * 2 - 1)).astype(np.float32)
    name = "keras_gru_reset_after" if reset_after else "keras_gru_reset_before_lstm"
    save("tf2onnx", name, m, {"input": x_in.tolist()}, {
        "description": ("(e) Keras GRU(6) with reset_after=True (TF2's default): GRU node with linear_before_reset=1 "
                        "and Keras's two biases as Wb/Rb" if reset_after else
                        "(f) Keras GRU(6, reset_after=False, return_sequences=True) -> LSTM(5): GRU node with "
                        "linear_before_reset=0 (one bias as Wb) feeding an LSTM node") +
                       " -> final state (Y_h + Squeeze) -> Dense(3, softmax); zero initial state via ConstantOfShape",
        "source": "synthetic, after tf2onnx Keras exports",
        "seed": seed,
        "cell": "gru" if reset_after else "gru, lstm",
        "inputs": ["gru_input"],
        "graph_inputs": graph_inputs_meta(m),
        "graph_output": {"name": "dense", "shape": ["batch", classes]},
        "vocabulary_size": 0,
        "reduction": "FINAL_STATE",
        "expected": "compute with ONNX Runtime",
    })


def keras_gru_reset_after(seed):
    keras_gru(seed, True)


def keras_gru_reset_before_lstm(seed):
    keras_gru(seed, False)


# ---------------------------------------------------------------- graphs lstmc must refuse

def lstm_as_loop(seed):
    """An LSTM lowered into a Loop whose body computes the cell with MatMul/Sigmoid/Tanh: no LSTM node."""
    rng = np.random.RandomState(seed)
    g = Graph(rng)
    features, hidden, classes = 3, 4, 2
    p = "sequential/lstm"
    x = g.node("Transpose", ["input_1"], p + "/transpose", perm=[1, 0, 2])
    s = zero_state(g, p, "input_1", hidden, 1, use_expand=False)
    h0 = g.node("Squeeze", [s, g.i64(p + "/init_squeeze/axes", [0])], p + "/init_squeeze")
    shape = g.node("Shape", [x], p + "/Shape_time")
    steps = g.node("Gather", [shape, g.i64(p + "/time/index", 0)], p + "/time", axis=0)
    cond = g.const(p + "/while/cond_init", np.array(True))

    kernel = g.weight(p + "/kernel", features, 4 * hidden)
    recurrent = g.weight(p + "/recurrent_kernel", hidden, 4 * hidden)
    bias = g.weight(p + "/bias", 4 * hidden)
    body_nodes = []

    def bn(op, inputs, out, **attrs):
        body_nodes.append(helper.make_node(op, inputs, [out], name=p + "/while/" + out, **attrs))
        return out

    x_t = bn("Gather", [x, "i"], "TensorListGetItem", axis=0)
    z = bn("Add", [bn("MatMul", [x_t, kernel], "MatMul"), bn("MatMul", ["h_in", recurrent], "MatMul_1")], "add")
    z = bn("Add", [z, bias], "BiasAdd")
    body_nodes.append(helper.make_node("Split", [z], ["z_i", "z_f", "z_c", "z_o"], name=p + "/while/split", axis=1))
    i_g = bn("Sigmoid", ["z_i"], "Sigmoid")
    f_g = bn("Sigmoid", ["z_f"], "Sigmoid_1")
    c_g = bn("Tanh", ["z_c"], "Tanh")
    o_g = bn("Sigmoid", ["z_o"], "Sigmoid_2")
    c = bn("Add", [bn("Mul", [f_g, "c_in"], "mul"), bn("Mul", [i_g, c_g], "mul_1")], "c_out")
    h = bn("Mul", [o_g, bn("Tanh", [c], "Tanh_1")], "h_out")
    bn("Identity", [h], "h_scan")
    one = "one"
    body_nodes.insert(0, helper.make_node("Constant", [], [one], name=p + "/while/one",
                                          value=numpy_helper.from_array(np.array(1, np.int64))))
    nxt = bn("Add", ["i", one], "add_2")
    bn("Less", [nxt, steps], "Less")
    body = helper.make_graph(
        body_nodes, "while_body",
        [tensor("i", TensorProto.INT64, []), tensor("cond", TensorProto.BOOL, []),
         tensor("h_in", TensorProto.FLOAT, ["batch", hidden]), tensor("c_in", TensorProto.FLOAT, ["batch", hidden])],
        [tensor("Less", TensorProto.BOOL, []), tensor("h_out", TensorProto.FLOAT, ["batch", hidden]),
         tensor("c_out", TensorProto.FLOAT, ["batch", hidden]), tensor("h_scan", TensorProto.FLOAT, ["batch", hidden])])
    h_last, _, _ = g.node("Loop", [steps, cond, h0, h0], p + "/while_loop", outputs=3, body=body)
    zz = g.node("MatMul", [h_last, g.weight("sequential/dense/MatMul/ReadVariableOp", hidden, classes)],
                "sequential/dense/MatMul")
    g.nodes.append(helper.make_node("Add", [zz, g.weight("sequential/dense/BiasAdd/ReadVariableOp", classes)],
                                    ["dense"], name="sequential/dense/BiasAdd"))
    m = g.model("tf2onnx", [tensor("input_1", TensorProto.FLOAT, ["unk__50", "unk__51", features])],
                [tensor("dense", TensorProto.FLOAT, ["unk__52", classes])], 13)
    x_in = ((rng.random_sample((2, 4, features)) * 2 - 1)).astype(np.float32)
    save("refused", "lstm_as_loop", m, {"input": x_in.tolist()}, {
        "description": "Keras LSTM(4) -> Dense(2) where the LSTM was lowered into a Loop (the cell computed with "
                       "MatMul/Split/Sigmoid/Tanh in the loop body); the graph has no LSTM node",
        "source": "synthetic, after tf2onnx exports that fail to fuse the LSTM",
        "seed": seed,
        "inputs": ["input_1"],
        "graph_inputs": graph_inputs_meta(m),
        "refuse": {"op_type": "Loop", "node_name": "sequential/lstm/while_loop",
                   "why": "an LSTM lowered into a Loop is not an ONNX LSTM node; the error should say so "
                          "(different model format), not just 'unsupported op'"},
    })


def conv1d_front_end(seed):
    """PyTorch Conv1d -> LSTM -> Linear: a front end lstmc does not compile."""
    import torch
    from torch import nn

    class ConvLstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(3, 6, kernel_size=3, padding=1)
            self.lstm = nn.LSTM(6, 8, batch_first=True)
            self.fc = nn.Linear(8, 2)

        def forward(self, x):
            x = self.conv(x.transpose(1, 2)).transpose(1, 2)
            out, _ = self.lstm(x)
            return self.fc(out[:, -1])

    torch.manual_seed(seed)
    model = ConvLstm().eval()
    x = torch.rand(2, 5, 3, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    d = case_dir("refused", "conv1d_front_end")
    path = os.path.join(d, "model.onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch", 1: "seq"}, "output": {0: "batch"}}, opset_version=14)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    conv = [n for n in m.graph.node if n.op_type == "Conv"][0]
    write_json(os.path.join(d, "input.json"), {"input": x.numpy().tolist()})
    write_json(os.path.join(d, "meta.json"), {
        "description": "PyTorch Conv1d(3, 6, k=3, padding=1) -> LSTM(6, 8) batch-first -> out[:, -1] -> Linear(8, 2), "
                       "torch.onnx.export opset 14; a convolutional front end is out of scope",
        "source": "torch.onnx.export (torch %s)" % torch.__version__.split("+")[0],
        "seed": seed,
        "opset": 14,
        "inputs": ["input"],
        "graph_inputs": graph_inputs_meta(m),
        "refuse": {"op_type": "Conv", "node_name": conv.name,
                   "why": "the LSTM's input comes from a Conv node, not from the graph input, an embedding "
                          "Gather or an input normalisation"},
        "ops": [n.op_type for n in m.graph.node],
    })
    print("refused/conv1d_front_end", file=sys.stderr)


def main():
    builders = [embedding_lstm_softmax, bidirectional_sigmoid, stacked_forecaster, int32_ids_zero_state,
                lstm_as_loop, conv1d_front_end, keras_gru_reset_after, keras_gru_reset_before_lstm]
    for index, build in enumerate(builders):
        build(6000 + index)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Rewrites the ONNX conformance cases for GRU and RNN in the `lstmc run` JSON form.

Reads the ONNX backend node tests (onnx/backend/test/data/node/<test>/model.onnx and
test_data_set_0/*.pb, Apache-2.0, the ONNX project) from a copy laid out like
../shared/onnx-node-tests (`official/`, `regenerated/`, each with a MANIFEST.json) and writes
compiler/src/test/resources/onnx-node-tests/<origin>-<test>/ exactly like the LSTM cases there:

  model.onnx     the single GRU/RNN node, with W, R and B as initializers (compilable) and X
                 (and initial_h, sequence_lens where the case has them) as graph inputs
  input.json     {"input": [batch][seq][features], "h0": [directions][batch][hidden], "lengths": [batch]}
  expected.json  whichever of "output" [batch][seq][directions*hidden] and "h_n"
                 [directions][batch][hidden] the original case checks
  meta.json      origin and node attributes

Inputs and outputs are batch-first whatever the node's layout. Run with /usr/bin/python3 (onnx 1.12):

    /usr/bin/python3 compiler/src/test/python/make_onnx_node_goldens.py /work/shared/onnx-node-tests
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import write_json  # noqa: E402

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources",
                                    "onnx-node-tests"))
ORIGINS = ("official", "regenerated")
OPS = ("GRU", "RNN")
RUNTIME_INPUTS = {0: "X", 4: "sequence_lens", 5: "initial_h"}  # node input index -> role kept as graph input


def attributes(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [text(v) for v in value]
    return value


def read_set(case_dir):
    tensors = {}
    data = os.path.join(case_dir, "test_data_set_0")
    for name in sorted(os.listdir(data)):
        t = onnx.TensorProto()
        with open(os.path.join(data, name), "rb") as f:
            t.ParseFromString(f.read())
        tensors[(name.split("_")[0], t.name)] = numpy_helper.to_array(t)
    return tensors


def convert(origin, test, source_root):
    src = os.path.join(source_root, origin, test)
    model = onnx.load(os.path.join(src, "model.onnx"))
    node = model.graph.node[0]
    attrs = attributes(node)
    layout = attrs.get("layout", 0)
    data = read_set(src)
    inputs = {name: v for (kind, name), v in data.items() if kind == "input"}
    outputs = {name: v for (kind, name), v in data.items() if kind == "output"}

    runtime = {node.input[i] for i in RUNTIME_INPUTS if i < len(node.input) and node.input[i]}
    initializers = [numpy_helper.from_array(inputs[n], n) for n in node.input if n and n not in runtime]
    graph_inputs = [vi for vi in model.graph.input if vi.name in runtime]
    graph = helper.make_graph([node], model.graph.name, graph_inputs, list(model.graph.output), initializers)
    out_model = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name="")
    out_model.ir_version = model.ir_version
    if out_model.ir_version <= onnx.IR_VERSION:  # onnx 1.12's checker stops at IR 8; the cases are IR 10
        onnx.checker.check_model(out_model)

    x = inputs[node.input[0]]
    doc = {"input": x if layout == 1 else x.transpose(1, 0, 2)}
    if len(node.input) > 5 and node.input[5]:
        h0 = inputs[node.input[5]]
        doc["h0"] = h0 if layout == 0 else h0.transpose(1, 0, 2)
    if len(node.input) > 4 and node.input[4]:
        doc["lengths"] = inputs[node.input[4]].astype(np.int64)

    expected = {}
    if node.output[0] and node.output[0] in outputs:
        y = outputs[node.output[0]]  # layout 0: [T, D, B, H]; layout 1: [B, T, D, H]
        y = y.transpose(2, 0, 1, 3) if layout == 0 else y
        expected["output"] = y.reshape(y.shape[0], y.shape[1], -1)
    if len(node.output) > 1 and node.output[1] in outputs:
        h = outputs[node.output[1]]  # layout 0: [D, B, H]; layout 1: [B, D, H]
        expected["h_n"] = h if layout == 0 else h.transpose(1, 0, 2)

    d = os.path.join(OUT, origin + "-" + test)
    os.makedirs(d, exist_ok=True)
    onnx.save(out_model, os.path.join(d, "model.onnx"))
    write_json(os.path.join(d, "input.json"), {k: np.asarray(v).tolist() for k, v in doc.items()})
    write_json(os.path.join(d, "expected.json"), {k: v.tolist() for k, v in expected.items()})
    write_json(os.path.join(d, "meta.json"), {"source": origin + "/" + test,
                                              "op": node.op_type,
                                              "attributes": {k: text(v) for k, v in sorted(attrs.items())}})
    return d


def main(argv):
    source_root = argv[1] if len(argv) > 1 else "/work/shared/onnx-node-tests"
    for origin in ORIGINS:
        with open(os.path.join(source_root, origin, "MANIFEST.json")) as f:
            manifest = json.load(f)
        for test, info in sorted(manifest["tests"].items()):
            if info["op"] in OPS:
                print(convert(origin, test, source_root), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

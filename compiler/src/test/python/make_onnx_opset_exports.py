#!/usr/bin/python3
"""torch.onnx.export of nn.LSTM at opsets other than the goldens' 14, for the ONNX importer tests.

Writes compiler/src/test/resources/onnx-export-opsets/<case>/{model.onnx,input.json,expected.json}
in the run JSON contract (batch-first arrays, states [layers*dirs][batch][hidden]). Older opsets
make torch write different glue: opset 7 keeps the weights as graph inputs with initializers,
reorders gates with Slice/Concat/Unsqueeze and builds zero states with ConstantFill; opset 9 uses
attribute-form Slice/Unsqueeze. Run with /usr/bin/python3 (torch 1.13, onnx 1.12); seeds are fixed.
"""
import json
import os
import sys

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "onnx-export-opsets")

CASES = [
    # name, opset, layers, bidirectional, batch_first, state inputs
    ("opset7_bidirectional_layers2_batch_first", 7, 2, True, True, False),
    ("opset9_layers2_batch_first", 9, 2, False, True, False),
    ("opset11_bidirectional_state", 11, 1, True, False, True),
    ("opset17_bidirectional_layers3_batch_first_state", 17, 3, True, True, True),
]


def floats(t):
    return [[[float(v) for v in row] for row in mat] for mat in t.tolist()]


def main():
    for index, (name, opset, layers, bidir, batch_first, with_state) in enumerate(CASES):
        torch.manual_seed(4000 + index)
        d = 2 if bidir else 1
        inputs, hidden, batch, steps = 3, 4, 2, 5
        lstm = torch.nn.LSTM(inputs, hidden, num_layers=layers, bidirectional=bidir, batch_first=batch_first).eval()
        x_bf = torch.randn(batch, steps, inputs)
        x = x_bf if batch_first else x_bf.transpose(0, 1).contiguous()
        h0 = torch.randn(layers * d, batch, hidden)
        c0 = torch.randn(layers * d, batch, hidden)
        args = (x, (h0, c0)) if with_state else (x,)
        names = ["input", "h0", "c0"] if with_state else ["input"]
        dynamic = {"input": {0: "batch", 1: "seq"} if batch_first else {0: "seq", 1: "batch"}}
        if with_state:
            dynamic["h0"] = {1: "batch"}
            dynamic["c0"] = {1: "batch"}
        directory = os.path.join(OUT, name)
        os.makedirs(directory, exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(lstm, args, os.path.join(directory, "model.onnx"), input_names=names,
                              output_names=["output", "h_n", "c_n"], opset_version=opset, dynamic_axes=dynamic)
            y, (h_n, c_n) = lstm(*args)
        y_bf = y if batch_first else y.transpose(0, 1)
        run_input = {"input": floats(x_bf)}
        if with_state:
            run_input["h0"] = floats(h0)
            run_input["c0"] = floats(c0)
        with open(os.path.join(directory, "input.json"), "w") as f:
            json.dump(run_input, f)
        with open(os.path.join(directory, "expected.json"), "w") as f:
            json.dump({"output": floats(y_bf), "h_n": floats(h_n), "c_n": floats(c_n)}, f)
        print(name, file=sys.stderr)


if __name__ == "__main__":
    main()

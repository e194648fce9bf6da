#!/usr/bin/python3
"""Writes golden data for WHOLE sequence models under compiler/src/test/resources/goldens/whole/.

A whole model is (embedding | input normalisation) -> nn.LSTM -> time reduction -> head, exported
with torch.onnx.export. Run with the system interpreter (torch 1.13, onnx 1.12, numpy):

    /usr/bin/python3 compiler/src/test/python/make_whole_goldens.py

Seeds are fixed (5000 + case index) and the output is deterministic: a rerun is byte-identical
(the ONNX files depend on the torch version that exported them).

Per case directory:
  model.onnx     torch.onnx.export, dynamic batch (and sequence) axes, the case's opset
  input.json     {"input": [B][T][F] floats | [B][T] int ids, "lengths": [B]} (lengths only if a graph input)
  expected.json  {"output": [B][K] | [B][T][K] | [B] | [B][T]}, exactly what PyTorch returned, batch-first
  meta.json      description, opset, graph inputs (name, dtype, shape), output shape and layout
"""

import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import ROOT, case_dir, rand, write_json  # noqa: E402  (also fixes torch determinism)

GROUP = "whole"


def recurrent_module(cell, *args, **kwargs):
    """cell: lstm, gru, rnn_tanh or rnn_relu -> the torch module."""
    if cell.startswith("rnn_"):
        return nn.RNN(*args, nonlinearity=cell[4:], **kwargs)
    return {"lstm": nn.LSTM, "gru": nn.GRU}[cell](*args, **kwargs)


class WholeModel(nn.Module):
    """Front end -> LSTM -> reduction -> head; the Python branches are fixed at trace time."""

    def __init__(self, *, vocab=0, features=3, embed_dim=0, hidden=8, layers=1, bidirectional=False,
                 batch_first=True, reduction="last", head=(), squeeze=False, normalise=None, cell="lstm"):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed_dim) if vocab else None
        if normalise is not None:
            mean, std = normalise
            self.register_buffer("mean", mean)
            self.register_buffer("std", std)
        self.normalise = normalise is not None
        lstm_in = embed_dim if vocab else features
        self.lstm = recurrent_module(cell, lstm_in, hidden, num_layers=layers, bidirectional=bidirectional,
                                     batch_first=batch_first)
        self.batch_first = batch_first
        self.reduction = reduction
        self.head = nn.Sequential(*head)
        self.squeeze = squeeze

    def forward(self, x, lengths=None):
        if self.embedding is not None:
            x = self.embedding(x)
        if self.normalise:
            x = (x - self.mean) / self.std
        out, state = self.lstm(x)
        h = state[0] if isinstance(state, tuple) else state  # an LSTM returns (h, c), a GRU or RNN h
        time_axis = 1 if self.batch_first else 0
        r = self.reduction
        if r == "last":
            y = out[:, -1] if self.batch_first else out[-1]
        elif r == "last_valid_arange":
            # the common idiom: one row index per batch row, one step index per row
            y = out[torch.arange(out.size(0)), lengths - 1]
        elif r == "last_valid_gather":
            index = (lengths - 1).clamp(min=0).view(-1, 1, 1).expand(-1, 1, out.size(2))
            y = out.gather(1, index).squeeze(1)
        elif r == "final_cat":
            y = torch.cat([h[-2], h[-1]], 1)
        elif r == "final_last":
            y = h[-1]
        elif r == "mean":
            y = out.mean(time_axis)
        elif r == "max":
            y = out.max(dim=time_axis)[0]
        elif r == "none":
            y = out
        else:
            raise ValueError(r)
        y = self.head(y)
        if self.squeeze:
            y = y.squeeze(-1)
        return y


# reduction names of the IR (TimeReduction) for meta.json
IR_REDUCTION = {"last": "LAST_STEP", "last_valid_arange": "LAST_VALID_STEP", "last_valid_gather": "LAST_VALID_STEP",
                "final_cat": "FINAL_STATE", "final_last": "FINAL_STATE", "mean": "MEAN", "max": "MAX", "none": "NONE"}


def case(name, opset, description, *, batch=2, steps=5, lengths=None, input_scale=1.0, **model_args):
    return dict(name=name, opset=opset, description=description, batch=batch, steps=steps, lengths=lengths,
                input_scale=input_scale, model_args=model_args)


def cases():
    return [
        case("emb_last_softmax", 11,
             "Embedding(40, 6) int64 ids -> LSTM(6, 8) batch-first -> out[:, -1] (Gather axis 1) -> Linear(8, 5) -> Softmax",
             vocab=40, embed_dim=6, hidden=8, reduction="last",
             head=lambda: [nn.Linear(8, 5), nn.Softmax(dim=-1)]),
        case("seq_first_last_tanh", 13,
             "float [T,B,4] -> 2-layer LSTM(4, 6) sequence-first -> out[-1] (Gather axis 0) -> Linear(6, 3) -> Tanh",
             features=4, hidden=6, layers=2, batch_first=False, batch=3, steps=4, reduction="last",
             head=lambda: [nn.Linear(6, 3), nn.Tanh()]),
        case("lengths_arange_logsoftmax", 14,
             "float [B,T,3] + lengths -> LSTM(3, 8) batch-first over the padding (no sequence_lens) -> "
             "out[torch.arange(B), lengths - 1] -> Linear(8, 4) -> LogSoftmax",
             features=3, hidden=8, batch=3, steps=7, lengths=[7, 3, 5], reduction="last_valid_arange",
             head=lambda: [nn.Linear(8, 4), nn.LogSoftmax(dim=1)]),
        case("emb_lengths_gather_bilstm_sigmoid", 17,
             "Embedding(30, 5) ids + lengths -> BiLSTM(5, 6) batch-first over the padding -> "
             "out.gather(1, (lengths - 1).clamp(min=0) expanded).squeeze(1) -> Dropout (eval) -> Linear(12, 1) -> Sigmoid",
             vocab=30, embed_dim=5, hidden=6, bidirectional=True, batch=3, steps=7, lengths=[4, 7, 1],
             reduction="last_valid_gather", head=lambda: [nn.Dropout(0.25), nn.Linear(12, 1), nn.Sigmoid()]),
        case("emb_bilstm2_final_cat_relu", 11,
             "Embedding(50, 8) -> 2-layer BiLSTM(8, 7) batch-first -> torch.cat([h_n[-2], h_n[-1]], 1) -> "
             "Linear(14, 8) -> ReLU -> Dropout (eval) -> Linear(8, 3)",
             vocab=50, embed_dim=8, hidden=7, layers=2, bidirectional=True, batch=2, steps=6,
             reduction="final_cat",
             head=lambda: [nn.Linear(14, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)]),
        case("stacked_final_last_hardsigmoid", 14,
             "float [T,B,5] -> 2-layer LSTM(5, 6) sequence-first -> h_n[-1] -> Linear(6, 4) -> Hardsigmoid",
             features=5, hidden=6, layers=2, batch_first=False, batch=3, steps=5, reduction="final_last",
             input_scale=2.0, head=lambda: [nn.Linear(6, 4), nn.Hardsigmoid()]),
        case("mean_gelu", 13,
             "float [B,T,3] -> LSTM(3, 8) batch-first -> mean over time (ReduceMean axis 1) -> Linear(8, 8) -> "
             "GELU (exact, erf) -> Linear(8, 2)",
             features=3, hidden=8, batch=2, steps=6, reduction="mean",
             head=lambda: [nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 2)]),
        case("max_leakyrelu_elu", 17,
             "float [T,B,4] -> LSTM(4, 8) sequence-first -> max over time (dim 0) -> LeakyReLU(0.1) -> "
             "Linear(8, 4) -> ELU(alpha 0.5)",
             features=4, hidden=8, batch_first=False, batch=2, steps=5, reduction="max",
             head=lambda: [nn.LeakyReLU(0.1), nn.Linear(8, 4), nn.ELU(alpha=0.5)]),
        case("emb_max_prelu_gelu_tanh", 14,
             "Embedding(25, 6) -> LSTM(6, 8) batch-first -> max over time (dim 1) -> Linear(8, 6) -> PReLU(6) -> "
             "Linear(6, 6) -> GELU(approximate='tanh') -> Identity -> Linear(6, 3) -> Softplus",
             vocab=25, embed_dim=6, hidden=8, batch=3, steps=4, reduction="max",
             head=lambda: [nn.Linear(8, 6), nn.PReLU(6, init=0.2), nn.Linear(6, 6), nn.GELU(approximate="tanh"),
                           nn.Identity(), nn.Linear(6, 3), nn.Softplus()]),
        case("tagger", 13,
             "tagger: Embedding(45, 8) -> BiLSTM(8, 6) batch-first -> Linear(12, 5) per step (MatMul + Add) -> [B,T,5]",
             vocab=45, embed_dim=8, hidden=6, bidirectional=True, batch=2, steps=6, reduction="none",
             head=lambda: [nn.Linear(12, 5)]),
        case("forecaster", 17,
             "forecaster: float [B,T,2] -> 2-layer LSTM(2, 8) batch-first -> Linear(8, 2) per step -> [B,T,2]",
             features=2, hidden=8, layers=2, batch=2, steps=7, reduction="none",
             head=lambda: [nn.Linear(8, 2)]),
        case("regressor_squeeze", 11,
             "regressor: float [B,T,3] -> LSTM(3, 6) batch-first -> out[:, -1] -> Linear(6, 1) -> squeeze(-1) -> [B]",
             features=3, hidden=6, batch=3, steps=5, reduction="last",
             head=lambda: [nn.Linear(6, 1)], squeeze=True),
        case("normalised_input", 14,
             "(x - mean) / std with constant buffers -> LSTM(4, 6) batch-first -> out[:, -1] -> Linear(6, 3) -> Softmax",
             features=4, hidden=6, batch=2, steps=5, reduction="last", input_scale=3.0,
             normalise=(torch.tensor([0.5, -1.0, 2.0, 0.0]), torch.tensor([1.5, 0.75, 3.0, 2.0])),
             head=lambda: [nn.Linear(6, 3), nn.Softmax(dim=1)]),
        case("forecaster_scalar_seq_first", 13,
             "per-step scalar: float [T,B,3] -> LSTM(3, 5) sequence-first -> Linear(5, 1) per step -> squeeze(-1); "
             "the graph output is [T,B], expected.json is batch-first [B][T]",
             features=3, hidden=5, batch_first=False, batch=2, steps=6, reduction="none",
             head=lambda: [nn.Linear(5, 1)], squeeze=True),
        case("mean_softplus_beta_sigmoid", 11,
             "float [B,T,3] -> LSTM(3, 4) batch-first -> mean over time -> Linear(4, 3) -> Softplus(beta 2) -> "
             "Linear(3, 2) -> Sigmoid",
             features=3, hidden=4, batch=2, steps=5, reduction="mean",
             head=lambda: [nn.Linear(4, 3), nn.Softplus(beta=2.0), nn.Linear(3, 2), nn.Sigmoid()]),
    ]


def dtype_name(t):
    return {torch.int64: "int64", torch.float32: "float32"}[t.dtype]


def make_case(index, c, group=GROUP, seed_base=5000):
    import onnx
    seed = seed_base + index
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    args = dict(c["model_args"])
    args["head"] = args["head"]()
    model = WholeModel(**args).eval()
    # Biases of the head and LSTM get the same uniform init as the weights; fine for goldens.
    batch, steps = c["batch"], c["steps"]
    bf = args.get("batch_first", True)
    vocab = args.get("vocab", 0)

    if vocab:
        x_bf = torch.randint(1, vocab, (batch, steps), generator=gen, dtype=torch.int64)
    else:
        x_bf = rand(gen, batch, steps, args.get("features", 3)) * c["input_scale"]
        if args.get("normalise") is not None:
            x_bf = x_bf + args["normalise"][0]
    lengths = None
    if c["lengths"] is not None:
        lengths = torch.tensor(c["lengths"], dtype=torch.int64)
        if vocab:  # padding id 0 after each row's length, as a tokenizer would write it
            for b, n in enumerate(c["lengths"]):
                x_bf[b, n:] = 0

    x = x_bf if bf else x_bf.transpose(0, 1).contiguous()
    model_args = (x, lengths) if lengths is not None else (x,)
    with torch.no_grad():
        y = model(*model_args)
    reduction = args.get("reduction", "last")
    per_step = reduction == "none"
    y_bf = y if (bf or not per_step) else y.transpose(0, 1)

    input_names = ["input", "lengths"] if lengths is not None else ["input"]
    if bf:
        in_axes = {0: "batch", 1: "seq"}
        out_axes = {0: "batch", 1: "seq"} if per_step else {0: "batch"}
    else:
        in_axes = {0: "seq", 1: "batch"}
        out_axes = {0: "seq", 1: "batch"} if per_step else {0: "batch"}
    dynamic_axes = {"input": in_axes, "output": out_axes}
    if lengths is not None:
        dynamic_axes["lengths"] = {0: "batch"}

    d = case_dir(group, c["name"])
    path = os.path.join(d, "model.onnx")
    torch.onnx.export(model, model_args, path, input_names=input_names, output_names=["output"],
                      dynamic_axes=dynamic_axes, opset_version=c["opset"], do_constant_folding=True)
    graph_model = onnx.load(path)
    onnx.checker.check_model(graph_model)

    doc = {"input": x_bf.numpy()}
    if lengths is not None:
        doc["lengths"] = lengths.numpy()
    write_json(os.path.join(d, "input.json"), {k: v.tolist() for k, v in doc.items()})
    write_json(os.path.join(d, "expected.json"), {"output": y_bf.numpy().tolist()})

    in_shape = (["batch", "seq"] if bf else ["seq", "batch"]) + ([] if vocab else [args.get("features", 3)])
    graph_inputs = [{"name": "input", "dtype": dtype_name(x), "shape": in_shape}]
    if lengths is not None:
        graph_inputs.append({"name": "lengths", "dtype": "int64", "shape": ["batch"]})
    out_shape = list(y.shape)
    out_names = (["batch", "seq"] if bf else ["seq", "batch"]) if per_step else ["batch"]
    out_shape = out_names + [int(s) for s in out_shape[len(out_names):]]
    meta = {
        "description": c["description"],
        "format": "onnx",
        "producer": "torch.onnx.export (torch %s)" % torch.__version__.split("+")[0],
        "seed": seed,
        "opset": c["opset"],
        "inputs": input_names,
        "graph_inputs": graph_inputs,
        "graph_output": {"name": "output", "shape": out_shape},
        "expected_shape": list(y_bf.shape),
        "batch_first": bf,
        "vocabulary_size": vocab,
        "reduction": IR_REDUCTION[reduction],
        "lengths_mask_recurrence": False,
        "scalar_output": bool(args.get("squeeze", False)),
        "ops": [n.op_type for n in graph_model.graph.node],
    }
    if args.get("cell", "lstm") != "lstm":
        meta["cell"] = args["cell"]
    write_json(os.path.join(d, "meta.json"), meta)
    return c["name"]


def main(argv):
    only = set(argv[1:])
    for index, c in enumerate(cases()):
        if only and c["name"] not in only:
            continue
        print(make_case(index, c), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

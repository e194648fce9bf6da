#!/usr/bin/python3
"""Golden reference data for GRU and simple RNN (Elman) cells under compiler/src/test/resources/goldens/gru-rnn/.

Run with the system interpreter (torch 1.13, onnx 1.12, numpy):

    /usr/bin/python3 compiler/src/test/python/make_cell_goldens.py              # all groups
    /usr/bin/python3 compiler/src/test/python/make_cell_goldens.py pytorch      # or: onnx, whole

Groups (each case directory has the files described in goldens/README.md; inputs, outputs and
states are batch-first JSON, states [layers*directions][batch][hidden], no c0/c_n):
  gru-rnn/pytorch      nn.GRU / nn.RNN (tanh, relu) state_dict as safetensors (torch's own names)
  gru-rnn/onnx-export  torch.onnx.export of the same modules, opsets 9-17, state inputs, lengths
  gru-rnn/whole        whole models (embedding -> GRU/RNN -> reduction -> head), make_whole_goldens' model
  gru-rnn/burn         Burn Gru / BiGru records (GruConfig JSON + Burn-named safetensors) of a torch GRU's
                       weights; reset_after=false cases from a step loop of torch ops

meta.json says "cell": "gru" | "rnn" and, for an RNN, "nonlinearity": "tanh" | "relu" (PyTorch does
not store it in the state dict: load with --rnn-nonlinearity). Seeds are fixed (6000+i, 7000+i,
8000+i by case index), so a rerun is byte-identical (the ONNX files may change with another torch).
"""

import json
import os
import sys

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import (case_dir, expected_json, input_json, rand, run_lstm, to_lists,  # noqa: E402
                          write_json, write_safetensors, write_text)
from make_whole_goldens import case as whole_case, make_case as make_whole_case, recurrent_module  # noqa: E402

GROUP = "gru-rnn/"


def cell_meta(cell):
    """meta.json fields naming the cell: cell gru|rnn (and the RNN's nonlinearity)."""
    if cell == "gru":
        return {"cell": "gru"}
    return {"cell": "rnn", "nonlinearity": cell[4:]}


def make_module(cell, seed, input_size, hidden_size, **kwargs):
    torch.manual_seed(seed)
    return recurrent_module(cell, input_size, hidden_size, **kwargs).eval()


# ---------------------------------------------------------------- PyTorch safetensors cases

def pytorch_case(name, seed, *, cell, input_size=3, hidden_size=4, num_layers=1, bidirectional=False, bias=True,
                 batch_first=False, batch=2, seq=5, initial_state=False, lengths=None, description=""):
    gen = torch.Generator().manual_seed(seed)
    module = make_module(cell, seed, input_size, hidden_size, num_layers=num_layers, bias=bias,
                         batch_first=batch_first, bidirectional=bidirectional)
    dirs = 2 if bidirectional else 1
    x = rand(gen, batch, seq, input_size)
    h0 = rand(gen, num_layers * dirs, batch, hidden_size) * 0.5 if initial_state else None
    y, h_n, _ = run_lstm(module, x, h0, None, lengths)

    d = case_dir(GROUP + "pytorch", name)
    write_safetensors(os.path.join(d, "model.safetensors"), dict(module.state_dict()))
    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, None, lengths)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, None)))
    meta = {"description": description, "format": "pytorch-safetensors", "seed": seed}
    meta.update(cell_meta(cell))
    meta.update({"input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers,
                 "bidirectional": bidirectional, "bias": bias, "batch_first": batch_first, "dtype": "F32",
                 "prefix": None})
    write_json(os.path.join(d, "meta.json"), meta)
    return name


def shapes(cell, only=None):
    """The shapes every cell is golden-tested in (a subset by name for the RNNs)."""
    all_shapes = [
        dict(name="basic", description="1 layer, bias, sequence-first, zero initial state"),
        dict(name="no_bias", bias=False, description="bias=False: no bias tensors in the file"),
        dict(name="batch_first", batch_first=True, description="batch_first=True"),
        dict(name="bidirectional", bidirectional=True, description="1 bidirectional layer"),
        dict(name="initial_state", initial_state=True, description="h0 given"),
        dict(name="stacked2_bidirectional_initial_state", num_layers=2, bidirectional=True, initial_state=True,
             description="2 bidirectional layers with h0"),
        dict(name="stacked3", num_layers=3, hidden_size=5, batch=3, description="3 stacked forward layers, H=5"),
        dict(name="packed", batch=4, seq=6, lengths=[6, 1, 3, 5], initial_state=True,
             description="pack_padded_sequence(enforce_sorted=False), lengths [6, 1, 3, 5], h0; pad outputs 0"),
        dict(name="packed_bidirectional_stacked", batch=4, seq=5, lengths=[2, 5, 1, 4], num_layers=2,
             bidirectional=True, batch_first=True,
             description="packed sequences through 2 bidirectional batch-first layers"),
        dict(name="hidden32", input_size=6, hidden_size=32, batch=2, seq=4, initial_state=True,
             description="H=32, I=6, h0"),
    ]
    return [dict(s, name=cell + "_" + s["name"], cell=cell) for s in all_shapes if only is None or s["name"] in only]


PYTORCH_CASES = (shapes("gru")
                 + shapes("rnn_tanh")
                 + shapes("rnn_relu", only={"basic", "no_bias", "bidirectional", "stacked2_bidirectional_initial_state",
                                            "packed", "batch_first"}))


# ---------------------------------------------------------------- ONNX exports

class Exported(nn.Module):
    """A GRU/RNN module with the graph inputs a user exports: x, optional lengths (packed), optional h0."""

    def __init__(self, module, with_lengths):
        super().__init__()
        self.rnn = module
        self.with_lengths = with_lengths

    def forward(self, x, *rest):
        lengths = rest[0] if self.with_lengths else None
        h0 = rest[-1] if len(rest) > (1 if self.with_lengths else 0) else None
        if lengths is not None:
            # enforce_sorted=True: torch's export of an unsorted batch adds a TopK sort that lstmc refuses
            packed = pack_padded_sequence(x, lengths, batch_first=self.rnn.batch_first, enforce_sorted=True)
            y, h = self.rnn(packed, h0)
            y, _ = pad_packed_sequence(y, batch_first=self.rnn.batch_first, total_length=x.shape[1 if self.rnn.batch_first else 0])
        else:
            y, h = self.rnn(x, h0)
        return y, h


def onnx_case(name, seed, *, cell, opset, input_size=3, hidden_size=4, num_layers=1, bidirectional=False,
              bias=True, batch_first=False, with_state=False, lengths=None, batch=2, seq=5, fold=True, description=""):
    import onnx
    gen = torch.Generator().manual_seed(seed)
    module = make_module(cell, seed, input_size, hidden_size, num_layers=num_layers, bias=bias,
                         batch_first=batch_first, bidirectional=bidirectional)
    dirs = 2 if bidirectional else 1
    x = rand(gen, batch, seq, input_size)
    h0 = rand(gen, num_layers * dirs, batch, hidden_size) * 0.5 if with_state else None
    y, h_n, _ = run_lstm(module, x, h0, None, lengths)

    x_model = x if batch_first else x.transpose(0, 1).contiguous()
    args, input_names = (x_model,), ["input"]
    seq_axes = {0: "batch", 1: "seq"} if batch_first else {0: "seq", 1: "batch"}
    dynamic_axes = {"input": seq_axes, "output": seq_axes, "h_n": {1: "batch"}}
    if lengths is not None:
        args += (torch.tensor(lengths, dtype=torch.int64),)
        input_names.append("lengths")
        dynamic_axes["lengths"] = {0: "batch"}
    if with_state:
        args += (h0,)
        input_names.append("h0")
        dynamic_axes["h0"] = {1: "batch"}
    d = case_dir(GROUP + "onnx-export", name)
    path = os.path.join(d, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(Exported(module, lengths is not None).eval(), args, path, input_names=input_names,
                          output_names=["output", "h_n"], dynamic_axes=dynamic_axes, opset_version=opset,
                          do_constant_folding=fold)
    graph = onnx.load(path).graph
    onnx.checker.check_model(onnx.load(path))

    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, None, lengths)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, None)))
    meta = {"description": description, "format": "onnx", "seed": seed, "opset": opset, "constant_folding": fold}
    meta.update(cell_meta(cell))
    meta.update({"input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers,
                 "bidirectional": bidirectional, "bias": bias, "batch_first": batch_first,
                 "graph_inputs": input_names,
                 "ops": sorted({n.op_type for n in graph.node}),
                 "note": "input.json/expected.json are batch-first; the ONNX graph input is "
                         + ("[batch, seq, features]" if batch_first else "[seq, batch, features]")})
    write_json(os.path.join(d, "meta.json"), meta)
    return name


ONNX_CASES = [
    dict(name="gru_layers1", cell="gru", opset=14, description="nn.GRU, 1 layer, sequence-first, no state input"),
    dict(name="gru_layers1_batch_first_state", cell="gru", opset=11, batch_first=True, with_state=True,
         description="nn.GRU batch_first with an h0 graph input"),
    dict(name="gru_layers2_state", cell="gru", opset=13, num_layers=2, with_state=True,
         description="2 GRU layers (two GRU nodes), h0 sliced per layer"),
    dict(name="gru_bidirectional_layers2_batch_first", cell="gru", opset=17, num_layers=2, bidirectional=True,
         batch_first=True, description="2 bidirectional GRU layers, batch_first"),
    dict(name="gru_layers3_no_bias", cell="gru", opset=15, num_layers=3, bias=False, hidden_size=5,
         description="3 GRU layers, bias=False (the node has no B input)"),
    dict(name="gru_packed_bidirectional_state", cell="gru", opset=14, bidirectional=True, batch_first=True,
         with_state=True, batch=3, lengths=[5, 4, 2],
         description="pack_padded_sequence(enforce_sorted=True) around a bidirectional GRU: lengths become the "
                     "node's sequence_lens"),
    dict(name="rnn_tanh_layers1_state", cell="rnn_tanh", opset=12, with_state=True,
         description="nn.RNN tanh, h0 graph input"),
    dict(name="rnn_tanh_bidirectional_layers2", cell="rnn_tanh", opset=16, num_layers=2, bidirectional=True,
         description="2 bidirectional tanh RNN layers"),
    dict(name="rnn_relu_layers2_batch_first", cell="rnn_relu", opset=14, num_layers=2, batch_first=True,
         description="2 ReLU RNN layers (activations [Relu]), batch_first"),
    dict(name="rnn_relu_bidirectional_state", cell="rnn_relu", opset=11, bidirectional=True, with_state=True,
         description="bidirectional ReLU RNN (activations [Relu, Relu]), h0 graph input"),
    dict(name="gru_opset9_unfolded_bidirectional_layers2", cell="gru", opset=9, num_layers=2, bidirectional=True,
         batch_first=True, fold=False,
         description="opset 9 without constant folding: torch's r,z,n -> z,r,n reordering left as Slice/Concat "
                     "of the weights, which the importer folds"),
    dict(name="rnn_tanh_opset10_unfolded_state", cell="rnn_tanh", opset=10, with_state=True, fold=False,
         description="opset 10 tanh RNN without constant folding, h0 graph input"),
]


# ---------------------------------------------------------------- whole models

def whole_cases():
    return [
        whole_case("gru_emb_final_softmax", 14,
                   "Embedding(40, 6) -> GRU(6, 8) batch-first -> h_n[-1] -> Linear(8, 5) -> Softmax",
                   cell="gru", vocab=40, embed_dim=6, hidden=8, reduction="final_last",
                   head=lambda: [nn.Linear(8, 5), nn.Softmax(dim=-1)]),
        whole_case("gru_emb_last_softmax", 11,
                   "Embedding(30, 5) -> GRU(5, 6) batch-first -> out[:, -1] -> Linear(6, 4) -> Softmax",
                   cell="gru", vocab=30, embed_dim=5, hidden=6, reduction="last",
                   head=lambda: [nn.Linear(6, 4), nn.Softmax(dim=1)]),
        whole_case("gru_tagger_bidirectional", 13,
                   "tagger: Embedding(45, 8) -> BiGRU(8, 6) batch-first -> Linear(12, 5) per step -> [B,T,5]",
                   cell="gru", vocab=45, embed_dim=8, hidden=6, bidirectional=True, batch=2, steps=6,
                   reduction="none", head=lambda: [nn.Linear(12, 5)]),
        whole_case("gru_bigru2_final_cat_relu", 17,
                   "float [B,T,4] -> 2-layer BiGRU(4, 7) batch-first -> cat(h_n[-2], h_n[-1]) -> Linear(14, 6) -> "
                   "ReLU -> Linear(6, 3)",
                   cell="gru", features=4, hidden=7, layers=2, bidirectional=True, batch=2, steps=6,
                   reduction="final_cat", head=lambda: [nn.Linear(14, 6), nn.ReLU(), nn.Linear(6, 3)]),
        whole_case("gru_forecaster_seq_first", 13,
                   "float [T,B,2] -> 2-layer GRU(2, 8) sequence-first -> Linear(8, 2) per step -> [T,B,2]",
                   cell="gru", features=2, hidden=8, layers=2, batch_first=False, batch=2, steps=7,
                   reduction="none", head=lambda: [nn.Linear(8, 2)]),
        whole_case("gru_mean_sigmoid", 12,
                   "float [B,T,3] -> GRU(3, 6) batch-first -> mean over time -> Linear(6, 1) -> Sigmoid",
                   cell="gru", features=3, hidden=6, batch=3, steps=5, reduction="mean",
                   head=lambda: [nn.Linear(6, 1), nn.Sigmoid()]),
        whole_case("rnn_tanh_emb_last_logsoftmax", 14,
                   "Embedding(20, 4) -> RNN tanh(4, 6) batch-first -> out[:, -1] -> Linear(6, 3) -> LogSoftmax",
                   cell="rnn_tanh", vocab=20, embed_dim=4, hidden=6, reduction="last",
                   head=lambda: [nn.Linear(6, 3), nn.LogSoftmax(dim=1)]),
        whole_case("rnn_relu_max_regressor", 15,
                   "float [B,T,3] -> 2-layer RNN relu(3, 5) batch-first -> max over time -> Linear(5, 1) -> squeeze",
                   cell="rnn_relu", features=3, hidden=5, layers=2, batch=3, steps=5, reduction="max",
                   head=lambda: [nn.Linear(5, 1)], squeeze=True),
    ]


# ---------------------------------------------------------------- Burn Gru / BiGru

BURN_GRU_GATES = [("update_gate", 1), ("reset_gate", 0), ("new_gate", 2)]  # torch row blocks r=0, z=1, n=2


def burn_gru_tensors(gru, suffix, prefix):
    """Torch layer-0 tensors of one direction -> Burn GateController Linears ([in, out] weights)."""
    h = gru.hidden_size
    out = {}
    for gate, k in BURN_GRU_GATES:
        rows = slice(k * h, (k + 1) * h)
        out[prefix + gate + ".input_transform.weight"] = getattr(gru, "weight_ih_l0" + suffix)[rows].detach().t().contiguous()
        out[prefix + gate + ".hidden_transform.weight"] = getattr(gru, "weight_hh_l0" + suffix)[rows].detach().t().contiguous()
        if gru.bias:
            out[prefix + gate + ".input_transform.bias"] = getattr(gru, "bias_ih_l0" + suffix)[rows].detach().contiguous()
            out[prefix + gate + ".hidden_transform.bias"] = getattr(gru, "bias_hh_l0" + suffix)[rows].detach().contiguous()
    return out


def gru_loop(gru, x, h0, reverse, suffix):
    """One direction of a GRU with the reset BEFORE the recurrent product (Burn reset_after=false, ONNX
    linear_before_reset=0), step by step with torch ops; x batch-first. Returns output [B][T][H] and h_n [B][H]."""
    w_ih, w_hh = getattr(gru, "weight_ih_l0" + suffix), getattr(gru, "weight_hh_l0" + suffix)
    b_ih = getattr(gru, "bias_ih_l0" + suffix) if gru.bias else torch.zeros(w_ih.shape[0])
    b_hh = getattr(gru, "bias_hh_l0" + suffix) if gru.bias else torch.zeros(w_ih.shape[0])
    hid = gru.hidden_size
    h = h0.clone() if h0 is not None else torch.zeros(x.shape[0], hid)
    outs = [None] * x.shape[1]
    steps = range(x.shape[1] - 1, -1, -1) if reverse else range(x.shape[1])
    with torch.no_grad():
        for t in steps:
            gi = x[:, t] @ w_ih.t() + b_ih
            r = torch.sigmoid(gi[:, :hid] + h @ w_hh[:hid].t() + b_hh[:hid])
            z = torch.sigmoid(gi[:, hid:2 * hid] + h @ w_hh[hid:2 * hid].t() + b_hh[hid:2 * hid])
            n = torch.tanh(gi[:, 2 * hid:] + (r * h) @ w_hh[2 * hid:].t() + b_hh[2 * hid:])
            h = (1 - z) * n + z * h
            outs[t] = h
    return torch.stack(outs, dim=1), h


def burn_gru_config(d_input, d_hidden, bias, reset_after, batch_first=None, old=False):
    """The JSON Burn's Config::save writes for GruConfig (batch_first None) or BiGruConfig; old: only
    the fields Burn versions before the activation fields wrote."""
    cfg = {"d_input": d_input, "d_hidden": d_hidden, "bias": bias, "reset_after": reset_after,
           "initializer": {"XavierNormal": {"gain": 1.0}}}
    if batch_first is not None:
        cfg["batch_first"] = batch_first
    if not old:
        cfg.update({"gate_activation": "Sigmoid", "hidden_activation": "Tanh", "clip": None})
    return cfg


def burn_case(name, seed, *, bidirectional=False, input_size=3, hidden_size=4, bias=True, reset_after=True,
              batch_first=True, batch=2, seq=5, initial_state=False, old=False, description=""):
    gen = torch.Generator().manual_seed(seed)
    gru = make_module("gru", seed, input_size, hidden_size, bias=bias, batch_first=True, bidirectional=bidirectional)
    dirs = 2 if bidirectional else 1
    x = rand(gen, batch, seq, input_size)
    h0 = rand(gen, dirs, batch, hidden_size) * 0.5 if initial_state else None
    if reset_after:
        y, h_n, _ = run_lstm(gru, x, h0, None)
    else:
        parts = [gru_loop(gru, x, None if h0 is None else h0[d], d == 1, "_reverse" if d == 1 else "")
                 for d in range(dirs)]
        y = torch.cat([p[0] for p in parts], dim=2).numpy()
        h_n = torch.stack([p[1] for p in parts]).numpy()
    if bidirectional:
        tensors = burn_gru_tensors(gru, "", "forward.")
        tensors.update(burn_gru_tensors(gru, "_reverse", "reverse."))
    else:
        tensors = burn_gru_tensors(gru, "", "")
    cfg = burn_gru_config(input_size, hidden_size, bias, reset_after, batch_first if bidirectional else None, old)
    d = case_dir(GROUP + "burn", name)
    write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    write_text(os.path.join(d, "config.json"), json.dumps(cfg, indent=2))
    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, None)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, None)))
    write_json(os.path.join(d, "meta.json"), {
        "description": description, "format": "burn", "module": "BiGru" if bidirectional else "Gru",
        "cell": "gru", "seed": seed, "config": "config.json", "weights": "model.safetensors",
        "batch_first": batch_first})
    return name


BURN_CASES = [
    dict(name="gru", description="Burn Gru (GruConfig), bias, reset_after true: torch's GRU"),
    dict(name="gru_reset_before_no_bias", bias=False, reset_after=False, initial_state=True,
         description="Burn Gru without bias, reset_after false (reset before the recurrent product), h0"),
    dict(name="gru_old_config", old=True, seq=3,
         description="a GruConfig as older Burn saved it: d_input, d_hidden, bias, reset_after, initializer"),
    dict(name="bigru", bidirectional=True, initial_state=True, batch=3, seq=4,
         description="Burn BiGru (forward./reverse.), batch_first true, h0"),
    dict(name="bigru_seq_first_reset_before", bidirectional=True, batch_first=False, reset_after=False,
         description="Burn BiGru with batch_first false and reset_after false"),
]


def main(argv):
    groups = set(argv[1:]) or {"pytorch", "onnx", "whole", "burn"}
    if "pytorch" in groups:
        for i, case in enumerate(PYTORCH_CASES):
            pytorch_case(seed=6000 + i, **case)
    if "onnx" in groups:
        for i, case in enumerate(ONNX_CASES):
            onnx_case(seed=7000 + i, **case)
    if "whole" in groups:
        for i, case in enumerate(whole_cases()):
            make_whole_case(i, case, group=GROUP + "whole", seed_base=8000)
    if "burn" in groups:
        for i, case in enumerate(BURN_CASES):
            burn_case(seed=8500 + i, **case)


if __name__ == "__main__":
    main(sys.argv)

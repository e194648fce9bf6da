#!/usr/bin/python3
"""Writes the golden reference data under compiler/src/test/resources/goldens/.

Run with the system interpreter (torch 1.13, onnx 1.12, numpy):

    /usr/bin/python3 compiler/src/test/python/make_goldens.py

Every case uses a fixed seed and the output is deterministic: running the script twice gives
byte-identical files (the ONNX files depend on the torch version that exported them).

Per case directory:
  model.safetensors / config.json / model.onnx   the weights (and Burn config) lstmc loads
  input.json     {"input": [B][T][I], "h0": [L*D][B][S], "c0": [L*D][B][H], "lengths": [B]}
                 (h0, c0 and lengths only where the case uses them)
  expected.json  {"output": [B][T][D*S], "h_n": [L*D][B][S], "c_n": [L*D][B][H]}
  meta.json      how the reference was made (torch arguments, prefix, dtype, format)

The JSON contract is always batch-first, whatever layout the model itself uses. S is the
projection size when the model has one, else H. Floats are written with the fewest digits
(at most 9) that parse back to the same float32.
"""

import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "resources", "goldens"))

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


# ---------------------------------------------------------------- writing helpers

def float32_text(x):
    """Shortest decimal text (at most 9 significant digits) that parses back to the same float32."""
    f = np.float32(x)
    if not np.isfinite(f):
        raise ValueError("non-finite value %r" % (x,))
    if f == 0:
        return "-0.0" if np.signbit(f) else "0.0"
    for digits in range(6, 10):
        text = "%.*g" % (digits, float(f))
        if np.float32(float(text)) == f:
            break
    # '%g' may print an integer-looking value ("2"); keep a decimal point so readers see a float.
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def json_text(value, depth=0):
    """Deterministic JSON: objects one key per line, innermost float rows on one line."""
    if isinstance(value, dict):
        items = ['%s"%s": %s' % ("  " * (depth + 1), k, json_text(v, depth + 1)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.dtype.kind in "iub" else value
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) > 0 and isinstance(value[0], (list, tuple, np.ndarray)):
            inner = [("  " * (depth + 1)) + json_text(v, depth + 1) for v in value]
            return "[\n" + ",\n".join(inner) + "\n" + "  " * depth + "]"
        return "[" + ", ".join(json_text(v, depth + 1) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return float32_text(value)
    return json.dumps(value)


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        if not text.endswith("\n"):
            f.write("\n")


def write_json(path, value):
    write_text(path, json_text(value))


SAFETENSORS_DTYPES = {
    torch.float32: ("F32", torch.float32),
    torch.float16: ("F16", torch.float16),
    torch.bfloat16: ("BF16", torch.int16),  # numpy has no bfloat16: write the raw 16-bit patterns
    torch.float64: ("F64", torch.float64),
}


def write_safetensors(path, tensors):
    """Writes {name: tensor} as safetensors: u64 LE header length, JSON header, raw LE data, names sorted."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        dtype_name, view_dtype = SAFETENSORS_DTYPES[t.dtype]
        raw = t.view(view_dtype).numpy()
        data = raw.astype(raw.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype_name, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)  # keep the data section 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in chunks:
            f.write(data)


def case_dir(group, name):
    d = os.path.join(ROOT, group, name)
    os.makedirs(d, exist_ok=True)
    return d


def rand(gen, *shape):
    """Uniform values in [-1, 1), exactly representable in float32."""
    return torch.rand(*shape, generator=gen, dtype=torch.float32) * 2 - 1


# ---------------------------------------------------------------- reference computation

def run_lstm(lstm, x_bf, h0=None, c0=None, lengths=None):
    """Runs an nn.LSTM, nn.GRU or nn.RNN on batch-first x; returns batch-first output, h_n and c_n
    (numpy, float32 values; c_n is None for a GRU or RNN, which take and return h only)."""
    x = x_bf.to(next(lstm.parameters()).dtype)
    if not lstm.batch_first:
        x = x.transpose(0, 1)
    has_cell = isinstance(lstm, nn.LSTM)
    state = None
    if h0 is not None:
        state = (h0.to(x.dtype), c0.to(x.dtype)) if has_cell else h0.to(x.dtype)
    with torch.no_grad():
        if lengths is not None:
            packed = pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64),
                                          batch_first=lstm.batch_first, enforce_sorted=False)
            y, final = lstm(packed, state)
            y, _ = pad_packed_sequence(y, batch_first=lstm.batch_first, padding_value=0.0,
                                       total_length=x_bf.shape[1])
        else:
            y, final = lstm(x, state)
    h_n, c_n = final if has_cell else (final, None)
    if not lstm.batch_first:
        y = y.transpose(0, 1)
    return [None if t is None else t.to(torch.float32).numpy() for t in (y, h_n, c_n)]


def expected_json(y, h_n, c_n):
    doc = {"output": y, "h_n": h_n}
    if c_n is not None:
        doc["c_n"] = c_n
    return doc


def input_json(x, h0=None, c0=None, lengths=None):
    doc = {"input": x.numpy()}
    if h0 is not None:
        doc["h0"] = h0.numpy()
    if c0 is not None:
        doc["c0"] = c0.numpy()
    if lengths is not None:
        doc["lengths"] = list(lengths)
    return doc


def to_lists(doc):
    """numpy arrays -> nested lists (floats stay numpy float32 values; json_text formats them)."""
    out = {}
    for k, v in doc.items():
        out[k] = v.tolist() if isinstance(v, np.ndarray) else v
    return out


# ---------------------------------------------------------------- PyTorch safetensors cases

def pytorch_case(name, seed, *, input_size=3, hidden_size=4, num_layers=1, bidirectional=False,
                 bias=True, proj_size=0, batch_first=False, batch=2, seq=5, initial_state=False,
                 lengths=None, prefix=None, dtype=torch.float32, description=""):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bias=bias, batch_first=batch_first,
                   bidirectional=bidirectional, proj_size=proj_size)
    lstm.eval()
    if dtype != torch.float32:
        # Round the weights to the stored dtype first, so the expected outputs belong to the stored values.
        lstm = lstm.to(dtype)
        if dtype in (torch.float16, torch.bfloat16):
            lstm = lstm.to(torch.float32)  # compute in float32 on the (exactly widened) rounded weights
        else:
            # Move the F64 weights off the float32 grid so a loader really has to narrow them.
            with torch.no_grad():
                for p in lstm.parameters():
                    p.add_(torch.rand(p.shape, generator=gen, dtype=torch.float64) * 1e-9)
    dirs = 2 if bidirectional else 1
    out = proj_size if proj_size > 0 else hidden_size
    x = rand(gen, batch, seq, input_size)
    h0 = c0 = None
    if initial_state:
        h0 = rand(gen, num_layers * dirs, batch, out) * 0.5
        c0 = rand(gen, num_layers * dirs, batch, hidden_size) * 0.5
    y, h_n, c_n = run_lstm(lstm, x, h0, c0, lengths)

    tensors = {k: v.to(dtype) for k, v in lstm.state_dict().items()}
    if prefix is not None:
        # A larger module holding the LSTM: other tensors the loader must ignore.
        head = nn.Linear(dirs * out, 2)
        tensors = {prefix + "." + k: v for k, v in tensors.items()}
        tensors["head.weight"] = head.weight.detach().to(dtype)
        tensors["head.bias"] = head.bias.detach().to(dtype)

    d = case_dir("pytorch", name)
    write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, c0, lengths)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, c_n)))
    meta = {
        "description": description,
        "format": "pytorch-safetensors",
        "seed": seed,
        "input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers,
        "bidirectional": bidirectional, "bias": bias, "proj_size": proj_size, "batch_first": batch_first,
        "dtype": SAFETENSORS_DTYPES[dtype][0],
        "prefix": prefix,
    }
    write_json(os.path.join(d, "meta.json"), meta)
    return name


PYTORCH_CASES = [
    dict(name="basic", description="1 layer, bias, sequence-first, zero initial state"),
    dict(name="no_bias", bias=False, description="bias=False: no bias tensors in the file"),
    dict(name="batch_first", batch_first=True, description="batch_first=True (affects input/output only)"),
    dict(name="bidirectional", bidirectional=True, description="1 bidirectional layer"),
    dict(name="stacked2", num_layers=2, description="2 stacked forward layers"),
    dict(name="stacked2_bidirectional_initial_state", num_layers=2, bidirectional=True, initial_state=True,
         description="2 bidirectional layers with h0/c0"),
    dict(name="stacked3_bidirectional", num_layers=3, bidirectional=True, hidden_size=5,
         description="3 stacked bidirectional layers"),
    dict(name="projection", hidden_size=5, proj_size=3, description="proj_size=3 < hidden_size=5"),
    dict(name="projection_bidirectional_stacked", hidden_size=5, proj_size=2, num_layers=2,
         bidirectional=True, initial_state=True,
         description="2 bidirectional layers with projection and h0 of the projected size"),
    dict(name="initial_state", initial_state=True, description="h0 and c0 given"),
    dict(name="seq_len1", seq=1, batch=3, initial_state=True, description="sequence length 1"),
    dict(name="batch4", batch=4, seq=3, hidden_size=6, input_size=5, description="batch of 4"),
    dict(name="hidden256", input_size=4, hidden_size=256, batch=1, seq=3,
         description="hidden_size 256 (wide gates), short sequence"),
    dict(name="packed", batch=4, seq=6, lengths=[6, 1, 3, 5], initial_state=True,
         description="pack_padded_sequence(enforce_sorted=False), a length-1 row, h0/c0; pad outputs 0"),
    dict(name="packed_bidirectional_stacked", batch=4, seq=5, lengths=[2, 5, 1, 4], num_layers=2,
         bidirectional=True, batch_first=True,
         description="packed sequences through 2 bidirectional batch-first layers"),
    dict(name="prefixed", prefix="encoder.lstm", bidirectional=True,
         description="state_dict of a module holding encoder.lstm plus a head Linear; load with prefix encoder.lstm"),
    dict(name="dtype_f16", dtype=torch.float16, initial_state=True,
         description="weights stored as F16 (rounded first, expected computed on the rounded values)"),
    dict(name="dtype_bf16", dtype=torch.bfloat16, bidirectional=True,
         description="weights stored as BF16 (rounded first, expected computed on the rounded values)"),
    dict(name="dtype_f64", dtype=torch.float64, num_layers=2,
         description="weights stored as F64, expected computed in float64"),
]


# ---------------------------------------------------------------- Burn cases

BURN_GATES = [("input_gate", 0), ("forget_gate", 1), ("cell_gate", 2), ("output_gate", 3)]  # torch order i,f,g,o


def burn_direction_tensors(lstm, suffix, prefix):
    """Torch layer-0 tensors of one direction -> Burn GateController Linears ([in, out] weights)."""
    h = lstm.hidden_size
    w_ih = getattr(lstm, "weight_ih_l0" + suffix).detach()
    w_hh = getattr(lstm, "weight_hh_l0" + suffix).detach()
    b_ih = getattr(lstm, "bias_ih_l0" + suffix).detach() if lstm.bias else None
    b_hh = getattr(lstm, "bias_hh_l0" + suffix).detach() if lstm.bias else None
    out = {}
    for gate, k in BURN_GATES:
        rows = slice(k * h, (k + 1) * h)
        out[prefix + gate + ".input_transform.weight"] = w_ih[rows].t().contiguous()
        out[prefix + gate + ".hidden_transform.weight"] = w_hh[rows].t().contiguous()
        if b_ih is not None:
            out[prefix + gate + ".input_transform.bias"] = b_ih[rows].contiguous()
            out[prefix + gate + ".hidden_transform.bias"] = b_hh[rows].contiguous()
    return out


def burn_config(d_input, d_hidden, bias, batch_first, reverse=None, clip=None, hidden_activation="Tanh"):
    """The JSON Burn's Config::save writes for LstmConfig (reverse given) or BiLstmConfig (reverse None)."""
    cfg = {
        "d_input": d_input,
        "d_hidden": d_hidden,
        "bias": bias,
        "initializer": {"XavierNormal": {"gain": 1.0}},
        "batch_first": batch_first,
    }
    if reverse is not None:
        cfg["reverse"] = reverse
    cfg.update({
        "clip": clip,
        "input_forget": False,
        "gate_activation": "Sigmoid",
        "cell_activation": "Tanh",
        "hidden_activation": hidden_activation,
    })
    return cfg


def burn_loop(lstm, x, h0, c0, clip, hidden_activation):
    """Burn's Lstm step by step with torch ops, for what nn.LSTM cannot do: cell clip after each
    step, another hidden activation. Forward direction of layer 0; x batch-first."""
    h = h0[0].clone() if h0 is not None else torch.zeros(x.shape[0], lstm.hidden_size)
    c = c0[0].clone() if c0 is not None else torch.zeros(x.shape[0], lstm.hidden_size)
    act = {"Tanh": torch.tanh, "Relu": torch.relu}[hidden_activation]
    outs = []
    with torch.no_grad():
        for t in range(x.shape[1]):
            z = x[:, t] @ lstm.weight_ih_l0.t() + h @ lstm.weight_hh_l0.t()
            if lstm.bias:
                z = z + lstm.bias_ih_l0 + lstm.bias_hh_l0
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            if clip is not None:
                c = c.clamp(-clip, clip)
            h = torch.sigmoid(o) * act(c)
            outs.append(h)
    return [t.numpy() for t in (torch.stack(outs, dim=1), h.unsqueeze(0), c.unsqueeze(0))]


def burn_case(name, seed, *, kind, input_size=3, hidden_size=4, bias=True, batch_first=True, batch=2, seq=5,
              initial_state=False, clip=None, hidden_activation="Tanh", description=""):
    """kind: 'lstm' (forward Lstm), 'lstm_reverse' (Lstm with reverse=true) or 'bilstm'."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    bidir_torch = kind != "lstm"
    lstm = nn.LSTM(input_size, hidden_size, bias=bias, batch_first=True, bidirectional=bidir_torch)
    lstm.eval()
    dirs_json = 2 if kind == "bilstm" else 1
    x = rand(gen, batch, seq, input_size)
    h0 = c0 = None
    if initial_state:
        h0 = rand(gen, dirs_json, batch, hidden_size) * 0.5
        c0 = rand(gen, dirs_json, batch, hidden_size) * 0.5
    if kind == "lstm_reverse":
        # A reverse-only Lstm is the reverse half of a bidirectional torch LSTM.
        zeros = torch.zeros(1, batch, hidden_size)
        th0 = torch.cat([zeros, h0]) if h0 is not None else None
        tc0 = torch.cat([zeros, c0]) if c0 is not None else None
        y, h_n, c_n = run_lstm(lstm, x, th0, tc0)
        y, h_n, c_n = y[:, :, hidden_size:], h_n[1:], c_n[1:]
        tensors = burn_direction_tensors(lstm, "_reverse", "")
        cfg = burn_config(input_size, hidden_size, bias, batch_first, reverse=True)
    elif clip is not None or hidden_activation != "Tanh":
        y, h_n, c_n = burn_loop(lstm, x, h0, c0, clip, hidden_activation)
        tensors = burn_direction_tensors(lstm, "", "")
        cfg = burn_config(input_size, hidden_size, bias, batch_first, reverse=False, clip=clip,
                          hidden_activation=hidden_activation)
    else:
        y, h_n, c_n = run_lstm(lstm, x, h0, c0)
        if kind == "bilstm":
            tensors = burn_direction_tensors(lstm, "", "forward.")
            tensors.update(burn_direction_tensors(lstm, "_reverse", "reverse."))
            cfg = burn_config(input_size, hidden_size, bias, batch_first)
        else:
            tensors = burn_direction_tensors(lstm, "", "")
            cfg = burn_config(input_size, hidden_size, bias, batch_first, reverse=False)

    d = case_dir("burn", name)
    write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    write_text(os.path.join(d, "config.json"), json.dumps(cfg, indent=2))
    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, c0)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, c_n)))
    write_json(os.path.join(d, "meta.json"), {
        "description": description,
        "format": "burn",
        "module": "BiLstm" if kind == "bilstm" else "Lstm",
        "seed": seed,
        "config": "config.json",
        "weights": "model.safetensors",
    })
    return name


BURN_CASES = [
    dict(name="lstm", kind="lstm", description="Burn Lstm, bias, batch_first"),
    dict(name="lstm_no_bias_seq_first", kind="lstm", bias=False, batch_first=False, initial_state=True,
         description="Burn Lstm without bias, batch_first=false, initial state"),
    dict(name="lstm_reverse", kind="lstm_reverse", initial_state=True,
         description="Burn Lstm with reverse=true (the reverse half of a torch bidirectional LSTM)"),
    dict(name="bilstm", kind="bilstm", initial_state=True, batch=3, seq=4,
         description="Burn BiLstm (forward./reverse. prefixes), initial state"),
    dict(name="lstm_clip_relu", kind="lstm", clip=0.25, hidden_activation="Relu", initial_state=True, seq=6,
         description="Burn Lstm with clip 0.25 (cell clamped after each step) and hidden_activation Relu; "
                     "expected from a step-by-step torch loop"),
]


# ---------------------------------------------------------------- ONNX exports

class Exported(nn.Module):
    def __init__(self, lstm, with_state):
        super().__init__()
        self.lstm = lstm
        self.with_state = with_state

    def forward(self, x, h0=None, c0=None):
        if self.with_state:
            y, (h, c) = self.lstm(x, (h0, c0))
        else:
            y, (h, c) = self.lstm(x)
        return y, h, c


def onnx_case(name, seed, *, input_size=3, hidden_size=4, num_layers=1, bidirectional=False,
              batch_first=False, with_state=False, batch=2, seq=5, description=""):
    import onnx
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=batch_first,
                   bidirectional=bidirectional)
    lstm.eval()
    dirs = 2 if bidirectional else 1
    x = rand(gen, batch, seq, input_size)
    h0 = c0 = None
    if with_state:
        h0 = rand(gen, num_layers * dirs, batch, hidden_size) * 0.5
        c0 = rand(gen, num_layers * dirs, batch, hidden_size) * 0.5
    y, h_n, c_n = run_lstm(lstm, x, h0, c0)

    module = Exported(lstm, with_state).eval()
    x_model = x if batch_first else x.transpose(0, 1).contiguous()
    args = (x_model, h0, c0) if with_state else (x_model,)
    input_names = ["input", "h0", "c0"] if with_state else ["input"]
    seq_axes = {0: "batch", 1: "seq"} if batch_first else {0: "seq", 1: "batch"}
    dynamic_axes = {"input": seq_axes, "output": seq_axes, "h_n": {1: "batch"}, "c_n": {1: "batch"}}
    if with_state:
        dynamic_axes["h0"] = {1: "batch"}
        dynamic_axes["c0"] = {1: "batch"}
    d = case_dir("onnx-export", name)
    path = os.path.join(d, "model.onnx")
    torch.onnx.export(module, args, path, input_names=input_names, output_names=["output", "h_n", "c_n"],
                      dynamic_axes=dynamic_axes, opset_version=14, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))

    write_json(os.path.join(d, "input.json"), to_lists(input_json(x, h0, c0)))
    write_json(os.path.join(d, "expected.json"), to_lists(expected_json(y, h_n, c_n)))
    write_json(os.path.join(d, "meta.json"), {
        "description": description,
        "format": "onnx",
        "seed": seed,
        "opset": 14,
        "input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers,
        "bidirectional": bidirectional, "batch_first": batch_first,
        "graph_inputs": input_names,
        "note": "input.json/expected.json are batch-first; the ONNX graph input is "
                + ("[batch, seq, features]" if batch_first else "[seq, batch, features]"),
    })
    return name


ONNX_CASES = [
    dict(name="layers1", description="1 layer, sequence-first, no initial state inputs"),
    dict(name="layers1_batch_first", batch_first=True, description="1 layer, batch_first (Transpose nodes)"),
    dict(name="layers1_state", with_state=True, description="1 layer with h0/c0 graph inputs"),
    dict(name="layers2", num_layers=2, description="2 layers (two LSTM nodes)"),
    dict(name="layers2_state_batch_first", num_layers=2, with_state=True, batch_first=True,
         description="2 layers, batch_first, h0/c0 graph inputs"),
    dict(name="layers3", num_layers=3, hidden_size=5, description="3 layers"),
    dict(name="bidirectional", bidirectional=True, description="1 bidirectional layer"),
    dict(name="bidirectional_layers2_state", bidirectional=True, num_layers=2, with_state=True,
         description="2 bidirectional layers with h0/c0 graph inputs"),
    dict(name="bidirectional_batch_first", bidirectional=True, batch_first=True,
         description="1 bidirectional layer, batch_first"),
]


def main(argv):
    groups = set(argv[1:]) or {"pytorch", "burn", "onnx"}
    if "pytorch" in groups:
        for i, case in enumerate(PYTORCH_CASES):
            pytorch_case(seed=1000 + i, **case)
    if "burn" in groups:
        for i, case in enumerate(BURN_CASES):
            burn_case(seed=2000 + i, **case)
    if "onnx" in groups:
        for i, case in enumerate(ONNX_CASES):
            onnx_case(seed=3000 + i, **case)


if __name__ == "__main__":
    main(sys.argv)

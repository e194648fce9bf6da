#!/usr/bin/python3
"""Cross-checks the golden files without torch: parses each model.safetensors by hand, recomputes
the LSTM in float64 numpy from the stored tensors (PyTorch or Burn naming, as a loader would see
them) and compares with expected.json. Catches a wrong file layout, tensor name or JSON shape in
the fixtures before any Java test sees them.

    /usr/bin/python3 compiler/src/test/python/check_goldens.py
"""

import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "resources", "goldens"))


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        dt = info["dtype"]
        if dt == "F32":
            a = np.frombuffer(raw, "<f4").astype(np.float64)
        elif dt == "F16":
            a = np.frombuffer(raw, "<f2").astype(np.float64)
        elif dt == "F64":
            a = np.frombuffer(raw, "<f8").astype(np.float64)
        elif dt == "BF16":
            a = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        else:
            raise ValueError(dt)
        out[name] = a.reshape(info["shape"])
    return out


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def run_direction(x, w_ih, w_hh, b, w_hr, h, c, lengths, reverse, clip=None, hidden_act=np.tanh):
    """x [B][T][I]; gates i,f,g,o stacked in w_ih [4H][I]; returns out [B][T][S], h, c."""
    batch, steps, _ = x.shape
    hidden = w_hh.shape[0] // 4
    out = np.zeros((batch, steps, h.shape[1]))
    for bi in range(batch):
        n = lengths[bi]
        order = range(n - 1, -1, -1) if reverse else range(n)
        hb, cb = h[bi].copy(), c[bi].copy()
        for t in order:
            z = w_ih @ x[bi, t] + w_hh @ hb + b
            i, f = sigmoid(z[:hidden]), sigmoid(z[hidden:2 * hidden])
            g, o = np.tanh(z[2 * hidden:3 * hidden]), sigmoid(z[3 * hidden:])
            cb = f * cb + i * g
            if clip is not None:
                cb = np.clip(cb, -clip, clip)
            hb = o * hidden_act(cb)
            if w_hr is not None:
                hb = w_hr @ hb
            out[bi, t] = hb
        h[bi], c[bi] = hb, cb
    return out, h, c


def pytorch_cells(tensors, meta):
    """[(layer, [(w_ih, w_hh, b, w_hr) per direction])] from PyTorch state_dict names."""
    prefix = (meta["prefix"] + ".") if meta.get("prefix") else ""
    layers = []
    for layer in range(meta["num_layers"]):
        dirs = []
        for suffix in ([""] + (["_reverse"] if meta["bidirectional"] else [])):
            key = lambda n: prefix + n + "_l%d" % layer + suffix
            w_ih, w_hh = tensors[key("weight_ih")], tensors[key("weight_hh")]
            b = np.zeros(w_ih.shape[0])
            if meta["bias"]:
                b = tensors[key("bias_ih")] + tensors[key("bias_hh")]
            w_hr = tensors.get(key("weight_hr"))
            dirs.append((w_ih, w_hh, b, w_hr, suffix == "_reverse"))
        layers.append(dirs)
    return layers


def burn_cells(tensors, config):
    gates = ["input_gate", "forget_gate", "cell_gate", "output_gate"]

    def direction(prefix, reverse):
        w_ih = np.concatenate([tensors[prefix + g + ".input_transform.weight"].T for g in gates])
        w_hh = np.concatenate([tensors[prefix + g + ".hidden_transform.weight"].T for g in gates])
        b = np.zeros(w_ih.shape[0])
        if config["bias"]:
            b = np.concatenate([tensors[prefix + g + ".input_transform.bias"]
                                + tensors[prefix + g + ".hidden_transform.bias"] for g in gates])
        return (w_ih, w_hh, b, None, reverse)

    if "reverse" in config:
        return [[direction("", config["reverse"])]]
    return [[direction("forward.", False), direction("reverse.", True)]]


def check(case):
    meta = json.load(open(os.path.join(case, "meta.json")))
    inp = json.load(open(os.path.join(case, "input.json")))
    exp = json.load(open(os.path.join(case, "expected.json")))
    tensors = read_safetensors(os.path.join(case, "model.safetensors"))
    clip, hidden_act = None, np.tanh
    if meta["format"] == "burn":
        config = json.load(open(os.path.join(case, meta["config"])))
        layers = burn_cells(tensors, config)
        clip = config["clip"]
        hidden_act = {"Tanh": np.tanh, "Relu": lambda v: np.maximum(v, 0)}[config["hidden_activation"]]
    else:
        layers = pytorch_cells(tensors, meta)
    x = np.array(inp["input"], dtype=np.float64)
    batch, steps, _ = x.shape
    lengths = inp.get("lengths", [steps] * batch)
    h_n, c_n = [], []
    k = 0
    for dirs in layers:
        outs = []
        for (w_ih, w_hh, b, w_hr, reverse) in dirs:
            hsz = w_hh.shape[0] // 4
            s = w_hr.shape[0] if w_hr is not None else hsz
            h = np.array(inp["h0"][k], dtype=np.float64) if "h0" in inp else np.zeros((batch, s))
            c = np.array(inp["c0"][k], dtype=np.float64) if "c0" in inp else np.zeros((batch, hsz))
            out, h, c = run_direction(x, w_ih, w_hh, b, w_hr, h, c, lengths, reverse, clip, hidden_act)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
            k += 1
        x = np.concatenate(outs, axis=2)
    worst = 0.0
    for name, got in (("output", x), ("h_n", np.array(h_n)), ("c_n", np.array(c_n))):
        want = np.array(exp[name], dtype=np.float64)
        if want.shape != got.shape:
            raise AssertionError("%s: %s shape %s, recomputed %s" % (case, name, want.shape, got.shape))
        worst = max(worst, float(np.max(np.abs(want - got))))
    return worst


def main():
    failed = False
    for group in ("pytorch", "burn"):
        for name in sorted(os.listdir(os.path.join(ROOT, group))):
            case = os.path.join(ROOT, group, name)
            worst = check(case)
            ok = worst <= 1e-5
            failed |= not ok
            print("%-8s %-40s max |diff| %.2e %s" % (group, name, worst, "ok" if ok else "FAIL"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Trains the small LSTM bundled with `lstmc demo` and writes it with a sample input and PyTorch's
output on that input.

The model is a one-layer PyTorch nn.LSTM that forecasts a noisy sine wave one step ahead. It uses
a projection (proj_size=1) as its read-out, so the LSTM's own output is the forecast and no extra
linear layer is needed: what lstmc compiles is the whole model.

Outputs (in compiler/src/main/resources/io/github/lstmc/compiler/cli/demo/ by default):
  sine_forecaster.safetensors  PyTorch nn.LSTM state dict names (weight_ih_l0, ..., weight_hr_l0)
  sample-input.json            {"input": [batch][seq][1]}  (the lstmc run JSON contract, batch-first)
  sample-expected.json         {"output", "h_n", "c_n"} computed by PyTorch from sample-input.json

Deterministic (fixed seeds, one thread). Run with /usr/bin/python3 (torch 1.13, numpy); safetensors
is written by hand because the safetensors package is not installed.

    /usr/bin/python3 tools/demo-model/train_demo_model.py [OUT_DIR]
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

HIDDEN = 32
SEQ = 64
STEPS = 1500
NOISE = 0.1

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "compiler", "src", "main", "resources",
                           "io", "github", "lstmc", "compiler", "cli", "demo")


def sines(gen, batch, seq):
    """Noisy sine inputs [batch][seq][1] and their clean next values [batch][seq][1]."""
    omega = 0.1 + 0.25 * torch.rand(batch, 1, generator=gen)
    phase = 2 * math.pi * torch.rand(batch, 1, generator=gen)
    amp = 0.5 + 0.5 * torch.rand(batch, 1, generator=gen)
    t = torch.arange(seq + 1, dtype=torch.float32).unsqueeze(0)
    clean = amp * torch.sin(omega * t + phase)
    noisy = clean + NOISE * torch.randn(batch, seq + 1, generator=gen)
    return noisy[:, :-1].unsqueeze(-1), clean[:, 1:].unsqueeze(-1)


def write_safetensors(path, tensors):
    """Writes float32 tensors in the safetensors layout: u64 LE header size, JSON header, raw LE data."""
    header = {"__metadata__": {"format": "pt", "producer": "lstmc tools/demo-model/train_demo_model.py"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        data = tensors[name].detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # align the data to 8 bytes, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def nested(t):
    """A float32 tensor as nested lists of Python floats (exact: each float32 is a double)."""
    return t.detach().to(torch.float32).numpy().astype(np.float64).tolist()


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(7)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(11)

    lstm = torch.nn.LSTM(input_size=1, hidden_size=HIDDEN, num_layers=1, proj_size=1, batch_first=True)
    opt = torch.optim.Adam(lstm.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=500, gamma=0.3)
    for step in range(STEPS):
        x, y = sines(gen, 64, SEQ)
        pred, _ = lstm(x)
        # skip the first steps: the state needs a few samples before it knows the frequency
        loss = torch.mean((pred[:, 8:] - y[:, 8:]) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == STEPS - 1:
            print(f"step {step:4d}  mse {loss.item():.5f}", file=sys.stderr)

    with torch.no_grad():
        x, y = sines(torch.Generator().manual_seed(2026), 4, 48)
        out, (h_n, c_n) = lstm(x)
        naive = torch.mean((x[:, 8:] - y[:, 8:]) ** 2).item()
        model = torch.mean((out[:, 8:] - y[:, 8:]) ** 2).item()
        print(f"sample mse: model {model:.5f}, repeat-last-value {naive:.5f}", file=sys.stderr)

    write_safetensors(os.path.join(out_dir, "sine_forecaster.safetensors"), lstm.state_dict())
    with open(os.path.join(out_dir, "sample-input.json"), "w") as f:
        json.dump({"input": nested(x)}, f)
        f.write("\n")
    with open(os.path.join(out_dir, "sample-expected.json"), "w") as f:
        json.dump({"output": nested(out), "h_n": nested(h_n), "c_n": nested(c_n)}, f)
        f.write("\n")


if __name__ == "__main__":
    main()

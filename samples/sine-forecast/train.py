#!/usr/bin/python3
"""Trains the sample's model: a small LSTM that forecasts a noisy sine one step ahead.

    /usr/bin/python3 samples/sine-forecast/train.py      (torch only; about a minute on 2 cores)

Writes, next to this script:
  src/main/lstm/sine_forecaster.safetensors   the trained weights (what the lstmc plugin compiles)
  src/test/resources/pytorch_outputs.txt      PyTorch's outputs on a few inputs, for the tests

The model is nn.LSTM(input_size=1, hidden_size=16, proj_size=1): each step reads one noisy sample
and its (projected, 1-wide) output is the forecast of the next clean value. Training is seeded, so
a rerun reproduces the same files on the same torch version.
"""
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = 16
NOISE = 0.05          # standard deviation of the measurement noise
STEPS = 64            # training sequence length
BATCH = 128
ITERATIONS = 700


def sine_batch(gen, batch, steps):
    """Noisy sines with random period (16..32 samples), phase and amplitude (0.5..1).

    Returns (noisy [B, T+1], clean [B, T+1]); the input is noisy[:, :T], the target clean[:, 1:].
    """
    period = 16 + 16 * torch.rand(batch, 1, generator=gen)
    phase = 2 * math.pi * torch.rand(batch, 1, generator=gen)
    amplitude = 0.5 + 0.5 * torch.rand(batch, 1, generator=gen)
    t = torch.arange(steps + 1, dtype=torch.float32).unsqueeze(0)
    clean = amplitude * torch.sin(2 * math.pi * t / period + phase)
    noisy = clean + NOISE * torch.randn(clean.shape, generator=gen)
    return noisy, clean


def write_safetensors(path, tensors):
    """safetensors by hand: 8-byte little-endian header length, JSON header, raw little-endian float32."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    torch.manual_seed(2024)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(7)
    model = torch.nn.LSTM(input_size=1, hidden_size=HIDDEN, proj_size=1, batch_first=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=250, gamma=0.3)
    warmup = 8  # the first few forecasts cannot know the phase yet; do not let them dominate the loss
    for it in range(ITERATIONS):
        noisy, clean = sine_batch(gen, BATCH, STEPS)
        y, _ = model(noisy[:, :STEPS].unsqueeze(-1))
        loss = torch.mean((y.squeeze(-1)[:, warmup:] - clean[:, 1 + warmup:]) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        if it % 100 == 0 or it == ITERATIONS - 1:
            print("iteration %4d  mse %.5f" % (it, loss.item()))

    # Held-out check: the forecast error must be well below the sine's own spread (and the noise).
    noisy, clean = sine_batch(torch.Generator().manual_seed(99), 256, 100)
    with torch.no_grad():
        y, _ = model(noisy[:, :100].unsqueeze(-1))
    rmse = torch.sqrt(torch.mean((y.squeeze(-1)[:, warmup:] - clean[:, 1 + warmup:]) ** 2)).item()
    # The naive forecast "the next value is the last sample" as a yardstick.
    naive = torch.sqrt(torch.mean((noisy[:, warmup:100] - clean[:, 1 + warmup:]) ** 2)).item()
    print("held-out one-step rmse %.4f; repeating the last sample: %.4f (noise sd %.2f)" % (rmse, naive, NOISE))
    assert rmse < naive / 2, "training did not converge"

    write_safetensors(os.path.join(HERE, "src/main/lstm/sine_forecaster.safetensors"), model.state_dict())

    # PyTorch's outputs on three fixed inputs (batch-first, one feature), for the Java tests.
    cases = torch.Generator().manual_seed(123)
    lines = ["# PyTorch %s, nn.LSTM(1, %d, proj_size=1); held-out rmse %.4f (naive %.4f)"
             % (torch.__version__, HIDDEN, rmse, naive),
             "# case <name> <steps>, then 'input' (noisy samples), 'output' (forecasts), 'clean' (the true next values)"]
    for name, steps in (("short", 12), ("medium", 50), ("long", 120)):
        noisy, clean = sine_batch(cases, 1, steps)
        with torch.no_grad():
            y, _ = model(noisy[:, :steps].unsqueeze(-1))
        lines.append("case %s %d" % (name, steps))
        lines.append("input " + " ".join(repr(v) for v in noisy[0, :steps].tolist()))
        lines.append("output " + " ".join(repr(v) for v in y[0, :, 0].tolist()))
        lines.append("clean " + " ".join(repr(v) for v in clean[0, 1:].tolist()))
    with open(os.path.join(HERE, "src/test/resources/pytorch_outputs.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

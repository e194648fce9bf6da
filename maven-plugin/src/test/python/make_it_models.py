#!/usr/bin/python3
"""Writes the tiny PyTorch LSTMs that the plugin's integration tests (src/it) compile.

Run from maven-plugin/: /usr/bin/python3 src/test/python/make_it_models.py
The outputs are committed; the build never runs Python.
"""
import json
import os
import shutil
import struct

import torch

IT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "it")
GOLDENS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "compiler", "src", "test",
                       "resources", "goldens")


def write_safetensors(path, tensors):
    """The safetensors layout: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header to a multiple of 8 bytes
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def lstm(seed, input_size=2, hidden_size=3):
    torch.manual_seed(seed)
    return torch.nn.LSTM(input_size, hidden_size, batch_first=True).state_dict()


def write_expected(path, seed):
    """PyTorch's output for a fixed input: line 1 the input [1][4][2], line 2 the output [1][4][3], flat."""
    net = torch.nn.LSTM(2, 3, batch_first=True)
    net.load_state_dict(lstm(seed))
    x = torch.tensor([[[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.0, -0.5]]])
    with torch.no_grad():
        y, _ = net(x)
    with open(path, "w") as f:
        f.write(" ".join(repr(v) for v in x.flatten().tolist()) + "\n")
        f.write(" ".join(repr(v) for v in y.flatten().tolist()) + "\n")


def main():
    good = {
        "source-backend/src/main/lstm/speech_tagger.safetensors": 1,
        "source-backend/src/test/lstm/test_probe.safetensors": 2,
        "bytecode-backend/src/main/lstm/speech_tagger.safetensors": 1,
        "incremental/src/main/lstm/alpha.safetensors": 3,
        "incremental/src/main/lstm/beta.safetensors": 4,
        "incremental/changes/alpha.safetensors": 5,
        "path with spaces/model files/my model.safetensors": 6,
    }
    for rel, seed in good.items():
        write_safetensors(os.path.join(IT, rel), lstm(seed))
    write_expected(os.path.join(IT, "source-backend/expected.txt"), 1)
    write_expected(os.path.join(IT, "bytecode-backend/expected.txt"), 1)
    # Inconsistent shapes: weight_ih_l0 has 8 rows where H = 3 needs 4*H = 12.
    bad = lstm(7)
    bad["weight_ih_l0"] = bad["weight_ih_l0"][:8]
    write_safetensors(os.path.join(IT, "bad-model/src/main/lstm/broken_shapes.safetensors"), bad)
    write_safetensors(os.path.join(IT, "bad-model/src/main/lstm/fine.safetensors"), lstm(8))

    # The other formats, from the compiler's golden fixtures: a Burn config beside its weights and
    # a torch.onnx.export'ed bidirectional LSTM.
    burn = os.path.join(GOLDENS, "burn", "lstm")
    shutil.copy(os.path.join(burn, "config.json"), os.path.join(IT, "source-backend/src/main/lstm/burn_cell.json"))
    shutil.copy(os.path.join(burn, "model.safetensors"),
                os.path.join(IT, "source-backend/src/main/lstm/burn_cell.safetensors"))
    shutil.copy(os.path.join(GOLDENS, "onnx-export", "bidirectional", "model.onnx"),
                os.path.join(IT, "source-backend/src/main/lstm/bidirectional.onnx"))
    # A Burn config naming an activation Burn does not have.
    with open(os.path.join(burn, "config.json")) as f:
        config = json.load(f)
    config["gate_activation"] = "Swoosh"
    with open(os.path.join(IT, "bad-model/src/main/lstm/odd_activation.json"), "w") as f:
        json.dump(config, f, indent=2)
    shutil.copy(os.path.join(burn, "model.safetensors"), os.path.join(IT, "bad-model/src/main/lstm/odd_activation.safetensors"))


if __name__ == "__main__":
    main()

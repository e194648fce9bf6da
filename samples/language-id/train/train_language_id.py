#!/usr/bin/python3
"""Trains the sample's model: a character-level BiLSTM that tells which language a word is from.

    /usr/bin/python3 samples/language-id/train/train_language_id.py    (about 4 minutes on 2 cores)

Needs torch, numpy, onnx and the Debian word lists wamerican, wngerman, wfrench, witalian,
wspanish and wdutch (/usr/share/dict). Writes, under samples/language-id/:
  src/main/lstm/language_id.onnx                                 the model the lstmc plugin compiles
  src/main/resources/io/github/lstmc/samples/language/alphabet.txt   letter of each token id
  src/main/resources/io/github/lstmc/samples/language/languages.txt  language of each output
  src/test/resources/heldout.tsv        held-out words, their language and PyTorch's probabilities
  src/test/resources/pytorch_accuracy.json   PyTorch's accuracy on those and on the whole held-out set

The data: each list's words, lowercased (Unicode NFC), kept if every character is in ALPHABET and
the length is 2..20. Capitalized entries are dropped except in German, where they are the nouns
(elsewhere they are names and abbreviations, which belong to no language). A word that is in more
than one list after lowercasing ("pizza", "hotel", "taxi") is dropped from all of them: it has no
single right answer. The remaining words of each language are shuffled with a fixed seed; the first
TEST_PER_LANGUAGE are held out, the next TRAIN_PER_LANGUAGE are trained on (equal numbers per
language, so no language wins by being common in the lists).

The model: ids [batch, steps] -> Embedding(50, 16) -> bidirectional LSTM(16 -> 32, one layer) ->
final hidden states forward ‖ reverse (h_n) -> Linear(64 -> 6) -> softmax. It is trained on packed
sequences (no padding reaches the LSTM) and exported for one unpadded word, ids int64 [1, steps].
Seeded and single-threaded, so a rerun reproduces the same files on the same torch version.
"""
import json
import os
import random
import sys
import time
import unicodedata

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.dirname(HERE)
RESOURCES = os.path.join(SAMPLE, "src", "main", "resources", "io", "github", "lstmc", "samples", "language")
MODEL = os.path.join(SAMPLE, "src", "main", "lstm", "language_id.onnx")
TEST_RESOURCES = os.path.join(SAMPLE, "src", "test", "resources")

# (code, name, word list, whether capitalized entries are words of the language)
LANGUAGES = [
    ("en", "English", "/usr/share/dict/american-english", False),
    ("de", "German", "/usr/share/dict/ngerman", True),
    ("fr", "French", "/usr/share/dict/french", False),
    ("it", "Italian", "/usr/share/dict/italian", False),
    ("es", "Spanish", "/usr/share/dict/spanish", False),
    ("nl", "Dutch", "/usr/share/dict/dutch", False),
]
# The Latin letters and the 23 accented letters these six languages write (49 in all). Token id 0
# is any other character; the letter ALPHABET[k] is id k + 1.
ALPHABET = "abcdefghijklmnopqrstuvwxyz" + "ßàáâäçèéêëìíîïñòóôöùúûü"
MIN_LENGTH, MAX_LENGTH = 2, 20
TEST_PER_LANGUAGE = 2000
TRAIN_PER_LANGUAGE = 25000
HELDOUT_FILE_PER_LANGUAGE = 50   # the first words of each language's held-out set go into heldout.tsv
EMBEDDING, HIDDEN = 16, 32
BATCH = 128
EPOCHS = 4
UNKNOWN_RATE = 0.01              # share of training letters replaced by id 0, so id 0 learns to be neutral
SEED = 2024


class LanguageId(nn.Module):
    def __init__(self, vocabulary, languages):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, EMBEDDING)
        self.lstm = nn.LSTM(EMBEDDING, HIDDEN, num_layers=1, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * HIDDEN, languages)

    def logits(self, ids, lengths=None):
        x = self.embedding(ids)
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(x)
        return self.fc(torch.cat([h[-2], h[-1]], 1))

    def forward(self, ids):
        """What is exported: one unpadded word [1, steps] -> probabilities [1, languages]."""
        return torch.softmax(self.logits(ids), dim=1)


def read_words(path, keep_capitalized):
    words = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = unicodedata.normalize("NFC", line.strip())
            if not w or (w[0].isupper() and not keep_capitalized):
                continue
            w = w.lower()
            if MIN_LENGTH <= len(w) <= MAX_LENGTH and all(ch in ALPHABET for ch in w):
                words.add(w)
    return words


def split(rng):
    """(train, test): lists of (word, language index), test in a fixed order (language by language)."""
    lists = [read_words(path, caps) for _, _, path, caps in LANGUAGES]
    seen = {}
    for words in lists:
        for w in words:
            seen[w] = seen.get(w, 0) + 1
    train, test = [], []
    for k, words in enumerate(lists):
        unique = sorted(w for w in words if seen[w] == 1)
        rng.shuffle(unique)
        print(f"{LANGUAGES[k][1]:8s} {len(words):7d} words, {len(words) - len(unique):6d} shared with another list",
              file=sys.stderr)
        if len(unique) < TEST_PER_LANGUAGE + TRAIN_PER_LANGUAGE:
            sys.exit(f"{LANGUAGES[k][2]}: only {len(unique)} usable words")
        test += [(w, k) for w in unique[:TEST_PER_LANGUAGE]]
        train += [(w, k) for w in unique[TEST_PER_LANGUAGE:TEST_PER_LANGUAGE + TRAIN_PER_LANGUAGE]]
    return train, test


def encode(word):
    return [ALPHABET.index(ch) + 1 for ch in word]


def batch_of(pairs, gen=None):
    lengths = torch.tensor([len(w) for w, _ in pairs])
    ids = torch.zeros(len(pairs), int(lengths.max()), dtype=torch.long)
    for b, (w, _) in enumerate(pairs):
        ids[b, :len(w)] = torch.tensor(encode(w))
    if gen is not None:
        ids[torch.rand(ids.shape, generator=gen) < UNKNOWN_RATE] = 0
    return ids, lengths, torch.tensor([k for _, k in pairs])


def accuracy(model, pairs):
    with torch.no_grad():
        ids, lengths, labels = batch_of(pairs)
        return (model.logits(ids, lengths).argmax(1) == labels).float().mean().item()


def shortest(x):
    """The fewest digits that parse back to the same float32 (Java's Float.parseFloat included)."""
    return np.format_float_positional(np.float32(x), unique=True, trim="-")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def run_onnx(graph, ids):
    """Evaluates the exported graph with numpy (float64), node by node, for the operators torch wrote
    into it: an independent check of the file, since onnxruntime is not at hand."""
    from onnx import helper, numpy_helper
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    values[graph.input[0].name] = ids
    for n in graph.node:
        a = {x.name: helper.get_attribute_value(x) for x in n.attribute}
        x = [values[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Constant":
            y = [numpy_helper.to_array(a["value"])]
        elif op == "Gather":
            y = [np.take(x[0], x[1], axis=a.get("axis", 0))]
        elif op == "Shape":
            y = [np.array(x[0].shape, dtype=np.int64)]
        elif op == "Unsqueeze":
            y = [np.expand_dims(x[0], tuple(int(v) for v in x[1]))]
        elif op == "Concat":
            y = [np.concatenate(x, axis=a["axis"])]
        elif op == "ConstantOfShape":
            fill = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = [np.full(tuple(x[0]), fill[0], dtype=fill.dtype)]
        elif op == "Transpose":
            y = [np.transpose(x[0], a["perm"])]
        elif op == "LSTM":
            y = [*lstm_onnx(x, a)]
        elif op == "Gemm":
            w = x[1].T if a.get("transB", 0) else x[1]
            y = [a.get("alpha", 1.0) * x[0] @ w + a.get("beta", 1.0) * x[2]]
        elif op == "Softmax":
            e = np.exp(x[0] - x[0].max(axis=a.get("axis", -1), keepdims=True))
            y = [e / e.sum(axis=a.get("axis", -1), keepdims=True)]
        else:
            raise ValueError(f"node {n.name}: {op} is not in this checker")
        for name, v in zip(n.output, y):
            values[name] = v
    return values[graph.output[0].name]


def lstm_onnx(x, a):
    """ONNX LSTM, default activations, no peepholes or sequence_lens: gates i, o, f, c; Y [T, D, B, H]."""
    X, W, R, B, _, h0, c0 = (list(x) + [None] * 7)[:7]
    hidden, steps = a["hidden_size"], X.shape[0]
    directions = W.shape[0]
    Y = np.zeros((steps, directions, X.shape[1], hidden))
    h_n, c_n = np.zeros((directions, X.shape[1], hidden)), np.zeros((directions, X.shape[1], hidden))
    for d in range(directions):
        h = h0[d].astype(np.float64) if h0 is not None else np.zeros((X.shape[1], hidden))
        c = c0[d].astype(np.float64) if c0 is not None else np.zeros((X.shape[1], hidden))
        order = range(steps) if d == 0 else reversed(range(steps))
        for t in order:
            z = X[t] @ W[d].T + h @ R[d].T + B[d][:4 * hidden] + B[d][4 * hidden:]
            i, o, f, g = (z[:, k * hidden:(k + 1) * hidden] for k in range(4))
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            Y[t, d] = h
        h_n[d], c_n[d] = h, c
    return Y, h_n, c_n


def check_export(path, rows):
    """onnx.checker, the interface the Java side relies on, and the graph's numbers against PyTorch's."""
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    shapes = [[d.dim_value or d.dim_param for d in v.type.tensor_type.shape.dim]
              for v in (model.graph.input[0], model.graph.output[0])]
    assert shapes == [[1, "steps"], [1, len(LANGUAGES)]], shapes
    worst = max(float(np.abs(run_onnx(model.graph, np.array([encode(w)], dtype=np.int64))[0] - p).max())
                for w, _, p in rows)
    print(f"{path}: {os.path.getsize(path)} bytes, operators {[n.op_type for n in model.graph.node]}; "
          f"the graph evaluated with numpy is within {worst:.1e} of PyTorch on the held-out words", file=sys.stderr)
    assert worst < 1e-6, worst


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    rng = random.Random(SEED)
    gen = torch.Generator().manual_seed(SEED)
    train, test = split(rng)

    model = LanguageId(len(ALPHABET) + 1, len(LANGUAGES))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS * ((len(train) + BATCH - 1) // BATCH))
    start = time.time()
    for epoch in range(EPOCHS):
        model.train()
        rng.shuffle(train)
        total = 0.0
        for i in range(0, len(train), BATCH):
            ids, lengths, labels = batch_of(train[i:i + BATCH], gen)
            loss = nn.functional.cross_entropy(model.logits(ids, lengths), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(labels)
        model.eval()
        print(f"epoch {epoch + 1:2d}  loss {total / len(train):.4f}  held-out accuracy {accuracy(model, test):.4f}"
              f"  ({time.time() - start:.0f} s)", file=sys.stderr)

    model.eval()
    test_accuracy = accuracy(model, test)
    heldout = [p for k in range(len(LANGUAGES)) for p in test[k * TEST_PER_LANGUAGE:][:HELDOUT_FILE_PER_LANGUAGE]]
    rows, correct = [], 0
    with torch.no_grad():
        for w, k in heldout:
            # Exactly what the exported graph computes: one word, no padding, no packing.
            p = model(torch.tensor([encode(w)]))[0].numpy()
            correct += int(np.argmax(p) == k)
            rows.append((w, k, p))
    file_accuracy = correct / len(heldout)
    margins = sorted(float(np.sort(p)[-1] - np.sort(p)[-2]) for _, _, p in rows)
    print(f"held-out accuracy {test_accuracy:.4f} on {len(test)} words; {file_accuracy:.4f} on the "
          f"{len(heldout)} words of heldout.tsv (smallest top-two margin {margins[0]:.2e})", file=sys.stderr)

    os.makedirs(RESOURCES, exist_ok=True)
    os.makedirs(TEST_RESOURCES, exist_ok=True)
    os.makedirs(os.path.dirname(MODEL), exist_ok=True)
    with open(os.path.join(RESOURCES, "alphabet.txt"), "w", encoding="utf-8") as f:
        f.write("".join(ch + "\n" for ch in ALPHABET))
    with open(os.path.join(RESOURCES, "languages.txt"), "w", encoding="utf-8") as f:
        f.write("".join(f"{code}\t{name}\n" for code, name, _, _ in LANGUAGES))
    with open(os.path.join(TEST_RESOURCES, "heldout.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# {len(heldout)} held-out words (never trained on); PyTorch {torch.__version__}: "
                f"accuracy {file_accuracy:.4f}\n")
        f.write("# word\tlanguage\t" + "\t".join(f"p({code})" for code, _, _, _ in LANGUAGES) + "\n")
        for w, k, p in rows:
            f.write(f"{w}\t{LANGUAGES[k][0]}\t" + "\t".join(shortest(v) for v in p) + "\n")
    with open(os.path.join(TEST_RESOURCES, "pytorch_accuracy.json"), "w") as f:
        json.dump({"torch": torch.__version__,
                   "heldout_tsv": {"words": len(heldout), "correct": correct, "accuracy": file_accuracy},
                   "heldout_all": {"words": len(test), "accuracy": round(test_accuracy, 6)},
                   "train_words": len(train)}, f, indent=2)
        f.write("\n")

    torch.onnx.export(model, (torch.tensor([encode("sprache")]),), MODEL, opset_version=14,
                      input_names=["ids"], output_names=["probabilities"],
                      dynamic_axes={"ids": {1: "steps"}})
    check_export(MODEL, rows)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""tests/reference/nb201_torch.py - writes tests/reference/nb201_golden.bin, the
PyTorch reference that tests/unit/test_golden.c holds hwnas's CNN engine and
zero-shot proxies against (the llm.c habit). Run from the repository root with
Debian's python3-torch (torch 1.13):  /usr/bin/python3 tests/reference/nb201_torch.py
CI never runs this script; it only reads the committed golden file.

The model is written here from methods.md §1 (not copied from NB201's code).
Weights: hwnas's own init is reproduced by porting its RNG (hwrng.py): every
parameter in named_parameters() order, elements row-major, drawn from
Rng(seed, stream = arch key): conv/linear weights b*(2u-1) with b = 1/sqrt(fan_in)
(PyTorch default) or sqrt(2/fan_in)*normal (Kaiming normal), linear bias
b*(2u-1), BN gamma 1, beta 0; the float32 model rounds the same doubles.
Inputs: kind 0 = CIFAR-10 records of data_batch_1_first1102.bin chosen as
hwnas does (partial shuffle with Rng(seed, HW_CIFAR_STREAM)), normalised in
double; kind 1 = Rng(seed, INPUT_STREAM).normal() for every input element,
then labels Rng.below(classes) from the same stream.

File format (little-endian), version 1:
  char magic[8] "HWNBGLD1"; u32 version; u32 n_cases; then per case:
  char arch[160]; i32 width[3], cells, side, classes, batch, n_batches, init,
  input_kind, with_grads; u64 seed;
  i32 y[nb*B]; kind 0: i32 record[nb*B], u8 pixels[nb*B*3072];
  f64 x_sum; f64 logits32[B*K], logits64[B*K] (batch 0); f64 loss32[nb], loss64[nb];
  u32 n_params; with_grads: per parameter i32 shape[4], f32 grad[n] (float64
  model, batch 0, rounded to float32);
  f64 score[8]: zico64, zico32, zico_bc_out64, zico_bc_in64, naswot64,
  synflow64, grad_norm64, snip64 (-inf for degenerate archs, as hwnas).
"""
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hwrng import Rng, self_test  # noqa: E402

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
HW_CIFAR_STREAM = 0x07DAF6258273C7BF
INPUT_STREAM = 0x1A2B3C4D
MEAN, STD = (125.3, 123.0, 113.9), (63.0, 62.1, 66.7)
CIFAR10 = "../shared/data/cifar10/data_batch_1_first1102.bin"
OUT = "tests/reference/nb201_golden.bin"


# ---- the NB201 network of methods.md §1 ----
class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def relu_conv_bn(cin, cout, k, stride, bn):
    layers = [nn.ReLU(), nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False)]
    return nn.Sequential(*(layers + ([nn.BatchNorm2d(cout)] if bn else [])))


def edge_op(name, c, bn):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, 1, 1, count_include_pad=False)
    return relu_conv_bn(c, c, 3 if name == "nor_conv_3x3" else 1, 1, bn)


class Cell(nn.Module):
    def __init__(self, ops, c, bn):
        super().__init__()
        self.edges = nn.ModuleList([edge_op(o, c, bn) for o in ops])

    def forward(self, x):
        nodes, e = [x], 0
        for j in range(1, 4):
            nodes.append(sum(self.edges[e + i](nodes[i]) for i in range(j)))
            e += j
        return nodes[3]


class ResBlock(nn.Module):
    def __init__(self, a, b, bn):
        super().__init__()
        self.conv_a = relu_conv_bn(a, b, 3, 2, bn)
        self.conv_b = relu_conv_bn(b, b, 3, 1, bn)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(a, b, 1, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class Net(nn.Module):
    def __init__(self, ops, width, cells, classes, bn=True):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width[0], 3, padding=1, bias=False),
                                  *([nn.BatchNorm2d(width[0])] if bn else []))
        body = []
        for s in range(3):
            if s > 0:
                body.append(ResBlock(width[s - 1], width[s], bn))
            body += [Cell(ops, width[s], bn) for _ in range(cells)]
        self.cells = nn.ModuleList(body)
        self.lastact = nn.Sequential(*([nn.BatchNorm2d(width[2])] if bn else []), nn.ReLU())
        self.classifier = nn.Linear(width[2], classes)

    def forward(self, x):
        x = self.stem(x)
        for c in self.cells:
            x = c(x)
        x = F.adaptive_avg_pool2d(self.lastact(x), 1).flatten(1)
        return self.classifier(x)


def parse(arch):
    return [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]


def arch_key(ops):
    return sum(OPS.index(o) * 5 ** e for e, o in enumerate(ops))


def degenerate(ops):
    reach, e = [True, False, False, False], 0
    for j in range(1, 4):
        for i in range(j):
            reach[j] = reach[j] or (reach[i] and ops[e] != "none")
            e += 1
    return not reach[3]


def weight_layers(model):
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


# ---- hwnas's initialisation, ported ----
def hw_init(model, scheme, seed, stream, dtype):
    r = Rng(seed, stream)
    with torch.no_grad():
        for mod in model.modules():
            for pname, p in mod.named_parameters(recurse=False):
                v = init_values(r, mod, pname, p.numel(), scheme)
                p.copy_(torch.tensor(v, dtype=torch.float64).reshape(p.shape).to(dtype))
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.reset_running_stats()


def init_values(r, mod, pname, n, scheme):
    if isinstance(mod, nn.BatchNorm2d):
        return [1.0 if pname == "weight" else 0.0] * n
    fan_in = mod.weight[0].numel()
    b = 1.0 / math.sqrt(fan_in)
    if pname == "weight" and scheme == 1:
        s = math.sqrt(2.0 / fan_in)
        return [s * r.normal() for _ in range(n)]
    return [b * (2.0 * r.uniform() - 1.0) for _ in range(n)]


# ---- inputs ----
def cifar_inputs(seed, need):
    raw = open(CIFAR10, "rb").read()
    nrec = len(raw) // 3073
    idx = list(range(nrec))
    Rng(seed, HW_CIFAR_STREAM).partial_shuffle(idx, need)
    idx = idx[:need]
    pix = b"".join(raw[i * 3073 + 1:(i + 1) * 3073] for i in idx)
    y = [raw[i * 3073] for i in idx]
    x = np.frombuffer(pix, dtype=np.uint8).astype(np.float64).reshape(need, 3, 1024)
    for c in range(3):
        x[:, c, :] = (x[:, c, :] / 255.0 - MEAN[c] / 255.0) / (STD[c] / 255.0)
    return x.reshape(need, 3, 32, 32), y, idx, pix


def rng_inputs(seed, need, side, classes):
    r = Rng(seed, INPUT_STREAM)
    x = np.array([r.normal() for _ in range(need * 3 * side * side)]).reshape(need, 3, side, side)
    return x, [r.below(classes) for _ in range(need)]


# ---- one case ----
def train_steps(model, x, y, nb, bsz, dtype):
    """Per batch: zero grads, forward, mean CE, backward. Returns logits of
    batch 0, the losses, all parameter grads of batch 0, per-batch conv/linear
    weight grads (for ZiCo)."""
    model.train()
    losses, wgrads, logits0, grads0 = [], [], None, None
    for b in range(nb):
        model.zero_grad()
        xb = torch.tensor(x[b * bsz:(b + 1) * bsz], dtype=dtype)
        yb = torch.tensor(y[b * bsz:(b + 1) * bsz], dtype=torch.long)
        out = model(xb)
        loss = F.cross_entropy(out, yb)
        loss.backward()
        losses.append(loss.item())
        wgrads.append([m.weight.grad.detach().double().numpy().ravel().copy() for m in weight_layers(model)])
        if b == 0:
            logits0 = out.detach().double().numpy().ravel()
            grads0 = [p.grad.detach().double().numpy().copy() for p in model.parameters()]
    return logits0, losses, grads0, wgrads


def zico(wgrads, terms):
    """ZiCo as SLDGroup/ZiCo compute_zico.py, in float64; also the ZiCo-BC sums."""
    z, bc = 0.0, [0.0] * len(terms)
    for l in range(len(wgrads[0])):
        g = np.array([wgrads[b][l] for b in range(len(wgrads))])
        std = np.std(g, axis=0)
        nz = np.nonzero(std)[0]
        s = np.sum(np.mean(np.abs(g), axis=0)[nz] / std[nz])
        if s != 0:
            z += math.log(s)
            for i, t in enumerate(terms):
                bc[i] += t[l]
    return z, bc


def map_terms(model, x0):
    """ln(H W / sqrt(C)) of each conv/linear layer's output and input maps."""
    out_t, in_t, hooks = [], [], []

    def hook(m, inp, out):
        for t, v in ((out_t, out), (in_t, inp[0])):
            h, w = (v.shape[2], v.shape[3]) if v.dim() == 4 else (1, 1)
            t.append(math.log(h * w / math.sqrt(v.shape[1])))

    for m in weight_layers(model):
        hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(x0)
    for h in hooks:
        h.remove()
    return out_t, in_t


def naswot(model, x0):
    k = np.zeros((x0.shape[0], x0.shape[0]))

    def hook(m, inp, out):
        c = (inp[0] > 0).double().reshape(inp[0].shape[0], -1).numpy()
        k[:] += c @ c.T + (1.0 - c) @ (1.0 - c).T

    hooks = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.ReLU)]
    model.train()
    with torch.no_grad():
        model(x0)
    for h in hooks:
        h.remove()
    return np.linalg.slogdet(k)[1]


def synflow(ops, c, seed, stream):
    model = Net(ops, c["width"], c["cells"], c["classes"], bn=False).double()
    hw_init(model, c["init"], seed, stream, torch.float64)
    with torch.no_grad():
        for p in model.state_dict().values():
            p.abs_()
    model.zero_grad()
    model(torch.ones(1, 3, c["side"], c["side"], dtype=torch.float64)).sum().backward()
    return float(sum(torch.sum(torch.abs(m.weight * m.weight.grad)).item() for m in weight_layers(model)))


def scores(ops, c, m64, wg64, wg32, x):
    if degenerate(ops):
        return [-math.inf] * 8
    x0 = torch.tensor(x[:c["batch"]], dtype=torch.float64)
    out_t, in_t = map_terms(m64, x0)
    z64, (bc_out, bc_in) = zico(wg64, [out_t, in_t])
    z32, _ = zico(wg32, [out_t])
    nw = naswot(m64, x0)
    g0 = wg64[0]
    w = [m.weight.detach().numpy().ravel() for m in weight_layers(m64)]
    gn = float(sum(np.linalg.norm(g) for g in g0))
    sn = float(sum(np.sum(np.abs(wi * gi)) for wi, gi in zip(w, g0)))
    sf = synflow(ops, c, c["seed"], arch_key(ops))
    return [z64, z32, z64 - bc_out, z64 - bc_in, nw, sf, gn, sn]


def run_case(c):
    ops = parse(c["arch"])
    nb, bsz = c["n_batches"], c["batch"]
    if c["input_kind"] == 0:
        x, y, rec, pix = cifar_inputs(c["seed"], nb * bsz)
    else:
        x, y = rng_inputs(c["seed"], nb * bsz, c["side"], c["classes"])
        rec, pix = [], b""
    res = {"x": x, "y": y, "rec": rec, "pix": pix}
    for dtype, tag in ((torch.float32, "32"), (torch.float64, "64")):
        torch.manual_seed(0)
        model = Net(ops, c["width"], c["cells"], c["classes"]).to(dtype)
        hw_init(model, c["init"], c["seed"], arch_key(ops), dtype)
        logits, losses, grads, wg = train_steps(model, x, y, nb, bsz, dtype)
        res.update({"logits" + tag: logits, "loss" + tag: losses, "grads" + tag: grads, "wg" + tag: wg,
                    "model" + tag: model})
    hw_init(res["model64"], c["init"], c["seed"], arch_key(ops), torch.float64)  # fresh weights for the scores
    res["scores"] = scores(ops, c, res["model64"], res["wg64"], res["wg32"], x)
    return res


def pack_case(c, r):
    out = [struct.pack("<160s", c["arch"].encode())]
    out.append(struct.pack("<11i", *c["width"], c["cells"], c["side"], c["classes"], c["batch"], c["n_batches"],
                           c["init"], c["input_kind"], c["with_grads"]))
    out.append(struct.pack("<Q", c["seed"]))
    out.append(struct.pack("<%di" % len(r["y"]), *r["y"]))
    if c["input_kind"] == 0:
        out.append(struct.pack("<%di" % len(r["rec"]), *r["rec"]))
        out.append(r["pix"])
    out.append(struct.pack("<d", float(np.sum(r["x"]))))
    for key in ("logits32", "logits64", "loss32", "loss64"):
        out.append(np.asarray(r[key], dtype="<f8").tobytes())
    out.append(struct.pack("<I", len(r["grads64"])))
    if c["with_grads"]:
        for g in r["grads64"]:
            shape = list(g.shape) + [1] * (4 - g.ndim)
            out.append(struct.pack("<4i", *shape))
            out.append(g.astype("<f4").tobytes())
    out.append(np.asarray(r["scores"], dtype="<f8").tobytes())
    return b"".join(out)


ALLCONV3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
IDX0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"


def case(arch, width, cells, side=32, classes=10, init=0, kind=0, grads=1, seed=2024):
    return {"arch": arch, "width": width, "cells": cells, "side": side, "classes": classes, "batch": 8,
            "n_batches": 2, "init": init, "input_kind": kind, "with_grads": grads, "seed": seed}


CASES = [
    case(ALLCONV3, [8, 16, 32], 1),                                                 # all conv3x3, reduced
    case(IDX0, [16, 32, 64], 5, grads=0),                                            # index 0, full size
    case(ALLCONV3, [16, 32, 64], 5, grads=0, seed=7),                                # all conv3x3, full size
    case("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|none~1|none~2|",  # degenerate: output 0
         [8, 16, 32], 1),
    case("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|",  # none-fed layers
         [4, 8, 16], 2, side=16, classes=120, init=1, kind=1),
    case("|nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|",
         [8, 16, 32], 1, classes=100, seed=99),
]


def main():
    self_test()
    torch.set_num_threads(1)
    blobs = [struct.pack("<8sII", b"HWNBGLD1", 1, len(CASES))]
    for c in CASES:
        r = run_case(c)
        blobs.append(pack_case(c, r))
        print("%-100s loss64 %s zico64 %.10g naswot %.6g synflow %.6g" % (c["arch"], r["loss64"], r["scores"][0],
                                                                            r["scores"][4], r["scores"][5]))
    with open(OUT, "wb") as f:
        f.write(b"".join(blobs))
    print("wrote %s (%d bytes)" % (OUT, os.path.getsize(OUT)))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""tests/bench/zico_torch_time.py - PyTorch's single-thread time for ZiCo (batch
64 x 2 batches, float32, CPU) on the same 20 NB201 archs as zico_bench.c, for
comparison. Run from the repository root: /usr/bin/python3 tests/bench/zico_torch_time.py
The model is tests/reference/nb201_torch.py's; the ZiCo statistic follows
SLDGroup/ZiCo compute_zico.py (numpy, float32 gradients)."""
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from hwrng import Rng  # noqa: E402
from nb201_torch import OPS, Net, cifar_inputs, degenerate, weight_layers, zico  # noqa: E402


def archs(n):
    r, out = Rng(2024, 0), []
    while len(out) < n:
        k = r.below(15625)
        ops = [OPS[(k // 5 ** e) % 5] for e in range(6)]
        if not degenerate(ops):
            out.append(ops)
    return out


def main():
    torch.set_num_threads(1)
    x, y, _, _ = cifar_inputs(1, 128)
    total = 0.0
    for i, ops in enumerate(archs(int(sys.argv[1]) if len(sys.argv) > 1 else 20)):
        t0 = time.process_time()
        model = Net(ops, [16, 32, 64], 5, 10)
        model.train()
        wg = []
        for b in range(2):
            model.zero_grad()
            out = model(torch.tensor(x[b * 64:(b + 1) * 64], dtype=torch.float32))
            F.cross_entropy(out, torch.tensor(y[b * 64:(b + 1) * 64])).backward()
            wg.append([m.weight.grad.numpy().ravel().copy() for m in weight_layers(model)])
        z, _ = zico(wg, [])
        t = time.process_time() - t0
        total += t
        print("%2d %s zico %.4f %.3f s cpu" % (i, "|".join(ops), z, t), flush=True)
    print("PyTorch %s, 1 thread: %.3f s/arch cpu" % (torch.__version__, total / (i + 1)))


if __name__ == "__main__":
    main()

"""Notebook 08's lab: train the from-scratch dropout model for 10 epochs three ways, in one run.

1. the book's stock pipeline: d2l.FashionMNIST (PIL transforms, worker processes) + d2l.Trainer
   (its live plot switched off, which only flatters it);
2. d2l_ext: tensor-resident Fashion-MNIST + d2l_ext.fit on the default device;
3. a lower bound: the run's matrix-multiply FLOPs divided by the GEMM rate measured on the
   same shapes, on the same machine, in the same run.

Prints seconds, samples per second and final validation accuracy for each, then the ratios.
Targets: d2l_ext >= 8x faster than stock at equal or better accuracy, and within 1.5x of the bound.

    .venv/bin/python bench/dropout_speed.py            # all three (stock takes about 80 s on 2 cores)
    .venv/bin/python bench/dropout_speed.py --no-stock # d2l_ext and the bound only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import d2l.torch as d2l  # noqa: E402
import torch  # noqa: E402

import d2l_ext  # noqa: E402
from d2l_ext.dropout import DropoutMLPScratch  # noqa: E402

EPOCHS, BATCH, LR = 10, 256, 0.1
N_TRAIN, N_VAL = 60000, 10000
LAYERS = [(784, 256), (256, 256), (256, 10)]


def model() -> DropoutMLPScratch:
    torch.manual_seed(0)
    return DropoutMLPScratch(10, 256, 256, 0.5, 0.5, LR)


def run_stock() -> tuple[float, float]:
    """d2l.FashionMNIST + d2l.Trainer, as the book runs it, on the data files already on disk."""
    data_root = d2l_ext.FashionMNIST().root  # torchvision layout: FashionMNIST/raw/...
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp, "work")
        work.mkdir()
        Path(tmp, "data").symlink_to(data_root)  # the book's loader reads "../data"
        old = os.getcwd()
        os.chdir(work)
        try:
            data = d2l.FashionMNIST(batch_size=BATCH)
            net = model()
            net.board.display = False
            trainer = d2l.Trainer(max_epochs=EPOCHS)
            start = time.perf_counter()
            trainer.fit(net, data)
            seconds = time.perf_counter() - start
            net.eval()
            _, acc = d2l_ext.evaluate(net, data.val_dataloader())
        finally:
            os.chdir(old)
    return seconds, acc


def run_ours(device: torch.device) -> tuple[float, float]:
    data = d2l_ext.FashionMNIST(batch_size=BATCH)
    net = model()
    data.to(device)
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    history = d2l_ext.fit(net, data, EPOCHS, device=device, progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start, history.val_acc[-1]


def matmul_flops() -> float:
    """Multiply-add FLOPs of the whole run: forward and backward on the training set, forward on validation."""
    fwd = sum(2 * a * b for a, b in LAYERS)  # per example
    bwd = sum(2 * 2 * a * b for a, b in LAYERS) - 2 * LAYERS[0][0] * LAYERS[0][1]  # dW and dX, no dX for the input
    return EPOCHS * (N_TRAIN * (fwd + bwd) + N_VAL * fwd)


def gemm_rate(device: torch.device, repeats: int = 200) -> float:
    """FLOP/s of this run's matrix products at batch 256, measured here and now."""
    shapes = []
    for a, b in LAYERS:  # (m, k) @ (k, n): forward, then the two backward products
        shapes += [(BATCH, a, b), (a, BATCH, b), (BATCH, b, a)]
    shapes.remove((BATCH, LAYERS[0][1], LAYERS[0][0]))  # no input gradient
    mats = [(torch.randn(m, k, device=device), torch.randn(k, n, device=device)) for m, k, n in shapes]
    flops = sum(2 * m * k * n for m, k, n in shapes)
    for A, B in mats:
        A @ B
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        for A, B in mats:
            A @ B
    if device.type == "cuda":
        torch.cuda.synchronize()
    return repeats * flops / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-stock", action="store_true", help="skip the book's pipeline (slow)")
    args = parser.parse_args()
    device = d2l_ext.default_device()
    print(f"device: {device}; torch {torch.__version__}; {torch.get_num_threads()} CPU threads", flush=True)
    rows = []
    if not args.no_stock:
        seconds, acc = run_stock()
        rows.append(("stock d2l (FashionMNIST + Trainer, CPU)", seconds, acc))
        print(f"  stock done: {seconds:.1f} s", flush=True)
    seconds, acc = run_ours(device)
    rows.append((f"d2l_ext (tensors + fit, {device.type})", seconds, acc))
    rate = gemm_rate(device)
    bound = matmul_flops() / rate
    print(f"\n{'pipeline':44s} {'seconds':>8s} {'samples/s':>10s} {'val acc':>8s}")
    for name, seconds, acc in rows:
        print(f"{name:44s} {seconds:8.1f} {EPOCHS * N_TRAIN / seconds:10.0f} {acc:8.3f}")
    print(f"{'matmul bound (' + f'{matmul_flops() / 1e9:.0f} GFLOP at {rate / 1e9:.0f} GFLOP/s)':44s} {bound:8.1f}")
    ours = rows[-1][1]
    print(f"\nd2l_ext / matmul bound: {ours / bound:.2f}x (target <= 1.5x)")
    ok = ours / bound <= 1.5
    if len(rows) == 2:
        speedup = rows[0][1] / ours
        print(f"speed-up over stock d2l: {speedup:.1f}x (target >= 8x); accuracy {rows[1][2]:.3f} vs {rows[0][2]:.3f}")
        ok = ok and speedup >= 8
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

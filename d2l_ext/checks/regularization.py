"""Checks for the exercises of notebooks 07-08: early stopping's patience, weight decay's step, DropConnect."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from ..core.train import History
from ..core.train import early_stopping as _rule
from .core import CORRECT, WRONG, CheckUsageError, Stop, Verdict, as_tensor, call, checker, compare

__all__ = ["check_dropconnect_linear", "check_early_stopping", "check_sgd_step_weight_decay"]


def _stopping(losses: Sequence[float], patience: int) -> tuple[int, int]:
    """(best epoch, epoch after which training stops), 1-based: :func:`d2l_ext.core.train.early_stopping`."""
    best_epoch, stop = _rule(losses, patience)
    return best_epoch, len(losses) if stop is None else stop


def _mistaken_stopping(losses: Sequence[float], patience: int, *, ties_improve: bool, reset: bool) -> tuple[int, int]:
    """The two typical wrong rules, for their hints: a tie counted as an improvement, or a count never reset."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best or (ties_improve and loss == best):
            best, best_epoch = loss, epoch
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(losses)


_STOP_CASES: list[tuple[list[float], int]] = [
    ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.6], 3),
    ([1.0, 0.9, 0.95, 0.85, 0.9, 0.91, 0.8, 0.81, 0.82, 0.83], 3),
    ([1.0, 0.9, 0.9, 0.9, 0.9, 0.9], 2),
    ([3.0, 2.0, 1.0], 2),
    ([1.0, 2.0, 0.5], 1),
]


@checker("early_stopping")
def check_early_stopping(
    early_stopping: Callable[..., object], history: History | None = None, patience: int = 5, monitor: str = "val_loss"
) -> Verdict:
    """Check ``early_stopping(val_losses, patience) -> (best_epoch, stop_epoch)`` (1-based) on five histories.

    With ``history`` (a :class:`~d2l_ext.core.train.History` of ``fit(..., patience=patience, monitor=monitor)``),
    also check that the rule reproduces where that run stopped and which epoch it kept.
    """
    name = "early_stopping"
    if history is not None and (history.best_epoch is None or monitor not in ("val_loss", "val_acc")):
        raise CheckUsageError("history must come from fit(..., patience=...); monitor is 'val_loss' or 'val_acc'")
    answers = []
    for losses, k in _STOP_CASES:
        got = call(name, early_stopping, list(losses), k)
        if isinstance(got, (tuple, list)) and len(got) == 2 and all(isinstance(g, (int, torch.Tensor)) for g in got):
            answers.append(tuple(int(g) for g in got))
        else:
            raise Stop(Verdict(name, WRONG, f"return a pair of epoch numbers (best_epoch, stop_epoch), got {got!r}."))
    expected = [_stopping(*case) for case in _STOP_CASES]
    if answers == expected:
        real = ""
        if history is not None:
            losses = history.val_loss if monitor == "val_loss" else [-a for a in history.val_acc]
            got = call(name, early_stopping, list(losses), patience)
            fit_did = (history.best_epoch, history.epochs)
            if tuple(int(g) for g in got) != fit_did:
                raise Stop(
                    Verdict(
                        name,
                        WRONG,
                        f"on the notebook's run (monitor {monitor}, patience {patience}) you "
                        f"return {tuple(got)}, but fit kept epoch {fit_did[0]} and stopped after epoch "
                        f"{fit_did[1]}.",
                        "with monitor='val_acc', pass the negated accuracies as losses.",
                    )
                )
            real = (
                f" On the notebook's run it keeps the epoch that fit(patience={patience}) kept and stops where it "
                "stopped."
            )
        return Verdict(
            name,
            CORRECT,
            f"right on all {len(_STOP_CASES)} loss histories: improvements reset the "
            "count, ties are not improvements, and a run that never waits long enough ends at its last "
            f"epoch.{real}",
        )
    variants = {
        "the count of epochs without improvement must restart at 0 after every improvement.": [
            _mistaken_stopping(*c, ties_improve=False, reset=False) for c in _STOP_CASES
        ],
        "an epoch that only ties the best loss is not an improvement: use < best, not <= best.": [
            _mistaken_stopping(*c, ties_improve=True, reset=True) for c in _STOP_CASES
        ],
        "stop after patience epochs without improvement, not one later.": [
            (b, min(s + 1, len(c[0]))) for (b, s), c in zip(expected, _STOP_CASES, strict=True)
        ],
        "stop after patience epochs without improvement, not one earlier.": [(b, s - 1) for b, s in expected],
        "epochs are numbered from 1 here, like d2l_ext.fit's History.best_epoch.": [
            (b - 1, s - 1) for b, s in expected
        ],
    }
    hint = next(
        (h for h, v in variants.items() if answers == v),
        "count the epochs since the last improvement; "
        "stop when the count reaches patience; report the best epoch and the epoch you stopped after.",
    )
    (losses, k), got, want = next((c, a, e) for c, a, e in zip(_STOP_CASES, answers, expected, strict=True) if a != e)
    return Verdict(
        name,
        WRONG,
        f"for val_losses = {losses} and patience = {k} you return (best {got[0]}, "
        f"stop {got[1]}), expected (best {want[0]}, stop {want[1]}).",
        hint,
    )


@checker("sgd_step_weight_decay")
def check_sgd_step_weight_decay(sgd_step_weight_decay: Callable[..., object]) -> Verdict:
    """Check ``sgd_step_weight_decay(w, grad, lr, lam) -> new w``: one SGD step on L + lam/2 ||w||²."""
    name = "sgd_step_weight_decay"
    gen = torch.Generator().manual_seed(0)
    w, grad = torch.randn(2, 5, 3, generator=gen, dtype=torch.float64)
    lr, lam = 0.1, 0.3
    got = call(name, sgd_step_weight_decay, w.clone(), grad.clone(), lr, lam)
    compare(
        name,
        got,
        w - lr * (grad + lam * w),
        what="the new w",
        mistakes={
            "the lambda term is missing: the penalty lam/2 ||w||² adds lam * w to the gradient.": w - lr * grad,
            "the derivative of lam/2 ||w||² is lam * w, not lam/2 * w.": w - lr * (grad + lam / 2 * w),
            "decay pulls w toward 0: the gradient gets + lam * w, and the step subtracts lr times it.": w
            - lr * (grad - lam * w),
            "the learning rate multiplies the whole gradient, the lam * w term included.": w - lr * grad - lam * w,
        },
        hint="w <- w - lr (dL/dw + lam w) = (1 - lr lam) w - lr dL/dw.",
    )
    return Verdict(
        name,
        CORRECT,
        f"w <- (1 - lr lam) w - lr grad: each step first shrinks w by the factor "
        f"{1 - lr * lam:g} (lr = {lr}, lam = {lam}), hence the name weight decay.",
    )


@checker("dropconnect_linear")
def check_dropconnect_linear(dropconnect_linear: Callable[..., object]) -> Verdict:
    """Check ``dropconnect_linear(X (n, d), W (k, d), b (k,), p, generator=None) -> (n, k)`` by its samples."""
    name = "dropconnect_linear"
    gen = torch.Generator().manual_seed(0)
    n, d, k = 4, 50, 40
    X = torch.randn(n, d, generator=gen)
    W = torch.randn(k, d, generator=gen)
    b = torch.randn(k, generator=gen)
    out = call(name, dropconnect_linear, X.clone(), W.clone(), b.clone(), 0.0, generator=torch.Generator())
    compare(
        name,
        out,
        X @ W.T + b,
        what="the output with p = 0",
        rtol=1e-4,
        atol=1e-4,
        mistakes={
            "the bias b is missing: X Wᵀ + b.": X @ W.T,
        },
        hint="with p = 0 nothing is dropped: the result is the linear layer X Wᵀ + b, shape (n, k).",
    )
    p = 0.3
    eye, ones = torch.eye(d), torch.ones(k, d)
    # With X = I and W all ones, row i of the output shows the (scaled) mask of input i's weights.
    M = as_tensor(
        name,
        call(
            name, dropconnect_linear, eye, ones.clone(), torch.zeros(k), p, generator=torch.Generator().manual_seed(1)
        ),
        torch.zeros(d, k),
        "the output",
    )
    if M.shape != (d, k):
        raise Stop(Verdict(name, WRONG, f"X (n, d) with W (k, d) should give (n, k) = {(d, k)}, got {tuple(M.shape)}."))
    kept = M != 0
    share = 1 - kept.float().mean().item()
    if abs(share - p) > 5 * math.sqrt(p * (1 - p) / M.numel()):
        raise Stop(
            Verdict(
                name,
                WRONG,
                f"{share:.1%} of the weights were dropped with p = {p}.",
                "drop each weight with probability p: keep it where torch.rand(...) > p.",
            )
        )
    if (M == M[:, :1]).all():
        raise Stop(
            Verdict(
                name,
                WRONG,
                "all k outputs of an example are equal: you dropped the inputs X (that is dropout), not the weights.",
                "draw a mask of W's shape (k, d).",
            )
        )
    values = M[kept]
    if not torch.allclose(values, torch.full_like(values, 1 / (1 - p))):
        hint = (
            "the kept weights must be scaled by 1/(1 - p) so that the expected output stays X Wᵀ + b."
            if torch.allclose(values, torch.ones_like(values))
            else "kept weights are W / (1 - p), dropped ones 0."
        )
        raise Stop(
            Verdict(
                name,
                WRONG,
                f"kept weights are multiplied by {values.mean().item():.4g}, expected 1/(1 - p) = {1 / (1 - p):.4g}.",
                hint,
            )
        )
    row = as_tensor(
        name,
        call(
            name,
            dropconnect_linear,
            torch.ones(1, d),
            ones.clone(),
            torch.zeros(k),
            p,
            generator=torch.Generator().manual_seed(2),
        ),
        torch.zeros(1, k),
        "the output",
    )
    full = d / (1 - p)
    if row.shape == (1, k) and torch.isin(row.round(decimals=3), torch.tensor([0.0, round(full, 3)])).all():
        raise Stop(
            Verdict(
                name,
                WRONG,
                "each output is either 0 or the whole sum: you dropped the outputs (that is dropout), not the weights.",
                "draw a mask of W's shape (k, d).",
            )
        )
    again = call(
        name, dropconnect_linear, eye, ones.clone(), torch.zeros(k), p, generator=torch.Generator().manual_seed(1)
    )
    if not (isinstance(again, torch.Tensor) and torch.equal(again.detach().cpu().to(M.dtype), M)):
        raise Stop(
            Verdict(
                name,
                WRONG,
                "the same seeded generator gave different masks.",
                "pass it on: torch.rand(W.shape, generator=generator).",
            )
        )
    return Verdict(
        name,
        CORRECT,
        f"exact with p = 0; with p = {p}: {share:.1%} of the weights dropped, the kept "
        f"ones scaled by 1/(1 - p) = {1 / (1 - p):.4g}, a mask per weight (not per input or output), "
        "reproducible with a generator.",
    )

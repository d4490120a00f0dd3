"""Checks for the exercises of notebooks 07-08: early stopping's patience, weight decay's step, DropConnect."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from ..core.train import History
from ..core.train import early_stopping as _rule
from .core import CORRECT, WRONG, CheckUsageError, Verdict, as_tensor, call, checker, compare, number, wrong
from .guards import Forbidden

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
    ([0.9, 0.8, 0.85, 0.84, 0.83, 0.82, 0.81, 0.79, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], 7),
]
_REFERENCE = (
    Forbidden("d2l_ext.core.train.early_stopping", "write the rule yourself: that is the course's reference"),
)


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
        got = call(name, early_stopping, list(losses), k, forbid=_REFERENCE)
        pair = [number(g) for g in got] if isinstance(got, tuple | list) and len(got) == 2 else [None]
        if any(g is None or g != int(g) for g in pair):
            raise wrong(name, f"return a pair of epoch numbers (best_epoch, stop_epoch), got {got!r}.")
        answers.append(tuple(int(g) for g in pair))
    expected = [_stopping(*case) for case in _STOP_CASES]
    if answers == expected:
        real = ""
        if history is not None:
            losses = history.val_loss if monitor == "val_loss" else [-a for a in history.val_acc]
            got = call(name, early_stopping, list(losses), patience, forbid=_REFERENCE)
            fit_did = (history.best_epoch, history.epochs)
            if tuple(int(number(g)) for g in got) != fit_did:
                raise wrong(
                    name,
                    f"on the notebook's run (monitor {monitor}, patience {patience}) you "
                    f"return {tuple(got)}, but fit kept epoch {fit_did[0]} and stopped after epoch {fit_did[1]}.",
                    "with monitor='val_acc', pass the negated accuracies as losses.",
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
    """Check ``sgd_step_weight_decay(w, grad, lr, lam) -> new w`` (w's dtype): one SGD step on L + lam/2 ||w||²,
    for two learning rates and two values of lam; w and grad left as they were."""
    name = "sgd_step_weight_decay"
    gen = torch.Generator().manual_seed(0)
    for (lr, lam), dtype in zip(((0.1, 0.3), (0.037, 1.9)), (torch.float64, torch.float32), strict=True):
        w, grad = torch.randn(2, 5, 3, generator=gen, dtype=dtype)
        got = call(name, sgd_step_weight_decay, w, grad, lr, lam)
        compare(
            name,
            got,
            w - lr * (grad + lam * w),
            what=f"the new w (lr = {lr:g}, lam = {lam:g})",
            rtol=1e-5 if dtype == torch.float64 else 1e-4,
            mistakes={
                "the lambda term is missing: the penalty lam/2 ||w||² adds lam * w to the gradient.": w - lr * grad,
                "the derivative of lam/2 ||w||² is lam * w, not lam/2 * w.": w - lr * (grad + lam / 2 * w),
                "decay pulls w toward 0: the gradient gets + lam * w, and the step subtracts lr times it.": w
                - lr * (grad - lam * w),
                "the learning rate multiplies the whole gradient, the lam * w term included.": w - lr * grad - lam * w,
                "use the lr and lam you are given, not fixed numbers.": w - 0.1 * (grad + 0.3 * w),
            },
            hint="w <- w - lr (dL/dw + lam w) = (1 - lr lam) w - lr dL/dw.",
            dtype=dtype,
        )
    return Verdict(
        name,
        CORRECT,
        "w <- (1 - lr lam) w - lr grad for two learning rates and two values of lam: each step first shrinks w "
        "by the factor 1 - lr lam (0.97 for lr = 0.1, lam = 0.3), hence the name weight decay.",
    )


def _dc(fn: Callable[..., object], X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, p: float, seed: int | None):
    """The student's output for one call, as a tensor of X's dtype (Stop otherwise)."""
    gen = torch.Generator() if seed is None else torch.Generator().manual_seed(seed)
    got = call("dropconnect_linear", fn, X, W, b, p, generator=gen)
    return as_tensor("dropconnect_linear", got, X, "the output", dtype=X.dtype)


@checker("dropconnect_linear")
def check_dropconnect_linear(dropconnect_linear: Callable[..., object]) -> Verdict:
    """Check ``dropconnect_linear(X (n, d), W (k, d), b (k,), p, generator=None) -> (n, k)`` (X's dtype) by its
    samples: exact with p = 0; with p = 0.3 and with a p the notebook never uses, each weight dropped with
    probability p and the kept ones scaled by 1/(1 - p), one mask per weight shared by the whole minibatch,
    the bias never masked, reproducible with a generator."""
    name = "dropconnect_linear"
    gen = torch.Generator().manual_seed(0)
    n, d, k = 4, 50, 40
    X, W, b = torch.randn(n, d, generator=gen), torch.randn(k, d, generator=gen), torch.randn(k, generator=gen)
    compare(
        name,
        _dc(dropconnect_linear, X, W, b, 0.0, None),
        X @ W.T + b,
        what="the output with p = 0",
        rtol=1e-4,
        atol=1e-4,
        mistakes={"the bias b is missing: X Wᵀ + b.": X @ W.T},
        hint="with p = 0 nothing is dropped (use the p you are given): the result is the linear layer X Wᵀ + b.",
    )
    eye, ones = torch.eye(d), torch.ones(k, d)
    shares = []
    for p in (0.3, 0.62):
        # With X = I and W all ones, row i of the output shows the (scaled) mask of input i's weights.
        M = _dc(dropconnect_linear, eye, ones, torch.zeros(k), p, 1)
        if M.shape != (d, k):
            raise wrong(name, f"X (n, d) with W (k, d) should give (n, k) = {(d, k)}, got {tuple(M.shape)}.")
        kept = M != 0
        share = 1 - kept.float().mean().item()
        if abs(share - p) > 5 * math.sqrt(p * (1 - p) / M.numel()):
            hint = ("use the p you are given, not a fixed one." if abs(share - 0.3) < 0.05 and p != 0.3
                    else "drop each weight with probability p: keep it where torch.rand(...) > p.")  # fmt: skip
            raise wrong(name, f"{share:.1%} of the weights were dropped with p = {p}.", hint)
        if (M == M[:, :1]).all():
            raise wrong(name, "all k outputs of an example are equal: you dropped the inputs X (that is dropout), "
                        "not the weights.", "draw a mask of W's shape (k, d).")  # fmt: skip
        values = M[kept]
        if not torch.allclose(values, torch.full_like(values, 1 / (1 - p))):
            hint = (
                "the kept weights must be scaled by 1/(1 - p) so that the expected output stays X Wᵀ + b."
                if torch.allclose(values, torch.ones_like(values))
                else "kept weights are W / (1 - p), dropped ones 0."
            )
            raise wrong(name, f"kept weights are multiplied by {values.mean().item():.4g}, expected 1/(1 - p) = "
                        f"{1 / (1 - p):.4g}.", hint)  # fmt: skip
        shares.append(share)
    p = 0.3
    row = _dc(dropconnect_linear, torch.ones(1, d), ones, torch.zeros(k), p, 2)
    full = d / (1 - p)
    if row.shape == (1, k) and torch.isin(row.round(decimals=3), torch.tensor([0.0, round(full, 3)])).all():
        raise wrong(name, "each output is either 0 or the whole sum: you dropped the outputs (that is dropout), not "
                    "the weights.", "draw a mask of W's shape (k, d).")  # fmt: skip
    same = _dc(dropconnect_linear, torch.ones(2, d), ones, torch.zeros(k), p, 3)  # two identical examples
    if same.shape == (2, k) and not torch.allclose(same[0], same[1], rtol=1e-4, atol=1e-3):
        raise wrong(name, "two identical examples got different outputs: you drew a mask for each example.",
                    "draw one mask of W's shape (k, d) for the whole minibatch.")  # fmt: skip
    bias = _dc(dropconnect_linear, torch.ones(3, d), torch.zeros(k, d), torch.ones(k), p, 4)
    if bias.shape == (3, k) and not torch.allclose(bias, torch.ones(3, k)):
        raise wrong(name, "with W = 0 the output should be the bias b unchanged: your mask reached the bias.",
                    "mask and scale W only; b is added as it is.")  # fmt: skip
    M = _dc(dropconnect_linear, eye, ones, torch.zeros(k), p, 1)
    again = _dc(dropconnect_linear, eye, ones, torch.zeros(k), p, 1)
    if not torch.equal(again, M):
        raise wrong(name, "the same seeded generator gave different masks.",
                    "pass it on: torch.rand(W.shape, generator=generator).")  # fmt: skip
    return Verdict(
        name,
        CORRECT,
        f"exact with p = 0; with p = 0.3 and 0.62, {shares[0]:.1%} and {shares[1]:.1%} of the weights dropped, the "
        "kept ones scaled by 1/(1 - p); one mask per weight for the whole minibatch, the bias untouched, "
        "reproducible with a generator.",
    )

"""Checks for the exercises of notebooks 04-06: He uniform, symmetric units, saturated tanh units."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..init import distinct_units
from .core import CORRECT, Verdict, call, checker, compare, number, wrong
from .guards import NN_INIT, Forbidden

__all__ = ["check_count_distinct_units", "check_he_uniform", "check_saturated_share"]

_wrong = wrong


def _uniform_verdict(name: str, W: object, n_in: int, n_out: int) -> tuple[float, float]:
    """Stop unless W is (n_out, n_in) float32 and uniform on [-a, a], a = sqrt(6 / n_in); return (a, var ratio)."""
    if not isinstance(W, torch.Tensor):
        raise _wrong(name, f"return a torch tensor, got {type(W).__name__}.", "torch.rand gives one.")
    if W.dtype != torch.float32:
        raise _wrong(name, f"W has dtype {W.dtype}, expected float32, like nn.Linear's weights.")
    if tuple(W.shape) == (n_in, n_out) and n_in != n_out:
        raise _wrong(
            name,
            f"W has shape {(n_in, n_out)}: transposed.",
            "nn.Linear(n_in, n_out).weight is (n_out, n_in): one row per output unit.",
        )
    if tuple(W.shape) != (n_out, n_in):
        raise _wrong(name, f"W has shape {tuple(W.shape)}, expected (n_out, n_in) = {(n_out, n_in)}.")
    W = W.detach().double()
    if not torch.isfinite(W).all():
        raise _wrong(name, "W has NaN or inf entries.")
    a = math.sqrt(6 / n_in)
    target, N = 2 / n_in, W.numel()
    if W.min() >= 0:
        raise _wrong(name, "every weight is >= 0.", "torch.rand draws from [0, 1): map u to (2u - 1) a.")
    ratio = W.var().item() / target
    known = {
        1 / 3: "you used sqrt(2 / n_in) as the bound: that is the standard deviation. Var U(-a, a) = a²/3.",
        n_in / (n_in + n_out): "that is Xavier's variance, 2 / (n_in + n_out): He's keeps ReLU's variance, 2 / n_in.",
        n_in / n_out: "the bound uses n_out: He's variance uses the fan-in n_in, 2 / n_in.",
        1 / 2: "that is LeCun's variance, 1 / n_in: ReLU zeroes half the inputs, so He doubles it.",
        1 / 4: "the weights fill only half the interval: (2u - 1) a, not u a - a/2.",
    }
    hint = next((h for r, h in known.items() if abs(ratio / r - 1) < 0.03), "Var U(-a, a) = a²/3.")
    top = W.abs().max().item()
    if top > a * (1 + 1e-6):
        if abs((W.abs() < top / 2).double().mean().item() - 0.5) > 0.01:  # not uniform on [-top, top]
            hint = "it looks like a bell, not a uniform: draw u with torch.rand and use (2u - 1) a."
        raise _wrong(name, f"for n_in = {n_in} some weights lie outside [-a, a] = [-{a:.4f}, {a:.4f}]: the largest "
                     f"|w| is {top:.4f}.", hint)  # fmt: skip
    if abs(ratio - 1) > 0.03:  # the sampling error of the variance is at most 1% here
        raise _wrong(
            name,
            f"for n_in = {n_in} the variance of W is {W.var().item():.3e}, {ratio:.3g} x the target 2 / n_in = "
            f"{target:.3e}.",
            hint,
        )
    if abs(W.mean().item()) > 5 * math.sqrt(target / N):
        raise _wrong(name, f"the weights are not centred at 0: mean {W.mean().item():.2e}.", "use (2u - 1) a.")
    middle = (W.abs() < a / 2).double().mean().item()  # 1/2 for a uniform, more for a bell shape
    if abs(middle - 0.5) > 5 * math.sqrt(0.25 / N):
        raise _wrong(name, f"{middle:.1%} of the weights lie in [-a/2, a/2]; a uniform puts 50% there.",
                     "draw with torch.rand (uniform), not a sum or a normal.")  # fmt: skip
    return a, ratio


@checker("he_uniform")
def check_he_uniform(he_uniform: Callable[..., object]) -> Verdict:
    """Check ``he_uniform(n_in, n_out, generator=None) -> W (n_out, n_in)`` by its samples, for two layer sizes.

    Expected: U(-a, a) with a = sqrt(6 / n_in), so Var = 2 / n_in, float32; reproducible with the same
    generator; drawn with torch.rand, not nn.init.
    """
    name = "he_uniform"
    for n_in, n_out in ((784, 300), (123, 45)):
        W = call(name, he_uniform, n_in, n_out, generator=torch.Generator().manual_seed(0), forbid=NN_INIT)
        a, ratio = _uniform_verdict(name, W, n_in, n_out)
        again = call(name, he_uniform, n_in, n_out, generator=torch.Generator().manual_seed(0), forbid=NN_INIT)
        if not (isinstance(again, torch.Tensor) and again.shape == W.shape and torch.equal(again, W)):
            raise _wrong(name, "two calls with the same seeded generator give different weights.",
                         "pass it on: torch.rand(n_out, n_in, generator=generator).")  # fmt: skip
    return Verdict(
        name,
        CORRECT,
        "for 784 -> 300 and 123 -> 45: every weight in [-a, a] with a = sqrt(6 / n_in), mean 0, variance 2 / n_in, "
        "uniform, float32, and reproducible with a generator.",
    )


@checker("count_distinct_units")
def check_count_distinct_units(count_distinct_units: Callable[..., object]) -> Verdict:
    """Check ``count_distinct_units(W (h, d), atol=1e-6) -> int``: rows of W equal up to atol are one unit; with
    the default atol and with an atol the notebook never uses; not the course's own ``distinct_units``."""
    name = "count_distinct_units"
    rule = (Forbidden("d2l_ext.init.distinct_units", "write the comparison yourself: that is the course's reference"),)
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 4, generator=gen, dtype=torch.float64)
    two_kinds = torch.stack([a] * 5 + [b] * 3)  # (8, 4): 2 distinct rows, 4 distinct columns
    rounding = two_kinds + 1e-9 * torch.randn(8, 4, generator=gen, dtype=torch.float64)
    near = torch.stack([a, a + 0.004, a + 0.02, b])  # with atol = 0.013: a and a + 0.004 are one unit
    cases = [
        ("8 units of 2 kinds (5 x a, 3 x b)", two_kinds, None),
        ("the same, with rounding noise of 1e-9", rounding, None),
        ("6 random units", torch.randn(6, 3, generator=gen, dtype=torch.float64), None),
        ("1 unit", torch.randn(1, 5, generator=gen, dtype=torch.float64), None),
        ("a zero-initialized layer of 4 units", torch.zeros(4, 2, dtype=torch.float64), None),
        ("4 units two of which differ by 0.004, with atol = 0.013", near, 0.013),
        ("the same with atol = 0.001", near, 0.001),
    ]
    for label, W, atol in cases:
        expected = distinct_units(W, 1e-6 if atol is None else atol)
        args = (W,) if atol is None else (W, atol)
        got = number(call(name, count_distinct_units, *args, forbid=rule))
        if got is None or got != int(got):
            raise _wrong(name, "return a whole number of units (an int).")
        if got == expected:
            continue
        if atol is not None and got == distinct_units(W, 1e-6):
            hint = "use the atol you are given, not a fixed one."
        elif got == distinct_units(W.T, 1e-6) and W.shape[0] != W.shape[1]:
            hint = "you counted columns: a unit is a row of W (h, d), its weights from all d inputs."
        elif label.endswith("1e-9") and got == torch.unique(W, dim=0).shape[0]:
            hint = "floating point makes identical units differ by rounding: treat rows within atol as equal."
        else:
            hint = "two units are the same when max |W[i] - W[j]| <= atol."
        raise _wrong(
            name, f"for {label} (W of shape {tuple(W.shape)}) you count {int(got)}, expected {expected}.", hint
        )
    return Verdict(
        name,
        CORRECT,
        f"right on all {len(cases)} test layers, rounding noise, the zero layer and two values of atol included.",
    )


@checker("saturated_share")
def check_saturated_share(saturated_share: Callable[..., object]) -> Verdict:
    """Check ``saturated_share(activations: list of tensors, threshold=0.99) -> list of floats`` (|a| > threshold),
    with the default threshold and one the notebook never uses. Each share may be a Python float, a numpy
    scalar or a one-element tensor."""
    name = "saturated_share"
    rule = (
        Forbidden(
            "d2l_ext.exercises.mnist_init.MNISTInit.saturation",
            "write the measurement yourself: that is the engine's own",
        ),
    )
    gen = torch.Generator().manual_seed(0)
    acts = [torch.tanh(s * torch.randn(100, 300, generator=gen, dtype=torch.float64)) for s in (0.5, 2.0, 8.0)]
    shares = []
    for threshold in (None, 0.731):
        t = 0.99 if threshold is None else threshold
        got = call(name, saturated_share, acts, *(() if threshold is None else (threshold,)), forbid=rule)
        if isinstance(got, torch.Tensor) and got.ndim == 1:
            got = list(got)
        if not isinstance(got, list | tuple) or len(got) != len(acts):
            size = f" of length {len(got)}" if isinstance(got, list | tuple) else ""
            raise _wrong(name, f"return a list with one number per layer ({len(acts)} here), got "
                         f"{type(got).__name__}{size}.")  # fmt: skip
        values = [number(g) for g in got]
        if any(v is None for v in values):
            raise _wrong(name, f"each entry should be one number, got {[type(g).__name__ for g in got]}.")
        share = lambda cond: torch.stack([cond(a).double().mean() for a in acts])  # noqa: E731
        got_t = compare(
            name,
            torch.tensor(values, dtype=torch.float64),
            share(lambda a, t=t: a.abs() > t),
            what=f"the shares per layer (threshold {t:g})",
            mistakes={
                "tanh saturates at -1 as well as at +1: compare |a| with the threshold.": share(lambda a, t=t: a > t),
                "those are counts: divide by the number of activations in the layer.": torch.stack(
                    [(a.abs() > t).double().sum() for a in acts]
                ),
                "that is the share of *unsaturated* activations: |a| > threshold are the saturated ones.": share(
                    lambda a, t=t: a.abs() <= t
                ),
                "use the threshold you are given, not a fixed one.": share(lambda a: a.abs() > 0.99)
                if threshold is not None
                else share(lambda a: a.abs() > 2),
            },
            hint="the share of entries with |a| > threshold, layer by layer: a boolean tensor's mean.",
        )
        shares.append(got_t)
    return Verdict(
        name,
        CORRECT,
        "the shares for three layers of growing scale match at two thresholds: "
        + ", ".join(f"{v:.1%}" for v in shares[0].tolist())
        + " above 0.99.",
    )

"""Checks for the exercises of notebooks 04-06: Xavier uniform, symmetric units, saturated tanh units."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..init import distinct_units
from .core import CORRECT, WRONG, Stop, Verdict, as_tensor, call, checker, compare

__all__ = ["check_count_distinct_units", "check_saturated_share", "check_xavier_uniform"]


def _wrong(exercise: str, detail: str, hint: str = "") -> Stop:
    return Stop(Verdict(exercise, WRONG, detail, hint))


@checker("xavier_uniform")
def check_xavier_uniform(xavier_uniform: Callable[..., object], n_in: int = 784, n_out: int = 300) -> Verdict:
    """Check ``xavier_uniform(n_in, n_out, generator=None) -> W (n_out, n_in)`` by its samples.

    Expected: U(-a, a) with a = sqrt(6 / (n_in + n_out)), so Var = 2 / (n_in + n_out);
    reproducible with the same generator.
    """
    name = "xavier_uniform"
    W = call(name, xavier_uniform, n_in, n_out, generator=torch.Generator().manual_seed(0))
    W = as_tensor(name, W, torch.zeros((), dtype=torch.float64), "W")
    if tuple(W.shape) == (n_in, n_out):
        raise _wrong(
            name,
            f"W has shape {(n_in, n_out)}: transposed.",
            "nn.Linear(n_in, n_out).weight is (n_out, n_in): one row per output unit.",
        )
    if tuple(W.shape) != (n_out, n_in):
        raise _wrong(name, f"W has shape {tuple(W.shape)}, expected (n_out, n_in) = {(n_out, n_in)}.")
    if not torch.isfinite(W).all():
        raise _wrong(name, "W has NaN or inf entries.")
    a = math.sqrt(6 / (n_in + n_out))
    target, N = 2 / (n_in + n_out), W.numel()
    if W.min() >= 0:
        raise _wrong(name, "every weight is >= 0.", "torch.rand draws from [0, 1): map u to (2u - 1) a.")
    ratio = W.var().item() / target
    known = {
        1 / 3: "you used sqrt(2 / (n_in + n_out)) as the bound: that is the standard deviation. "
        "Var U(-a, a) = a²/3, so the bound is a = sqrt(6 / (n_in + n_out)).",
        (n_in + n_out) / n_in: "the bound uses n_in alone; Xavier averages fan-in and fan-out: n_in + n_out.",
        (n_in + n_out) / n_out: "the bound uses n_out alone; Xavier averages fan-in and fan-out: n_in + n_out.",
        1 / 4: "the weights fill only half the interval: (2u - 1) a, not u a - a/2.",
    }
    hint = next((h for r, h in known.items() if abs(ratio / r - 1) < 0.03), "Var U(-a, a) = a²/3.")
    top = W.abs().max().item()
    if top > a * (1 + 1e-6):
        if abs((W.abs() < top / 2).double().mean().item() - 0.5) > 0.01:  # not uniform on [-top, top]
            hint = "it looks like a bell, not a uniform: draw u with torch.rand and use (2u - 1) a."
        raise _wrong(
            name,
            f"weights outside [-a, a] = [-{a:.4f}, {a:.4f}], a = sqrt(6 / (n_in + n_out)): the "
            f"largest |w| is {top:.4f}.",
            hint,
        )
    if abs(ratio - 1) > 0.02:  # the sampling error of the variance is about 0.2% here
        raise _wrong(
            name,
            f"the variance of W is {W.var().item():.3e}, {ratio:.3g} x the target 2 / (n_in + n_out) = {target:.3e}.",
            hint,
        )
    if abs(W.mean().item()) > 5 * math.sqrt(target / N):
        raise _wrong(name, f"the weights are not centred at 0: mean {W.mean().item():.2e}.", "use (2u - 1) a.")
    middle = (W.abs() < a / 2).double().mean().item()  # 1/2 for a uniform, more for a bell shape
    if abs(middle - 0.5) > 5 * math.sqrt(0.25 / N):
        raise _wrong(
            name,
            f"{middle:.1%} of the weights lie in [-a/2, a/2]; a uniform puts 50% there.",
            "draw with torch.rand (uniform), not a sum or a normal.",
        )
    again = call(name, xavier_uniform, n_in, n_out, generator=torch.Generator().manual_seed(0))
    if not (isinstance(again, torch.Tensor) and again.shape == W.shape and torch.equal(again.to(W.dtype), W)):
        raise _wrong(
            name,
            "two calls with the same seeded generator give different weights.",
            "pass it on: torch.rand(n_out, n_in, generator=generator).",
        )
    return Verdict(
        name,
        CORRECT,
        f"shape {(n_out, n_in)}, every weight in [-{a:.4f}, {a:.4f}], mean 0, variance "
        f"{ratio:.3f} x 2/(n_in + n_out), uniform, and reproducible with a generator.",
    )


@checker("count_distinct_units")
def check_count_distinct_units(count_distinct_units: Callable[..., object]) -> Verdict:
    """Check ``count_distinct_units(W (h, d), atol=1e-6) -> int``: rows of W equal up to atol are one unit."""
    name = "count_distinct_units"
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 4, generator=gen, dtype=torch.float64)
    two_kinds = torch.stack([a] * 5 + [b] * 3)  # (8, 4): 2 distinct rows, 4 distinct columns
    rounding = two_kinds + 1e-9 * torch.randn(8, 4, generator=gen, dtype=torch.float64)
    cases = {
        "8 units of 2 kinds (5 x a, 3 x b)": two_kinds,
        "the same, with rounding noise of 1e-9": rounding,
        "6 random units": torch.randn(6, 3, generator=gen, dtype=torch.float64),
        "1 unit": torch.randn(1, 5, generator=gen, dtype=torch.float64),
        "a zero-initialized layer of 4 units": torch.zeros(4, 2, dtype=torch.float64),
    }
    for label, W in cases.items():
        expected = distinct_units(W, 1e-6)
        got = call(name, count_distinct_units, W.clone())
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)) or got != int(got):
            raise _wrong(name, f"return a whole number, got {type(got).__name__} {got!r}.")
        if got == expected:
            continue
        if got == distinct_units(W.T, 1e-6) and W.shape[0] != W.shape[1]:
            hint = "you counted columns: a unit is a row of W (h, d), its weights from all d inputs."
        elif label.endswith("1e-9") and got == torch.unique(W, dim=0).shape[0]:
            hint = "floating point makes identical units differ by rounding: treat rows within atol as equal."
        else:
            hint = "two units are the same when max |W[i] - W[j]| <= atol."
        raise _wrong(
            name, f"for {label} (W of shape {tuple(W.shape)}) you count {int(got)}, expected {expected}.", hint
        )
    return Verdict(name, CORRECT, f"right on all {len(cases)} test layers, rounding noise and the zero layer included.")


@checker("saturated_share")
def check_saturated_share(saturated_share: Callable[..., object]) -> Verdict:
    """Check ``saturated_share(activations: list of tensors, threshold=0.99) -> list of floats`` (|a| > threshold)."""
    name = "saturated_share"
    gen = torch.Generator().manual_seed(0)
    acts = [torch.tanh(s * torch.randn(100, 300, generator=gen, dtype=torch.float64)) for s in (0.5, 2.0, 8.0)]
    got = call(name, saturated_share, [a.clone() for a in acts], 0.99)
    if isinstance(got, torch.Tensor):
        got = got.flatten().tolist()
    if not isinstance(got, (list, tuple)) or len(got) != len(acts):
        raise _wrong(
            name,
            f"return one number per layer ({len(acts)} here), got {type(got).__name__}"
            + (f" of length {len(got)}" if isinstance(got, (list, tuple)) else "")
            + ".",
        )
    try:
        got_t = torch.tensor([float(g) for g in got], dtype=torch.float64)
    except (TypeError, ValueError):
        raise _wrong(name, f"each entry should be a number, got {[type(g).__name__ for g in got]}.") from None
    share = lambda cond: torch.stack([cond(a).double().mean() for a in acts])  # noqa: E731
    compare(
        name,
        got_t,
        share(lambda a: a.abs() > 0.99),
        what="the shares per layer",
        mistakes={
            "tanh saturates at -1 as well as at +1: compare |a| with the threshold.": share(lambda a: a > 0.99),
            "those are counts: divide by the number of activations in the layer.": torch.stack(
                [(a.abs() > 0.99).double().sum() for a in acts]
            ),
            "that is the share of *unsaturated* activations: |a| > threshold are the saturated ones.": share(
                lambda a: a.abs() <= 0.99
            ),
        },
        hint="the share of entries with |a| > threshold, layer by layer: a boolean tensor's mean.",
    )
    return Verdict(
        name,
        CORRECT,
        "the shares for three layers of growing scale match: " + ", ".join(f"{v:.1%}" for v in got_t.tolist()) + ".",
    )

"""Verdicts: what a check tells the student, and the comparisons behind them.

A check never raises at the student. It calls the student's function through
:func:`call`, which turns ``None`` (the stub's TODO body) into "not done yet"
and an exception into a verdict naming the line that raised; then it compares
the answer with the reference through :func:`compare`, which says *what* is
wrong: the type, the shape (transposed?), a known mistake (with its hint), a
constant factor, or the worst entry.
"""

from __future__ import annotations

import functools
import math
import reprlib
import sysconfig
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .claims import hint, hold

__all__ = ["CORRECT", "ERROR", "NOT_DONE", "WRONG", "Verdict", "call", "check_choice", "check_prediction", "compare"]

CORRECT, WRONG, NOT_DONE, ERROR = "correct", "wrong", "not done yet", "error"
_MARK = {CORRECT: "✓", WRONG: "✗", NOT_DONE: "…", ERROR: "⚠"}
# Frames in these places are not the student's: d2l_ext, the standard library, installed packages
# (site-packages in a venv, dist-packages on Colab).
_NOT_STUDENT = (str(Path(__file__).resolve().parent.parent),) + tuple(
    {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` is "correct", "wrong", "not done yet" or "error"."""

    exercise: str
    status: str
    detail: str
    hint: str = ""

    def __post_init__(self) -> None:
        if self.status not in _MARK:
            raise ValueError(f"status must be one of {', '.join(_MARK)}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        text = f"{_MARK[self.status]} {self.exercise} — {self.status}: {self.detail}"
        return text + (f"\n  Hint: {self.hint}" if self.hint else "")

    __repr__ = __str__


class CheckUsageError(ValueError):
    """A check called with bad arguments (the notebook's mistake, not the student's): raised, not a verdict."""


class Stop(Exception):
    """Raised inside a check to end it with ``verdict`` (caught by :func:`checker`)."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(str(verdict))
        self.verdict = verdict


def checker(exercise: str) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """Decorate a check: a :class:`Stop` becomes its verdict, a bug in the check an "error" verdict."""

    def wrap(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
        @functools.wraps(check)
        def run(*args: Any, **kwargs: Any) -> Verdict:
            try:
                return check(*args, **kwargs)
            except Stop as stop:
                return stop.verdict
            except CheckUsageError:
                raise
            except Exception as e:  # the checker's own failure must not crash the notebook either
                return Verdict(
                    exercise,
                    ERROR,
                    f"the check itself failed ({type(e).__name__}: {e}).",
                    "Rerun the cell that defines your function, then this one; tell the instructor if it persists.",
                )

        return run

    return wrap


def _where(exc: BaseException) -> str:
    """The innermost frame of the student's code (not torch's, not d2l_ext's): ' (line N: `code`)'."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith(_NOT_STUDENT)
        and not {"site-packages", "dist-packages"} & set(Path(f.filename).parts)
    ]
    if not frames:
        return ""
    f = frames[-1]
    code = (f.line or "").strip()
    return f" (line {f.lineno} of your cell" + (f": `{code}`)" if code else ")")


def call(exercise: str, fn: object, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or Stop with "not done yet" (it returned None) or "error" (it raised)."""
    if not callable(fn):
        raise Stop(
            Verdict(
                exercise,
                WRONG,
                f"expected your function, got {type(fn).__name__} {reprlib.repr(fn)}.",
                "Pass the function itself: the name, without calling it.",
            )
        )
    try:
        out = fn(*args, **kwargs)
    except Exception as e:
        raise Stop(
            Verdict(
                exercise,
                ERROR,
                f"your code raised {type(e).__name__}: {e}{_where(e)}.",
                "Read the message: often a shape that does not fit a product, or a typo.",
            )
        ) from None
    if out is None:
        raise Stop(
            Verdict(
                exercise,
                NOT_DONE,
                f"`{getattr(fn, '__name__', 'it')}` returns None. Replace the TODO in "
                "its cell with your code, run that cell, then this one again.",
            )
        )
    return out


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _entry(index: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def as_tensor(exercise: str, got: object, expected: torch.Tensor, what: str) -> torch.Tensor:
    """``got`` as a float tensor like ``expected``, or Stop saying what type came."""
    if not isinstance(got, torch.Tensor):
        try:
            got = torch.as_tensor(got)
        except Exception:
            raise Stop(
                Verdict(
                    exercise,
                    WRONG,
                    f"{what} should be a tensor of shape {tuple(expected.shape)}, got {type(got).__name__}.",
                )
            ) from None
    if got.is_complex() or got.dtype == torch.bool:
        raise Stop(Verdict(exercise, WRONG, f"{what} should be a real float tensor, got dtype {got.dtype}."))
    return got.detach().to(expected.dtype).cpu()


def compare(
    exercise: str,
    got: object,
    expected: torch.Tensor,
    *,
    what: str = "the result",
    mistakes: dict[str, torch.Tensor] | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str = "",
) -> torch.Tensor:
    """Return ``got`` as a tensor if it equals ``expected`` (allclose); otherwise Stop with a specific "wrong" verdict.

    ``mistakes`` maps a hint to what a typical wrong answer returns on the same
    input; matching one gives that hint. ``hint`` is the fallback hint.
    """
    expected = expected.detach().cpu()
    got = as_tensor(exercise, got, expected, what)
    close = functools.partial(torch.allclose, rtol=rtol, atol=atol)
    for mistake_hint, wrong in (mistakes or {}).items():
        wrong = wrong.detach().cpu().to(expected.dtype)
        if wrong.shape == got.shape and not close(wrong, expected) and close(got, wrong):
            raise Stop(Verdict(exercise, WRONG, f"{what} matches a typical mistake.", mistake_hint))
    if got.shape != expected.shape:
        shape, want = tuple(got.shape), tuple(expected.shape)
        if got.ndim == 2 and shape == want[::-1] and close(got.T, expected):
            raise Stop(
                Verdict(
                    exercise,
                    WRONG,
                    f"{what} is transposed: shape {shape}, expected {want}.",
                    "Check the order of the factors in your products, or return the transpose.",
                )
            )
        if got.numel() == expected.numel() and close(got.reshape(want), expected):
            raise Stop(
                Verdict(
                    exercise,
                    WRONG,
                    f"{what} has the right values in the wrong shape: {shape}, expected {want}.",
                    "Reshape it (or do not flatten it).",
                )
            )
        raise Stop(Verdict(exercise, WRONG, f"{what} has shape {shape}, expected {want}.", hint))
    bad = ~torch.isfinite(got) & torch.isfinite(expected)
    if bad.any():
        idx = bad.nonzero()[0].tolist()
        raise Stop(
            Verdict(
                exercise,
                WRONG,
                f"{what} has {int(bad.sum())} NaN or inf entries, the first at {_entry(idx)}.",
                "Look for a division by zero or an exp of a large number.",
            )
        )
    if close(got, expected):
        return got
    mask = expected.abs() > max(atol * 100, 1e-12)
    if mask.sum() >= 2:
        r = got[mask] / expected[mask]
        if (r.max() - r.min()).abs() < 1e-3 * r.mean().abs() and abs(r.mean().item() - 1) > rtol:
            factor = r.mean().item()
            detail = (
                "has the sign flipped"
                if abs(factor + 1) < 1e-3
                else f"is off by a constant factor: yours = {_fmt(factor)} x the reference"
            )
            raise Stop(Verdict(exercise, WRONG, f"{what} {detail}.", hint))
    err = (got - expected).abs()
    i = int(err.flatten().argmax())
    idx = list(torch.unravel_index(torch.tensor(i), expected.shape)) if expected.ndim else []
    n_bad = int((err > atol + rtol * expected.abs()).sum())
    raise Stop(
        Verdict(
            exercise,
            WRONG,
            f"{what} differs at {n_bad} of {expected.numel()} entries; the largest "
            f"difference is at {_entry(idx)}: yours {_fmt(got.flatten()[i].item())}, expected "
            f"{_fmt(expected.flatten()[i].item())}.",
            hint,
        )
    )


def _number(exercise: str, prediction: object) -> float:
    if prediction is None:
        raise Stop(
            Verdict(
                exercise,
                NOT_DONE,
                "write your prediction in the cell above first (it is still None); "
                "the measurement is shown once you have.",
            )
        )
    if isinstance(prediction, bool) or not isinstance(prediction, (int, float)) or not math.isfinite(prediction):
        raise Stop(Verdict(exercise, WRONG, f"a prediction is one finite number, got {prediction!r}."))
    return float(prediction)


def check_prediction(
    exercise: str,
    prediction: object,
    measured: float,
    *,
    rtol: float | None = None,
    orders: float | None = None,
    explain: str = "",
    evidence: str = "",
    facts: Mapping[str, Any] | None = None,
) -> Verdict:
    """Compare a predicted number with the measured one: within ``rtol`` (relative) or ``orders`` (decades).

    ``explain`` is the hint for a wrong prediction; ``evidence`` (more of the measurement) is shown
    once a prediction was made. First, whatever the prediction, the measurement (with ``facts``) must hold
    the exercise's claim in :mod:`d2l_ext.checks.claims`, or :class:`~d2l_ext.checks.claims.ClaimError` is raised.
    """
    if (rtol is None) == (orders is None):
        raise ValueError("give exactly one of rtol (relative tolerance) or orders (tolerance in powers of 10)")
    hold(exercise, measured, facts)
    explain = hint(exercise, explain)
    try:
        p = _number(exercise, prediction)
    except Stop as stop:
        return stop.verdict
    said = f"you predicted {_fmt(p)}, measured {_fmt(measured)}"
    more = f" {evidence}" if evidence else ""
    if rtol is not None:
        off = abs(p - measured) / abs(measured) if measured else abs(p)
        if off <= rtol:
            return Verdict(exercise, CORRECT, f"{said} (within {rtol:.0%}).{more}")
        return Verdict(exercise, WRONG, f"{said}: {off:.0%} off, more than the {rtol:.0%} allowed.{more}", explain)
    if p <= 0 or measured <= 0:
        return Verdict(
            exercise,
            WRONG,
            f"{said}: this prediction is compared in orders of magnitude, so it has to be a positive number.",
            explain,
        )
    decades = abs(math.log10(p / measured))
    if decades <= orders:
        return Verdict(
            exercise, CORRECT, f"{said} ({decades:.1f} orders of magnitude apart; {orders:g} allowed).{more}"
        )
    return Verdict(
        exercise, WRONG, f"{said}: {decades:.1f} orders of magnitude off ({orders:g} allowed).{more}", explain
    )


def check_choice(
    exercise: str,
    prediction: object,
    measured: str,
    options: Sequence[str],
    explain: str = "",
    evidence: str = "",
    facts: Mapping[str, Any] | None = None,
) -> Verdict:
    """Compare a predicted choice (one of ``options``) with the measured outcome; the rest as above."""
    if measured not in options:
        raise ValueError(f"measured must be one of {list(options)}, got {measured!r}")
    hold(exercise, measured, facts)
    explain = hint(exercise, explain)
    if prediction is None:
        return Verdict(
            exercise,
            NOT_DONE,
            "write your prediction in the cell above first (it is still None); the measurement is shown once you have.",
        )
    if prediction not in options:
        return Verdict(
            exercise, WRONG, f"your prediction should be one of {', '.join(map(repr, options))}, got {prediction!r}."
        )
    more = f" {evidence}" if evidence else ""
    if prediction == measured:
        return Verdict(exercise, CORRECT, f"you predicted {prediction!r}, and the measurement says {measured!r}.{more}")
    return Verdict(exercise, WRONG, f"you predicted {prediction!r}, the measurement says {measured!r}.{more}", explain)

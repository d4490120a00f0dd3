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
import reprlib
import sysconfig
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .guards import Forbidden, ForbiddenCall, bound_arguments, changed_input, forbidding, referenced, snapshot

__all__ = ["CORRECT", "ERROR", "NOT_DONE", "WRONG", "Verdict", "call", "compare", "number", "wrong"]

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


def wrong(exercise: str, detail: str, hint: str = "") -> Stop:
    """A :class:`Stop` with a "wrong" verdict: ``raise wrong(name, "what is wrong.", "the hint.")``."""
    return Stop(Verdict(exercise, WRONG, detail, hint))


def call(exercise: str, fn: object, *args: Any, forbid: Sequence[Forbidden] = (), **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or Stop with a verdict: "not done yet" (it returned None), "error" (it raised),
    or "wrong" when it changed one of its inputs in place or called a function of ``forbid``.

    The arguments are the check's own tensors, not copies: afterwards they are compared with a snapshot, so a
    function that changes its caller's data is caught.
    """
    if not callable(fn):
        raise wrong(
            exercise,
            f"expected your function, got {type(fn).__name__} {reprlib.repr(fn)}.",
            "Pass the function itself: the name, without calling it.",
        )
    rule = referenced(fn, forbid)
    if rule is not None:
        raise wrong(exercise, f"your function uses `{rule.name}`.", rule.instead + ".")
    arguments = bound_arguments(fn, args, kwargs)
    before = snapshot(arguments)
    try:
        with forbidding(forbid):
            out = fn(*args, **kwargs)
    except ForbiddenCall as e:
        raise wrong(exercise, f"your function calls `{e.rule.name}`.", e.rule.instead + ".") from None
    except Exception as e:
        raise Stop(
            Verdict(
                exercise,
                ERROR,
                f"your code raised {type(e).__name__}: {e}{_where(e)}.",
                "Read the message: often a shape that does not fit a product, or a typo.",
            )
        ) from None
    name = changed_input(before, arguments)
    if name is not None:
        raise wrong(
            exercise,
            f"your function changed its input `{name}` in place: the caller's data is no longer what it was.",
            "work on new tensors: x * 2 or x.clone(), not x.mul_(2); in-place methods end with an underscore.",
        )
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


def number(value: object) -> float | None:
    """``value`` as a float if it is one real number (a Python or numpy scalar, a one-element tensor), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, torch.Tensor):
        return float(value.item()) if value.numel() == 1 and not value.is_complex() else None
    if isinstance(value, np.ndarray):
        return float(value.item()) if value.size == 1 and np.isrealobj(value) else None
    if isinstance(value, Real):
        return float(value)
    return None


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _entry(index: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def as_tensor(
    exercise: str, got: object, expected: torch.Tensor, what: str, *, dtype: torch.dtype | None = None
) -> torch.Tensor:
    """``got`` as a float tensor like ``expected``, or Stop saying what type came.

    With ``dtype``, the task asks for a tensor of that dtype (the input's): anything else is named and refused.
    """
    if dtype is not None:
        if not isinstance(got, torch.Tensor):
            raise wrong(
                exercise,
                f"{what} should be a torch tensor, got {type(got).__name__}.",
                "keep working with tensors: torch functions, not numpy or Python lists.",
            )
        if got.dtype != dtype:
            raise wrong(
                exercise,
                f"{what} has dtype {got.dtype}, but the input was {dtype}.",
                "keep the input's dtype: no .float(), .double() or torch.tensor(...) of new values.",
            )
    if not isinstance(got, torch.Tensor):
        try:
            got = torch.as_tensor(got)
        except Exception:
            raise wrong(
                exercise, f"{what} should be a tensor of shape {tuple(expected.shape)}, got {type(got).__name__}."
            ) from None
    if got.is_complex() or got.dtype == torch.bool:
        raise wrong(exercise, f"{what} should be a real float tensor, got dtype {got.dtype}.")
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
    dtype: torch.dtype | None = None,
) -> torch.Tensor:
    """Return ``got`` as a tensor if it equals ``expected`` (allclose); otherwise Stop with a specific "wrong" verdict.

    ``mistakes`` maps a hint to what a typical wrong answer returns on the same
    input; matching one gives that hint. ``hint`` is the fallback hint. ``dtype``: the task asks for a
    tensor of that dtype (see :func:`as_tensor`).
    """
    expected = expected.detach().cpu()
    got = as_tensor(exercise, got, expected, what, dtype=dtype)
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

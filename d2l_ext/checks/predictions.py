"""Predict, then run: a prediction is compared with what a run measures, and the run comes after the prediction.

A predict-then-run cell decorates its experiment::

    @d2l_ext.checks.check_prediction("float64 overflow", predicted_step, rtol=0.05)
    def run():
        ...                                   # the experiment, in sight
        return measured                       # or dict(measured=..., evidence="...", facts=dict(...))

The decorator looks at the prediction first: ``None`` gives "not done yet" at once, and the run is not
started. Otherwise it runs the experiment once per kernel (a retry reuses the measurement), checks the
measurement against the exercise's claim (:mod:`d2l_ext.checks.claims`), and shows the verdict. The
measurement never becomes a name in the student's namespace: ``run`` is bound to the verdict, not to the
function. Only the first guess counts: a wrong prediction is told which way it is off, with the hint; the
measurement is shown once the prediction is right, or after a second wrong one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .claims import hint, hold
from .core import CORRECT, NOT_DONE, WRONG, Verdict, number

__all__ = ["check_choice", "check_prediction", "forget"]

#: (exercise, the run's code) -> the measurement, its evidence and facts: each run once per kernel.
_MEASURED: dict[tuple[str, object], tuple[Any, str, dict]] = {}
#: exercise -> wrong predictions so far in this kernel.
_WRONG: dict[str, int] = {}


def forget() -> None:
    """Forget every measurement and every wrong try of this kernel (for tests)."""
    _MEASURED.clear()
    _WRONG.clear()


def _show(verdict: Verdict) -> Verdict:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover (IPython is a dependency)
        return verdict
    if get_ipython() is not None:
        display(verdict)
    return verdict


def _key(run: Callable[[], object]) -> object:
    code = getattr(run, "__code__", None)
    return (code.co_code, code.co_consts) if code is not None else id(run)


def _not_predicted(exercise: str) -> Verdict:
    """The verdict while the prediction is still None: the run does not start."""
    return Verdict(exercise, NOT_DONE, "write your prediction in the cell above first (it is still None); the run "
                   "starts once you have.")  # fmt: skip


def _measure(exercise: str, run: Callable[[], object]) -> tuple[Any, str, dict]:
    key = (exercise, _key(run))
    if key not in _MEASURED:
        out = run()
        if isinstance(out, Mapping) and "measured" in out:
            extra = set(out) - {"measured", "evidence", "facts"}
            if extra:
                raise ValueError(f"a run returns measured, evidence and facts; got also {sorted(extra)}")
            measured, evidence, facts = out["measured"], out.get("evidence", ""), dict(out.get("facts") or {})
        else:
            measured, evidence, facts = out, "", {}
        hold(exercise, measured, facts)  # a measurement outside the lesson's claim fails the notebook
        _MEASURED[key] = (measured, evidence, facts)
    return _MEASURED[key]


def _judge(exercise: str, correct: bool, said: str, evidence: str, direction: str) -> Verdict:
    """The verdict: ✓ with the measurement; a first wrong try says only which way it is off; a second shows it."""
    more = f" {evidence}" if evidence else ""
    if correct:
        _WRONG.pop(exercise, None)
        return Verdict(exercise, CORRECT, f"{said}.{more}")
    _WRONG[exercise] = _WRONG.get(exercise, 0) + 1
    if _WRONG[exercise] == 1:
        return Verdict(exercise, WRONG, f"not what the run measures: {direction}. Think again, then change your "
                       "prediction; the measurement is shown after a second try.", hint(exercise))  # fmt: skip
    return Verdict(exercise, WRONG, f"{said} ({direction}).{more}", hint(exercise))


def check_prediction(
    exercise: str, prediction: object, *, rtol: float | None = None, orders: float | None = None
) -> Callable[[Callable[[], object]], Verdict]:
    """Decorate a run: compare ``prediction``, a number, with what it measures, within ``rtol`` (relative) or
    ``orders`` (powers of 10). The decorated name becomes the :class:`Verdict`, which is also shown."""
    if (rtol is None) == (orders is None):
        raise ValueError("give exactly one of rtol (relative tolerance) or orders (tolerance in powers of 10)")

    def decorate(run: Callable[[], object]) -> Verdict:
        if prediction is None:
            return _show(_not_predicted(exercise))
        p = number(prediction)
        if p is None or not math.isfinite(p):
            return _show(Verdict(exercise, NOT_DONE, f"a prediction is one finite number, got {prediction!r}."))
        if orders is not None and p <= 0:
            return _show(Verdict(exercise, NOT_DONE, f"this prediction is compared in orders of magnitude, so it "
                                 f"has to be a positive number; got {p:g}."))  # fmt: skip
        measured, evidence, _ = _measure(exercise, run)
        m = float(measured)
        said = f"you predicted {p:.4g}, measured {m:.4g}"
        if rtol is not None:
            off = abs(p - m) / abs(m) if m else abs(p)
            ok, said = off <= rtol, said + (f" (within {rtol:.0%})" if off <= rtol else f": {off:.0%} off")
        else:
            off = abs(math.log10(p / m))
            ok, said = off <= orders, said + f" ({off:.1f} orders of magnitude apart; {orders:g} allowed)"
        return _show(_judge(exercise, ok, said, evidence, "too high" if p > m else "too low"))

    return decorate


def check_choice(
    exercise: str, prediction: object, options: Sequence[str]
) -> Callable[[Callable[[], object]], Verdict]:
    """Decorate a run: compare ``prediction``, one of ``options`` (case and surrounding spaces ignored), with the
    option the run returns (as ``measured``). The decorated name becomes the :class:`Verdict`, also shown."""
    canon = {o.strip().lower(): o for o in options}

    def decorate(run: Callable[[], object]) -> Verdict:
        if prediction is None:
            return _show(_not_predicted(exercise))
        choice = canon.get(prediction.strip().lower()) if isinstance(prediction, str) else None
        if choice is None:
            listed = ", ".join(map(repr, options))
            return _show(Verdict(exercise, NOT_DONE, f"not one of the options: {listed}; got {prediction!r}."))
        measured, evidence, _ = _measure(exercise, run)
        if measured not in options:
            raise ValueError(f"the run must return one of {list(options)}, got {measured!r}")
        right = choice == measured
        said = f"you predicted {choice!r}, {'and ' if right else ''}the measurement says {measured!r}"
        return _show(_judge(exercise, right, said, evidence, "the measurement says otherwise"))

    return decorate

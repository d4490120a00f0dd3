"""Grading with nbgrader: a check's verdict as an autograded test.

nbgrader gives an autograded test cell its points when the cell runs without an
error, and zero when it raises; the error's message is the student's feedback.
``make assignment`` (tools/assignment.py) wraps each exercise's check in
:func:`graded`, so that a ✓ earns the points and anything else earns zero with
the check's own words. The notebooks themselves never call it: a check shown to a
student in Jupyter or Colab never raises.
"""

from __future__ import annotations

from .core import Verdict

__all__ = ["NotPassed", "graded"]


class NotPassed(AssertionError):
    """An exercise's check did not say ✓; the message is the check's verdict."""


def graded(verdict: Verdict, show: bool = True) -> None:
    """Print ``verdict`` if it says ✓ (the test passes); raise :class:`NotPassed` with it otherwise.

    Args:
        verdict: what a ``d2l_ext.checks.check_*`` returned.
        show: print a passing verdict (a predict-then-run check has shown it already).

    Returns:
        None. Printed, not returned: nbgrader would read a returned value as a partial score.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"verdict must be what a d2l_ext.checks.check_* function returns, got {type(verdict).__name__}")
    __tracebackhide__ = True  # IPython shows the student the verdict, not this frame
    if not verdict.passed:
        raise NotPassed(str(verdict))
    if show:
        print(verdict)

"""Checkers for the notebooks' exercises: instant, specific feedback, never a bare traceback.

Each ``check_*`` takes the student's function, runs it on seeded inputs, compares
the answer with the reference and returns a :class:`Verdict` (shown as one line:
✓ correct, ✗ wrong with what and a hint, … not done yet, ⚠ error with the line
that raised). ``check_prediction`` and ``check_choice`` grade "predict, then
run" questions against the measured outcome. ``graded`` turns a verdict into an
nbgrader test: ✓ passes, anything else raises with the verdict as feedback.
"""

from .claims import ClaimError
from .core import CORRECT, ERROR, NOT_DONE, WRONG, Verdict, check_choice, check_prediction
from .gradients import (
    check_bias_grads,
    check_clip_gradients,
    check_numerical_grad,
    check_sigmoid_grad,
    check_weight_grads,
)
from .grading import NotPassed, graded
from .initialization import check_count_distinct_units, check_saturated_share, check_xavier_uniform
from .regularization import check_dropconnect_linear, check_early_stopping, check_sgd_step_weight_decay

__all__ = [
    "CORRECT",
    "ClaimError",
    "ERROR",
    "NOT_DONE",
    "WRONG",
    "Verdict",
    "check_bias_grads",
    "check_choice",
    "check_clip_gradients",
    "check_count_distinct_units",
    "check_dropconnect_linear",
    "check_early_stopping",
    "check_numerical_grad",
    "check_prediction",
    "check_saturated_share",
    "check_sgd_step_weight_decay",
    "check_sigmoid_grad",
    "check_weight_grads",
    "check_xavier_uniform",
    "graded",
    "NotPassed",
]

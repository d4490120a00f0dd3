"""Checkers for the notebooks' exercises: instant, specific feedback, never a bare traceback.

Each ``check_*`` takes the student's function, runs it on seeded inputs (with several values of every
parameter, watching for inputs changed in place and for calls the task rules out), compares the answer
with the reference and returns a :class:`Verdict` (shown as one line: ✓ correct, ✗ wrong with what and a
hint, … not done yet, ⚠ error with the line that raised). ``check_prediction`` and ``check_choice``
decorate the run of a "predict, then run" question: the run starts only once a prediction is made.
``graded`` turns a verdict into an nbgrader test: ✓ passes, anything else raises with the verdict as feedback.
"""

from .claims import ClaimError
from .core import CORRECT, ERROR, NOT_DONE, WRONG, Verdict
from .gradients import (
    check_bias_grads,
    check_clip_gradients,
    check_numerical_grad,
    check_sigmoid_grad,
    check_weight_grads,
)
from .grading import NotPassed, graded
from .initialization import check_count_distinct_units, check_he_uniform, check_saturated_share
from .predictions import check_choice, check_prediction, forget
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
    "check_he_uniform",
    "check_numerical_grad",
    "check_prediction",
    "check_saturated_share",
    "check_sgd_step_weight_decay",
    "check_sigmoid_grad",
    "check_weight_grads",
    "forget",
    "graded",
    "NotPassed",
]

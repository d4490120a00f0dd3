"""What each predict-then-run exercise's measurement must show, kept out of the student's sight.

A predict-then-run cell measures something, then calls :func:`~d2l_ext.checks.check_prediction` or
:func:`~d2l_ext.checks.check_choice`. The notebook's text explains the outcome, so the measurement must stay
what the explanation says; an ``assert`` in the cell would say it too, in the cell the student reads *before*
predicting. The ranges live here instead: the check looks up its exercise and raises :class:`ClaimError` (an
``AssertionError``, so strict nbval and the student-edition run fail) when the measurement leaves its range.
The verdict the student sees never shows the range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CLAIMS", "Claim", "ClaimError", "hint", "hold"]


class ClaimError(AssertionError):
    """A predict-then-run measurement outside what the notebook explains: the lesson, not the student, is wrong."""


@dataclass(frozen=True)
class Claim:
    """``says``: the claim in words (shown only when it fails); ``holds(measured, **facts)``: whether it holds;
    ``hint``: what a student who predicted wrong is told (kept here, out of the cell read before predicting)."""

    says: str
    holds: Callable[..., bool]
    facts: tuple[str, ...] = ()
    hint: str = ""


CLAIMS: dict[str, Claim] = {
    # 01: hidden ReLU outputs triple, the first layer's input does not.
    "memory at three times the width": Claim("the kept memory grows, but by less than 3x", lambda m: 2 < m < 3,
        hint=('not everything that is kept grows with the width: what does the first layer need for its '
              'weight gradient?'),
    ),
    # 02: the first layer's gradient norm over the output layer's, 5 sigmoid layers of 256 units.
    "5 sigmoid layers": Claim("the gradient still vanishes, by more than 3 orders of magnitude", lambda m: m < 1e-3,
        hint=('if every layer multiplies the gradient by the same factor r, 20 layers give r**20 and 5 give r**5; '
              '(1/4)**5 counts only sigma\'s bound, not the weights.'),
    ),
    # 03: 4x4 standard normals grow about 0.56 nats per product: ln(1.8e308) / 0.56 is about 1,260.
    "float64 overflow": Claim("float64 overflows, far later than float32: after 1,000 to 1,500 products",
                              lambda m: 1000 < m < 1500,
        hint=('the log of the norm grows by the rate at each multiplication; overflow comes when it reaches '
              'ln(1.8e308), about 709.8.'),
    ),
    # 04: with no hidden layer there is no symmetry to break.
    "constant init, no hidden layer": Claim(
        "softmax regression from zeros learns (above 0.75) and matches a random start within 0.02",
        lambda m, acc_zero, acc_random: m == "learns" and acc_zero > 0.75 and abs(acc_zero - acc_random) < 0.02,
        ("acc_zero", "acc_random"),
        hint='symmetry is a problem among hidden units, which all see the same input and get the same gradient.',
    ),
    # 05: steps to halve the cost at lr 1.0 over those at lr 0.1, on the too-small start.
    "plateau at 10x the learning rate": Claim(
        "lr 1.0 halves the cost in less than half the steps of lr 0.1, without diverging",
        lambda m, diverged: diverged is None and m < 0.5,
        ("diverged",),
        hint=('with small steps, gradient descent follows nearly the same path whatever the learning rate: '
              'the learning rate is the time step.'),
    ),
    # 06: sqrt(3) x U(-1/sqrt(n), 1/sqrt(n)) is Xavier's (LeCun's) variance: the same spread in every layer.
    "uniform x sqrt(3)": Claim(
        "the scaled uniform init spreads the activations like Xavier's, within 0.03 in every layer",
        lambda m, spread: all(abs(a - b) < 0.03 for a, b in spread),
        ("spread",),
        hint='Var U(-b, b) = b**2 / 3.',
    ),
    # 07: the peak at p = n comes from the square, nearly singular system, not from the flipped labels.
    "double descent without label noise": Claim(
        "with the true labels the validation error still peaks at p = n, as high as with 20% flipped, and the"
        " fit's norm there stays more than half as large",
        lambda m, peak, noisy_peak, norm, noisy_norm: (m == "as high" and abs(peak - noisy_peak) < 0.05
                                                       and norm > noisy_norm / 2),
        ("peak", "noisy_peak", "norm", "noisy_norm"),
        hint='at p = n exactly one classifier fits the targets: what makes it need huge weights, the flipped '
        'labels or the nearly singular square system of features?',
    ),
    # 08: dropout left on at test time samples a random subnetwork per pass.
    "dropout at test time": Claim(
        "dropout left on is worse than eval mode in every pass, and different every time",
        lambda m, acc_on, acc_eval: max(acc_on) < acc_eval and len(set(acc_on)) > 1,
        ("acc_on", "acc_eval"),
        hint='with dropout on, every prediction comes from a random half of the network.',
    ),
    # 08: p = 0.9 is so much noise that 10 epochs underfit.
    "much more dropout": Claim(
        "p = 0.9 ends at least 0.05 below p = 0.5 in validation accuracy, and fits its training images"
        " at least 0.05 worse (it underfits)",
        lambda m, acc_09, acc_05, train_09, train_05: (m == "lower" and acc_09 < acc_05 - 0.05
                                                       and train_09 < train_05 - 0.05),
        ("acc_09", "acc_05", "train_09", "train_05"),
        hint='with p = 0.9 each example keeps a tenth of the units, each multiplied by 10: how noisy is that?',
    ),
}


def hold(exercise: str, measured: Any, facts: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`ClaimError` if ``exercise`` has a claim that ``measured`` (with ``facts``) breaks.

    Raises ValueError when the facts passed are not the ones the claim needs (a notebook bug).
    """
    claim = CLAIMS.get(exercise)
    facts = dict(facts or {})
    if claim is None:
        if facts:
            raise ValueError(f"facts were given for {exercise!r}, which has no claim in d2l_ext.checks.claims")
        return
    if set(facts) != set(claim.facts):
        raise ValueError(f"the claim of {exercise!r} needs the facts {sorted(claim.facts)}, got {sorted(facts)}")
    if not claim.holds(measured, **facts):
        shown = ", ".join(f"{k} = {v!r}" for k, v in facts.items())
        raise ClaimError(
            f"{exercise}: the lesson says {claim.says}, but this run measured {measured!r}"
            + (f" ({shown})" if shown else "")
            + ". The notebook's explanation no longer matches the code: tell the instructor."
        )


def hint(exercise: str, explain: str = "") -> str:
    """The hint for a wrong prediction: ``explain`` if the cell gave one, else the exercise's claim's."""
    claim = CLAIMS.get(exercise)
    return explain or (claim.hint if claim else "")

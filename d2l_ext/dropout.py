"""Dropout (section 5.6): the tested reference of the lesson's code.

In standard dropout each hidden activation h is replaced, independently, by

    h' = 0          with probability p,
    h' = h / (1-p)  otherwise,

so that E[h'] = h: the layer's expectation is unchanged. At test time dropout
is switched off (the layer is the identity).
"""

from __future__ import annotations

import d2l.torch as d2l
import torch
from torch import nn

from .core import validate

__all__ = ["DropoutMLPScratch", "dropout_layer"]


def _check_p(p: object, name: str = "dropout probability p") -> float:
    return validate.number(name, p, lo=0.0, hi=1.0)


def dropout_layer(X: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero each element of ``X`` with probability ``p`` and scale the rest by 1/(1-p).

    Any shape, any floating dtype, any device (the mask is drawn there). ``p = 0``
    returns ``X`` itself; ``p = 1`` returns zeros. Raises ValueError for ``p``
    outside [0, 1] or NaN; TypeError for a ``p`` that is not a number or a non-float tensor.

    Args:
        X: a floating-point tensor of any shape, on any device.
        p: the dropout probability, in [0, 1].
        generator: a ``torch.Generator`` for a reproducible mask, or None.

    Returns:
        A tensor shaped like ``X``: 0 or x / (1 - p) entry by entry.
    """
    p = _check_p(p)
    if not isinstance(X, torch.Tensor) or not X.dtype.is_floating_point:
        raise TypeError(f"X must be a floating-point tensor, got {getattr(X, 'dtype', type(X).__name__)}")
    if p == 0:
        return X
    if p == 1:
        return torch.zeros_like(X)
    # The book's draws (uniform > p), turned in place into a float mask of 0 or 1/(1-p):
    # no bool-to-float copies forward or backward, one multiplication.
    mask = torch.rand(X.shape, device=X.device, dtype=X.dtype, generator=generator).gt_(p).mul_(1.0 / (1.0 - p))
    return X * mask


class DropoutMLPScratch(d2l.Classifier):  # type: ignore[misc]
    """The book's from-scratch model: two hidden ReLU layers, :func:`dropout_layer` after each while training.

    Input (n, 1, 28, 28) or (n, 784); output logits (n, num_outputs).
    """

    def __init__(self, num_outputs: int = 10, num_hiddens_1: int = 256, num_hiddens_2: int = 256,
                 dropout_1: float = 0.5, dropout_2: float = 0.5, lr: float = 0.1) -> None:  # fmt: skip
        super().__init__()
        _check_p(dropout_1, "dropout_1")
        _check_p(dropout_2, "dropout_2")
        self.save_hyperparameters()
        self.lin1 = nn.LazyLinear(num_hiddens_1)
        self.lin2 = nn.LazyLinear(num_hiddens_2)
        self.lin3 = nn.LazyLinear(num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        H1 = self.relu(self.lin1(X.reshape((X.shape[0], -1))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout_1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout_2)
        return self.lin3(H2)

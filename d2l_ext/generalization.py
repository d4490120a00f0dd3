"""Pieces for the generalization experiments (section 5.5): label noise, random features, closed forms.

- :func:`label_noise`: replace a fraction of labels by other, random classes.
- :func:`random_relu_features`: a fixed random ReLU layer, the model behind double descent.
- :func:`min_norm_fit`: the minimum-norm least-squares solution (interpolates when it can).
- :func:`polynomial_features`: x^k / k! for the classic degree sweep.
- :func:`ridge`: the closed-form weight-decay (L2) solution.
"""

from __future__ import annotations

import math

import torch

from .core import validate

__all__ = ["label_noise", "min_norm_fit", "polynomial_features", "random_relu_features", "ridge"]


def label_noise(y: torch.Tensor, fraction: float, num_classes: int, generator: torch.Generator | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """Flip ``round(fraction * n)`` labels, chosen at random, to a different random class.

    Returns ``(noisy, flipped)``: the new int64 labels (n,) and a bool mask (n,) of
    the changed ones. ``fraction`` must lie in [0, 1].

    Args:
        y: (n,) int labels.
        fraction: the share of labels to flip, in [0, 1].
        num_classes: number of classes, >= 2.
        generator: a ``torch.Generator``, or None.

    Returns:
        ``(noisy, flipped)``: (n,) int64 labels and an (n,) bool mask of the flipped ones.
    """
    validate.number("fraction", fraction, lo=0.0, hi=1.0)
    validate.integer("num_classes", num_classes, min=2)
    if y.ndim != 1 or y.dtype.is_floating_point:
        raise ValueError(f"y must be a 1-D tensor of int labels, got shape {tuple(y.shape)} and {y.dtype}")
    n = len(y)
    idx = torch.randperm(n, generator=generator)[: round(fraction * n)]
    shift = torch.randint(1, num_classes, (len(idx),), generator=generator)  # never the same class
    noisy = y.clone().long()
    noisy[idx] = (noisy[idx] + shift) % num_classes
    flipped = torch.zeros(n, dtype=torch.bool)
    flipped[idx] = True
    return noisy, flipped


def random_relu_features(X: torch.Tensor, num_features: int, generator: torch.Generator | None = None
                         ) -> torch.Tensor:  # fmt: skip
    """ReLU(X W) with a fixed random W ~ N(0, 1/d): (n, d) -> (n, num_features).

    The same generator state gives the same W, so train and test features must be
    made in one call (stack them) or with generators seeded alike.

    Args:
        X: (n, d) inputs.
        num_features: p, the number of random features, >= 1.
        generator: a ``torch.Generator`` that fixes W, or None.

    Returns:
        (n, num_features) features ReLU(X W), of X's dtype.
    """
    if X.ndim != 2:
        raise ValueError(f"X must be (n, d), got shape {tuple(X.shape)}")
    validate.integer("num_features", num_features)
    W = torch.randn(X.shape[1], num_features, generator=generator, dtype=X.dtype) / math.sqrt(X.shape[1])
    return torch.relu(X @ W)


def min_norm_fit(Phi: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The least-squares solution of Phi W = Y with the smallest norm: pinv(Phi) Y, (p, k).

    Below the interpolation threshold (p < n) it is ordinary least squares; above it,
    among all the W that fit the training data exactly, the one of minimum norm.

    Args:
        Phi: (n, p) features.
        Y: (n, k) targets (one-hot labels, say).

    Returns:
        W, (p, k).
    """
    if Phi.ndim != 2 or Y.ndim != 2 or len(Phi) != len(Y):
        raise ValueError(f"Phi must be (n, p) and Y (n, k), got {tuple(Phi.shape)} and {tuple(Y.shape)}")
    return torch.linalg.pinv(Phi) @ Y


def polynomial_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """(n,) -> (n, degree + 1) with columns x^k / k!, k = 0..degree (the factorial keeps them in range).

    Args:
        x: (n,) inputs.
        degree: the highest power, >= 0.

    Returns:
        (n, degree + 1) features x^k / k!.
    """
    validate.integer("degree", degree, min=0)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {tuple(x.shape)}")
    return torch.stack([x**k / math.factorial(k) for k in range(degree + 1)], dim=1)


def ridge(X: torch.Tensor, y: torch.Tensor, lam: float) -> torch.Tensor:
    """argmin_w mean((X w - y)^2) / 2 + lam / 2 ||w||^2, in closed form: (X^T X / n + lam I)^-1 X^T y / n.

    Args:
        X: (n, d) inputs.
        y: (n,) or (n, k) targets.
        lam: the penalty, a finite number >= 0.

    Returns:
        w, (d,) or (d, k).
    """
    validate.number("lam", lam, lo=0.0)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (n, d) and y (n,) or (n, k), got {tuple(X.shape)} and {tuple(y.shape)}")
    n, d = X.shape
    A = X.T @ X / n + lam * torch.eye(d, dtype=X.dtype)
    return torch.linalg.solve(A, X.T @ y / n)

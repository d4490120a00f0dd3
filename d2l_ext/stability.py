"""Measurements for numerical stability (section 5.4.1): vanishing and exploding gradients.

- :func:`deep_mlp`: a deep stack of equal-width layers with a chosen activation.
- :func:`layer_grad_norms`: the gradient norm of every Linear layer's weight on one batch.
- :func:`hidden_grad_norms`: the norm of dLoss/dh for every hidden layer's output h on one batch.
- :func:`product_norms`: the norm of a running product of random Gaussian matrices.
- :func:`log_product_norms`: the same in log space (renormalized each step), immune to overflow.
- :func:`log_norm_chains`: the log norm of ``M_k ... M_1 v`` step by step, on independent chains.
- :func:`lyapunov_exponent`: the growth rate per step such a product has in theory.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .core import validate

__all__ = [
    "ACTIVATION_LAYERS",
    "deep_mlp",
    "hidden_grad_norms",
    "layer_grad_norms",
    "log_norm_chains",
    "log_product_norms",
    "lyapunov_exponent",
    "product_norms",
]

#: activation name -> module class, for :func:`deep_mlp`.
ACTIVATION_LAYERS: dict[str, type[nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "identity": nn.Identity,
}


def deep_mlp(depth: int, width: int, activation: str, in_features: int = 784, out_features: int = 10) -> nn.Sequential:
    """Flatten, then ``depth`` hidden layers Linear(width)-activation, then Linear(out_features).

    Weights keep PyTorch's default initialization; re-initialize them with
    ``d2l_ext.init`` or ``torch.nn.init`` to compare schemes.

    Args:
        depth: number of hidden layers, >= 1.
        width: units per hidden layer, >= 1.
        activation: "sigmoid", "tanh", "relu" or "identity".
        in_features: input size (784 for flattened 28x28 images).
        out_features: number of outputs (classes).

    Returns:
        An ``nn.Sequential`` mapping (n, ...) inputs to (n, out_features) logits.
    """
    validate.integer("depth", depth)
    validate.integer("width", width)
    validate.choice("activation", activation, ACTIVATION_LAYERS)
    layers: list[nn.Module] = [nn.Flatten()]
    n_in = in_features
    for _ in range(depth):
        layers += [nn.Linear(n_in, width), ACTIVATION_LAYERS[activation]()]
        n_in = width
    layers.append(nn.Linear(n_in, out_features))
    return nn.Sequential(*layers)


def layer_grad_norms(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn=F.cross_entropy) -> list[float]:
    """Frobenius norm of dLoss/dW for every ``nn.Linear`` in ``model``, input side first.

    One forward and backward pass on the batch ``(X, y)``; the model's existing
    gradients are left as they were. Raises ValueError for a model without Linear layers.

    Args:
        model: a network with ``nn.Linear`` layers.
        X: (n, ...) a batch of inputs.
        y: (n,) int64 labels.
        loss_fn: the loss, ``F.cross_entropy`` by default.

    Returns:
        One float per ``nn.Linear``, input side first: the Frobenius norm of dLoss/dW.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError(f"model has no nn.Linear layer to measure ({type(model).__name__})")
    weights = [m.weight for m in linears]
    loss = loss_fn(model(X), y)
    grads = torch.autograd.grad(loss, weights)
    return [float(g.norm()) for g in grads]


def hidden_grad_norms(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn=F.cross_entropy) -> list[float]:
    """Frobenius norm of dLoss/dh for the output h of every activation layer of ``model``, input side first.

    The activation layers are the modules of :data:`ACTIVATION_LAYERS` (as :func:`deep_mlp` builds them).
    One forward and backward pass on the batch ``(X, y)``; parameter gradients are left as they were.
    The ratio of neighbouring entries is how much one layer (its weights and its activation's derivative)
    scales the gradient on its way back. Raises ValueError for a model without activation layers.

    Args:
        model: a network with activation modules (``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``, ``nn.Identity``).
        X: (n, ...) a batch of inputs.
        y: (n,) int64 labels.
        loss_fn: the loss, ``F.cross_entropy`` by default.

    Returns:
        One float per activation layer, input side first: the norm of dLoss/dh over the (n, width) batch.
    """
    kinds = tuple(ACTIVATION_LAYERS.values())
    layers = [m for m in model.modules() if isinstance(m, kinds)]
    if not layers:
        raise ValueError(f"model has no activation layer to measure ({type(model).__name__}); "
                         f"expected one of {[k.__name__ for k in kinds]}")
    outputs: list[torch.Tensor] = []
    hooks = [m.register_forward_hook(lambda module, inputs, out: outputs.append(out)) for m in layers]
    try:
        loss = loss_fn(model(X), y)
    finally:
        for hook in hooks:
            hook.remove()
    grads = torch.autograd.grad(loss, outputs)
    return [float(g.norm()) for g in grads]


def _random_matrices(n: int, steps: int, std: float, generator: torch.Generator | None, dtype: torch.dtype):
    validate.integer("n", n)
    validate.integer("steps", steps)
    validate.positive("std", std)
    for _ in range(steps + 1):
        yield torch.randn(n, n, generator=generator, dtype=dtype) * std


def _check_square(M: torch.Tensor) -> None:
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"matrices must be square, got shape {tuple(M.shape)}")


def product_norms(
    n: int | torch.Tensor,
    steps: int,
    std: float = 1.0,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Frobenius norm of ``M_0 M_1 ... M_k`` for k = 0..steps, computed directly in ``dtype``.

    Entries are N(0, std^2) for random n x n matrices; or pass a stack of square
    matrices (steps + 1, n, n) as ``n``. Returns (steps + 1,) norms; they become
    inf (overflow) or 0 (underflow) where ``dtype`` gives up.

    Args:
        n: the matrix size, or a stack (steps + 1, n, n) of matrices.
        steps: number of multiplications, >= 1.
        std: standard deviation of the random entries, > 0.
        generator: a ``torch.Generator`` for reproducible draws, or None.
        dtype: the dtype the product is computed in.

    Returns:
        (steps + 1,) tensor of ``dtype``: the Frobenius norm after each multiplication (inf or 0 where it gives up).
    """
    mats = _matrix_stream(n, steps, std, generator, dtype)
    P = next(mats)
    norms = [P.double().norm()]
    for M in mats:
        P = P @ M
        norms.append(P.double().norm())
    return torch.stack(norms)


def log_product_norms(
    n: int | torch.Tensor,
    steps: int,
    std: float = 1.0,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Natural log of the norms of :func:`product_norms`, tracked in log space.

    After each multiplication the product is divided by its norm and the log of
    that norm is accumulated, so the numbers stay near 1 and never overflow.
    Same arguments and draws as :func:`product_norms`; returns (steps + 1,) float64.

    Args:
        n: the matrix size, or a stack (steps + 1, n, n) of matrices.
        steps: number of multiplications, >= 1.
        std: standard deviation of the random entries, > 0.
        generator: a ``torch.Generator`` for reproducible draws, or None.
        dtype: the dtype of the multiplications.

    Returns:
        (steps + 1,) float64: ln of the norm after each multiplication.
    """
    mats = _matrix_stream(n, steps, std, generator, dtype)
    P = next(mats)
    log_norm = math.log(float(P.norm()))
    P = P / P.norm()
    logs = [log_norm]
    for M in mats:
        P = P @ M
        norm = P.norm()
        log_norm += math.log(float(norm))
        P = P / norm
        logs.append(log_norm)
    return torch.tensor(logs, dtype=torch.float64)


def _matrix_stream(n, steps, std, generator, dtype):
    if isinstance(n, torch.Tensor):
        if n.ndim != 3:
            raise ValueError(f"a stack of matrices must be (steps + 1, n, n), got shape {tuple(n.shape)}")
        _check_square(n[0])
        if validate.integer("steps", steps) != len(n) - 1:
            raise ValueError(f"steps must equal len(stack) - 1 = {len(n) - 1}, got {steps!r}")
        return iter(n.to(dtype))
    return _random_matrices(n, steps, std, generator, dtype)


def log_norm_chains(
    n: int,
    steps: int,
    std: float = 1.0,
    chains: int = 32,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """ln ||M_k ... M_1 v|| for k = 0..steps, on independent chains: the form of a gradient in (5.4.2).

    Each chain starts from a random unit vector ``v`` and multiplies it by ``steps`` fresh n x n matrices with
    N(0, std^2) entries, in float32, renormalizing after every product (log space) and adding up the logs of
    the norms, so nothing overflows. Chains share no matrices: their growth rates (the last column divided by
    ``steps``) are independent draws, whose mean estimates the rate and whose spread gives its standard error.

    Args:
        n: the matrix size, >= 1.
        steps: multiplications per chain, >= 1.
        std: standard deviation of the entries, > 0.
        chains: number of independent chains, >= 2.
        generator: a ``torch.Generator`` for reproducible draws, or None.

    Returns:
        (chains, steps + 1) float64: the natural log of each chain's norm after 0, 1, ..., steps products.
    """
    validate.integer("n", n)
    validate.integer("steps", steps)
    validate.positive("std", std)
    validate.integer("chains", chains, min=2)
    v = torch.randn(chains, n, 1, generator=generator)
    v = v / v.norm(dim=1, keepdim=True)
    logs = torch.zeros(chains, steps + 1, dtype=torch.float64)
    for k in range(1, steps + 1):
        v = (torch.randn(chains, n, n, generator=generator) * std) @ v
        norm = v.norm(dim=1, keepdim=True)
        logs[:, k] = logs[:, k - 1] + norm.flatten().double().log()
        v = v / norm
    return logs


def lyapunov_exponent(n: int, std: float = 1.0) -> float:
    """Growth rate per multiplication, in nats, of the norm of a product of n x n N(0, std^2) matrices.

    Newman's formula for the top Lyapunov exponent: 0.5 (log(2 std^2) + digamma(n / 2)).
    Positive: the product explodes; negative: it vanishes.

    Args:
        n: the matrix size, >= 1.
        std: standard deviation of the entries, > 0.

    Returns:
        The growth rate in nats per multiplication, a float.
    """
    from scipy.special import digamma

    validate.integer("n", n)
    validate.positive("std", std)
    return 0.5 * (math.log(2 * std**2) + float(digamma(n / 2)))

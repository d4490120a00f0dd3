"""Initialization schemes by name (section 5.4.2), on top of ``torch.nn.init``.

:func:`init_` sets every ``nn.Linear`` of a module. The names are those the
course uses: the playground exercise's four ("zero", "too_small",
"appropriate", "too_large": N(0, v / n_in) with v = 0, 0.01, 1, 100), the MNIST
exercise's ("uniform", "standard_normal", "lecun_normal", the exercise's
"xavier"), Glorot's ("xavier_normal", "xavier_uniform"), He's ("he_normal") and
PyTorch's own ("default"). :data:`SCHEMES` says what each one is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .core import validate

__all__ = ["SCHEMES", "Scheme", "distinct_units", "init_", "variance_by_layer"]


Sampler = Callable[[torch.Tensor, "torch.Generator | None"], object]


@dataclass(frozen=True)
class Scheme:
    """One initialization scheme: its formula, the weight variance it gives, and how to draw a weight.

    ``variance(n_in, n_out)`` is Var[w]; ``sample(w, generator)`` fills ``w`` (n_out, n_in) in place with
    ``torch.nn.init``.
    """

    formula: str
    variance: Callable[[int, int], float]
    also_called: str
    sample: Sampler


def _normal_v(v: float, name: str) -> Scheme:
    return Scheme(
        f"N(0, {v:g}/n_in)", lambda n_in, n_out: v / n_in, f"the playground's {name!r} (v = {v:g})",
        lambda w, g: nn.init.normal_(w, 0.0, math.sqrt(v / w.shape[1]), generator=g),
    )  # fmt: skip


#: The one table of schemes: what each is, its variance, and its sampler.
SCHEMES: dict[str, Scheme] = {
    "zero": Scheme("0", lambda n_in, n_out: 0.0, "the playground's 'zero' (v = 0)", lambda w, g: nn.init.zeros_(w)),
    "too_small": _normal_v(0.01, "too small"),
    "appropriate": _normal_v(1, "appropriate"),
    "too_large": _normal_v(100, "too large"),
    "uniform": Scheme(
        "U(-1/√n_in, 1/√n_in)", lambda n_in, n_out: 1 / (3 * n_in), "MNIST exercise's 'uniform'",
        lambda w, g: nn.init.uniform_(w, -1 / math.sqrt(w.shape[1]), 1 / math.sqrt(w.shape[1]), generator=g),
    ),
    "standard_normal": Scheme(
        "N(0, 1)", lambda n_in, n_out: 1.0, "MNIST exercise's 'standard normal'",
        lambda w, g: nn.init.normal_(w, 0.0, 1.0, generator=g),
    ),
    "lecun_normal": Scheme(
        "N(0, 1/n_in)", lambda n_in, n_out: 1 / n_in, "LeCun; the MNIST exercise's 'Xavier'",
        lambda w, g: nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="linear", generator=g),
    ),
    "xavier_normal": Scheme(
        "N(0, 2/(n_in+n_out))", lambda n_in, n_out: 2 / (n_in + n_out), "Glorot; d2l's Xavier",
        lambda w, g: nn.init.xavier_normal_(w, generator=g),
    ),
    "xavier_uniform": Scheme(
        "U(-√(6/(n_in+n_out)), √(6/(n_in+n_out)))", lambda n_in, n_out: 2 / (n_in + n_out), "Glorot uniform",
        lambda w, g: nn.init.xavier_uniform_(w, generator=g),
    ),
    "he_normal": Scheme(
        "N(0, 2/n_in)", lambda n_in, n_out: 2 / n_in, "He / Kaiming, for ReLU",
        lambda w, g: nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu", generator=g),
    ),
    "default": Scheme(  # what nn.Linear.reset_parameters does to the weight (init_ also sets its bias)
        "U(-1/√n_in, 1/√n_in), bias too", lambda n_in, n_out: 1 / (3 * n_in), "PyTorch's nn.Linear reset_parameters",
        lambda w, g: nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g),
    ),
}  # fmt: skip


def init_(module: nn.Module, scheme: str, generator: torch.Generator | None = None) -> nn.Module:
    """Initialize every ``nn.Linear`` in ``module`` by ``scheme``; return ``module``.

    Weights (n_out, n_in) follow the scheme, biases are set to zero, except for
    "default", which is exactly PyTorch's ``reset_parameters`` (its bias is
    U(-1/√n_in, 1/√n_in)). ``generator`` makes the draw reproducible without
    touching the global RNG. Raises ValueError for an unknown scheme or a module
    without Linear layers.

    Args:
        module: an ``nn.Module`` containing ``nn.Linear`` layers.
        scheme: a name of :data:`SCHEMES`.
        generator: a ``torch.Generator`` for a reproducible draw, or None (the global RNG).

    Returns:
        ``module`` itself, initialized in place.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    validate.choice("init scheme", scheme, SCHEMES)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError(f"{type(module).__name__} has no nn.Linear layer to initialize")
    with torch.no_grad():
        for layer in linears:
            SCHEMES[scheme].sample(layer.weight, generator)
            if layer.bias is None:
                continue
            if scheme == "default":
                bound = 1 / math.sqrt(layer.weight.shape[1])
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
            else:
                nn.init.zeros_(layer.bias)
    return module


def variance_by_layer(
    depth: int,
    width: int,
    activation: str,
    scheme: str,
    n: int = 512,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> dict[str, list[float]]:
    """Variance of the activations and of the gradients, layer by layer, at initialization.

    A stack of ``depth`` Linear(width, width) layers, each followed by
    ``activation`` ("identity", "tanh", "relu", "sigmoid"), initialized by
    ``scheme`` (biases 0, except the "default" scheme's U(±1/sqrt(n_in))).
    Input: ``n`` examples with N(0, 1) features. Backward:
    the gradient of ``sum(output * r)`` with r ~ N(0, 1), so the output layer's
    gradient has variance 1. Returns ``{"forward": [...], "backward": [...]}``,
    one variance per layer: the output of layer l going forward, and the
    gradient with respect to the input of layer l going backward (layer 1 first).
    float64 by default, so that 50 layers of exploding (10^120) or vanishing
    variance are still numbers rather than inf or 0.

    Args:
        depth: number of layers, >= 1.
        width: units per layer, >= 1.
        activation: "identity", "tanh", "relu" or "sigmoid".
        scheme: a name of :data:`SCHEMES`.
        n: number of N(0, 1) input examples, >= 1.
        generator: a ``torch.Generator``, or None.
        dtype: float64 by default.

    Returns:
        ``{"forward": [depth floats], "backward": [depth floats]}``, layer 1 first.
    """
    from .stability import ACTIVATION_LAYERS

    validate.integer("depth", depth)
    validate.integer("width", width)
    validate.integer("n", n)
    validate.choice("activation", activation, ACTIVATION_LAYERS)
    layers = [nn.Linear(width, width, dtype=dtype) for _ in range(depth)]
    for layer in layers:
        init_(layer, scheme, generator)
    act = ACTIVATION_LAYERS[activation]()
    h = torch.randn(n, width, generator=generator, dtype=dtype).requires_grad_(True)
    inputs, outputs = [], []
    for layer in layers:
        inputs.append(h)
        h = act(layer(h))
        outputs.append(h)
    for t in inputs[1:]:
        t.retain_grad()
    r = torch.randn(n, width, generator=generator, dtype=dtype)
    (h * r).sum().backward()
    return {
        "forward": [float(o.detach().var()) for o in outputs],
        "backward": [float(i.grad.var()) for i in inputs],
    }


def distinct_units(W: torch.Tensor, atol: float = 1e-6) -> int:
    """How many distinct units a layer has: rows of ``W`` (n_out, n_in) equal within ``atol`` count once.

    Symmetric units are equal only up to rounding once computed in another order, so ``torch.unique``
    (exact) would count them apart. Raises ValueError for a ``W`` that is not 2-D.

    Args:
        W: (n_out, n_in) a layer's weight matrix.
        atol: rows closer than this, entry by entry, count once.

    Returns:
        The number of distinct rows, an int.
    """
    if not isinstance(W, torch.Tensor) or W.ndim != 2:
        raise ValueError(f"W must be a 2-D weight tensor (n_out, n_in), got {getattr(W, 'shape', type(W).__name__)}")
    kept: list[torch.Tensor] = []
    for row in W:
        if not any((row - other).abs().max() <= atol for other in kept):
            kept.append(row)
    return len(kept)

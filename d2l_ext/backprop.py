"""Reference forward and backward propagation of the lecture's MLP (section 5.3).

The network has one hidden layer, no bias, and weight decay ``lam``::

    z = W1 x           (5.3.1)    h = phi(z)        (5.3.2)
    o = W2 h           (5.3.3)    L = l(o, y)       (5.3.4)
    s = lam/2 (||W1||_F^2 + ||W2||_F^2)            (5.3.5)
    J = L + s                                       (5.3.6)

with ``l`` the softmax cross-entropy. Shapes: ``W1`` (h, d), ``W2`` (q, h);
``x`` (d,) for one example or (n, d) for a minibatch (then ``L`` is the batch
mean and ``z``, ``h``, ``o`` are (n, h), (n, h), (n, q), one row per example).
The backward pass follows equations 5.3.8 to 5.3.14.

Also here: the same computation as an autograd Function whose backward is the
hand derivation (for ``torch.autograd.gradcheck``), a walk of the graph
autograd records, and a measurement of the bytes autograd keeps for backward.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .core import validate

__all__ = [
    "ACTIVATIONS",
    "FIG_5_3_1",
    "HandMLP",
    "autograd_graph",
    "backward",
    "forward",
    "saved_tensor_bytes",
]

#: activation name -> (phi, phi') as functions of z.
ACTIVATIONS: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], Callable[[torch.Tensor], torch.Tensor]]] = {
    "relu": (torch.relu, lambda z: (z > 0).to(z.dtype)),
    "sigmoid": (torch.sigmoid, lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z))),
    "tanh": (torch.tanh, lambda z: 1 - torch.tanh(z) ** 2),
}

#: Fig. 5.3.1's layout for :func:`d2l_ext.draw_compute_graph`: where each variable and each operator sits (the
#: input at the lower left, the objective at the upper right), and the leaves, which no operator makes.
FIG_5_3_1: dict[str, dict] = {
    "pos": {"x": (0, 0), "W1": (0, 2), "z": (2, 0.5), "h": (4, 1), "W2": (4, 3), "o": (6, 1.5), "y": (6, 0),
            "L": (8, 2), "s": (8, 4.5), "J": (10, 3.25)},
    "op_pos": {"z": (1, 0.9), "h": (3, 0.75), "o": (5, 1.9), "L": (7.3, 0.95), "s": (6, 4.2), "J": (9, 2.9)},
    "leaves": {v: ((), "") for v in ("x", "W1", "W2", "y")},
}  # fmt: skip


def _check(
    x: torch.Tensor, y: int | torch.Tensor, W1: torch.Tensor, W2: torch.Tensor, lam: float, activation: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate the inputs; return x as (n, d) and y as (n,) int64."""
    validate.choice("activation", activation, ACTIVATIONS)
    for name, t in (("x", x), ("W1", W1), ("W2", W2)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dtype not in (torch.float32, torch.float64):
            raise ValueError(f"{name} must be float32 or float64, got {t.dtype}")
    if not (x.dtype == W1.dtype == W2.dtype):
        raise ValueError(f"x, W1, W2 must share one dtype, got {x.dtype}, {W1.dtype}, {W2.dtype}")
    validate.number("lam", lam, lo=0.0)
    if W1.ndim != 2 or W2.ndim != 2:
        raise ValueError(f"W1 and W2 must be matrices, got shapes {tuple(W1.shape)} and {tuple(W2.shape)}")
    h, d = W1.shape
    q = W2.shape[0]
    if W2.shape[1] != h:
        raise ValueError(f"W2 must be (q, h) = (q, {h}) to follow W1 of shape {tuple(W1.shape)}, got {tuple(W2.shape)}")
    if x.ndim not in (1, 2) or x.shape[-1] != d:
        raise ValueError(f"x must be (d,) or (n, d) with d = {d} (W1 is {tuple(W1.shape)}), got {tuple(x.shape)}")
    X = x.reshape(1, d) if x.ndim == 1 else x
    if isinstance(y, torch.Tensor):
        if y.dtype.is_floating_point or y.dtype == torch.bool:
            raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
        Y = y.reshape(-1).long()
    elif isinstance(y, int) and not isinstance(y, bool):
        Y = torch.tensor([y])
    else:
        raise TypeError(f"y must be an int or a tensor of ints, got {type(y).__name__}")
    if len(Y) != len(X) or (x.ndim == 1 and isinstance(y, torch.Tensor) and y.ndim != 0 and y.numel() != 1):
        raise ValueError(f"y must have one label per example ({len(X)}), got shape {tuple(Y.shape)}")
    if Y.min() < 0 or Y.max() >= q:
        raise ValueError(
            f"labels must lie in [0, {q}) (W2 has q = {q} rows), got min {int(Y.min())}, max {int(Y.max())}"
        )
    return X, Y.to(x.device)


def forward(
    x: torch.Tensor, y: int | torch.Tensor, W1: torch.Tensor, W2: torch.Tensor, lam: float, activation: str = "relu"
) -> dict[str, torch.Tensor]:
    """Forward pass, equations 5.3.1 to 5.3.6.

    Args:
        x: (d,) one example, or (n, d) a minibatch; float32 or float64.
        y: the int label, or (n,) int labels.
        W1: (h, d) first-layer weights.
        W2: (q, h) output-layer weights.
        lam: the weight-decay strength of (5.3.5), >= 0.
        activation: "relu", "sigmoid" or "tanh" (phi of (5.3.2)).

    Returns:
        A dict: ``z``, ``h`` (like x: (h,) or (n, h)), ``o`` ((q,) or (n, q)), the scalars ``L``, ``s``,
        ``J``, and ``x``, ``y`` (as given) for :func:`backward`.
    """
    _, Y = _check(x, y, W1, W2, lam, activation)
    phi, _ = ACTIVATIONS[activation]
    # x @ W1.T is W1 x for one example (d,) and one row per example for (n, d).
    z = x @ W1.T  # (5.3.1)
    h = phi(z)  # (5.3.2)
    o = h @ W2.T  # (5.3.3)
    L = F.cross_entropy(o.reshape(-1, W2.shape[0]), Y)  # (5.3.4), mean over the batch
    s = lam / 2 * (W1.pow(2).sum() + W2.pow(2).sum())  # (5.3.5)
    J = L + s  # (5.3.6)
    return {"z": z, "h": h, "o": o, "L": L, "s": s, "J": J, "x": x, "y": Y[0] if x.ndim == 1 else Y}


def backward(
    cache: dict[str, torch.Tensor], W1: torch.Tensor, W2: torch.Tensor, lam: float, activation: str = "relu"
) -> dict[str, torch.Tensor]:
    """Backward pass by hand, equations 5.3.8 to 5.3.14.

    ``cache`` is what :func:`forward` returned. Returns ``dJ_do``, ``dJ_dh``,
    ``dJ_dz`` (shaped like o, h, z) and ``dJ_dW2`` (q, h), ``dJ_dW1`` (h, d).

    Args:
        cache: the dict :func:`forward` returned.
        W1: (h, d) first-layer weights.
        W2: (q, h) output-layer weights.
        lam: the weight-decay strength of (5.3.5), >= 0.
        activation: "relu", "sigmoid" or "tanh" (phi of (5.3.2)).

    Returns:
        A dict of tensors: ``dJ_do``, ``dJ_dh``, ``dJ_dz`` (shaped like o, h, z), ``dJ_dW2`` (q, h), ``dJ_dW1`` (h, d).
    """
    missing = {"x", "y", "z", "h", "o"} - set(cache)
    if missing:
        raise ValueError(f"cache must be the dict forward() returned; missing {sorted(missing)}")
    X, Y = _check(cache["x"], cache["y"], W1, W2, lam, activation)
    _, dphi = ACTIVATIONS[activation]
    n = len(X)
    z, h, o = (cache[k].reshape(n, -1) for k in ("z", "h", "o"))
    # (5.3.8) dJ/dL = dJ/ds = 1, so (5.3.9) dJ/do = dL/do: softmax minus one-hot, over the batch mean.
    dJ_do = (torch.softmax(o, dim=1) - F.one_hot(Y, o.shape[1]).to(o.dtype)) / n
    dJ_dW2 = dJ_do.T @ h + lam * W2  # (5.3.10), (5.3.11)
    dJ_dh = dJ_do @ W2  # (5.3.12)
    dJ_dz = dJ_dh * dphi(z)  # (5.3.13)
    dJ_dW1 = dJ_dz.T @ X + lam * W1  # (5.3.10), (5.3.14)
    squeeze = cache["x"].ndim == 1
    out = {"dJ_do": dJ_do, "dJ_dh": dJ_dh, "dJ_dz": dJ_dz}
    if squeeze:
        out = {k: v[0] for k, v in out.items()}
    return {**out, "dJ_dW2": dJ_dW2, "dJ_dW1": dJ_dW1}


class HandMLP(torch.autograd.Function):
    """J(W1, W2) whose backward is the hand derivation, not autograd's.

    ``HandMLP.apply(x, y, W1, W2, lam, activation)`` returns the scalar J;
    ``torch.autograd.gradcheck`` then compares :func:`backward` with central
    finite differences (use float64).
    """

    @staticmethod
    def forward(ctx, x, y, W1, W2, lam, activation):  # type: ignore[override]
        cache = forward(x, y, W1, W2, lam, activation)
        ctx.save_for_backward(W1, W2)
        ctx.cache, ctx.lam, ctx.activation = cache, lam, activation
        return cache["J"]

    @staticmethod
    def backward(ctx, grad_J):  # type: ignore[override]
        W1, W2 = ctx.saved_tensors
        grads = backward(ctx.cache, W1, W2, ctx.lam, ctx.activation)
        return None, None, grad_J * grads["dJ_dW1"], grad_J * grads["dJ_dW2"], None, None


def autograd_graph(named: dict[str, torch.Tensor]) -> dict[str, tuple[set[str], list[str]]]:
    """The graph autograd recorded, collapsed onto the named variables.

    ``named`` maps names to the tensors of one computation: leaves that require
    grad (``x``, ``W1``, ...) and results (``z``, ..., ``J``). For each result,
    walks back through ``grad_fn.next_functions`` until it meets another named
    tensor, and returns ``{name: (inputs, ops)}``: the names it depends on
    directly and the autograd nodes (``MmBackward0``, ...) passed on the way.
    Leaves get ``(set(), [])``.

    Args:
        named: names to tensors of one computation: leaves that require grad and results.

    Returns:
        ``{name: (inputs, ops)}``: the set of names each tensor depends on directly, and the autograd node names
        passed on the way (``[]`` and ``set()`` for leaves).
    """
    if not named or not all(isinstance(t, torch.Tensor) for t in named.values()):
        raise ValueError("named must map names to tensors")
    by_node: dict[object, str] = {}
    by_leaf: dict[int, str] = {}
    for name, t in named.items():
        if t.grad_fn is not None:
            by_node[t.grad_fn] = name
        elif t.requires_grad:
            by_leaf[id(t)] = name
        else:
            raise ValueError(f"{name!r} is a constant (requires_grad is False); autograd records no node for it")
    graph: dict[str, tuple[set[str], list[str]]] = {}
    for name, t in named.items():
        if t.grad_fn is None:
            graph[name] = (set(), [])
            continue
        inputs: set[str] = set()
        ops: list[str] = []
        stack, seen = [t.grad_fn], set()
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            var = getattr(fn, "variable", None)
            if var is not None:  # AccumulateGrad: a leaf
                if id(var) in by_leaf:
                    inputs.add(by_leaf[id(var)])
                continue
            if fn is not t.grad_fn and fn in by_node:
                inputs.add(by_node[fn])
                continue
            ops.append(type(fn).__name__)
            stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
        graph[name] = (inputs, ops)
    return graph


def saved_tensor_bytes(model: nn.Module, X: torch.Tensor, *, grad: bool = True) -> dict[str, int]:
    """Bytes autograd keeps for backward during one forward pass of ``model`` on ``X``.

    Counts each distinct storage once (``torch.autograd.graph.saved_tensors_hooks``),
    split into ``activations`` (tensors made by the forward pass) and
    ``parameters`` (weights saved for the input gradients; held anyway).
    With ``grad=False`` the pass runs under ``torch.no_grad()``: nothing is saved.

    Args:
        model: the network (an ``nn.Module``).
        X: the input batch, (n, ...).
        grad: False: run under ``torch.no_grad()`` (prediction).

    Returns:
        ``{"activations": bytes, "parameters": bytes}``, each storage counted once.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    param_ptrs = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        storage = t.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        if grad:
            out = model(X)
        else:
            with torch.no_grad():
                out = model(X)
    del out
    params = sum(b for p, b in storages.items() if p in param_ptrs)
    acts = sum(b for p, b in storages.items() if p not in param_ptrs)
    return {"activations": acts, "parameters": params, "total": acts + params}


def peak_memory_bytes(step: Callable[[], object]) -> int:
    """Peak bytes allocated on the CPU while ``step()`` runs, above what was allocated before it started.

    Measured with ``torch.profiler`` (``profile_memory=True``): the running sum of every allocation and free the
    profiler records during the call, in time order, and its maximum. Tensors ``step`` returns count while
    alive. Kineto's console log is silenced (``KINETO_LOG_LEVEL``) unless already configured.

    Args:
        step: a function of no arguments (one training step, or one prediction).

    Returns:
        The most bytes held at once during ``step()``, above what was allocated before it, as an int.
    """
    if not callable(step):
        raise TypeError(f"step must be a function of no arguments, got {type(step).__name__}")
    import os

    from torch.profiler import ProfilerActivity, profile

    os.environ.setdefault("KINETO_LOG_LEVEL", "6")
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    events = sorted((e.start_ns(), e.nbytes()) for e in prof.profiler.kineto_results.events() if e.name() == "[memory]")
    live = peak = 0
    for _, nbytes in events:
        live += nbytes
        peak = max(peak, live)
    return peak

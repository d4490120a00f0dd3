"""Checks for the exercises of notebooks 01-03: the weight gradients and a bias in backprop, sigma', clipping."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..backprop import ACTIVATIONS
from .core import CORRECT, Verdict, call, checker, compare, wrong
from .guards import AUTOGRAD, CLIPPING, Forbidden

#: The hand derivations may not ask autograd, nor the course's own reference, for the answer.
BY_HAND = AUTOGRAD + (
    Forbidden("d2l_ext.backprop.backward", "derive the gradients yourself: that is the course's reference"),
    Forbidden("d2l_ext.backprop.HandMLP.apply", "derive the gradients yourself: that is the course's reference"),
)

__all__ = [
    "check_bias_grads",
    "check_clip_gradients",
    "check_numerical_grad",
    "check_sigmoid_grad",
    "check_weight_grads",
]


def _pair(name: str, got: object, what: str, shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> tuple:
    """``got`` as a pair ``what`` of tensors of ``shapes``; Stop if it is not a pair, or a pair in the wrong order."""
    if not isinstance(got, tuple | list) or len(got) != 2:
        size = f" of length {len(got)}" if isinstance(got, tuple | list) else ""
        raise wrong(name, f"return a pair {what}; got {type(got).__name__}{size}.")
    shape = lambda t: tuple(getattr(t, "shape", ()))  # noqa: E731
    if shapes[0] != shapes[1] and (shape(got[0]), shape(got[1])) == shapes[::-1]:
        raise wrong(
            name,
            f"the pair is in the wrong order: shapes {shape(got[0])} and {shape(got[1])}.",
            f"return {what}, in that order.",
        )
    return got[0], got[1]


@checker("weight_grads")
def check_weight_grads(weight_grads: Callable[..., object]) -> Verdict:
    """Check ``weight_grads(x, y, W1, W2, lam, phi, phi_prime) -> (dJ_dW1 (h, d), dJ_dW2 (q, h))`` against autograd.

    The network of (5.3.1)-(5.3.6): z = W1 x, h = phi(z), o = W2 h, J = CE(o, y) + lam/2 (||W1||^2 + ||W2||^2).
    Tried with three activations, two sets of sizes (d, h, q all different, so that a transposed product
    cannot fit) and two values of lam, one of them not used anywhere in the notebook.
    """
    name = "weight_grads"
    cases = [(act, sizes, lam) for act, sizes, lam in zip(
        ("tanh", "sigmoid", "relu", "tanh"), ((6, 5, 3), (4, 7, 2), (6, 5, 3), (3, 4, 5)), (0.01, 0.37, 0.37, 0.01),
        strict=True)]  # fmt: skip
    for seed, (act, (d, h, q), lam) in enumerate(cases):
        gen = torch.Generator().manual_seed(seed)
        x = torch.randn(d, generator=gen, dtype=torch.float64)
        y = int(torch.randint(0, q, (1,), generator=gen))
        W1 = torch.randn(h, d, generator=gen, dtype=torch.float64)
        W2 = torch.randn(q, h, generator=gen, dtype=torch.float64)
        phi, phi_prime = ACTIVATIONS[act]
        W1_, W2_ = W1.clone().requires_grad_(True), W2.clone().requires_grad_(True)
        J = F.cross_entropy((W2_ @ phi(W1_ @ x))[None], torch.tensor([y])) + lam / 2 * (
            W1_.pow(2).sum() + W2_.pow(2).sum()
        )
        dW1, dW2 = torch.autograd.grad(J, (W1_, W2_))
        got = call(name, weight_grads, x, y, W1, W2, lam, phi, phi_prime, forbid=BY_HAND)
        g1, g2 = _pair(name, got, "(dJ_dW1, dJ_dW2)", (tuple(W1.shape), tuple(W2.shape)))
        z = W1 @ x
        hid = phi(z)
        o = W2 @ hid
        dJ_do = torch.softmax(o, 0) - F.one_hot(torch.tensor(y), q).to(o.dtype)
        dJ_dh = W2.T @ dJ_do
        out2 = torch.outer(dJ_do, hid)  # the loss's path of (5.3.11), without the penalty's
        out1 = torch.outer(dJ_dh * phi_prime(z), x)  # the same for (5.3.14)
        case = f" ({act}, lam = {lam:g}, d, h, q = {d}, {h}, {q})"
        two_paths = "{W} reaches J along two paths, through {v} and through the penalty s (5.3.10): add lam * {W}."
        half = "ds/d{W} = lam {W}: the 1/2 in s = lam/2 ||{W}||² cancels the 2 of the square."
        compare(
            name,
            g2,
            dW2,
            what="dJ/dW2" + case,
            mistakes={
                two_paths.format(W="W2", v="o"): out2,
                half.format(W="W2"): out2 + lam / 2 * W2,
                "dJ/do is softmax(o) minus the one-hot vector of y: the one-hot part is missing.": torch.outer(
                    torch.softmax(o, 0), hid
                )
                + lam * W2,
                "o = W2 h: the factor next to dJ/do is h = phi(z), the activation's output, not z.": torch.outer(
                    dJ_do, z
                )
                + lam * W2,
            },
            hint="follow both paths from W2 to J in Fig. 5.3.1; the result has W2's shape, q x h: (dJ/do) h^T, "
            "an outer product.",
            dtype=torch.float64,
        )
        compare(
            name,
            g1,
            dW1,
            what="dJ/dW1" + case,
            mistakes={
                "the gradient passes through the activation on its way from h to z: multiply dJ/dh elementwise by "
                "phi'(z) (5.3.13).": torch.outer(dJ_dh, x) + lam * W1,
                "phi' is evaluated at z, the activation's input, not at h = phi(z).": torch.outer(
                    dJ_dh * phi_prime(hid), x
                )
                + lam * W1,
                "that multiplies by phi(z); the chain rule needs its derivative, phi'(z).": torch.outer(
                    dJ_dh * phi(z), x
                )
                + lam * W1,
                two_paths.format(W="W1", v="z"): out1,
                half.format(W="W1"): out1 + lam / 2 * W1,
            },
            hint="go back from o to h (through W2, transposed), from h to z (through phi'), then to W1: the result has "
            "W1's shape, h x d.",
            dtype=torch.float64,
        )
    return Verdict(
        name,
        CORRECT,
        "dJ/dW1 and dJ/dW2 match autograd for tanh, sigmoid and ReLU, two values of lam and three sets of sizes: "
        "now compare them with the lecture's (5.3.11) to (5.3.14) below.",
    )


def _bias_case(seed: int) -> tuple[torch.Tensor, int, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    d, h, q = 6, 5, 3
    x = torch.randn(d, generator=gen, dtype=torch.float64)
    y = int(torch.randint(0, q, (1,), generator=gen))
    W1 = torch.randn(h, d, generator=gen, dtype=torch.float64) * 0.5
    b1 = torch.randn(h, generator=gen, dtype=torch.float64) * 0.5
    W2 = torch.randn(q, h, generator=gen, dtype=torch.float64) * 0.5
    b2 = torch.randn(q, generator=gen, dtype=torch.float64) * 0.5
    return x, y, W1, b1, W2, b2


@checker("bias_grads")
def check_bias_grads(bias_grads: Callable[..., object]) -> Verdict:
    """Check ``bias_grads(x, y, W1, b1, W2, b2, lam) -> (dJ_db1 (h,), dJ_db2 (q,))`` against autograd.

    The network: z = W1 x + b1, h = relu(z), o = W2 h + b2, J = CE(o, y) + lam/2 (||W1||^2 + ||W2||^2); three
    examples, with lam = 0.1 and a value the notebook never uses.
    """
    name = "bias_grads"
    one_hot = lambda o, y: F.one_hot(torch.tensor(y), len(o)).to(o.dtype)  # noqa: E731
    for seed, lam in zip(range(3), (0.1, 0.43, 0.1), strict=True):
        x, y, W1, b1, W2, b2 = _bias_case(seed)
        b1_, b2_ = b1.clone().requires_grad_(True), b2.clone().requires_grad_(True)
        z = W1 @ x + b1_
        o = W2 @ torch.relu(z) + b2_
        J = F.cross_entropy(o[None], torch.tensor([y])) + lam / 2 * (W1.pow(2).sum() + W2.pow(2).sum())
        db1, db2 = torch.autograd.grad(J, (b1_, b2_))
        got = call(name, bias_grads, x, y, W1, b1, W2, b2, lam, forbid=BY_HAND)
        g1, g2 = _pair(name, got, "(dJ_db1, dJ_db2)", ((len(b1),), (len(b2),)))
        z, o = z.detach(), o.detach()
        dJ_do = db2
        o_no_b2 = o - b2  # the output a forward pass without b2 computes
        z_no_b1 = W1 @ x
        compare(
            name,
            g2,
            db2,
            what="dJ/db2",
            mistakes={
                "the biases are not in the penalty s = lam/2 (||W1||² + ||W2||²): do not add lam * b2.": db2 + lam * b2,
                "dJ/do is softmax(o) minus the one-hot vector of y: the one-hot part is missing.": torch.softmax(o, 0),
                "your forward pass leaves out b2: o = W2 h + b2, and dJ/do is softmax(o) - e_y at that o.": (
                    torch.softmax(o_no_b2, 0) - one_hot(o, y)
                ),
                "your forward pass leaves out b1: z = W1 x + b1, and o follows from that z.": (
                    torch.softmax(W2 @ torch.relu(z_no_b1) + b2, 0) - one_hot(o, y)
                ),
                "your forward pass leaves out both biases: z = W1 x + b1, o = W2 h + b2.": (
                    torch.softmax(W2 @ torch.relu(z_no_b1), 0) - one_hot(o, y)
                ),
            },
            hint="o = W2 h + b2, so do/db2 is the identity: dJ/db2 = dJ/do, as in (5.3.9).",
            dtype=torch.float64,
        )
        compare(
            name,
            g1,
            db1,
            what="dJ/db1",
            mistakes={
                "the biases are not in the penalty s = lam/2 (||W1||² + ||W2||²): do not add lam * b1.": db1 + lam * b1,
                "that is dJ/dh: multiply by phi'(z) (5.3.13), for ReLU 1 where z > 0 and 0 elsewhere.": W2.T @ dJ_do,
                "phi'(z) for ReLU is 1 where z > 0: you used phi(z) = relu(z) itself.": (W2.T @ dJ_do) * torch.relu(z),
                "your forward pass leaves out b1: z = W1 x + b1, and relu'(z) is 1 where that z > 0.": (
                    (W2.T @ dJ_do) * (z_no_b1 > 0)
                ),
            },
            hint="z = W1 x + b1, so dz/db1 is the identity: dJ/db1 = dJ/dz, equation (5.3.13).",
            dtype=torch.float64,
        )
    return Verdict(
        name,
        CORRECT,
        "dJ/db1 and dJ/db2 match autograd on 3 random examples and two values of lam (to 1e-6); note that they "
        "equal dJ/dz and dJ/do.",
    )


@checker("sigmoid_grad")
def check_sigmoid_grad(sigmoid_grad: Callable[[torch.Tensor], object]) -> Verdict:
    """Check ``sigmoid_grad(z) -> sigma'(z)`` (z's shape and dtype) against autograd: 161 points of [-8, 8] in
    float64, then a (3, 4) float32 input. Without autograd."""
    name = "sigmoid_grad"
    z = torch.linspace(-8, 8, 161, dtype=torch.float64, requires_grad=True)
    (expected,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)
    z = z.detach()
    s = torch.sigmoid(z)
    got = call(name, sigmoid_grad, z, forbid=AUTOGRAD)
    compare(
        name,
        got,
        expected,
        what="sigma'(z)",
        mistakes={
            "that is sigma(z) itself; its derivative is sigma(z)(1 - sigma(z)).": s,
            "sigma(z)(1 + sigma(z)): the bracket is 1 - sigma(z), with a minus.": s * (1 + s),
            "z(1 - z) applies the formula to z: it is sigma(z)(1 - sigma(z)), with sigma(z) = 1/(1 + exp(-z)).": z
            * (1 - z),
            "1 - sigma(z)² is the pattern of tanh' = 1 - tanh²; for the sigmoid it is sigma(z)(1 - sigma(z)).": 1
            - s**2,
            "exp(-z)/(1 + exp(-z)) is missing a factor 1/(1 + exp(-z)): it equals 1 - sigma(z).": 1 - s,
        },
        hint="differentiate 1/(1 + exp(-z)) and write the result with sigma(z) = 1/(1 + exp(-z)).",
        dtype=torch.float64,
    )
    Z = 3 * torch.randn(3, 4, generator=torch.Generator().manual_seed(0))
    compare(
        name,
        call(name, sigmoid_grad, Z, forbid=AUTOGRAD),
        torch.sigmoid(Z) * (1 - torch.sigmoid(Z)),
        what="sigma'(Z) for a (3, 4) float32 input",
        hint="work elementwise (torch.sigmoid, *, -), so that any shape works.",
        dtype=torch.float32,
    )
    return Verdict(
        name,
        CORRECT,
        f"matches autograd at 161 points in [-8, 8] and on a (3, 4) float32 input; its "
        f"largest value is {float(got.max()):.4f} at z = 0.",
    )


def _clip_reference(grads: list[torch.Tensor], theta: float) -> list[torch.Tensor]:
    """min(1, theta / ||g||) g, with ||g|| the norm of all the tensors together."""
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    return [g * min(1.0, theta / float(norm)) for g in grads]


@checker("clip_gradients")
def check_clip_gradients(clip_gradients: Callable[..., object]) -> Verdict:
    """Check ``clip_gradients(grads: list of tensors, theta) -> list`` (global-norm clipping), with theta = 1 and
    a theta the notebook never uses, gradients above and below it; not the library's clip."""
    name = "clip_gradients"
    gen = torch.Generator().manual_seed(0)
    shapes = [(4, 3), (4,), (2, 4)]
    for scale, theta in ((5.0, 1.0), (0.05, 1.0), (5.0, 2.7), (0.9, 2.7)):  # total norm above, then below theta
        grads = [scale * torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
        got = call(name, clip_gradients, grads, theta, forbid=CLIPPING)
        if not isinstance(got, list | tuple) or len(got) != len(grads):
            raise wrong(
                name,
                f"return a list with one clipped tensor per gradient ({len(grads)} here), got {type(got).__name__}.",
            )
        for i, (g_got, g) in enumerate(zip(got, grads, strict=True)):
            if not isinstance(g_got, torch.Tensor) or g_got.shape != g.shape:
                shown = tuple(getattr(g_got, "shape", ())) or type(g_got).__name__
                raise wrong(name, f"gradient {i} should keep its shape {tuple(g.shape)}, got {shown}.")
            if g_got.dtype != g.dtype:
                raise wrong(name, f"gradient {i} has dtype {g_got.dtype}, the input's was {g.dtype}.",
                            "keep the dtype: multiply by the factor, do not convert.")  # fmt: skip
        flat = lambda gs: torch.cat([g.detach().double().flatten() for g in gs])  # noqa: E731
        norm = float(flat(grads).norm())
        compare(
            name,
            flat(got),
            flat(_clip_reference(grads, theta)),
            what=f"the result (for gradients of total norm {norm:.3g}, theta = {theta:g})",
            mistakes={
                "each tensor was clipped by its own norm: clip by the norm of all gradients together, "
                "||g|| = sqrt(sum of all squared entries), so the direction of the whole gradient is kept.": flat(
                    g * min(1.0, theta / float(g.norm())) for g in grads
                ),
                "clamping each entry to [-theta, theta] changes the gradient's direction: "
                "scale the whole vector instead.": flat(g.clamp(-theta, theta) for g in grads),
                "a gradient whose norm is already below theta must stay as it is: "
                "the factor is min(1, theta / ||g||).": flat(g * theta / norm for g in grads),
                "the bound is theta, the argument: use it, not a fixed number.": flat(_clip_reference(grads, 1.0)),
            },
            hint="g <- min(1, theta / ||g||) g, with ||g|| over all tensors together (the exercise's rule).",
        )
    return Verdict(
        name,
        CORRECT,
        "a gradient of total norm above theta is scaled to norm theta with its direction kept, one below theta is "
        "left alone, for two values of theta.",
    )


def _test_function(x: torch.Tensor) -> torch.Tensor:
    """A scalar function with curvature in every entry and coupling between entries: x (3, 4) -> ()."""
    return (x**3).sum() + (x[0] * x[1]).sum() + torch.sin(x).prod()


def _other_function(x: torch.Tensor) -> torch.Tensor:
    """Another, with a large third derivative: x (2, 5) -> ()."""
    return torch.exp(2 * x).sum() + (x[:, :-1] * x[:, 1:]).sum()


def _differences(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, step: Callable) -> torch.Tensor:
    """``step(f_of_shifted, i)`` for every entry i of x, shaped like x; ``f_of_shifted(i, h)`` is f with x_i + h."""

    def shifted(i: int, h: float) -> float:
        y = x.clone()
        y.view(-1)[i] += h
        return float(f(y))

    out = torch.zeros_like(x)
    for i in range(x.numel()):
        out.view(-1)[i] = step(shifted, i)
    return out


@checker("numerical_grad")
def check_numerical_grad(numerical_grad: Callable[..., object]) -> Verdict:
    """Check ``numerical_grad(f, x, eps) -> tensor shaped like x``: the central differences with the given eps,
    for two functions and two values of eps (large on purpose: central differences are off by O(eps²), forward
    ones by O(eps)). Without autograd; x left as it was."""
    name = "numerical_grad"
    worst = 0.0
    for f, shape, eps in ((_test_function, (3, 4), 1e-3), (_other_function, (2, 5), 3.1e-3)):
        x = torch.randn(*shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        x_ = x.clone().requires_grad_(True)
        (exact,) = torch.autograd.grad(f(x_), x_)
        central = _differences(f, x, lambda sh, i, e=eps: (sh(i, e) - sh(i, -e)) / (2 * e))
        got = call(name, numerical_grad, f, x, eps, forbid=AUTOGRAD)
        got = compare(
            name,
            got,
            central,
            what=f"the central differences (eps = {eps:g})",
            rtol=1e-7,
            atol=1e-8,
            mistakes={
                "that is the forward difference (f(x + eps) - f(x)) / eps, off by O(eps); the central difference "
                "(f(x + eps) - f(x - eps)) / (2 eps) is off by O(eps²) only.": _differences(
                    f, x, lambda sh, i, e=eps: (sh(i, e) - sh(i, 0.0)) / e
                ),
                "the central difference divides by 2 eps, the distance between x - eps and x + eps.": central * 2,
                "use the eps you are given: your differences were taken with another step.": _differences(
                    f, x, lambda sh, i: (sh(i, 1e-6) - sh(i, -1e-6)) / 2e-6
                ),
            },
            hint="perturb one entry at a time: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), for every entry i.",
            dtype=torch.float64,
        )
        worst = max(worst, (got - exact).abs().max().item())
    return Verdict(
        name,
        CORRECT,
        f"your central differences match, within {worst:.0e} of autograd for two functions and two values of eps, "
        "and x is left as it was.",
    )

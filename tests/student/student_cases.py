"""A student who tries to cheat, and one who answers right in an unexpected way: answers for every exercise.

Each exercise (by the name its check reports) has what its task text requires and forbids, answers that must
never get a ✓ (each with words its verdict must contain: the specific hint), and right answers unlike the
worked solution that must get one. ``tests/student/test_student.py`` types them into the student edition.
A prediction's wrong answers are tried in order: the first gets only its direction and the hint, the second
shows the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Exercise:
    """``requires``/``forbids``: the task text's rules; ``wrong``: (answer, words of its verdict); ``right``: answers
    that must get ✓."""

    requires: tuple[str, ...]
    forbids: tuple[str, ...]
    wrong: tuple[tuple[str, tuple[str, ...]], ...]
    right: tuple[str, ...] = field(default=())


WEIGHT_GRADS = """
def weight_grads(x, y, W1, W2, lam, phi, phi_prime):
    \"\"\"doc\"\"\"
    z = W1 @ x
    h = phi(z)
    o = W2 @ h
    dJ_do = torch.softmax(o, 0) - torch.nn.functional.one_hot(torch.tensor(y), len(o)).to(o.dtype)
    {body}
"""
BIAS_GRADS = """
def bias_grads(x, y, W1, b1, W2, b2, lam):
    \"\"\"doc\"\"\"
    z = W1 @ x + b1
    o = W2 @ torch.relu(z) + b2
    dJ_do = torch.softmax(o, 0) - torch.nn.functional.one_hot(torch.tensor(y), len(o)).to(o.dtype)
    {body}
"""
NUMERICAL = """
def numerical_grad(f, x, eps=1e-6):
    \"\"\"doc\"\"\"
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        old = x.view(-1)[i].item()
        x.view(-1)[i] = old + {step}
        f_plus = f(x).item()
        x.view(-1)[i] = old - {step}
        f_minus = f(x).item()
        x.view(-1)[i] = {restore}
        grad.view(-1)[i] = (f_plus - f_minus) / ({divide})
    return grad
"""


def _weight(body: str) -> str:
    return WEIGHT_GRADS.format(body=body.replace("\n", "\n    "))


def _bias(body: str) -> str:
    return BIAS_GRADS.format(body=body.replace("\n", "\n    "))


EXERCISES: dict[str, Exercise] = {
    # ---------------------------------------------------------------- 01
    "weight_grads": Exercise(
        requires=("the pair (dJ_dW1, dJ_dW2) for one example", "the penalty's lam W term", "any phi and its phi_prime"),
        forbids=("autograd", "the course's reference backward"),
        wrong=(
            (_weight("return torch.outer(W2.T @ dJ_do * phi_prime(z), x) + lam * W1, torch.outer(h, dJ_do) + lam * W2.T"),
             ("transposed",)),
            (_weight("return torch.outer(W2.T @ dJ_do, x) + lam * W1, torch.outer(dJ_do, h) + lam * W2"), ("phi'(z)",)),
            (_weight("return torch.outer(W2.T @ dJ_do * phi_prime(h), x) + lam * W1, torch.outer(dJ_do, h) + lam * W2"),
             ("evaluated at z",)),
            (_weight("return torch.outer(W2.T @ dJ_do * phi_prime(z), x), torch.outer(dJ_do, h)"), ("paths",)),
            (_weight("return torch.outer(dJ_do, h) + lam * W2, torch.outer(W2.T @ dJ_do * phi_prime(z), x) + lam * W1"),
             ("wrong order",)),
            (_weight("g = torch.outer(W2.T @ dJ_do * phi_prime(z), x) + 0.01 * W1\nreturn g, torch.outer(dJ_do, h) + 0.01 * W2"),
             ("paths", "lam")),
            (
                "def weight_grads(x, y, W1, W2, lam, phi, phi_prime):\n"
                "    W1, W2 = W1.clone().requires_grad_(), W2.clone().requires_grad_()\n"
                "    o = W2 @ phi(W1 @ x)\n"
                "    J = torch.nn.functional.cross_entropy(o[None], torch.tensor([y])) + lam / 2 * (W1.square().sum() + W2.square().sum())\n"
                "    J.backward()\n"
                "    return W1.grad, W2.grad",
                ("backward", "without autograd"),
            ),
            (
                "def weight_grads(x, y, W1, W2, lam, phi, phi_prime):\n"
                "    W1.mul_(2.0)\n"
                "    z = W1 @ x\n"
                "    W2 += 0\n"
                "    return None",
                ("in place",),
            ),
        ),
        right=(
            _weight("dJ_dz = (W2.T @ dJ_do) * phi_prime(z)\nreturn dJ_dz[:, None] * x[None, :] + lam * W1, dJ_do[:, None] @ h[None, :] + lam * W2"),
        ),
    ),
    "bias_grads": Exercise(
        requires=("the pair (dJ_db1, dJ_db2)", "ReLU as phi", "biases not decayed"),
        forbids=("autograd",),
        wrong=(
            (_bias("return (W2.T @ dJ_do) * (z > 0) + lam * b1, dJ_do + lam * b2"), ("do not add lam * b",)),
            (_bias("return W2.T @ dJ_do, dJ_do"), ("that is dJ/dh",)),
            (_bias("return dJ_do, (W2.T @ dJ_do) * (z > 0)"), ("wrong order",)),
            (
                "def bias_grads(x, y, W1, b1, W2, b2, lam):\n"
                "    z = W1 @ x\n"
                "    o = W2 @ torch.relu(z)\n"
                "    dJ_do = torch.softmax(o, 0) - torch.nn.functional.one_hot(torch.tensor(y), len(o)).to(o.dtype)\n"
                "    return (W2.T @ dJ_do) * (z > 0), dJ_do",
                ("forward pass leaves out",),
            ),
            (_bias("return ((W2.T @ dJ_do) * (z > 0)).float(), dJ_do.float()"), ("dtype",)),
        ),
        right=(_bias("return torch.where(z > 0, W2.T @ dJ_do, torch.zeros_like(z)), dJ_do.clone()"),),
    ),
    "memory at three times the width": Exercise(
        requires=("one number: the factor",),
        forbids=(),
        wrong=(("predicted_factor = 3.0", ("too high", "hint")), ("predicted_factor = 1.0", ("too low", "measured"))),
        right=("predicted_factor = np.float64((8 * 768 + 784) / (8 * 256 + 784))",),
    ),
    "numerical_grad": Exercise(
        requires=("central differences with the eps given", "a tensor shaped like x, of its dtype", "x left as it was"),
        forbids=("autograd",),
        wrong=(
            (NUMERICAL.format(step="eps", restore="old", divide="eps"), ("2 eps",)),
            (NUMERICAL.format(step="eps", restore="old + eps", divide="2 * eps"), ("in place",)),
            (NUMERICAL.format(step="1e-6", restore="old", divide="2 * 1e-6"), ("eps you are given",)),
            (
                "def numerical_grad(f, x, eps=1e-6):\n"
                "    x = x.clone().requires_grad_(True)\n"
                "    f(x).backward()\n"
                "    return x.grad",
                ("without autograd",),
            ),
        ),
        right=(
            "def numerical_grad(f, x, eps=1e-6):\n"
            "    eye = torch.eye(x.numel(), dtype=x.dtype).reshape(-1, *x.shape) * eps\n"
            "    return torch.stack([(f(x + e) - f(x - e)) / (2 * eps) for e in eye]).reshape(x.shape)",
        ),
    ),
    # ---------------------------------------------------------------- 02
    "sigmoid_grad": Exercise(
        requires=("sigma'(z) elementwise, any shape, z's dtype",),
        forbids=("autograd",),
        wrong=(
            ("def sigmoid_grad(z):\n    return z.sigmoid_() * (1 - z)", ("in place",)),
            (
                "def sigmoid_grad(z):\n    z = z.clone().requires_grad_(True)\n    torch.sigmoid(z).sum().backward()\n"
                "    return z.grad",
                ("without autograd",),
            ),
            ("def sigmoid_grad(z):\n    s = torch.sigmoid(z.double())\n    return s * (1 - s)", ("dtype",)),
            ("def sigmoid_grad(z):\n    return torch.sigmoid(z) * (1 + torch.sigmoid(z))", ("with a minus",)),
            ("def sigmoid_grad(z):\n    return (torch.sigmoid(z) * (1 - torch.sigmoid(z))).tolist()", ("tensor",)),
        ),
        right=("def sigmoid_grad(z):\n    return torch.exp(-z) / (1 + torch.exp(-z)) ** 2",),
    ),
    "5 sigmoid layers": Exercise(
        requires=("one positive number: the ratio",),
        forbids=(),
        wrong=(("predicted_ratio = 0.25 ** 5", ("too high", "hint")), ("predicted_ratio = 1e-8", ("too low", "measured"))),
        right=("predicted_ratio = torch.tensor(ratio20 ** 0.25)",),
    ),
    # ---------------------------------------------------------------- 03
    "clip_gradients": Exercise(
        requires=("a new list, one tensor per gradient, each its shape and dtype", "one factor for all tensors"),
        forbids=("torch.nn.utils.clip_grad_norm_", "changing the given tensors"),
        wrong=(
            (
                "def clip_gradients(grads, theta):\n"
                "    params = [torch.zeros_like(g, requires_grad=True) for g in grads]\n"
                "    for p, g in zip(params, grads):\n        p.grad = g.clone()\n"
                "    torch.nn.utils.clip_grad_norm_(params, theta)\n    return [p.grad for p in params]",
                ("clip_grad_norm_",),
            ),
            (
                "def clip_gradients(grads, theta):\n"
                "    norm = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
                "    return [g.mul_(min(1.0, theta / float(norm))) for g in grads]",
                ("in place",),
            ),
            (
                "def clip_gradients(grads, theta):\n"
                "    norm = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
                "    return [g * min(1.0, 1.0 / float(norm)) for g in grads]",
                ("theta",),
            ),
            ("def clip_gradients(grads, theta):\n    return [g * min(1.0, theta / float(g.norm())) for g in grads]",
             ("own norm",)),
            ("def clip_gradients(grads, theta):\n    return [g.clamp(-theta, theta) for g in grads]", ("direction",)),
        ),
        right=(
            "def clip_gradients(grads, theta):\n"
            "    norm = torch.cat([g.flatten() for g in grads]).norm()\n"
            "    return [g * torch.clamp(theta / norm, max=1.0) for g in grads]",
        ),
    ),
    "float64 overflow": Exercise(
        requires=("one number: the step",),
        forbids=(),
        wrong=(("predicted_step = 160", ("too low", "hint")), ("predicted_step = 10_000", ("too high", "measured"))),
        right=("predicted_step = np.int64(1260)",),
    ),
    # ---------------------------------------------------------------- 04
    "he_uniform": Exercise(
        requires=("U(-a, a) with He's variance 2/n_in", "(n_out, n_in) float32", "the generator passed on"),
        forbids=("nn.init",),
        wrong=(
            (
                "def he_uniform(n_in, n_out, generator=None):\n"
                "    return torch.nn.init.kaiming_uniform_(torch.empty(n_out, n_in), nonlinearity='relu', generator=generator)",
                ("nn.init",),
            ),
            (
                "def he_uniform(n_in, n_out, generator=None):\n"
                "    return (2 * torch.rand(n_out, n_in, generator=generator) - 1) * math.sqrt(2 / n_in)",
                ("standard deviation",),
            ),
            (
                "def he_uniform(n_in, n_out, generator=None):\n"
                "    return (2 * torch.rand(n_out, n_in, generator=generator) - 1) * math.sqrt(6 / (n_in + n_out))",
                ("Xavier",),
            ),
            (
                "def he_uniform(n_in, n_out, generator=None):\n"
                "    return (2 * torch.rand(300, 784, generator=generator) - 1) * math.sqrt(6 / 784)",
                ("shape",),
            ),
            (
                "def he_uniform(n_in, n_out, generator=None):\n"
                "    return (2 * torch.rand(n_out, n_in) - 1) * math.sqrt(6 / n_in)",
                ("generator",),
            ),
        ),
        right=(
            "def he_uniform(n_in, n_out, generator=None):\n"
            "    a = (6 / n_in) ** 0.5\n"
            "    return torch.empty(n_out, n_in).uniform_(-a, a, generator=generator)",
        ),
    ),
    "constant init, no hidden layer": Exercise(
        requires=("one of the options",),
        forbids=(),
        wrong=(("prediction = 'chance'", ("measurement says otherwise", "hint")), ("prediction = 'maybe'", ("not one of the options",))),
        right=("prediction = ' Learns '",),
    ),
    # ---------------------------------------------------------------- 05
    "count_distinct_units": Exercise(
        requires=("an int: rows equal within atol count once",),
        forbids=("the course's distinct_units",),
        wrong=(
            ("def count_distinct_units(W, atol=1e-6):\n    return torch.unique(W, dim=0).shape[0]", ("rounding",)),
            ("def count_distinct_units(W, atol=1e-6):\n    from d2l_ext.init import distinct_units\n"
             "    return distinct_units(W, atol)", ("distinct_units",)),
            (
                "def count_distinct_units(W, atol=1e-6):\n    kept = []\n    for row in W:\n"
                "        if not any((row - k).abs().max() <= 1e-6 for k in kept):\n            kept.append(row)\n"
                "    return len(kept)",
                ("atol you are given",),
            ),
        ),
        right=(
            "import numpy as np\n\n\n"
            "def count_distinct_units(W, atol=1e-6):\n"
            "    close = (W[:, None, :] - W[None, :, :]).abs().amax(-1) <= atol\n"
            "    return np.int64(sum(not close[i, :i].any() for i in range(len(W))))",
        ),
    ),
    "plateau at 10x the learning rate": Exercise(
        requires=("one number: the factor",),
        forbids=(),
        wrong=(("predicted_factor = 1.0", ("too high", "hint")), ("predicted_factor = 0.01", ("too low", "measured"))),
        right=("predicted_factor = 0.12",),
    ),
    # ---------------------------------------------------------------- 06
    "saturated_share": Exercise(
        requires=("a list of floats, one per layer", "the threshold given"),
        forbids=("changing the activations",),
        wrong=(
            ("def saturated_share(activations, threshold=0.99):\n    return [(a > threshold).float().mean().item() for a in activations]",
             ("-1 as well",)),
            ("def saturated_share(activations, threshold=0.99):\n    return [(a.abs() > 0.99).float().mean().item() for a in activations]",
             ("threshold you are given",)),
            ("def saturated_share(activations, threshold=0.99):\n    return [a.abs_().gt(threshold).float().mean().item() for a in activations]",
             ("in place",)),
            ("def saturated_share(activations, threshold=0.99):\n    return [int((a.abs() > threshold).sum()) for a in activations]",
             ("counts",)),
        ),
        right=("def saturated_share(activations, threshold=0.99):\n    return [torch.mean((a.abs() > threshold).double()) for a in activations]",),
    ),
    "uniform x sqrt(3)": Exercise(
        requires=("one number: the multiple",),
        forbids=(),
        wrong=(("predicted_multiple = 3.0", ("too high", "hint")), ("predicted_multiple = 1 / 3", ("too low", "measured"))),
        right=("predicted_multiple = torch.tensor(1.0)",),
    ),
    # ---------------------------------------------------------------- 07
    "early_stopping": Exercise(
        requires=("(best_epoch, stop_epoch) from 1", "a strict improvement", "the patience given"),
        forbids=("the course's early_stopping",),
        wrong=(
            (
                "def early_stopping(val_losses, patience):\n    from d2l_ext.core.train import early_stopping as rule\n"
                "    best, stop = rule(val_losses, patience)\n    return best, stop or len(val_losses)",
                ("early_stopping",),
            ),
            (
                "def early_stopping(val_losses, patience):\n    best, best_epoch, waited = math.inf, 0, 0\n"
                "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss <= best:\n"
                "            best, best_epoch, waited = loss, epoch, 0\n        else:\n            waited += 1\n"
                "            if waited == patience:\n                return best_epoch, epoch\n"
                "    return best_epoch, len(val_losses)",
                ("< best",),
            ),
            (
                "def early_stopping(val_losses, patience):\n    val_losses.append(math.inf)\n    return 1, 1",
                ("in place",),
            ),
        ),
        right=(
            "def early_stopping(val_losses, patience):\n    import numpy as np\n    v = np.array(val_losses)\n"
            "    best = 0\n    for k in range(1, len(v)):\n        if v[k] < v[best]:\n            best = k\n"
            "        elif k - best >= patience:\n            return np.int64(best + 1), np.int64(k + 1)\n"
            "    return best + 1, len(v)",
        ),
    ),
    "sgd_step_weight_decay": Exercise(
        requires=("the new w, w's shape and dtype",),
        forbids=("changing w or grad",),
        wrong=(
            ("def sgd_step_weight_decay(w, grad, lr, lam):\n    return w.sub_(lr * (grad + lam * w))", ("in place",)),
            ("def sgd_step_weight_decay(w, grad, lr, lam):\n    return w - 0.1 * (grad + 0.3 * w)", ("not fixed",)),
            ("def sgd_step_weight_decay(w, grad, lr, lam):\n    return w - lr * (grad + lam / 2 * w)", ("lam/2",)),
        ),
        right=("def sgd_step_weight_decay(w, grad, lr, lam):\n    return torch.add((1 - lr * lam) * w, grad, alpha=-lr)",),
    ),
    "double descent without label noise": Exercise(
        requires=("one of the options",),
        forbids=(),
        wrong=(("predicted_peak = 'no peak'", ("measurement says otherwise", "hint")),
               ("predicted_peak = 'a lower peak'", ("measurement says 'as high'",))),
        right=("predicted_peak = 'AS HIGH'",),
    ),
    # ---------------------------------------------------------------- 08
    "dropconnect_linear": Exercise(
        requires=("one mask for the whole minibatch", "the bias not masked", "X's dtype", "the generator"),
        forbids=(),
        wrong=(
            (
                "def dropconnect_linear(X, W, b, p, generator=None):\n"
                "    mask = (torch.rand(X.shape[0], *W.shape, generator=generator) > p).to(W.dtype)\n"
                "    return torch.einsum('nd,nkd->nk', X, W * mask / (1 - p)) + b",
                ("mask for each example",),
            ),
            (
                "def dropconnect_linear(X, W, b, p, generator=None):\n"
                "    mask = (torch.rand(W.shape[0], W.shape[1] + 1, generator=generator) > p).to(W.dtype) / (1 - p)\n"
                "    return X @ (W * mask[:, :-1]).T + b * mask[:, -1]",
                ("bias",),
            ),
            (
                "def dropconnect_linear(X, W, b, p, generator=None):\n"
                "    W *= (torch.rand(W.shape, generator=generator) > p).to(W.dtype) / (1 - p)\n    return X @ W.T + b",
                ("in place",),
            ),
            (
                "def dropconnect_linear(X, W, b, p, generator=None):\n"
                "    return (X * (torch.rand(X.shape, generator=generator) > p) / (1 - p)) @ W.T + b",
                ("dropped the inputs",),
            ),
        ),
        right=(
            "def dropconnect_linear(X, W, b, p, generator=None):\n"
            "    keep = torch.rand(W.shape, generator=generator) >= p\n"
            "    return torch.nn.functional.linear(X, torch.where(keep, W / (1 - p), torch.zeros_like(W)), b)",
        ),
    ),
    "dropout at test time": Exercise(
        requires=("one of the options",),
        forbids=(),
        wrong=(("prediction = 'same'", ("measurement says otherwise", "hint")), ("prediction = 'lowest'", ("not one of the options",))),
        right=("prediction = 'Lower'",),
    ),
    "much more dropout": Exercise(
        requires=("one of the options",),
        forbids=(),
        wrong=(("predicted_change = 'higher'", ("measurement says otherwise", "hint")),
               ("predicted_change = 'same'", ("measurement says 'lower'",))),
        right=("predicted_change = 'lower '",),
    ),
}

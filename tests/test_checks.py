"""The exercise checkers: the reference answer passes; typical wrong answers get their specific message."""

import math

import numpy as np
import pytest
import torch

from d2l_ext import checks
from d2l_ext.checks import CORRECT, ERROR, NOT_DONE, WRONG


def verdict(v, status, *words):
    assert v.status == status, str(v)
    text = str(v).lower()
    for w in words:
        assert w.lower() in text, (w, str(v))
    return v


# ---------------------------------------------------------------- the core
def test_verdict_renders_one_line_and_hint():
    v = checks.Verdict("f", WRONG, "it is off.", "try again.")
    assert str(v) == repr(v) == "✗ f — wrong: it is off.\n  Hint: try again."
    assert not v.passed and checks.Verdict("f", CORRECT, "ok").passed
    with pytest.raises(ValueError, match="status must be one of"):
        checks.Verdict("f", "fine", "")


def stub(*args, **kwargs):
    """The student edition's body: TODO, return None."""
    return None


def broken(*args, **kwargs):
    return 1 / 0


ALL_CHECKS = [
    checks.check_weight_grads,
    checks.check_bias_grads,
    checks.check_sigmoid_grad,
    checks.check_clip_gradients,
    checks.check_he_uniform,
    checks.check_count_distinct_units,
    checks.check_saturated_share,
    checks.check_early_stopping,
    checks.check_sgd_step_weight_decay,
    checks.check_dropconnect_linear,
]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_stub_is_not_done_yet_and_errors_name_the_line(check):
    verdict(check(stub), NOT_DONE, "returns None", "TODO")
    verdict(check(broken), ERROR, "ZeroDivisionError", "return 1 / 0")
    verdict(check(42), WRONG, "expected your function")


def _predict(exercise, prediction, measured, **tolerance):
    """A predict-then-run check as a notebook cell writes it; returns the verdict and how often the run ran."""
    runs = []

    @checks.check_prediction(exercise, prediction, **tolerance)
    def run():
        runs.append(1)
        return measured

    return run, len(runs)


@pytest.fixture(autouse=True)
def fresh_kernel():
    """Each test starts like a fresh kernel: no cached measurement, no wrong try."""
    checks.forget()
    yield
    checks.forget()


def test_predictions_and_choices():
    verdict(_predict("q", None, 2.0, rtol=0.1)[0], NOT_DONE, "still None")
    verdict(_predict("q", 2.1, 2.0, rtol=0.1)[0], CORRECT, "within 10%")
    verdict(_predict("q2", np.float64(2.1), 2.0, rtol=0.1)[0], CORRECT)  # a numpy scalar is a number
    verdict(_predict("q3", torch.tensor(2.1), 2.0, rtol=0.1)[0], CORRECT)  # and so is a 0-d tensor
    verdict(_predict("q4", 1e-8, 3e-8, orders=1)[0], CORRECT, "orders of magnitude")
    verdict(_predict("q5", "big", 3e-8, orders=1)[0], NOT_DONE, "one finite number")
    verdict(_predict("q6", -1.0, 3e-8, orders=1)[0], NOT_DONE, "positive")
    with pytest.raises(ValueError, match="exactly one"):
        checks.check_prediction("q", 1.0)

    def choose(exercise, prediction, measured, options=("a", "b")):
        @checks.check_choice(exercise, prediction, options)
        def run():
            return measured

        return run

    verdict(choose("c", None, "a"), NOT_DONE)
    verdict(choose("c", "a", "a"), CORRECT)
    verdict(choose("c2", " A ", "a"), CORRECT)  # case and spaces ignored
    verdict(choose("c3", "c", "a"), NOT_DONE, "not one of the options: 'a', 'b'")
    with pytest.raises(ValueError, match="must return one of"):
        choose("c4", "a", "z")


def test_claims_fail_the_notebook_once_measured():
    """A measurement outside its claim raises (nbval fails); inside, the verdict never shows the claim's range."""
    v = _predict("memory at three times the width", 2.45, 2.45, rtol=0.05)[0]
    verdict(v, CORRECT)
    assert "2 <" not in str(v) and "less than" not in str(v)
    for broken in (1.9, 3.0):
        checks.forget()
        with pytest.raises(checks.ClaimError, match="by less than 3x.*measured"):
            _predict("memory at three times the width", 2.45, broken, rtol=0.05)

    def choose(prediction, facts):
        @checks.check_choice("dropout at test time", prediction, ["lower", "higher"])
        def run():
            return dict(measured="lower", facts=facts)

        return run

    verdict(choose("lower", {"acc_on": [0.80, 0.81, 0.79], "acc_eval": 0.85}), CORRECT)
    checks.forget()
    with pytest.raises(AssertionError, match="acc_on"):  # the same pass three times: not random
        choose("lower", {"acc_on": [0.8] * 3, "acc_eval": 0.85})
    checks.forget()
    with pytest.raises(ValueError, match="needs the facts"):
        choose("lower", {})


def test_a_prediction_is_read_before_the_run_and_the_run_happens_once():
    """None is answered at once, without running; the run happens once per kernel, and a retry costs nothing."""
    _, ran = _predict("slow", None, 2.0, rtol=0.1)
    assert ran == 0
    _, ran = _predict("slow", 3.0, 2.0, rtol=0.1)
    assert ran == 1
    _, ran = _predict("slow", 2.0, 2.0, rtol=0.1)
    assert ran == 0  # the cached measurement


def test_only_the_first_guess_counts():
    """A first wrong prediction says which way it is off, with the hint, not the measurement; a second shows it."""
    first = verdict(_predict("memory at three times the width", 3.0, 2.45, rtol=0.05)[0], WRONG, "too high", "hint:")
    assert "2.45" not in str(first)
    second = verdict(_predict("memory at three times the width", 1.3, 2.45, rtol=0.05)[0], WRONG, "2.45")
    assert "not everything that is kept grows" in str(second)
    verdict(_predict("memory at three times the width", 2.45, 2.45, rtol=0.05)[0], CORRECT, "2.45")


def test_the_measurement_stays_out_of_the_namespace():
    """The decorated run becomes the verdict: no function and no number is left to copy into the prediction."""
    scope = {"checks": checks}
    exec(
        "@checks.check_prediction('q', 3, rtol=0.1)\ndef run():\n    measured_step = 1251\n    return measured_step\n",
        scope,
    )
    assert isinstance(scope["run"], checks.Verdict) and "measured_step" not in scope
    assert not any(isinstance(v, int | float) for k, v in scope.items() if not k.startswith("__"))


def test_compare_says_transposed_reshaped_factor_sign_and_worst_entry():
    from d2l_ext.checks.core import Stop, compare

    ref = torch.arange(1.0, 7.0).reshape(2, 3)

    def why(got, **kw):
        with pytest.raises(Stop) as e:
            compare("f", got, ref, **kw)
        return e.value.verdict

    compare("f", ref.clone(), ref)
    verdict(why(ref.T), WRONG, "transposed")
    verdict(why(ref.flatten()), WRONG, "wrong shape")
    verdict(why(torch.ones(5)), WRONG, "shape (5,)")
    verdict(why(2 * ref), WRONG, "constant factor", "2 x")
    verdict(why(-ref), WRONG, "sign flipped")
    bad = ref.clone()
    bad[1, 2] = 0
    verdict(why(bad), WRONG, "1 of 6 entries", "[1, 2]", "yours 0", "expected 6")
    nan = ref.clone()
    nan[0, 1] = math.nan
    verdict(why(nan), WRONG, "NaN", "[0, 1]")
    verdict(why("text"), WRONG, "should be a tensor")
    verdict(why(ref + 1, mistakes={"the known slip.": ref + 1}), WRONG, "typical mistake", "the known slip")
    compare("f", ref.tolist(), ref)  # lists of numbers are accepted


# ---------------------------------------------------------------- 01: the weight gradients
def weight_grads(x, y, W1, W2, lam, phi, phi_prime, *, slip=None):
    """The reference derivation, or one of its typical slips."""
    z = W1 @ x
    h = phi(z)
    o = W2 @ h
    e_y = torch.zeros_like(o)
    e_y[y] = 1
    dJ_do = torch.softmax(o, 0) - (0 if slip == "no one-hot" else e_y)
    decay = {"no decay": 0.0, "half decay": lam / 2}.get(slip, lam)
    dJ_dW2 = torch.outer(h, dJ_do) if slip == "transposed" else torch.outer(dJ_do, z if slip == "z for h" else h)
    dJ_dW2 = dJ_dW2 + decay * (W2.T if slip == "transposed" else W2)
    slope = {"no phi'": 1.0, "phi' at h": phi_prime(h), "phi for phi'": phi(z)}.get(slip, phi_prime(z))
    dJ_dW1 = torch.outer(W2.T @ dJ_do * slope, x) + decay * W1
    return (dJ_dW2, dJ_dW1) if slip == "swapped" else (dJ_dW1, dJ_dW2)


def test_weight_grads():
    verdict(checks.check_weight_grads(weight_grads), CORRECT, "match autograd", "(5.3.11)")

    def batched(x, y, W1, W2, lam, phi, phi_prime):  # another correct form: the minibatch one, batch of 1
        X = x[None]
        Z = X @ W1.T
        O = phi(Z) @ W2.T
        dO = torch.softmax(O, 1) - torch.nn.functional.one_hot(torch.tensor([y]), O.shape[1])
        dZ = dO @ W2 * phi_prime(Z)
        return dZ.T @ X + lam * W1, dO.T @ phi(Z) + lam * W2

    verdict(checks.check_weight_grads(batched), CORRECT, "match autograd")
    slips = {
        "transposed": ("dJ/dW2", "transposed"),
        "no one-hot": ("dJ/dW2", "one-hot"),
        "no decay": ("dJ/dW2", "two paths", "add lam * W2"),
        "half decay": ("dJ/dW2", "cancels the 2"),
        "z for h": ("dJ/dW2", "not z"),
        "no phi'": ("dJ/dW1", "phi'(z) (5.3.13)"),
        "phi' at h": ("dJ/dW1", "evaluated at z"),
        "phi for phi'": ("dJ/dW1", "its derivative"),
        "swapped": ("wrong order",),
    }
    for slip, words in slips.items():
        verdict(checks.check_weight_grads(lambda *a, s=slip: weight_grads(*a, slip=s)), WRONG, *words)
    verdict(checks.check_weight_grads(lambda *a: weight_grads(*a)[0]), WRONG, "return a pair")


# ---------------------------------------------------------------- 01: bias gradients
def bias_grads(x, y, W1, b1, W2, b2, lam):
    z = W1 @ x + b1
    o = W2 @ torch.relu(z) + b2
    e_y = torch.zeros_like(o)
    e_y[y] = 1
    dJ_do = torch.softmax(o, 0) - e_y
    return (W2.T @ dJ_do) * (z > 0), dJ_do


def test_bias_grads():
    verdict(checks.check_bias_grads(bias_grads), CORRECT, "match autograd")

    def decayed(x, y, W1, b1, W2, b2, lam):
        g1, g2 = bias_grads(x, y, W1, b1, W2, b2, lam)
        return g1 + lam * b1, g2 + lam * b2

    def no_phi(x, y, W1, b1, W2, b2, lam):
        g1, g2 = bias_grads(x, y, W1, b1, W2, b2, lam)
        return W2.T @ g2, g2

    def summed(x, y, W1, b1, W2, b2, lam):
        g1, g2 = bias_grads(x, y, W1, b1, W2, b2, lam)
        return g1.sum(), g2

    verdict(checks.check_bias_grads(decayed), WRONG, "dJ/db2", "do not add lam * b2")
    verdict(checks.check_bias_grads(no_phi), WRONG, "dJ/db1", "that is dJ/dh")
    verdict(checks.check_bias_grads(summed), WRONG, "dJ/db1 has shape ()")
    verdict(checks.check_bias_grads(lambda *a: bias_grads(*a)[0]), WRONG, "return a pair")

    def no_biases(x, y, W1, b1, W2, b2, lam):  # a forward pass without either bias
        return bias_grads(x, y, W1, torch.zeros_like(b1), W2, torch.zeros_like(b2), lam)

    verdict(checks.check_bias_grads(no_biases), WRONG, "leaves out both biases")


def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        old = x.view(-1)[i].item()
        x.view(-1)[i] = old + eps
        f_plus = f(x).item()
        x.view(-1)[i] = old - eps
        f_minus = f(x).item()
        x.view(-1)[i] = old
        grad.view(-1)[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def test_numerical_grad():
    verdict(checks.check_numerical_grad(numerical_grad), CORRECT, "x is left as it was", "two values of eps")

    def forward(f, x, eps=1e-6):
        f0, grad = f(x).item(), torch.zeros_like(x)
        for i in range(x.numel()):
            y = x.clone()
            y.view(-1)[i] += eps
            grad.view(-1)[i] = (f(y).item() - f0) / eps
        return grad

    def no_half(f, x, eps=1e-6):
        return 2 * numerical_grad(f, x, eps)

    def not_restored(f, x, eps=1e-6):
        g = numerical_grad(f, x, eps)
        x += eps
        return g

    verdict(checks.check_numerical_grad(forward), WRONG, "forward difference")
    verdict(checks.check_numerical_grad(no_half), WRONG, "2 eps")
    verdict(checks.check_numerical_grad(not_restored), WRONG, "changed its input `x` in place")
    verdict(checks.check_numerical_grad(lambda f, x, eps: numerical_grad(f, x, 1e-6)), WRONG, "eps you are given")

    def by_autograd(f, x, eps):
        x = x.clone().requires_grad_(True)
        f(x).backward()
        return x.grad

    verdict(checks.check_numerical_grad(by_autograd), WRONG, "Tensor.backward", "without autograd")
    verdict(checks.check_numerical_grad(lambda f, x, eps=1e-6: numerical_grad(f, x, eps).T), WRONG, "transposed")


# ---------------------------------------------------------------- 02: sigma'
def test_sigmoid_grad():
    verdict(checks.check_sigmoid_grad(lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z))), CORRECT, "0.2500")
    verdict(checks.check_sigmoid_grad(lambda z: torch.exp(-z) / (1 + torch.exp(-z)) ** 2), CORRECT)  # another formula

    def in_place(z):
        s = z.sigmoid_()
        return s * (1 - s)

    def by_autograd(z):
        z = z.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)
        return g

    def as_float64(z):
        s = torch.sigmoid(z.double())
        return s * (1 - s)

    verdict(checks.check_sigmoid_grad(in_place), WRONG, "changed its input `z` in place")
    verdict(checks.check_sigmoid_grad(by_autograd), WRONG, "autograd.grad", "without autograd")
    verdict(checks.check_sigmoid_grad(as_float64), WRONG, "dtype torch.float64", "input was torch.float32")
    verdict(
        checks.check_sigmoid_grad(lambda z: (torch.sigmoid(z) * (1 - torch.sigmoid(z))).tolist()), WRONG, "torch tensor"
    )
    verdict(checks.check_sigmoid_grad(lambda z: torch.sigmoid(z) * (1 + torch.sigmoid(z))), WRONG, "with a minus")
    verdict(checks.check_sigmoid_grad(lambda z: z * (1 - z)), WRONG, "applies the formula to z")
    verdict(checks.check_sigmoid_grad(lambda z: 1 - torch.sigmoid(z) ** 2), WRONG, "tanh")
    verdict(checks.check_sigmoid_grad(lambda z: 0.5 * torch.sigmoid(z) * (1 - torch.sigmoid(z))), WRONG, "factor")
    verdict(checks.check_sigmoid_grad(lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z)).flatten()[0]), WRONG)
    # only 1-D works: the (3, 4) input is caught
    verdict(
        checks.check_sigmoid_grad(
            lambda z: torch.stack([torch.sigmoid(t) * (1 - torch.sigmoid(t)) for t in z.flatten()])
        ),
        WRONG,
        "(3, 4)",
        "right values in the wrong shape",
    )


# ---------------------------------------------------------------- 03: clipping
def clip(grads, theta):
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    return [g * min(1.0, theta / float(norm)) for g in grads]


def test_clip_gradients():
    verdict(checks.check_clip_gradients(clip), CORRECT)

    def torch_clip(grads, theta):  # the library's version (on .grad, eps 1e-6: within tolerance)
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads, strict=True):
            p.grad = g.clone()
        torch.nn.utils.clip_grad_norm_(params, theta)
        return [p.grad for p in params]

    verdict(checks.check_clip_gradients(torch_clip), WRONG, "clip_grad_norm_", "yourself")

    def in_place(grads, theta):
        norm = torch.sqrt(sum((g**2).sum() for g in grads))
        return [g.mul_(min(1.0, theta / float(norm))) for g in grads]

    verdict(checks.check_clip_gradients(in_place), WRONG, "changed its input `grads` in place")
    verdict(checks.check_clip_gradients(lambda gs, theta: clip(gs, 1.0)), WRONG, "theta = 2.7", "not a fixed number")
    verdict(
        checks.check_clip_gradients(lambda gs, t: [g * min(1.0, t / float(g.norm())) for g in gs]), WRONG, "own norm"
    )
    verdict(checks.check_clip_gradients(lambda gs, t: [g.clamp(-t, t) for g in gs]), WRONG, "direction")
    always = lambda gs, t: [g * t / float(torch.cat([h.flatten() for h in gs]).norm()) for g in gs]  # noqa: E731
    verdict(checks.check_clip_gradients(always), WRONG, "already below theta")
    verdict(checks.check_clip_gradients(lambda gs, t: gs[:2]), WRONG, "one clipped tensor per gradient")
    ignores_theta = lambda gs, t: clip(gs, 1.0)  # noqa: E731
    verdict(checks.check_clip_gradients(ignores_theta), WRONG, "the bound is theta")


# ---------------------------------------------------------------- 04: He uniform
def he_uniform(n_in, n_out, generator=None):
    a = math.sqrt(6 / n_in)
    return (2 * torch.rand(n_out, n_in, generator=generator) - 1) * a


def test_he_uniform():
    verdict(checks.check_he_uniform(he_uniform), CORRECT, "reproducible")
    other = lambda i, o, generator=None: torch.empty(o, i).uniform_(-1, 1, generator=generator) * math.sqrt(6 / i)  # noqa: E731
    verdict(checks.check_he_uniform(other), CORRECT)  # another torch call, not nn.init
    library = lambda i, o, generator=None: torch.nn.init.kaiming_uniform_(
        torch.empty(o, i), nonlinearity="relu", generator=generator
    )  # noqa: E731
    verdict(checks.check_he_uniform(library), WRONG, "init.kaiming_uniform_", "torch.rand")
    from torch.nn.init import uniform_

    def imported(i, o, generator=None):
        return uniform_(torch.empty(o, i), -math.sqrt(6 / i), math.sqrt(6 / i), generator=generator)

    verdict(checks.check_he_uniform(imported), WRONG, "init.uniform_")
    verdict(checks.check_he_uniform(lambda i, o, generator=None: he_uniform(i, o, generator).T), WRONG, "transposed")
    std_bound = lambda i, o, generator=None: (2 * torch.rand(o, i, generator=generator) - 1) * math.sqrt(2 / i)  # noqa: E731
    verdict(checks.check_he_uniform(std_bound), WRONG, "standard deviation")
    xavier = lambda i, o, generator=None: (2 * torch.rand(o, i, generator=generator) - 1) * math.sqrt(6 / (i + o))  # noqa: E731
    verdict(checks.check_he_uniform(xavier), WRONG, "Xavier's variance")
    normal = lambda i, o, generator=None: torch.randn(o, i, generator=generator) * math.sqrt(2 / i)  # noqa: E731
    verdict(checks.check_he_uniform(normal), WRONG, "bell")
    positive = lambda i, o, generator=None: torch.rand(o, i, generator=generator) * math.sqrt(6 / i)  # noqa: E731
    verdict(checks.check_he_uniform(positive), WRONG, ">= 0")
    verdict(checks.check_he_uniform(lambda i, o, generator=None: he_uniform(i, o)), WRONG, "generator")
    fixed = lambda i, o, generator=None: he_uniform(784, 300, generator)  # noqa: E731
    verdict(checks.check_he_uniform(fixed), WRONG, "shape")
    verdict(
        checks.check_he_uniform(lambda i, o, generator=None: he_uniform(i, o, generator).double()), WRONG, "float32"
    )


# ---------------------------------------------------------------- 05: distinct units
def count_distinct_units(W, atol=1e-6):
    reps = []
    for w in W:
        if not any((w - r).abs().max() <= atol for r in reps):
            reps.append(w)
    return len(reps)


def test_count_distinct_units():
    verdict(checks.check_count_distinct_units(count_distinct_units), CORRECT)
    verdict(
        checks.check_count_distinct_units(lambda W, atol=1e-6: count_distinct_units(W.T, atol)),
        WRONG,
        "counted columns",
    )
    verdict(checks.check_count_distinct_units(lambda W, atol=1e-6: torch.unique(W, dim=0).shape[0]), WRONG, "rounding")
    verdict(checks.check_count_distinct_units(lambda W, atol=1e-6: "two"), WRONG, "whole number")
    verdict(
        checks.check_count_distinct_units(lambda W, atol=1e-6: count_distinct_units(W)), WRONG, "atol you are given"
    )
    verdict(checks.check_count_distinct_units(lambda W, atol=1e-6: np.int64(count_distinct_units(W, atol))), CORRECT)
    from d2l_ext.init import distinct_units

    verdict(checks.check_count_distinct_units(lambda W, atol=1e-6: distinct_units(W, atol)), WRONG, "distinct_units")


# ---------------------------------------------------------------- 06: saturation
def test_saturated_share():
    verdict(
        checks.check_saturated_share(lambda acts, t=0.99: [(a.abs() > t).float().mean().item() for a in acts]), CORRECT
    )
    verdict(
        checks.check_saturated_share(lambda acts, t=0.99: torch.stack([(a.abs() > t).double().mean() for a in acts])),
        CORRECT,
    )
    verdict(
        checks.check_saturated_share(lambda acts, t=0.99: [(a > t).float().mean().item() for a in acts]),
        WRONG,
        "-1 as well",
    )
    verdict(
        checks.check_saturated_share(lambda acts, t=0.99: [int((a.abs() > t).sum()) for a in acts]), WRONG, "counts"
    )
    verdict(checks.check_saturated_share(lambda acts, t=0.99: [0.5]), WRONG, "one number per layer")
    verdict(checks.check_saturated_share(lambda acts, t=0.99: [(a.abs() > t).float().mean() for a in acts]), CORRECT)
    fixed = lambda acts, t=0.99: [(a.abs() > 0.99).float().mean().item() for a in acts]  # noqa: E731
    verdict(checks.check_saturated_share(fixed), WRONG, "threshold you are given")

    def in_place(acts, t=0.99):
        return [a.abs_().gt(t).float().mean().item() for a in acts]

    verdict(checks.check_saturated_share(in_place), WRONG, "in place")


# ---------------------------------------------------------------- 07: early stopping, weight decay
def early_stopping(val_losses, patience):
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def test_early_stopping():
    verdict(checks.check_early_stopping(early_stopping), CORRECT)

    def no_reset(val_losses, patience):
        best, best_epoch, waited = math.inf, 0, 0
        for epoch, loss in enumerate(val_losses, start=1):
            if loss < best:
                best, best_epoch = loss, epoch
            else:
                waited += 1
                if waited == patience:
                    return best_epoch, epoch
        return best_epoch, len(val_losses)

    def ties(val_losses, patience):
        return early_stopping([v - 1e-9 * i for i, v in enumerate(val_losses)], patience)

    verdict(checks.check_early_stopping(no_reset), WRONG, "restart at 0", "for val_losses")
    verdict(checks.check_early_stopping(ties), WRONG, "< best")
    verdict(checks.check_early_stopping(lambda v, p: tuple(e - 1 for e in early_stopping(v, p))), WRONG, "from 1")
    verdict(checks.check_early_stopping(lambda v, p: early_stopping(v, p)[1]), WRONG, "a pair")
    verdict(checks.check_early_stopping(lambda v, p: early_stopping(v, 3)), WRONG, "patience")
    verdict(checks.check_early_stopping(lambda v, p: tuple(np.int64(e) for e in early_stopping(v, p))), CORRECT)
    from d2l_ext.core.train import early_stopping as reference

    verdict(checks.check_early_stopping(lambda v, p: reference(v, p)), WRONG, "early_stopping", "reference")

    def appends(v, p):
        v.append(v[-1])
        return early_stopping(v[:-1], p)

    verdict(checks.check_early_stopping(appends), WRONG, "changed its input `v`")


def test_sgd_step_weight_decay():
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - lr * (g + lam * w)), CORRECT, "0.97")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: (1 - lr * lam) * w - lr * g), CORRECT)
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - lr * g), WRONG, "lambda term is missing")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - lr * (g + lam / 2 * w)), WRONG, "not lam/2")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - lr * (g - lam * w)), WRONG, "toward 0")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - lr * g - lam * w), WRONG, "learning rate")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w - 0.1 * (g + 0.3 * w)), WRONG, "not fixed")
    verdict(checks.check_sgd_step_weight_decay(lambda w, g, lr, lam: w.sub_(lr * (g + lam * w))), WRONG, "in place")


# ---------------------------------------------------------------- 08: DropConnect
def dropconnect_linear(X, W, b, p, generator=None):
    mask = (torch.rand(W.shape, generator=generator) > p).to(W.dtype)
    return X @ (W * mask / (1 - p)).T + b


def test_dropconnect_linear():
    verdict(checks.check_dropconnect_linear(dropconnect_linear), CORRECT, "one mask per weight")

    def unscaled(X, W, b, p, generator=None):
        return X @ (W * (torch.rand(W.shape, generator=generator) > p)).T + b

    def input_dropout(X, W, b, p, generator=None):
        return (X * (torch.rand(X.shape, generator=generator) > p) / (1 - p)) @ W.T + b

    def output_dropout(X, W, b, p, generator=None):
        o = X @ W.T
        return o * (torch.rand(o.shape, generator=generator) > p) / (1 - p) + b

    verdict(checks.check_dropconnect_linear(unscaled), WRONG, "1/(1 - p)")
    verdict(checks.check_dropconnect_linear(input_dropout), WRONG, "dropped the inputs")
    verdict(checks.check_dropconnect_linear(output_dropout), WRONG, "dropped the outputs")
    verdict(
        checks.check_dropconnect_linear(
            lambda X, W, b, p, generator=None: X @ (W * (torch.rand(W.shape) > p) / (1 - p)).T + b
        ),
        WRONG,
        "generator",
    )
    verdict(checks.check_dropconnect_linear(lambda X, W, b, p, generator=None: X @ W.T), WRONG, "bias b is missing")
    verdict(
        checks.check_dropconnect_linear(
            lambda X, W, b, p, generator=None: dropconnect_linear(X, W, b, p / 2, generator)
        ),
        WRONG,
        "dropped with p = 0.3",
    )

    def per_example(X, W, b, p, generator=None):
        mask = (torch.rand(X.shape[0], *W.shape, generator=generator) > p).to(W.dtype)
        return torch.einsum("nd,nkd->nk", X, W * mask / (1 - p)) + b

    def masked_bias(X, W, b, p, generator=None):
        mask = (torch.rand(W.shape[0], W.shape[1] + 1, generator=generator) > p).to(W.dtype) / (1 - p)
        return X @ (W * mask[:, :-1]).T + b * mask[:, -1]

    verdict(checks.check_dropconnect_linear(per_example), WRONG, "mask for each example", "whole minibatch")
    verdict(checks.check_dropconnect_linear(masked_bias), WRONG, "reached the bias")
    verdict(
        checks.check_dropconnect_linear(lambda X, W, b, p, generator=None: dropconnect_linear(X, W, b, 0.3, generator)),
        WRONG,
        "p you are given",
    )


def test_early_stopping_reproduces_fit():
    import d2l_ext

    gen = torch.Generator().manual_seed(0)
    X = torch.randn(200, 5, generator=gen)
    y = ((X[:, 0] > 0).long() + (X[:, 1] > 0.5).long() + (torch.rand(200, generator=gen) < 0.3).long()) % 3
    data = d2l_ext.TensorData((X[:100], y[:100]), (X[100:], y[100:]), batch_size=20)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(5, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
    h = d2l_ext.fit(net, data, 60, lr=0.05, progress=False, patience=3, device="cpu")
    assert 1 < h.best_epoch < h.epochs < 60  # it improved, then stopped early: the case is informative
    # the verdict names no epoch: the notebook compares it on every CPU, where training ends elsewhere
    verdict(checks.check_early_stopping(early_stopping, history=h, patience=3), CORRECT, "that fit(patience=3) kept")
    verdict(checks.check_early_stopping(early_stopping, history=h, patience=2), WRONG, "fit kept epoch")
    with pytest.raises(ValueError, match="history must come from fit"):
        checks.check_early_stopping(early_stopping, history=d2l_ext.History(), patience=3)


def test_error_names_the_students_line_not_the_librarys():
    def shapes_off(z):
        W = torch.ones(3, 3)
        return torch.nn.functional.linear(z, W)  # raises inside torch: the line named is this one

    v = verdict(checks.check_sigmoid_grad(shapes_off), ERROR, "RuntimeError", "torch.nn.functional.linear(z, W)")
    assert "site-packages" not in str(v)
    verdict(checks.check_sigmoid_grad(torch.zeros(1000)), WRONG, "expected your function, got Tensor")
    assert len(str(checks.check_sigmoid_grad(torch.zeros(1000)))) < 300

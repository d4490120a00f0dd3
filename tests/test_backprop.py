import pytest
import torch
from torch import nn

import d2l_ext
from d2l_ext import backprop


def _params(d=7, h=5, q=4, dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(h, d, generator=gen, dtype=dtype), torch.randn(q, h, generator=gen, dtype=dtype))


def _autograd_grads(x, y, W1, W2, lam, activation):
    W1_, W2_ = W1.clone().requires_grad_(True), W2.clone().requires_grad_(True)
    cache = backprop.forward(x, y, W1_, W2_, lam, activation)
    for k in ("z", "h", "o"):
        cache[k].retain_grad()
    cache["J"].backward()
    return {"dJ_dW1": W1_.grad, "dJ_dW2": W2_.grad, "dJ_do": cache["o"].grad,
            "dJ_dh": cache["h"].grad, "dJ_dz": cache["z"].grad}  # fmt: skip


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("dtype, tol", [(torch.float32, 1e-5), (torch.float64, 1e-12)])
@pytest.mark.parametrize("batch", [None, 6])
def test_backward_matches_autograd(activation, dtype, tol, batch):
    W1, W2 = _params(dtype=dtype)
    gen = torch.Generator().manual_seed(1)
    if batch is None:
        x, y = torch.randn(7, generator=gen, dtype=dtype), 2
    else:
        x, y = torch.randn(batch, 7, generator=gen, dtype=dtype), torch.randint(0, 4, (batch,), generator=gen)
    cache = backprop.forward(x, y, W1, W2, 0.1, activation)
    assert cache["z"].shape == ((5,) if batch is None else (batch, 5))
    assert cache["o"].shape == ((4,) if batch is None else (batch, 4))
    assert cache["J"].ndim == 0 and cache["J"].dtype == dtype
    assert torch.allclose(cache["J"], cache["L"] + cache["s"])
    hand = backprop.backward(cache, W1, W2, 0.1, activation)
    auto = _autograd_grads(x, y, W1, W2, 0.1, activation)
    for k, v in auto.items():
        assert hand[k].shape == v.shape, k
        assert torch.allclose(hand[k], v, atol=tol, rtol=0), (k, (hand[k] - v).abs().max())


def test_single_example_equals_batch_of_one():
    W1, W2 = _params()
    x = torch.randn(7, dtype=torch.float64)
    one = backprop.backward(backprop.forward(x, 3, W1, W2, 0.0), W1, W2, 0.0)
    batch = backprop.backward(backprop.forward(x[None], torch.tensor([3]), W1, W2, 0.0), W1, W2, 0.0)
    assert torch.allclose(one["dJ_dW1"], batch["dJ_dW1"]) and torch.allclose(one["dJ_do"], batch["dJ_do"][0])


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_hand_gradients_pass_gradcheck(activation):
    W1, W2 = _params(d=4, h=3, q=3)
    X = torch.randn(5, 4, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 1, 0])
    f = lambda A, B: backprop.HandMLP.apply(X, y, A, B, 0.05, activation)
    assert torch.autograd.gradcheck(f, (W1.requires_grad_(), W2.requires_grad_()), eps=1e-6, atol=1e-7)


def test_gradcheck_catches_a_wrong_derivative(monkeypatch):
    phi, _ = backprop.ACTIVATIONS["tanh"]
    monkeypatch.setitem(backprop.ACTIVATIONS, "tanh", (phi, lambda z: 1 - torch.tanh(z)))  # wrong phi'
    W1, W2 = _params(d=4, h=3, q=3)
    X, y = torch.randn(5, 4, dtype=torch.float64), torch.tensor([0, 1, 2, 1, 0])
    f = lambda A, B: backprop.HandMLP.apply(X, y, A, B, 0.0, "tanh")
    assert not torch.autograd.gradcheck(f, (W1.requires_grad_(), W2.requires_grad_()), raise_exception=False)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"activation": "gelu"}, "relu, sigmoid, tanh"),
        ({"lam": -0.1}, "lam"),
        ({"lam": float("inf")}, "lam"),
        ({"x": torch.randn(6, dtype=torch.float64)}, r"x must be \(d,\) or \(n, d\) with d = 7"),
        ({"W2": torch.randn(4, 6, dtype=torch.float64)}, "W2 must be"),
        ({"y": 4}, r"labels must lie in \[0, 4\)"),
        ({"x": torch.randn(3, 7, dtype=torch.float64), "y": torch.tensor([0, 1])}, "one label per example"),
        ({"x": torch.randn(7, dtype=torch.float32)}, "share one dtype"),
        ({"x": torch.arange(7)}, "float32 or float64"),
        ({"y": torch.tensor([0.5])}, "integer class labels"),
    ],
)
def test_forward_rejects_bad_input(change, match):
    W1, W2 = _params()
    args = {"x": torch.randn(7, dtype=torch.float64), "y": 1, "W1": W1, "W2": W2, "lam": 0.1, "activation": "relu"}
    args.update(change)
    with pytest.raises(ValueError, match=match):
        backprop.forward(**args)


def test_backward_rejects_a_foreign_cache():
    W1, W2 = _params()
    with pytest.raises(ValueError, match="cache must be the dict forward"):
        backprop.backward({"J": torch.tensor(1.0)}, W1, W2, 0.1)


def test_autograd_graph_collapses_onto_named_variables():
    W1, W2 = (p.requires_grad_() for p in _params())
    x = torch.randn(7, dtype=torch.float64, requires_grad=True)
    c = backprop.forward(x, 1, W1, W2, 0.1)
    graph = d2l_ext.autograd_graph({"x": x, "W1": W1, "W2": W2, "z": c["z"], "h": c["h"], "o": c["o"],
                                     "L": c["L"], "s": c["s"], "J": c["J"]})  # fmt: skip
    assert graph["J"][0] == {"L", "s"} and graph["s"][0] == {"W1", "W2"}
    assert graph["z"][0] == {"x", "W1"} and graph["h"][0] == {"z"} and graph["o"][0] == {"h", "W2"}
    assert graph["x"] == (set(), [])
    assert "ReluBackward0" in graph["h"][1]
    with pytest.raises(ValueError, match="constant"):
        d2l_ext.autograd_graph({"c": torch.ones(2)})
    with pytest.raises(ValueError, match="names to tensors"):
        d2l_ext.autograd_graph({})


def test_saved_tensor_bytes_grow_with_depth_and_batch():
    def mlp(depth):
        layers = [nn.Linear(16, 32), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Linear(32, 32), nn.ReLU()]
        return nn.Sequential(*layers, nn.Linear(32, 4))

    b = [backprop.saved_tensor_bytes(mlp(k), torch.zeros(10, 16))["activations"] for k in (1, 2, 3)]
    assert b[2] - b[1] == b[1] - b[0] == 10 * 32 * 4  # one float32 per unit and example per layer
    two = backprop.saved_tensor_bytes(mlp(2), torch.zeros(20, 16))["activations"]
    assert two == 2 * b[1]
    assert backprop.saved_tensor_bytes(mlp(2), torch.zeros(20, 16), grad=False)["total"] == 0
    assert backprop.saved_tensor_bytes(mlp(1), torch.zeros(10, 16))["parameters"] > 0
    with pytest.raises(TypeError, match="nn.Module"):
        backprop.saved_tensor_bytes(lambda X: X, torch.zeros(2))


def test_peak_memory_bytes_sees_what_a_step_holds_at_once():
    from d2l_ext import peak_memory_bytes

    n = 256 * 1024  # float32 numbers: 1 MiB each tensor

    def three_alive():
        a, b, c = torch.ones(n), torch.ones(n), torch.ones(n)
        return a, b, c

    def one_at_a_time():
        for _ in range(3):
            a = torch.ones(n)
            del a

    assert peak_memory_bytes(three_alive) >= 3 * 4 * n
    assert 4 * n <= peak_memory_bytes(one_at_a_time) < 2 * 4 * n
    with pytest.raises(TypeError, match="function of no arguments"):
        peak_memory_bytes(3)

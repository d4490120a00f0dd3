import math

import numpy as np
import pytest
import torch
from torch import nn

from d2l_ext import stability


def test_deep_mlp_shape_and_errors():
    net = stability.deep_mlp(3, 16, "tanh", in_features=5, out_features=2)
    assert sum(isinstance(m, nn.Linear) for m in net) == 4
    assert net(torch.zeros(7, 5)).shape == (7, 2)
    with pytest.raises(ValueError, match="sigmoid, tanh, relu, identity"):
        stability.deep_mlp(3, 16, "gelu")
    with pytest.raises(ValueError, match="depth"):
        stability.deep_mlp(0, 16, "relu")
    with pytest.raises(ValueError, match="width"):
        stability.deep_mlp(2, 0, "relu")


def test_layer_grad_norms_match_autograd_and_leave_grads_alone():
    torch.manual_seed(0)
    net = stability.deep_mlp(4, 8, "sigmoid", in_features=5, out_features=3)
    X, y = torch.randn(10, 5), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    norms = stability.layer_grad_norms(net, X, y)
    assert len(norms) == 5
    nn.functional.cross_entropy(net(X), y).backward()
    expected = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)]
    assert np.allclose(norms, expected)


def test_sigmoid_gradients_vanish_and_he_relu_stays_flat():
    torch.manual_seed(0)
    X, y = torch.rand(64, 784), torch.randint(0, 10, (64,))
    sig = stability.layer_grad_norms(stability.deep_mlp(15, 128, "sigmoid"), X, y)
    relu = stability.deep_mlp(15, 128, "relu")
    for m in relu.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    he = stability.layer_grad_norms(relu, X, y)
    assert sig[0] / sig[-1] < 1e-6
    assert 0.1 < he[0] / he[-1] < 10


def test_hidden_grad_norms_match_retained_grads_and_leave_grads_alone():
    torch.manual_seed(0)
    net = stability.deep_mlp(3, 8, "relu", in_features=5, out_features=3)
    X, y = torch.randn(10, 5), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    norms = stability.hidden_grad_norms(net, X, y)
    assert len(norms) == 3 and all(m.weight.grad is None for m in net if isinstance(m, nn.Linear))
    h, kept = X, []
    for m in net:
        h = m(h)
        if isinstance(m, nn.ReLU):
            h.retain_grad()
            kept.append(h)
    nn.functional.cross_entropy(h, y).backward()
    assert np.allclose(norms, [t.grad.norm().item() for t in kept])


def test_hidden_grad_norms_per_layer_factor_follows_the_weights():
    """Through ReLU the gradient shrinks by about g / sqrt(2) per layer: He's g = sqrt(2) keeps it."""
    X, y = torch.rand(256, 128), torch.randint(0, 10, (256,))
    factors = {}
    for gain in (1.0, 2**0.5):
        torch.manual_seed(0)
        net = stability.deep_mlp(12, 256, "relu", in_features=128)
        for m in net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=gain / m.in_features**0.5)
                nn.init.zeros_(m.bias)
        norms = stability.hidden_grad_norms(net, X, y)
        factors[gain] = (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))
    assert abs(factors[1.0] - 2**-0.5) < 0.1 and abs(factors[2**0.5] - 1) < 0.15


def test_hidden_grad_norms_needs_activation_layers():
    with pytest.raises(ValueError, match="no activation layer"):
        stability.hidden_grad_norms(nn.Linear(3, 2), torch.zeros(2, 3), torch.zeros(2, dtype=torch.long))


def test_layer_grad_norms_needs_linear_layers():
    with pytest.raises(ValueError, match="no nn.Linear"):
        stability.layer_grad_norms(nn.Sequential(nn.ReLU()), torch.zeros(2, 3), torch.zeros(2, dtype=torch.long))


def test_product_norms_and_log_space_agree():
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    direct = stability.product_norms(4, 50, 1.0, g1, dtype=torch.float64)
    logs = stability.log_product_norms(4, 50, 1.0, g2, dtype=torch.float64)
    assert direct.shape == logs.shape == (51,)
    assert torch.allclose(logs, direct.log(), atol=1e-9)


def test_product_of_a_given_stack():
    stack = torch.stack([2 * torch.eye(3)] * 5)
    norms = stability.product_norms(stack, 4)
    assert torch.allclose(norms, torch.tensor([2.0**k for k in range(1, 6)], dtype=torch.float64) * math.sqrt(3))
    assert torch.allclose(stability.log_product_norms(stack, 4), norms.log())


def test_log_space_survives_float32_overflow():
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    direct = stability.product_norms(4, 400, 1.0, g1)
    logs = stability.log_product_norms(4, 400, 1.0, g2)
    assert not torch.isfinite(direct[-1])
    assert torch.isfinite(logs).all() and logs[-1] > 150


def test_measured_growth_rate_matches_lyapunov_exponent():
    g = torch.Generator().manual_seed(0)
    logs = stability.log_product_norms(8, 2000, 1.0, g, dtype=torch.float64).numpy()
    slope = np.polyfit(np.arange(len(logs)), logs, 1)[0]
    assert abs(slope - stability.lyapunov_exponent(8)) < 0.01
    assert stability.lyapunov_exponent(1) == pytest.approx(-0.6352, abs=1e-4)  # E log|N(0,1)|


def test_log_norm_chains_measure_the_rate_with_its_error():
    logs = stability.log_norm_chains(8, 300, 1.0, chains=40, generator=torch.Generator().manual_seed(0))
    assert logs.shape == (40, 301) and logs.dtype == torch.float64 and (logs[:, 0] == 0).all()
    rates = logs[:, -1] / 300
    se = rates.std() / 40**0.5
    assert abs(rates.mean() - stability.lyapunov_exponent(8)) < 4 * se   # the mean estimates Newman's rate
    assert 0 < se < 0.01                                               # independent chains: a real spread
    again = stability.log_norm_chains(8, 300, 1.0, chains=40, generator=torch.Generator().manual_seed(0))
    assert torch.equal(logs, again)                                     # reproducible with a generator
    huge = stability.log_norm_chains(4, 2000, 10.0, chains=2, generator=torch.Generator().manual_seed(0))
    assert torch.isfinite(huge).all() and huge[:, -1].min() > 2000      # log space: no overflow


@pytest.mark.parametrize(
    "args, match",
    [
        ((4, 0), "steps must be a positive int"),
        ((4, -3), "steps must be a positive int"),
        ((0, 10), "n must be"),
        ((4, 10, -1.0), "std"),
        ((torch.zeros(3, 2, 3), 2), "square"),
        ((torch.zeros(3, 3), 2), r"\(steps \+ 1, n, n\)"),
        ((torch.zeros(3, 2, 2), 5), "len\\(stack\\) - 1 = 2"),
    ],
)
def test_product_bad_input(args, match):
    for f in (stability.product_norms, stability.log_product_norms):
        with pytest.raises(ValueError, match=match):
            f(*args)


def test_lyapunov_bad_input():
    with pytest.raises(ValueError, match="n must be"):
        stability.lyapunov_exponent(0)
    with pytest.raises(ValueError, match="std"):
        stability.lyapunov_exponent(4, 0.0)

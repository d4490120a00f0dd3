import math

import pytest
import torch
from torch import nn

from d2l_ext import init

N_IN, N_OUT = 500, 400  # 200,000 weights: the sampled variance is within about 0.3% (1 sigma)


def _weights(scheme, seed=0, n_in=N_IN, n_out=N_OUT):
    layer = init.init_(nn.Linear(n_in, n_out), scheme, torch.Generator().manual_seed(seed))
    return layer.weight.detach(), layer.bias.detach()


@pytest.mark.parametrize("scheme", [s for s in init.SCHEMES if s != "zero"])
def test_each_scheme_has_its_variance(scheme):
    w, b = _weights(scheme)
    expected = init.SCHEMES[scheme].variance(N_IN, N_OUT)
    assert abs(w.var().item() / expected - 1) < 0.02, (scheme, w.var().item(), expected)
    assert abs(w.mean().item()) < 5 * math.sqrt(expected / w.numel())
    if scheme != "default":
        assert torch.equal(b, torch.zeros_like(b))


@pytest.mark.parametrize(
    "scheme, bound",
    [
        ("uniform", 1 / math.sqrt(N_IN)),
        ("default", 1 / math.sqrt(N_IN)),
        ("xavier_uniform", math.sqrt(6 / (N_IN + N_OUT))),
    ],
)
def test_uniform_bounds(scheme, bound):
    w, _ = _weights(scheme)
    assert 0.999 * bound < w.abs().max().item() <= bound


def test_playground_schemes_scale_by_v():
    for scheme, v in (("too_small", 0.01), ("appropriate", 1.0), ("too_large", 100.0)):
        w, _ = _weights(scheme)
        assert abs(w.var().item() * N_IN / v - 1) < 0.02


def test_zero_is_zero():
    w, b = _weights("zero")
    assert not w.any() and not b.any()


def test_default_is_pytorchs_reset_parameters():
    torch.manual_seed(3)
    reference = nn.Linear(N_IN, N_OUT)  # its constructor calls reset_parameters on the global RNG
    w, b = _weights("default", seed=3)
    assert torch.equal(w, reference.weight.detach()) and torch.equal(b, reference.bias.detach())


def test_seeded_and_reproducible_without_touching_the_global_rng():
    layer = nn.Linear(N_IN, N_OUT)
    state = torch.get_rng_state()
    init.init_(layer, "xavier_normal", torch.Generator().manual_seed(7))
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG was not used
    w1 = layer.weight.detach().clone()
    w2, _ = _weights("xavier_normal", seed=7)
    assert torch.equal(w1, w2)
    assert not torch.equal(w1, _weights("xavier_normal", seed=8)[0])


def test_every_linear_of_a_module_and_return_value():
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.Linear(8, 2, bias=False)))
    assert init.init_(net, "zero") is net
    assert all(not p.any() for p in net.parameters())


def test_bad_input():
    with pytest.raises(ValueError, match="zero, too_small, appropriate, too_large, uniform"):
        init.init_(nn.Linear(2, 2), "glorot")
    with pytest.raises(ValueError, match="no nn.Linear"):
        init.init_(nn.Sequential(nn.ReLU(), nn.Conv2d(1, 1, 3)), "uniform")
    with pytest.raises(TypeError, match="nn.Module"):
        init.init_(torch.zeros(3, 3), "uniform")
    with pytest.raises(TypeError, match="Generator"):
        init.init_(nn.Linear(2, 2), "uniform", generator=0)


def test_variance_by_layer():
    g = torch.Generator().manual_seed(0)
    lin = init.variance_by_layer(20, 128, "identity", "xavier_normal", generator=g)
    assert len(lin["forward"]) == len(lin["backward"]) == 20
    assert 0.5 < lin["forward"][-1] / lin["forward"][0] < 2
    relu = init.variance_by_layer(20, 128, "relu", "he_normal", generator=g)
    assert 0.5 < relu["forward"][-1] / relu["forward"][0] < 2
    big = init.variance_by_layer(20, 128, "identity", "standard_normal", generator=g)
    assert big["forward"][-1] > 1e30 and math.isfinite(big["forward"][-1])  # float64: still a number
    with pytest.raises(ValueError, match="activation"):
        init.variance_by_layer(3, 4, "gelu", "uniform")
    with pytest.raises(ValueError, match="depth"):
        init.variance_by_layer(0, 4, "relu", "uniform")
    with pytest.raises(ValueError, match="unknown init scheme"):
        init.variance_by_layer(2, 4, "relu", "nope")


def test_distinct_units_counts_rows_equal_up_to_rounding():
    from d2l_ext.init import distinct_units

    a, b = torch.randn(2, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    W = torch.stack([a, a + 1e-9, b, a])
    assert distinct_units(W) == 2 and torch.unique(W, dim=0).shape[0] == 3  # exact unique is fooled by rounding
    assert distinct_units(torch.zeros(4, 3)) == 1
    with pytest.raises(ValueError, match="2-D weight tensor"):
        distinct_units(torch.zeros(3))

import math

import pytest
import torch

import d2l_ext
from d2l_ext.dropout import DropoutMLPScratch, dropout_layer

N = 400 * 500


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.75, 0.9])
def test_zeroed_fraction_and_mean_within_five_sigma(p):
    X = torch.full((400, 500), 3.0)
    out = dropout_layer(X, p, torch.Generator().manual_seed(0))
    zeroed = (out == 0).float().mean().item()
    assert abs(zeroed - p) < 5 * math.sqrt(p * (1 - p) / N)
    assert abs(out.mean().item() - 3.0) < 5 * 3.0 * math.sqrt(p / ((1 - p) * N))
    assert torch.allclose(out[out != 0], torch.tensor(3.0 / (1 - p)))


def test_extremes_and_identity():
    X = torch.randn(7, 9)
    assert dropout_layer(X, 0) is X
    assert torch.equal(dropout_layer(X, 1), torch.zeros_like(X))
    assert torch.equal(dropout_layer(X, 1.0), torch.zeros_like(X))


@pytest.mark.parametrize("bad", [-0.1, 1.01, float("nan"), float("inf")])
def test_invalid_p(bad):
    with pytest.raises(ValueError, match="dropout probability p"):
        dropout_layer(torch.ones(3), bad)


@pytest.mark.parametrize("bad", ["0.5", None, True, [0.5]])
def test_p_of_the_wrong_type(bad):
    with pytest.raises(TypeError, match="dropout probability p must be a number"):
        dropout_layer(torch.ones(3), bad)


def test_non_float_input():
    with pytest.raises(TypeError, match="floating-point"):
        dropout_layer(torch.arange(5), 0.5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_dtypes_and_device(dtype):
    X = torch.ones(100, 100, dtype=dtype, device=d2l_ext.default_device())
    out = dropout_layer(X, 0.5)
    assert out.dtype == dtype and out.device == X.device
    assert 0.4 < (out == 0).float().mean().item() < 0.6


def test_seeded_generator_repeats_and_gradients_only_through_kept_units():
    H = torch.randn(50, 40, requires_grad=True)
    a = dropout_layer(H, 0.3, torch.Generator().manual_seed(5))
    b = dropout_layer(H, 0.3, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    a.sum().backward()
    kept = a != 0
    assert torch.allclose(H.grad[kept], torch.tensor(1 / 0.7)) and not H.grad[~kept].any()
    H64 = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: dropout_layer(h, 0.5, torch.Generator().manual_seed(1)), (H64,))


def test_same_draws_as_the_books_function():
    def book(X, dropout):
        mask = (torch.rand(X.shape) > dropout).float()
        return mask * X / (1.0 - dropout)

    X = torch.randn(30, 30)
    for p in (0.5, 0.4):
        torch.manual_seed(3)
        expected = book(X, p)
        torch.manual_seed(3)
        ours = dropout_layer(X, p)
        assert torch.equal(ours == 0, expected == 0)  # the same units dropped
        assert torch.allclose(ours, expected, rtol=1e-6, atol=0)  # x * (1/(1-p)) vs x / (1-p): last bit at most
        if p == 0.5:
            assert torch.equal(ours, expected)  # 1/(1-p) = 2 is exact


def test_model_train_mode_noise_eval_mode_identity():
    torch.manual_seed(0)
    net = DropoutMLPScratch(10, 32, 16, 0.5, 0.5, 0.1)
    X = torch.rand(8, 1, 28, 28)
    assert net(X).shape == (8, 10)
    net.train()
    assert not torch.equal(net(X), net(X))
    net.eval()
    assert torch.equal(net(X), net(X))


def test_models_reject_bad_p():
    with pytest.raises(ValueError, match="dropout_1"):
        DropoutMLPScratch(10, 8, 8, 1.5, 0.5, 0.1)
    with pytest.raises(ValueError, match="dropout_2"):
        DropoutMLPScratch(10, 8, 8, 0.5, -0.5, 0.1)

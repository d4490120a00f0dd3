"""The training loop: d2l_ext.fit, evaluate and the one early-stopping rule."""

import math

import d2l.torch as d2l
import pytest
import torch
from torch import nn

import d2l_ext
from d2l_ext import generalization as G
from d2l_ext.core.data import TensorData
from d2l_ext.core.train import early_stopping


def test_fit_plain_module_learns(tiny_data):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    history = d2l_ext.fit(net, tiny_data, 15, lr=0.5, progress=False)
    assert history.epochs == 15 and len(history.val_acc) == 15
    assert history.train_loss[-1] < history.train_loss[0] / 2
    assert history.val_acc[-1] > 0.8
    assert history.diverged is None


def test_fit_d2l_classifier_uses_its_loss_and_optimizer(tiny_data):
    torch.manual_seed(0)
    model = d2l.SoftmaxRegression(num_outputs=3, lr=0.5)
    history = d2l_ext.fit(model, tiny_data, 10, progress=False)
    assert history.val_acc[-1] > 0.8
    assert not hasattr(model.board, "raw_points")  # d2l's live board was never drawn


def test_fit_is_reproducible(tiny_data):
    def run():
        torch.manual_seed(1)
        net = nn.Linear(8, 3)
        data = type(tiny_data)()
        return d2l_ext.fit(net, data, 3, lr=0.1, progress=False).train_loss

    assert run() == run()


def test_fit_reports_divergence_and_keeps_history(tiny_data, capsys):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3))
    history = d2l_ext.fit(net, tiny_data, 20, lr=1e9, progress=False)
    assert history.diverged is not None and "diverged at epoch" in history.diverged
    assert "diverged" in capsys.readouterr().out
    assert history.epochs < 20
    assert all(math.isfinite(v) for v in history.train_loss)


def test_fit_never_draws(tiny_data):
    import matplotlib.pyplot as plt

    plt.close("all")
    d2l_ext.fit(nn.Linear(8, 3), tiny_data, 2, lr=0.1, progress=False)
    assert plt.get_fignums() == []


def test_fit_trains_on_the_session_device(monkeypatch, tiny_data):
    from d2l_ext.core import config

    monkeypatch.setattr(config, "_session_device", torch.device("cpu"))
    history = d2l_ext.fit(nn.Linear(8, 3), tiny_data, 1, lr=0.1, progress=False)
    assert history.device == "cpu"


def test_fit_uses_a_moved_copy_and_never_changes_the_callers_data():
    """fit trains on what data.to(device) returns; the caller's object keeps its tensors."""
    X, y = torch.randn(40, 4), torch.randint(0, 2, (40,))
    data = TensorData((X[:30], y[:30]), (X[30:], y[30:]), batch_size=10)
    before = [t.data_ptr() for t in (data.X_train, data.y_train, data.X_val, data.y_val)]
    moved = []

    class Spy(TensorData):
        def to(self, device):
            copy = super().to("meta")  # another device: to() must copy
            moved.append(copy)
            return super().to(device)

    spy = Spy((X[:30], y[:30]), (X[30:], y[30:]), batch_size=10)
    d2l_ext.fit(nn.Linear(4, 2), spy, 1, lr=0.1, progress=False)
    assert moved and moved[0] is not spy and moved[0].X_train.device.type == "meta"
    assert spy.X_train.device.type == "cpu"  # the copy moved, not the caller's object
    d2l_ext.fit(nn.Linear(4, 2), data, 1, lr=0.1, progress=False)
    assert [t.data_ptr() for t in (data.X_train, data.y_train, data.X_val, data.y_val)] == before


def test_fit_progress_bar_runs(tiny_data):
    history = d2l_ext.fit(nn.Linear(8, 3), tiny_data, 2, lr=0.1, progress=True)
    assert history.epochs == 2


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


# ---------------------------------------------------------------- early stopping
@pytest.mark.parametrize(
    "scores, patience, higher, expected",
    [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], 3, False, (3, 6)),  # three epochs without a new best
        ([1.0, 0.9, 0.9, 0.9], 2, False, (2, 4)),  # a tie is not an improvement
        ([1.0, 0.9, 0.95, 0.85, 0.9], 2, False, (4, None)),  # an improvement restarts the count
        ([0.5, 0.6, 0.6, 0.55], 2, True, (2, 4)),  # accuracy: higher is better
        ([], 3, False, (0, None)),
    ],
)
def test_early_stopping_rule(scores, patience, higher, expected):
    assert early_stopping(scores, patience, higher_is_better=higher) == expected


def _noisy_data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(200, 10, generator=gen)
    y = (X[:, 0] > 0).long()
    noisy, _ = G.label_noise(y[:120], 0.4, 2, torch.Generator().manual_seed(1))
    return TensorData((X[:120], noisy), (X[120:], y[120:]), batch_size=20)


def test_fit_early_stopping_restores_the_best_weights():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 2))
    data = _noisy_data()
    h = d2l_ext.fit(net, data, 200, optimizer=torch.optim.Adam(net.parameters(), 1e-2), progress=False,
                    patience=3, monitor="val_acc")  # fmt: skip
    assert h.stopped_early and h.epochs == h.best_epoch + 3
    assert (h.best_epoch, h.epochs) == early_stopping(h.val_acc, 3, higher_is_better=True)
    _, acc = d2l_ext.evaluate(net, data.val_dataloader())
    assert acc == pytest.approx(max(h.val_acc)) == pytest.approx(h.val_acc[h.best_epoch - 1])


def test_fit_patience_by_val_loss():
    torch.manual_seed(0)
    h = d2l_ext.fit(nn.Linear(10, 2), _noisy_data(), 5, lr=0.1, progress=False, patience=50)
    assert not h.stopped_early and h.best_epoch == 1 + min(range(5), key=lambda i: h.val_loss[i])

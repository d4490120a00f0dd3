"""One bad-input contract for every public function: a wrong type raises TypeError, a bad value ValueError,
and the message names the argument (d2l_ext.core.validate)."""

import pytest
import torch
from torch import nn

import d2l_ext
from d2l_ext import backprop, generalization, init, stability
from d2l_ext.core import validate
from d2l_ext.core.train import early_stopping
from d2l_ext.dropout import DropoutMLPScratch
from d2l_ext.exercises.mnist_init import MNISTInit
from d2l_ext.exercises.playground import Playground

W1, W2 = torch.randn(4, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
X3 = torch.randn(3, dtype=torch.float64)
DIGITS = (torch.rand(200, 784), torch.randint(0, 10, (200,)))


def _data(**kw):
    X, y = torch.randn(20, 4), torch.randint(0, 2, (20,))
    return d2l_ext.TensorData((X[:10], y[:10]), (X[10:], y[10:]), **kw)


# (what, call with one argument replaced, the argument's name, a value of the wrong type, a bad value)
CASES = [
    ("TensorData", lambda v: _data(batch_size=v), "batch_size", 2.5, 0),
    ("FashionMNIST", lambda v: d2l_ext.FashionMNIST(batch_size=v), "batch_size", 2.5, 0),
    ("fit epochs", lambda v: d2l_ext.fit(nn.Linear(4, 2), _data(), v, lr=0.1, progress=False), "epochs", 2.5, 0),
    ("fit lr", lambda v: d2l_ext.fit(nn.Linear(4, 2), _data(), 1, lr=v, progress=False), "lr", "0.1", -1.0),
    ("fit patience", lambda v: d2l_ext.fit(nn.Linear(4, 2), _data(), 1, lr=0.1, patience=v, progress=False),
     "patience", 1.5, 0),
    ("fit monitor", lambda v: d2l_ext.fit(nn.Linear(4, 2), _data(), 1, lr=0.1, patience=2, monitor=v, progress=False),
     "monitor", 3, "acc"),
    ("early_stopping", lambda v: early_stopping([1.0], v), "patience", 2.5, 0),
    ("seed_everything", lambda v: d2l_ext.seed_everything(v), "seed", "0", -1),
    ("mnist_digits", lambda v: d2l_ext.mnist_digits(v), "n", 2.5, 0),
    ("toy_2d name", lambda v: d2l_ext.toy_2d(v), "name", 3, "spiral"),
    ("toy_2d n", lambda v: d2l_ext.toy_2d("moon", n=v), "n", 2.5, 2),
    ("toy_2d noise", lambda v: d2l_ext.toy_2d("moon", noise=v), "noise", "x", 1.0),
    ("init_", lambda v: d2l_ext.init_(nn.Linear(2, 2), v), "init scheme", 3, "glorot"),
    ("variance_by_layer", lambda v: init.variance_by_layer(v, 8, "tanh", "xavier_normal"), "depth", 2.5, 0),
    ("deep_mlp depth", lambda v: stability.deep_mlp(v, 8, "relu"), "depth", 2.5, 0),
    ("deep_mlp activation", lambda v: stability.deep_mlp(2, 8, v), "activation", 3, "gelu"),
    ("product_norms", lambda v: stability.product_norms(4, v), "steps", 2.5, 0),
    ("log_product_norms", lambda v: stability.log_product_norms(4, 10, v), "std", "1", -1.0),
    ("lyapunov_exponent", lambda v: stability.lyapunov_exponent(v), "n", 2.5, 0),
    ("log_norm_chains", lambda v: stability.log_norm_chains(4, 10, chains=v), "chains", 2.5, 1),
    ("label_noise fraction", lambda v: generalization.label_noise(torch.zeros(5, dtype=torch.long), v, 10),
     "fraction", "x", 1.5),
    ("label_noise classes", lambda v: generalization.label_noise(torch.zeros(5, dtype=torch.long), 0.1, v),
     "num_classes", 2.5, 1),
    ("random_relu_features", lambda v: generalization.random_relu_features(torch.zeros(3, 2), v),
     "num_features", 2.5, 0),
    ("polynomial_features", lambda v: generalization.polynomial_features(torch.zeros(3), v), "degree", 2.5, -1),
    ("ridge", lambda v: generalization.ridge(torch.zeros(3, 2), torch.zeros(3), v), "lam", "x", -1.0),
    ("backprop.forward lam", lambda v: backprop.forward(X3, 1, W1, W2, v), "lam", "x", -1.0),
    ("backprop.forward activation", lambda v: backprop.forward(X3, 1, W1, W2, 0.1, v), "activation", 3, "gelu"),
    ("dropout_layer", lambda v: d2l_ext.dropout_layer(torch.ones(3), v), "dropout probability p", "x", 1.5),
    ("DropoutMLPScratch", lambda v: DropoutMLPScratch(10, 8, 8, v, 0.5, 0.1), "dropout_1", "x", 1.5),
    ("Playground lr", lambda v: Playground(lr=v), "lr", "x", 0.0),
    ("Playground dataset", lambda v: Playground(dataset=v), "dataset", 3, "spiral"),
    ("Playground.step", lambda v: Playground().step(v), "k", 2.5, 0),
    ("Playground.grid_probs", lambda v: Playground().grid_probs(v), "resolution", 2.5, 1),
    ("MNISTInit init", lambda v: MNISTInit(v, data=DIGITS), "init", 3, "he"),
    ("MNISTInit batch_size", lambda v: MNISTInit(batch_size=v, data=DIGITS), "batch_size", 2.5, 0),
    ("MNISTInit.step", lambda v: MNISTInit(data=DIGITS).step(v), "k", 2.5, 0),
    ("MNISTInit.histograms", lambda v: MNISTInit(data=DIGITS).histograms(v), "bins", 2.5, 1),
]


@pytest.mark.parametrize(("what", "call", "name", "wrong_type", "bad_value"), CASES, ids=[c[0] for c in CASES])
def test_wrong_type_is_a_type_error_and_bad_value_a_value_error(what, call, name, wrong_type, bad_value):
    with pytest.raises(TypeError, match=name):
        call(wrong_type)
    with pytest.raises(ValueError, match=name):
        call(bad_value)


def test_validate_says_what_was_expected():
    assert validate.integer("n", 3) == 3 and validate.number("p", 1, lo=0, hi=1) == 1.0
    with pytest.raises(TypeError, match="n must be a positive int, got bool True"):
        validate.integer("n", True)
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\), got 1"):
        validate.number("p", 1, lo=0, hi=1, hi_open=True)
    with pytest.raises(ValueError, match="lr must be a finite number in \\(0, inf\\]"):
        validate.positive("lr", float("nan"))
    with pytest.raises(ValueError, match="unknown init 'he'; expected one of zero, xavier"):
        validate.choice("init", "he", ("zero", "xavier"))

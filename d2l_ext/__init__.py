"""d2l_ext: plumbing and tested reference code for the MLP lecture's notebooks.

Public names are re-exported here; see each module for shapes and dtypes. The package is laid out by concern:

- ``core``: configuration, argument checks, datasets, data modules, the training loop, plots;
- one module per lesson: ``backprop`` (5.3), ``stability`` (5.4.1), ``init`` (5.4.2), ``generalization`` (5.5),
  ``dropout`` (5.6);
- ``exercises``: the two interactive exercises, engine and app;
- ``checks``: the exercise checkers.

Names that need d2l (the data modules, the dropout models) are imported on first use, so that
``import d2l_ext`` costs little more than ``import torch, matplotlib.pyplot``.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import backprop, checks, generalization, init, stability
from .backprop import HandMLP, autograd_graph, peak_memory_bytes, saved_tensor_bytes
from .core.config import data_dir, default_device, is_offline, seed_everything, setup_notebook
from .core.datasets import mnist_digits, toy_2d
from .core.plots import draw_compute_graph, draw_mlp, plot_board, plot_histories, plot_history
from .core.train import History, evaluate, fit
from .init import init_

__version__ = "0.1.0"

# name -> module that defines it, imported on first access (PEP 562)
_LAZY = {
    "FashionMNIST": ".core.data",
    "TensorData": ".core.data",
    "TensorLoader": ".core.data",
    "dropout_layer": ".dropout",
    "dropout": ".dropout",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'd2l_ext' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name], __name__)
    value = module if name == "dropout" else getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "FashionMNIST",
    "HandMLP",
    "History",
    "TensorData",
    "TensorLoader",
    "autograd_graph",
    "backprop",
    "checks",
    "data_dir",
    "default_device",
    "draw_compute_graph",
    "draw_mlp",
    "dropout",
    "dropout_layer",
    "evaluate",
    "fit",
    "generalization",
    "init",
    "init_",
    "is_offline",
    "mnist_digits",
    "peak_memory_bytes",
    "plot_board",
    "plot_histories",
    "plot_history",
    "saved_tensor_bytes",
    "seed_everything",
    "setup_notebook",
    "stability",
    "toy_2d",
]

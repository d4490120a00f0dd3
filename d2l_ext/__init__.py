"""d2l_ext: plumbing and tested reference code for the MLP lecture's notebooks.

Public names are re-exported here; see each module for shapes and dtypes.
"""

from . import backprop, checks, dropout, generalization, init, stability
from .backprop import HandMLP, autograd_graph, peak_memory_bytes, saved_tensor_bytes
from .config import data_dir, default_device, is_offline, seed_everything, setup_notebook
from .data import FashionMNIST, TensorData, TensorLoader, fashion_mnist, mnist_digits, toy_2d
from .dropout import dropout_layer
from .init import init_
from .plots import draw_compute_graph, draw_mlp, plot_board, plot_histories, plot_history
from .train import History, evaluate, fit

__version__ = "0.1.0"

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
    "fashion_mnist",
    "fit",
    "generalization",
    "init",
    "init_",
    "is_offline",
    "mnist_digits",
    "plot_board",
    "plot_histories",
    "plot_history",
    "peak_memory_bytes",
    "saved_tensor_bytes",
    "seed_everything",
    "stability",
    "setup_notebook",
    "toy_2d",
]

"""Data modules for training: tensors held in memory, batched by indexing, as ``d2l.DataModule``.

:class:`TensorData` wraps any ``(X, y)`` tensors; :class:`FashionMNIST` is the course's Fashion-MNIST in
that form (60,000 training and 10,000 validation images). Both work with ``d2l.Trainer`` and
:func:`d2l_ext.fit`. This module imports d2l (for ``d2l.DataModule``); the datasets themselves are in
:mod:`d2l_ext.core.datasets`, which does not.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import d2l.torch as d2l
import torch

from . import config, validate
from .datasets import load_fashion_mnist

__all__ = ["FashionMNIST", "TensorData", "TensorLoader"]


class TensorLoader:
    """Minibatches of tensors held in memory, made by indexing (no workers, no transforms).

    Yields ``(X[idx], y[idx])`` for consecutive slices of a permutation that is
    drawn anew each epoch from the loader's own seeded generator (so the order
    does not depend on the global RNG), or in order when ``shuffle`` is False.
    """

    def __init__(self, X: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        if len(X) != len(y):
            raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
        validate.integer("batch_size", batch_size)
        self.X, self.y = X, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.X) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.X)
        if self.shuffle:
            order = torch.randperm(n, generator=self.generator).to(self.X.device)
            for start in range(0, n, self.batch_size):
                idx = order[start : start + self.batch_size]
                # index_select gathers rows about 4x faster than X[idx] on the CPU
                yield self.X.index_select(0, idx), self.y.index_select(0, idx)
        else:
            for start in range(0, n, self.batch_size):
                yield self.X[start : start + self.batch_size], self.y[start : start + self.batch_size]


class TensorData(d2l.DataModule):  # type: ignore[misc]
    """Tensors as a ``d2l.DataModule``: ``(X_train, y_train)`` and ``(X_val, y_val)``, batched by indexing.

    Args:
        train: ``(X_train (n, ...), y_train (n,))``, the training examples and their int64 labels.
        val: ``(X_val (m, ...), y_val (m,))``, the validation examples.
        batch_size: examples per minibatch.
        seed: seeds the training loader's shuffling (its own generator; the global RNG is not used).
    """

    def __init__(self, train: tuple[torch.Tensor, torch.Tensor], val: tuple[torch.Tensor, torch.Tensor],
                 batch_size: int = 256, seed: int = 0) -> None:  # fmt: skip
        super().__init__()
        self.batch_size = validate.integer("batch_size", batch_size)
        for name, (X, y) in (("train", train), ("val", val)):
            if len(X) != len(y) or len(X) == 0:
                raise ValueError(f"{name} must be (X, y) of one non-zero length, got {len(X)} and {len(y)}")
        (self.X_train, self.y_train), (self.X_val, self.y_val) = train, val
        self.seed = seed

    def to(self, device: torch.device | str) -> TensorData:
        """The same data on ``device``: ``self`` if it is there already, else a copy (``self`` is not changed).

        Returns:
            A data module of the same class whose four tensors live on ``device``.
        """
        device = torch.device(device)
        if self.X_train.device == device:
            return self
        moved = copy.copy(self)
        moved.X_train, moved.y_train, moved.X_val, moved.y_val = (
            t.to(device) for t in (self.X_train, self.y_train, self.X_val, self.y_val)
        )
        return moved

    def get_dataloader(self, train: bool) -> TensorLoader:
        if train:
            return TensorLoader(self.X_train, self.y_train, self.batch_size, shuffle=True, seed=self.seed)
        return TensorLoader(self.X_val, self.y_val, self.batch_size, shuffle=False)


class FashionMNIST(TensorData):
    """Fashion-MNIST as a tensor-resident ``d2l.DataModule``, the course's ``d2l.FashionMNIST``.

    Args:
        batch_size: examples per minibatch.
        root: a directory in torchvision's layout; default :func:`d2l_ext.core.config.data_dir`.
        seed: seeds the training loader's shuffling.

    ``X_train``: float32 (60000, 1, 28, 28) in [0, 1]; ``y_train``: int64 (60000,); ``X_val``, ``y_val``:
    the same for the 10,000 test images. ``source`` says where the data came from.
    """

    def __init__(self, batch_size: int = 256, root: str | Path | None = None, seed: int = 0) -> None:
        root = Path(root).expanduser().resolve() if root is not None else config.data_dir()
        X_train, y_train, X_val, y_val, source = load_fashion_mnist(root)
        super().__init__((X_train, y_train), (X_val, y_val), batch_size=batch_size, seed=seed)
        self.root, self.source = root, source
        self.text_labels_list = [
            "t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot",
        ]  # fmt: skip

    def text_labels(self, indices: torch.Tensor | list[int]) -> list[str]:
        """Class names for label indices, as d2l's ``FashionMNIST.text_labels``."""
        return [self.text_labels_list[int(i)] for i in indices]

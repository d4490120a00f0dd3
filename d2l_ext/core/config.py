"""Run-time configuration: device, seeds, offline mode, data dir, notebook display.

Everything here is read from the environment at call time, so a test (or a
student) can change ``D2L_EXT_OFFLINE`` or ``D2L_DATA_DIR`` without re-importing.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import torch

from . import validate

__all__ = [
    "DEBIAN_FASHION_MNIST_DIR",
    "data_dir",
    "default_device",
    "is_offline",
    "progress_disabled",
    "seed_everything",
    "setup_notebook",
]

#: Where Debian's ``dataset-fashion-mnist`` package puts its four ``.gz`` files.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

_TRUE = {"1", "true", "yes", "on"}


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def is_offline() -> bool:
    """True when ``D2L_EXT_OFFLINE`` is set to 1/true/yes/on: then nothing touches the network.

    Returns:
        A bool.
    """
    return _env_flag("D2L_EXT_OFFLINE")


def progress_disabled() -> bool:
    """True when progress bars should stay off (``CI`` or ``TQDM_DISABLE`` is set).

    Returns:
        A bool.
    """
    return _env_flag("CI") or _env_flag("TQDM_DISABLE")


def data_dir() -> Path:
    """The configured data directory (torchvision layout).

    ``D2L_DATA_DIR`` when set, else the user's cache dir
    (``~/.cache/d2l_ext`` on Linux). Absolute, never relative to the kernel's
    working directory. Not created here.

    Returns:
        An absolute ``Path``.
    """
    configured = os.environ.get("D2L_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("d2l_ext")).resolve()


#: The device setup_notebook chose for this session (None until it runs): the one place a device is chosen.
_session_device: torch.device | None = None


def _detect_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def default_device() -> torch.device:
    """The session's device: the one :func:`setup_notebook` chose, else CUDA when present, then MPS, then CPU.

    Returns:
        A ``torch.device``.
    """
    return _session_device if _session_device is not None else _detect_device()


def seed_everything(seed: int = 0) -> int:
    """Seed Python's, NumPy's and torch's generators (all devices); return ``seed``.

    Raises TypeError for a non-integer and ValueError for a negative seed.

    Args:
        seed: an int >= 0.

    Returns:
        ``seed``, as an int.
    """
    seed = validate.integer("seed", seed, min=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return seed


def _use_png_display() -> None:
    """Inline figures as PNG (d2l's SVG differs from run to run and defeats nbval)."""
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # pragma: no cover - not in a notebook environment
        return
    backend_inline.set_matplotlib_formats("png")


def setup_notebook(seed: int = 0, precision: int = 4, device: torch.device | str | None = None) -> torch.device:
    """One call at the top of every notebook; returns the session's device.

    Seeds everything, makes inline figures PNG (also when d2l asks for SVG) and
    shortens torch's and NumPy's print precision to ``precision`` digits. Chooses the
    device once: ``device`` if given, else CUDA, MPS or the CPU; :func:`default_device`
    (and so :func:`d2l_ext.fit`) returns it from then on.

    Args:
        seed: seeds every generator (:func:`seed_everything`).
        precision: digits torch and NumPy print.
        device: the device for the session, or None to choose CUDA, MPS or the CPU.

    Returns:
        The session's ``torch.device``.
    """
    global _session_device
    import d2l.torch as d2l

    # d2l.plot calls d2l.use_svg_display() each time it draws; make that PNG.
    d2l.use_svg_display = _use_png_display
    _use_png_display()
    import matplotlib

    matplotlib.rcParams["figure.dpi"] = 100
    matplotlib.rcParams["savefig.dpi"] = 100
    torch.set_printoptions(precision=precision, sci_mode=None)  # scientific only where numbers span decades
    np.set_printoptions(precision=precision, suppress=True)
    seed_everything(seed)
    _session_device = torch.device(device) if device is not None else _detect_device()
    return _session_device

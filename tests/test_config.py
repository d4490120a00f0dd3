import random

import numpy as np
import pytest
import torch

import d2l_ext
from d2l_ext.core import config


def test_seed_everything_makes_all_generators_repeat():
    def draw():
        return random.random(), float(np.random.rand()), float(torch.rand(()))

    d2l_ext.seed_everything(123)
    first = draw()
    d2l_ext.seed_everything(123)
    assert draw() == first
    d2l_ext.seed_everything(124)
    assert draw() != first


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, exc):
    with pytest.raises(exc, match="seed"):
        d2l_ext.seed_everything(bad)


def test_default_device_is_the_sessions_else_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(config, "_session_device", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert d2l_ext.default_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert d2l_ext.default_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert d2l_ext.default_device() == torch.device("cuda")
    monkeypatch.setattr(config, "_session_device", torch.device("cpu"))  # chosen once, by setup_notebook
    assert d2l_ext.default_device() == torch.device("cpu")


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)])
def test_offline_flag(monkeypatch, value, expected):
    monkeypatch.setenv("D2L_EXT_OFFLINE", value)
    assert d2l_ext.is_offline() is expected


def test_progress_disabled_in_ci(monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setenv("CI", "true")
    assert config.progress_disabled()
    monkeypatch.setenv("CI", "")
    assert not config.progress_disabled()
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert config.progress_disabled()


def test_data_dir_from_env_is_absolute(monkeypatch, tmp_path):
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "d"))
    assert d2l_ext.data_dir() == (tmp_path / "d").resolve()
    monkeypatch.setenv("D2L_DATA_DIR", "relative/dir")
    assert d2l_ext.data_dir().is_absolute()
    monkeypatch.delenv("D2L_DATA_DIR")
    assert d2l_ext.data_dir().is_absolute() and "d2l_ext" in str(d2l_ext.data_dir())


def test_setup_notebook_turns_d2l_svg_into_png(monkeypatch):
    import d2l.torch as d2l
    from matplotlib_inline import backend_inline

    asked: list[tuple] = []
    monkeypatch.setattr(backend_inline, "set_matplotlib_formats", lambda *fmts, **kw: asked.append(fmts))
    monkeypatch.setattr(config, "_session_device", None)  # restored after the test
    device = d2l_ext.setup_notebook(seed=0, device="cpu")
    assert device == d2l_ext.default_device() == torch.device("cpu")
    asked.clear()
    d2l.use_svg_display()  # what d2l.plot calls before every figure
    assert asked == [("png",)]
    assert torch.get_default_dtype() == torch.float32

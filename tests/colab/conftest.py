"""The Colab emulation's tests (`make test-colab`, after `tools/colab_emulation.py prepare` and the notebook run).

They need .venv-colab and build/colab, and the environment that make sets: JUPYTER_PATH (the colab-emulation
kernel) and GIT_CONFIG_GLOBAL (the course repository served from this checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser.conftest import driver  # noqa: F401  (the same headless chromium)

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-colab"
WORK = ROOT / "build" / "colab"


@pytest.fixture(scope="session", autouse=True)
def emulation_prepared():
    spec = WORK / "kernels" / "colab-emulation" / "kernel.json"
    if not spec.exists() or "build/colab" not in os.environ.get("JUPYTER_PATH", ""):
        pytest.fail("the Colab emulation is not prepared: run `make test-colab`")

"""The setup cell on Colab when the course repository cannot be reached: one clear line, no pip traceback."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from sync import course_config  # noqa: E402


def test_unreachable_repository_says_what_to_set(tmp_path, monkeypatch):
    nowhere = tmp_path / "no-such-repository.git"
    cfg = tmp_path / "gitconfig"
    setup = next(c for c in nbformat.read(ROOT / "notebooks" / "01_forward_backward.ipynb", as_version=4).cells
                 if c.cell_type == "code")  # fmt: skip
    repo = course_config()["repo"]  # the URL the setup cell names (a hygiene test keeps them in sync)
    cfg.write_text(f'[url "file://{nowhere}"]\n\tinsteadOf = {repo}\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))  # the kernel inherits it: the URL leads nowhere
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup.source)])
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="colab-emulation", timeout=120, allow_errors=True).execute()
    seconds = time.perf_counter() - start
    outputs = nb.cells[0].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["SystemExit"], outputs
    message = errors[0].evalue
    assert message.startswith(f"Cannot reach the course repository {repo}") and "pyproject.toml" in message
    assert "\n" not in message
    shown = "".join(o.get("text", "") for o in outputs if o.output_type == "stream") + "".join(errors[0].traceback)
    assert "pip" not in shown.replace("pip install", "") and "Traceback (most recent call last)" not in shown, shown
    assert seconds < 60, f"the setup cell took {seconds:.0f} s to say the repository is unreachable"

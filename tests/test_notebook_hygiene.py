"""What strict nbval does not check: how the committed notebooks were executed and what they hold."""

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SIZE_CAP = 3_000_000
PYPROJECT = (ROOT / "pyproject.toml").read_text()  # the one place the course repository and release are named
REPO = re.search(r'Repository = "https://github.com/([^"]+)"', PYPROJECT).group(1)
RELEASE = re.search(r'release = "([^"]+)"', PYPROJECT).group(1)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    path = request.param
    assert path.stat().st_size < SIZE_CAP, f"{path.name} is over {SIZE_CAP // 1_000_000} MB"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    notebook.path = path
    return notebook


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_executed_top_to_bottom(nb):
    counts = [c.execution_count for c in _code(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}: re-execute the notebook"


def test_no_unexpected_errors_and_no_svg(nb):
    for cell in _code(nb):
        for out in cell.outputs:
            if out.output_type == "error":
                assert "NBVAL_RAISES_EXCEPTION" in cell.source, (
                    f"error output in a cell not marked to raise:\n{cell.source}"
                )
            assert "image/svg+xml" not in out.get("data", {}), "SVG output: figures must be PNG"
            text = json.dumps(out)
            assert not re.search(r"at 0x[0-9a-f]{8,}", text), "a memory address in an output"


def test_ignored_cells_still_assert(nb):
    for cell in _code(nb):
        if "NBVAL_IGNORE_OUTPUT" in cell.source:
            assert re.search(r"^\s*assert ", cell.source, re.M), (
                f"an NBVAL_IGNORE_OUTPUT cell asserts nothing:\n{cell.source}"
            )


def test_badge_points_at_its_own_file(nb):
    first = nb.cells[0].source
    url = f"https://colab.research.google.com/github/{REPO}/blob/{RELEASE}/notebooks/{nb.path.name}"
    assert url in first, f"the first cell needs the Colab badge for {nb.path.name}"


def test_setup_cell_is_the_same_everywhere(nb):
    setup = _code(nb)[0].source
    reference = _code(nbformat.read(NOTEBOOKS[0], as_version=4))[0].source
    assert setup == reference
    assert "NBVAL_IGNORE_OUTPUT" in setup and "setup_notebook" in setup
    assert f"git+https://github.com/{REPO}" in setup
    assert not re.search(r"pip install[^\n]*\b(torch|numpy|matplotlib)\b", setup), "never reinstall torch/numpy"


def test_notebooks_are_in_sync_with_pyproject():
    """Badge, setup cell and slide metadata come from one place: `python tools/sync.py` stamps them."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun: python tools/sync.py"


def test_every_cell_has_a_slide_type(nb):
    types = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert all(t in {"slide", "subslide", "fragment", "skip", "notes", "-"} for t in types), types
    assert types[0] == "slide" and types.count("slide") >= 3

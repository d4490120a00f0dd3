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


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def test_no_unexpected_errors_and_no_svg(nb):
    for cell in _code(nb):
        for out in cell.outputs:
            if out.output_type == "error":
                assert "raises-exception" in _tags(cell), f"an error in a cell not tagged so:\n{cell.source}"
            assert "image/svg+xml" not in out.get("data", {}), "SVG output: figures must be PNG"
            text = json.dumps(out)
            assert not re.search(r"at 0x[0-9a-f]{8,}", text), "a memory address in an output"


def test_nbval_markers_are_tags_not_comments(nb):
    """A student reads the cell's code, not nbval's instructions: markers live in the cell's tags."""
    for cell in _code(nb):
        assert "NBVAL_" not in cell.source, f"an nbval comment marker (use a cell tag):\n{cell.source}"


PREDICTION = re.compile(r"check_(?:prediction|choice)\(\s*\"([^\"]+)\"")


def test_ignored_cells_still_assert(nb):
    """Output that is shown but not compared (training results) is still checked by an assert, or by the claim
    of a predict-then-run check (d2l_ext.checks.claims). The setup cell is the one exception: it prints the
    versions and the device, which claim nothing."""
    for cell in _code(nb)[1:]:
        if "nbval-ignore-output" in _tags(cell):
            assert re.search(r"^\s*assert ", cell.source, re.M) or PREDICTION.search(cell.source), (
                f"a cell tagged nbval-ignore-output asserts nothing:\n{cell.source}"
            )


def test_predict_then_run_hides_the_answer(nb):
    """A predict-then-run cell is read before the student predicts: it shows no assert (which would give the
    answer away); its claim is registered in d2l_ext.checks.claims instead, with the facts it needs."""
    from d2l_ext.checks.claims import CLAIMS

    for cell in _code(nb):
        for exercise in PREDICTION.findall(cell.source):
            assert not re.search(r"^\s*assert ", cell.source, re.M), f"an assert shows the answer:\n{cell.source}"
            assert "explain=" not in cell.source, f"a hint shows the answer (it goes in the claim):\n{cell.source}"
            assert CLAIMS[exercise].hint, f"{exercise!r}: its claim needs a hint for a wrong prediction"
            assert exercise in CLAIMS, f"{exercise!r} has no claim in d2l_ext.checks.claims"
            for fact in CLAIMS[exercise].facts:
                assert re.search(rf"\b{fact}=", cell.source), f"{exercise!r}: the cell does not pass {fact}="


def test_badge_points_at_its_own_file(nb):
    first = nb.cells[0].source
    url = f"https://colab.research.google.com/github/{REPO}/blob/{RELEASE}/notebooks/{nb.path.name}"
    assert url in first, f"the first cell needs the Colab badge for {nb.path.name}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{RELEASE}?labpath=notebooks%2F{nb.path.name}"
    assert binder in first, f"the first cell needs the Binder badge for {nb.path.name}"


def test_setup_cell_is_the_same_everywhere(nb):
    setup = _code(nb)[0].source
    reference = _code(nbformat.read(NOTEBOOKS[0], as_version=4))[0].source
    assert setup == reference
    assert "nbval-ignore-output" in _tags(_code(nb)[0]) and "setup_notebook" in setup
    assert f'REPO, REF = "https://github.com/{REPO}", "{RELEASE}"' in setup
    # Colab's own packages stay at their versions: d2l without its pins, d2l_ext under the constraint of
    # every version installed (tests/colab checks it in an emulated Colab runtime)
    installs = [line.strip() for line in setup.splitlines() if "pip install" in line]
    assert installs == [
        "%pip install -q --no-deps d2l==1.0.3",
        '%pip install -q --constraint /tmp/colab-versions.txt "d2l_ext @ git+{REPO}@{REF}"',
    ], installs


def test_notebooks_are_in_sync_with_pyproject():
    """Badge, setup cell and slide metadata come from one place: `python tools/sync.py` stamps them."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun: python tools/sync.py"


def test_slide_types_make_a_live_deck(nb):
    """A continuation cell has no slideshow metadata (jupyterlab-slideshow hides a cell marked "-"); the setup
    cell is the sub-slide below the title, where the instructor runs it first in a live deck."""
    types = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert all(t in {"slide", "subslide", "fragment", "skip", "notes", None} for t in types), types
    assert types[0] == "slide" and types.count("slide") >= 3
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert "setup_notebook" in nb.cells[setup].source and types[setup] == "subslide"
    assert all(t == "notes" for t in types[1:setup]), "only instructor notes between the title and the setup"


def test_going_further_sections_are_tagged():
    """tools/sync.py tags every cell of a "Going further" or "Checks" section, down to the next heading of the
    same or a higher level; the rest of the notebook is the core path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync", ROOT / "tools" / "sync.py")
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("## Core"), code("x"), md("### Going further: more"), code("y"), md("text"), md("### Next"),
             code("z"), md("## Going further: big"), md("### inside"), code("w"), md("## Summary"), md("## Checks"),
             code("c")]
    assert sync.going_further(cells) == [False, False, True, True, True, False, False, True, True, True, False,
                                         True, True]

"""The student edition runs top to bottom with every stub in place, and each check says "not done yet".

Slow (it executes every notebook): `make test-student` runs it after `make student` has written build/student/.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import course  # noqa: E402
import student  # noqa: E402

EDITION = ROOT / "build" / "student"
NAMES = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_runs_and_reports_not_done_yet(name, tmp_path):
    path = EDITION / name
    assert path.exists(), f"{path} is missing: run `make student` first"
    seconds, status = course.execute(path, tmp_path / name)
    assert status == "ok", f"{name} does not run top to bottom in the student edition: {status}"
    nb = nbformat.read(tmp_path / name, as_version=4)
    checked = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in cell.metadata.get("tags", []), f"{name}: an error in\n{cell.source}"
        if student.CHECK_CALL.search(cell.source):
            shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert "not done yet" in shown and "✓" not in shown, f"{name}: the check says {shown!r}"
            checked += 1
    stubs = sum(student.is_solution(c) and c.cell_type == "code" for c in nb.cells)
    assert checked >= 2 and stubs >= 2, f"{name}: {checked} checks, {stubs} stubs"

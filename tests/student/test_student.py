"""A test that is a student: the student edition as handed out, run top to bottom, and every exercise tried.

For each notebook of build/student/ (`make student` writes it), one kernel runs the cells in order. At each
exercise's check it first runs the check on the stub (it must say "not done yet"), then types each answer of
tests/student/student_cases.py into the stub's cell and runs the check again: a wrong answer must never get a ✓ and
must get its specific hint; a right answer unlike the worked solution must get one. Then the stub goes back.
It also fails on an instructor note or an output that answers a prediction in the student edition, and it
writes build/student/retry_costs.json: how long each predict-then-run check takes with no prediction, on
its first run, and on a retry.
"""

from __future__ import annotations

import json
import os
import queue
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tools"))
import student  # noqa: E402
import sync  # noqa: E402
from student_cases import EXERCISES  # noqa: E402  (the answers a student types, tests/student/student_cases.py)

EDITION = ROOT / "build" / "student"
NAMES = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
VERDICT = re.compile(r"^([✓✗…⚠]) (.+?) — ", re.M)
COSTS = EDITION / "retry_costs.json"


class Kernel:
    """A kernel in notebooks/ that runs a cell's source and returns what it printed or displayed."""

    def __init__(self, sockets: str) -> None:
        env = {**os.environ, "D2L_EXT_OFFLINE": "1", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg"}
        self.km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "ipc"))
        self.km.start_kernel(cwd=str(ROOT / "notebooks"), env=env)
        self.client = self.km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, source: str, timeout: float = 900) -> tuple[str, str | None]:
        """(the text the cell showed, the error's name and message or None)."""
        shown, error = [], None

        def collect(msg: dict) -> None:
            nonlocal error
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                shown.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                shown.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"

        try:
            self.client.execute_interactive(source, timeout=timeout, output_hook=collect, allow_stdin=False)
        except (TimeoutError, queue.Empty):
            error = f"timed out after {timeout} s"
        return "".join(shown), error

    def stop(self) -> None:
        self.client.stop_channels()
        self.km.shutdown_kernel(now=True)


def _is_check(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and student.is_exercise(cell) and bool(student.CHECK_CALL.search(cell.source))


def _verdict(shown: str) -> tuple[str, str]:
    found = VERDICT.search(shown)
    assert found, f"no verdict in {shown!r}"
    return found.group(1), found.group(2)


@pytest.fixture(scope="module")
def costs():
    table: dict[str, dict[str, float]] = {}
    yield table
    if table:
        old = json.loads(COSTS.read_text()) if COSTS.exists() else {}
        COSTS.write_text(json.dumps(old | table, indent=1, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", NAMES)
def test_the_student_edition_as_a_student_uses_it(name, costs):
    path = EDITION / name
    assert path.exists(), f"{path} is missing: run `make student` first"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        assert not cell.source.startswith("**Instructor notes") and sync.INSTRUCTOR not in cell.metadata.get(
            "tags", []
        ), f"{name}: an instructor note in the student edition"
        if student.answers_prediction(cell):
            assert not cell.get("outputs"), f"{name}: an output that answers a prediction:\n{cell.source}"
    tried = []
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        kernel = Kernel(sockets)
        try:
            stub = None
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                if student.is_solution(cell):
                    stub = cell.source
                start = time.perf_counter()
                shown, error = kernel.run(cell.source)
                seconds = time.perf_counter() - start
                if error:
                    assert "raises-exception" in cell.metadata.get("tags", []), f"{name}: {error} in\n{cell.source}"
                if not _is_check(cell):
                    continue
                mark, exercise = _verdict(shown)
                assert mark == "…" and "not done yet" in shown, f"{name}, {exercise}: the stub gets {shown!r}"
                case = EXERCISES[exercise]
                prediction = bool(re.search(r"check_(prediction|choice)\(", cell.source))
                for answer, words in case.wrong:
                    assert kernel.run(answer)[1] is None, f"{name}, {exercise}: the answer does not run:\n{answer}"
                    start = time.perf_counter()
                    shown, error = kernel.run(cell.source)
                    took = time.perf_counter() - start
                    assert error is None, f"{name}, {exercise}: the check raised {error} for\n{answer}"
                    mark, _ = _verdict(shown)
                    assert mark != "✓", f"{name}, {exercise}: a ✓ for a wrong answer:\n{answer}\n{shown}"
                    for word in words:
                        assert word.lower() in shown.lower(), f"{name}, {exercise}: {word!r} not in {shown!r}"
                    if prediction:
                        costs.setdefault(exercise, {"none": round(seconds, 3)})
                        costs[exercise].setdefault("first run", round(took, 3))
                        costs[exercise]["retry"] = round(took, 3)
                for answer in case.right:
                    assert kernel.run(answer)[1] is None, f"{name}, {exercise}: the answer does not run:\n{answer}"
                    shown, error = kernel.run(cell.source)
                    assert error is None and _verdict(shown)[0] == "✓", f"{name}, {exercise}: {answer}\n{shown}"
                assert stub is not None, f"{name}, {exercise}: no stub above its check"
                kernel.run(stub)  # back to the stub for the cells below
                tried.append(exercise)
        finally:
            kernel.stop()
    assert tried, f"{name}: no exercise tried"

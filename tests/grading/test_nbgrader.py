"""nbgrader end to end, as an instructor runs it on a JupyterHub, in a local course directory.

make assignment's course (tools/assignment.py) -> nbgrader generate_assignment -> two students submit
notebook 01 (every exercise right; the stubs untouched) -> nbgrader autograde -> the gradebook holds full
marks and zero marks -> nbgrader generate_feedback tells the second student what the checks said.
Slow (autograding executes the notebook twice): `make test-grading`.
"""

import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import assignment  # noqa: E402
import student  # noqa: E402

NAME = "01_forward_backward.ipynb"
ID = Path(NAME).stem
NAMES = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def _instructor(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with notebook 01 generated (released), as `make assignment` writes it."""
    course = tmp_path_factory.mktemp("course")
    assert assignment.write_course(course, [NAME]) == [ID]
    assignment.nbgrader(course, "generate_assignment", ID)
    return course


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_is_an_assignment_with_points(name, tmp_path):
    """Every notebook makes a valid nbgrader assignment; its stubs are the student edition's, byte for byte."""
    [aid] = assignment.write_course(tmp_path, [name])
    assignment.nbgrader(tmp_path, "generate_assignment", aid)
    assignment.check_release(tmp_path, aid)  # raises if nbgrader released stubs of its own
    released = nbformat.read(tmp_path / "release" / aid / name, as_version=4)
    meta = [c.metadata["nbgrader"] for c in released.cells if "nbgrader" in c.metadata]
    tests = [m for m in meta if m["grade"] and not m["solution"]]
    answers = [m for m in meta if m["solution"] and not m["grade"]]
    assert len(tests) == len(answers) >= 2, f"{name}: {len(tests)} tests for {len(answers)} answers"
    assert all(m["locked"] and m["points"] in (1, 2) for m in tests)
    for cell in released.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            assert assignment.GRADED in cell.source and not cell.outputs, cell.source
    student_nb = student.student_edition(_instructor(name), name)
    assert [c.source for c in released.cells if assignment.GRADED not in c.source] == [
        c.source for c in student_nb.cells if not student.CHECK_CALL.search(c.source)
    ]


def _submit(course: Path, who: str, nb: nbformat.NotebookNode) -> None:
    folder = course / "submitted" / who / ID
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NAME)


def test_autograde_full_marks_and_zero_marks(course):
    released = nbformat.read(course / "release" / ID / NAME, as_version=4)
    solutions = [c.source for c in _instructor(NAME).cells if student.is_solution(c)]
    right = nbformat.from_dict(released)
    answer_cells = [c for c in right.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell, source in zip(answer_cells, solutions, strict=True):
        cell.source = source  # the student writes the instructor's solution (code, prediction and reasoning)
    _submit(course, "ada", right)
    _submit(course, "bob", released)  # the stubs untouched

    assignment.nbgrader(course, "autograde", ID)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        ada, bob = (gb.find_submission_notebook(ID, ID, who) for who in ("ada", "bob"))
        auto = {g.name: (g.auto_score, g.max_score) for g in ada.grades if g.cell_type == "code"}
        written = [g for g in ada.grades if g.cell_type == "markdown"]
        assert auto and all(score == top for score, top in auto.values()), f"full marks expected: {auto}"
        assert ada.code_score == ada.max_code_score == sum(top for _, top in auto.values()) == 5
        # the written answers wait for the instructor; nbgrader scores an untouched one 0 by itself
        assert written and all(g.needs_manual_grade for g in written) and ada.needs_manual_grade
        assert bob.score == 0 and bob.code_score == 0 and not bob.needs_manual_grade
        assert bob.max_score == ada.max_score == 5 + len(written)

    assignment.nbgrader(course, "generate_feedback", ID)
    feedback = (course / "feedback" / "bob" / ID / f"{ID}.html").read_text()
    assert feedback.count("not done yet") >= 3 and "NotPassed" in feedback
    assert "✓" in (course / "feedback" / "ada" / ID / f"{ID}.html").read_text()

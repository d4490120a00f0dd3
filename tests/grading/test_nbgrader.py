"""nbgrader end to end, as an instructor runs it on a JupyterHub, in a local course directory.

make assignment's course (tools/assignment.py) -> generate_assignment -> release_assignment to a local
exchange -> one student fetches notebook 01, does every exercise right and submits; another hands in the stubs
untouched -> collect -> autograde -> the gradebook holds full marks and zero marks -> generate_feedback (the
checks' verdicts) -> release_feedback -> the first student fetches it.
Slow (autograding executes the notebook twice): `make test-grading`.
"""

import copy
import getpass
import sys
from datetime import datetime, timezone
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
    """A submission placed where `nbgrader collect` puts it (the exchange is tested once, with the first)."""
    folder = course / "submitted" / who / ID
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NAME)
    (folder / "timestamp.txt").write_text(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def test_release_fetch_submit_collect_autograde_feedback(course, tmp_path):
    """The term, for two students: the instructor releases 01; one student fetches it through the exchange, does
    every exercise right and submits; the other hands in the stubs untouched. The instructor collects,
    autogrades and releases feedback; the first student fetches it. Full marks and zero marks."""
    exchange = f"--Exchange.root={tmp_path / 'exchange'}"
    course_flag = f"--course={assignment.COURSE_ID}"
    home = tmp_path / "student-home"
    home.mkdir()
    assignment.nbgrader(course, "release_assignment", ID, exchange)
    assignment.nbgrader(home, "fetch_assignment", ID, course_flag, exchange)
    fetched = home / ID / NAME
    released = nbformat.read(fetched, as_version=4)
    assert released == nbformat.read(course / "release" / ID / NAME, as_version=4)

    right = copy.deepcopy(released)
    solutions = [c.source for c in _instructor(NAME).cells if student.is_solution(c)]
    answer_cells = [c for c in right.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell, source in zip(answer_cells, solutions, strict=True):
        cell.source = source  # the student writes the instructor's solution (code, prediction and reasoning)
    nbformat.write(right, fetched)
    assignment.nbgrader(home, "submit", ID, course_flag, exchange)
    assignment.nbgrader(course, "collect", ID, exchange)
    ada = getpass.getuser()  # the exchange knows a student by the account that submitted
    assert (course / "submitted" / ada / ID / NAME).exists()
    _submit(course, "bob", released)  # the stubs untouched

    assignment.nbgrader(course, "autograde", ID)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        right_nb, stubs_nb = (gb.find_submission_notebook(ID, ID, who) for who in (ada, "bob"))
        auto = {g.name: (g.auto_score, g.max_score) for g in right_nb.grades if g.cell_type == "code"}
        written = [g for g in right_nb.grades if g.cell_type == "markdown"]
        assert auto and all(score == top for score, top in auto.values()), f"full marks expected: {auto}"
        assert right_nb.code_score == right_nb.max_code_score == sum(top for _, top in auto.values()) == 7
        # the written answers wait for the instructor; nbgrader scores an untouched one 0 by itself
        assert written and all(g.needs_manual_grade for g in written) and right_nb.needs_manual_grade
        assert stubs_nb.score == 0 and stubs_nb.code_score == 0 and not stubs_nb.needs_manual_grade
        assert stubs_nb.max_score == right_nb.max_score == 7 + len(written)

    assignment.nbgrader(course, "generate_feedback", ID)
    feedback = (course / "feedback" / "bob" / ID / f"{ID}.html").read_text()
    assert feedback.count("not done yet") >= 3 and "NotPassed" in feedback
    assignment.nbgrader(course, "release_feedback", ID, f"--student={ada}", exchange)  # bob did not use the exchange
    assignment.nbgrader(home, "fetch_feedback", ID, course_flag, exchange)
    [mine] = (home / ID / "feedback").glob(f"*/{ID}.html")
    assert mine.read_text().count("✓") >= 3 and "NotPassed" not in mine.read_text()

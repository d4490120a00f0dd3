"""Write the exercises as an nbgrader course, to release, collect and autograde on a JupyterHub.

    python tools/assignment.py [NB ...]     write build/nbgrader/ and generate the release (make assignment)

One assignment per notebook, named after it (``01_forward_backward``, ...). The folder is an nbgrader
course directory: ``nbgrader_config.py``, ``source/<id>/<id>.ipynb`` (the instructor edition with
nbgrader's cell metadata) and, after ``nbgrader generate_assignment``, ``release/<id>/<id>.ipynb``
(what the students fetch). In the source, exercise by exercise:

* the solution code cell (a function, or ``name = prediction``) is an *autograded answer*;
* the check cell below it is an *autograded test*, locked, worth 2 points for a function and 1 for a
  prediction: its check is wrapped in ``d2l_ext.checks.graded``, so a ✓ earns the points and anything
  else earns zero, with the check's verdict (what is wrong, and the hint) as the feedback;
* the written answer, if the exercise asks for one, is a *manually graded answer* worth 1 point.

The stubs are the student edition's (tools/student.py), made by one piece of code: the course's
``nbgrader_config.py`` puts :class:`StubSolutions` in place of nbgrader's ``ClearSolutions`` and
:class:`ClearExerciseOutputs` in place of its ``ClearOutput``. CONTRIBUTING.md says why nbgrader's own
two cannot make these stubs.
"""

from __future__ import annotations

import ast
import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import student
from nbgrader.preprocessors import NbGraderPreprocessor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "nbgrader"
COURSE_ID = "d2l-mlp"
POINTS_FUNCTION, POINTS_PREDICTION, POINTS_WRITTEN = 2, 1, 1
GRADED = "d2l_ext.checks.graded("

CONFIG = '''\
"""nbgrader's configuration for this course, written by `make assignment` (tools/assignment.py)."""

import sys

sys.path.insert(0, {tools!r})  # the repository's tools/: the course's two preprocessors

from assignment import ClearExerciseOutputs, StubSolutions  # noqa: E402
from nbgrader.converters import GenerateAssignment  # noqa: E402

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
# The student edition's stubs, and only the exercises' outputs cleared (the lecture's figures stay).
REPLACE = {{"ClearSolutions": StubSolutions, "ClearOutput": ClearExerciseOutputs}}
c.GenerateAssignment.preprocessors = [
    REPLACE.get(p.__name__, p) for p in GenerateAssignment.class_traits()["preprocessors"].default()
]
# Autograding runs the whole notebook: no cell of the course runs longer than nbval's limit.
c.Execute.timeout = 900
'''


class StubSolutions(NbGraderPreprocessor):
    """In place of nbgrader's ClearSolutions: each solution cell becomes the student edition's stub."""

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 (nbconvert's signature)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            student.stub_cell(cell)
        return cell, resources


class ClearExerciseOutputs(NbGraderPreprocessor):
    """In place of nbgrader's ClearOutput: only the exercises' outputs are cleared, as in the student edition."""

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 (nbconvert's signature)
        student.clear_exercise_output(cell)
        return cell, resources


def graded_source(source: str) -> str:
    """A check cell's source made an nbgrader test: its final check call wrapped in ``d2l_ext.checks.graded``, or,
    for a predict-then-run cell (a run decorated by ``check_prediction``/``check_choice``), its verdict graded
    after it."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.FunctionDef) and any(
        student.CHECK_CALL.match(ast.get_source_segment(source, d) or "") for d in last.decorator_list
    ):
        return source.rstrip() + f"\n{GRADED}{last.name}, show=False)"
    if not (isinstance(last, ast.Expr) and student.CHECK_CALL.match(ast.get_source_segment(source, last) or "")):
        raise ValueError(f"a check cell must end with its d2l_ext.checks.check_*(...) call:\n{source}")
    lines = source.splitlines()
    first, end = last.lineno - 1, last.end_lineno - 1
    lines[end] = lines[end][: last.end_col_offset] + ")" + lines[end][last.end_col_offset :]
    lines[first] = lines[first][: last.col_offset] + GRADED + lines[first][last.col_offset :]
    return "\n".join(lines)


def _nbgrader(grade_id: str, *, solution: bool, points: int | None = None) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": points is not None, "schema_version": 3}
    meta["locked"] = points is not None and not solution  # a test cell: nbgrader restores it before grading
    if points is not None:
        meta["points"] = points
    return meta


def source_notebook(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The nbgrader source of notebook ``name``: the instructor edition with nbgrader's metadata on each exercise."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if not student.is_instructor_note(cell)]  # speaker notes stay home
    exercise, points = 0, None
    for cell in nb.cells:
        if student.is_exercise(cell) and cell.cell_type == "markdown" and cell.source.startswith("### Exercise"):
            exercise, points = exercise + 1, None
        elif student.is_solution(cell) and cell.cell_type == "code":
            defines_function = any(isinstance(n, ast.FunctionDef) for n in ast.parse(cell.source).body)
            points = POINTS_FUNCTION if defines_function else POINTS_PREDICTION
            cell.metadata["nbgrader"] = _nbgrader(f"ex{exercise}-answer", solution=True)
        elif student.is_exercise(cell) and student.CHECK_CALL.search(cell.source):
            if points is None:
                raise ValueError(f"{name}, exercise {exercise}: a check with no solution cell above it")
            cell.source = graded_source(cell.source)
            cell.metadata["nbgrader"] = _nbgrader(f"ex{exercise}-test", solution=False, points=points)
        elif student.is_solution(cell):
            cell.metadata["nbgrader"] = _nbgrader(f"ex{exercise}-written", solution=True, points=POINTS_WRITTEN)
    if not exercise:
        raise ValueError(f"{name} has no exercise")
    student.student_badge(nb, name)
    nb.metadata["d2l_ext"] = {"edition": "nbgrader"}
    return nb


def write_course(course: Path, names: list[str]) -> list[str]:
    """Write ``course``'s nbgrader_config.py and the source of each notebook; return the assignment ids."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(tools=str(ROOT / "tools"), course_id=COURSE_ID))
    ids = []
    for name in names:
        src = NOTEBOOKS / Path(name).name
        if not src.exists():
            raise FileNotFoundError(f"no such notebook: {name}")
        folder = course / "source" / src.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(nbformat.read(src, as_version=4), src.name), folder / src.name)
        ids.append(src.stem)
    return ids


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course directory (this Python's nbgrader); raise with its log if it fails."""
    # nbgrader runs alembic (its database migrations) from the PATH: put this Python's scripts first.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    return run


def check_release(course: Path, assignment_id: str) -> None:
    """Raise unless the release's solution cells are the student edition's stubs.

    nbgrader logs an error in nbgrader_config.py and goes on with its defaults, which would release
    its own stubs (and no lecture figures): this makes that failure loud.
    """
    name = f"{assignment_id}.ipynb"
    released = nbformat.read(course / "release" / assignment_id / name, as_version=4)
    expected = student.student_edition(nbformat.read(NOTEBOOKS / name, as_version=4), name)
    for got, want in zip(released.cells, expected.cells, strict=True):
        if student.is_solution(want) and got.source != want.source:
            raise RuntimeError(
                f"{name}: the release's stub is not the student edition's (was nbgrader_config.py "
                f"loaded?):\n{got.source}\n--- expected ---\n{want.source}"
            )


def main(argv: list[str]) -> int:
    names = argv or [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    for assignment_id in write_course(OUT, names):
        nbgrader(OUT, "generate_assignment", assignment_id, "--force")
        check_release(OUT, assignment_id)
        print(f"  {assignment_id}: source/ and release/")
    print(f"nbgrader course: {OUT.relative_to(ROOT)}/ (run nbgrader there; see the README's 'Grading with nbgrader')")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

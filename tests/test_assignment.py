"""The nbgrader course that make assignment writes (tools/assignment.py) and the graded checks it relies on.

Fast: sources and metadata. nbgrader itself, end to end, is tests/grading/ (make test-grading).
"""

import ast
import sys
from pathlib import Path

import nbformat
import pytest

from d2l_ext.checks import CORRECT, NOT_DONE, NotPassed, Verdict, graded

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import assignment  # noqa: E402
import student  # noqa: E402

NAMES = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def test_graded_passes_on_a_tick_and_raises_the_verdict_otherwise(capsys):
    assert graded(Verdict("ex", CORRECT, "right.")) is None  # printed, never returned (a partial score)
    assert "✓ ex — correct: right." in capsys.readouterr().out
    with pytest.raises(NotPassed, match="not done yet: returns None"):
        graded(Verdict("ex", NOT_DONE, "returns None"))
    assert issubclass(NotPassed, AssertionError)
    with pytest.raises(TypeError, match="check_"):
        graded("✓")


def test_graded_source_wraps_the_last_call_and_keeps_the_rest():
    src = 'm = f(2)\nd2l_ext.checks.check_bias_grads(\n    f,\n)  # the check'
    out = assignment.graded_source(src)
    assert out == 'm = f(2)\nd2l_ext.checks.graded(d2l_ext.checks.check_bias_grads(\n    f,\n))  # the check'
    wrapped = ast.parse(out).body[-1].value
    assert ast.dump(wrapped.args[0]) == ast.dump(ast.parse(src).body[-1].value)
    with pytest.raises(ValueError, match="must end with"):
        assignment.graded_source("d2l_ext.checks.check_bias_grads(f)\nprint(1)")


def test_graded_source_grades_a_decorated_run():
    src = '@d2l_ext.checks.check_prediction("x", p, rtol=0.05)\ndef run():\n    return f(2)'
    assert assignment.graded_source(src) == src + "\nd2l_ext.checks.graded(run, show=False)"


@pytest.mark.parametrize("name", NAMES)
def test_source_marks_every_exercise(name):
    nb = assignment.source_notebook(nbformat.read(ROOT / "notebooks" / name, as_version=4), name)
    meta = {
        c.metadata["nbgrader"]["grade_id"]: (c, c.metadata["nbgrader"]) for c in nb.cells if "nbgrader" in c.metadata
    }
    assert len({m["grade_id"] for _, m in meta.values()}) == len(meta)
    for grade_id, (cell, m) in meta.items():
        kind = grade_id.split("-")[1]
        if kind == "answer":  # the student's function or prediction: autograded through the test below it
            assert m["solution"] and not m["grade"] and not m["locked"] and student.is_solution(cell)
            test_cell, test = meta[grade_id.replace("answer", "test")]
            function = any(isinstance(n, ast.FunctionDef) for n in ast.parse(cell.source).body)
            assert test["points"] == (assignment.POINTS_FUNCTION if function else assignment.POINTS_PREDICTION)
        elif kind == "test":
            assert m["grade"] and m["locked"] and not m["solution"] and assignment.GRADED in cell.source
        else:
            assert kind == "written" and cell.cell_type == "markdown" and m["solution"] and m["grade"]
            assert m["points"] == assignment.POINTS_WRITTEN
    assert "/blob/student/" in nb.cells[0].source, "the badges open the student branch, not the solutions"

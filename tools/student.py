"""Write the student edition of the notebooks from the committed (instructor) edition.

    python tools/student.py [NB ...]     write build/student/NAME.ipynb

The committed notebooks hold the worked solutions, in cells tagged ``solution``.
The student edition replaces each solution cell by its stub, clears the outputs
of the exercise cells (tagged ``exercise``) and of the cells whose output answers
an in-class prediction (tagged ``answers-prediction``), and drops the instructor's
notes (tagged ``instructor`` by ``tools/sync.py``); everything else is as
committed. Stubs are derived from the solution, never written by hand:

* a function keeps its signature and docstring; its body becomes a TODO that
  returns None (the checks then report "not done yet");
* a prediction ``name = ...`` becomes ``name = None  # TODO: your prediction``;
* imports stay; a markdown solution becomes a prompt for the student's answer.

The Colab badge points at the student branch (``[tool.course] student_branch`` in
pyproject.toml), where the instructor publishes this edition, instead of the
instructor edition.
"""

from __future__ import annotations

import ast
import copy
import re
import sys
from pathlib import Path

import nbformat
import sync

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "student"
TODO_BODY = "# TODO: your code here"
TODO_PREDICTION = "None  # TODO: your prediction"
CHECK_CALL = re.compile(r"d2l_ext\.checks\.(check_\w+)\(")  # how an exercise cell calls its check
ANSWER_PROMPT = "**Your answer:** *double-click here to write your reasoning.*"


def stub_source(source: str) -> str:
    """The stub of a solution code cell: signatures and docstrings, TODO bodies, predictions set to None."""
    tree = ast.parse(source)
    lines = source.splitlines()
    if not tree.body:
        raise ValueError("a solution cell must define something")
    first = min([tree.body[0].lineno] + [d.lineno for d in getattr(tree.body[0], "decorator_list", [])])
    out = lines[: first - 1]  # the cell's leading comments (the question), kept
    prev_end = first - 1
    for node in tree.body:
        where = f"line {node.lineno} of the solution cell:\n{source}"
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        out += ["" for line in lines[prev_end : start - 1] if not line.strip()]  # the layout; comments dropped
        prev_end = node.end_lineno
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out += lines[start - 1 : node.end_lineno]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if ast.get_docstring(node) is None:
                raise ValueError(f"function {node.name} needs a docstring: the student's stub keeps it ({where})")
            doc = node.body[0]
            indent = " " * doc.col_offset
            out += lines[start - 1 : doc.end_lineno]
            out += [f"{indent}{TODO_BODY}", f"{indent}return None"]
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            out.append(" = ".join(t.id for t in node.targets) + " = " + TODO_PREDICTION)
        else:
            raise ValueError(
                f"a solution cell holds imports, functions and `name = prediction` only; found "
                f"{type(node).__name__} at {where}"
            )
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return "solution" in cell.metadata.get("tags", [])


def is_exercise(cell: nbformat.NotebookNode) -> bool:
    return "exercise" in cell.metadata.get("tags", [])


def stub_cell(cell: nbformat.NotebookNode) -> None:
    """Replace a solution cell's source by its stub, in place: :func:`stub_source` for code, a prompt for text."""
    cell.source = stub_source(cell.source) if cell.cell_type == "code" else ANSWER_PROMPT


ANSWERS_PREDICTION = "answers-prediction"


def answers_prediction(cell: nbformat.NotebookNode) -> bool:
    return ANSWERS_PREDICTION in cell.metadata.get("tags", [])


def is_instructor_note(cell: nbformat.NotebookNode) -> bool:
    return sync.INSTRUCTOR in cell.metadata.get("tags", [])


def clear_exercise_output(cell: nbformat.NotebookNode) -> None:
    """Clear the outputs of a cell that would show an answer, in place: a solution or exercise code cell, or
    one whose output answers an in-class prediction."""
    if cell.cell_type == "code" and (is_solution(cell) or is_exercise(cell) or answers_prediction(cell)):
        cell.outputs, cell.execution_count = [], None


def student_badge(nb: nbformat.NotebookNode, name: str) -> None:
    """Point the notebook's badges at the student branch, in place, never at the edition with the solutions."""
    cfg = sync.course_config()
    badge = sync.BADGE.format(slug=cfg["slug"], release=cfg["student_branch"], name=name)
    nb.cells[0].source = sync.BADGE_RE.sub(lambda _: badge, nb.cells[0].source)


def student_edition(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """A copy of notebook ``name`` with every solution replaced by its stub, the outputs that answer an exercise
    or a prediction cleared, and no instructor notes."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if not is_instructor_note(cell)]
    for cell in nb.cells:
        if is_solution(cell):
            stub_cell(cell)
        clear_exercise_output(cell)
    student_badge(nb, name)
    nb.metadata["d2l_ext"] = {"edition": "student"}
    return nb


def main(argv: list[str]) -> int:
    names = argv or [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = NOTEBOOKS / Path(name).name
        if not src.exists():
            sys.exit(f"no such notebook: {name}")
        nb = student_edition(nbformat.read(src, as_version=4), src.name)
        nbformat.write(nb, OUT / src.name)
        n = sum(is_solution(c) for c in nb.cells)
        print(f"  {src.name}: {n} solution cells replaced by stubs")
    print(f"student edition: {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

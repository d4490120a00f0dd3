"""The exercises of the instructor edition and the student edition derived from it (tools/student.py).

Fast: structure, stubs, leaks. Running the student edition top to bottom is tests/student/.
"""

import ast
import inspect
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import student  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# ---------------------------------------------------------------- stubs
def test_function_stub_keeps_signature_and_docstring():
    src = '''import math


def f(x, *, lam=0.1):
    """Docstring: x (n,) -> (n,)."""
    y = x * lam
    return y'''
    stub = student.stub_source(src)
    assert (
        stub == 'import math\n\n\ndef f(x, *, lam=0.1):\n    """Docstring: x (n,) -> (n,)."""\n'
        "    # TODO: your code here\n    return None"
    )
    ns = {}
    exec(stub, ns)
    assert ns["f"](1) is None and ns["f"].__doc__ == "Docstring: x (n,) -> (n,)."


def test_multiline_signature_decorator_and_leading_question_comment():
    src = '''# Question: what is it?
@staticmethod
def g(a,
      b):
    """Two
    lines."""
    return a + b'''
    stub = student.stub_source(src)
    assert stub.startswith("# Question: what is it?\n@staticmethod\ndef g(a,\n      b):\n")
    assert '    """Two\n    lines."""\n    # TODO: your code here\n    return None' in stub
    assert "a + b" not in stub


def test_prediction_becomes_none():
    assert student.stub_source("p = 0.25 ** 10  # the bound") == "p = None  # TODO: your prediction"
    assert student.stub_source("a = b = 'x'") == "a = b = None  # TODO: your prediction"


@pytest.mark.parametrize(
    "src, message",
    [
        ("print(1)", "imports, functions and `name = prediction` only"),
        ("def f():\n    return 1", "needs a docstring"),
        ("x[0] = 1", "imports, functions"),
        ("", "must define something"),
    ],
)
def test_bad_solution_cells_are_refused(src, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        student.stub_source(src)


# ---------------------------------------------------------------- the instructor edition
def _read(path):
    return nbformat.read(path, as_version=4)


def _exercises(nb):
    """Exercise number -> the cells from its '### Exercise' heading to the next heading."""
    out, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("#"):
            m = re.match(r"### Exercise (\d+)", cell.source)
            current = int(m.group(1)) if m else None
            if current is not None:
                out[current] = []
        if current is not None:
            out[current].append(cell)
    return out


def _defined(source):
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets]
    return names


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    notebook = _read(request.param)
    notebook.path = request.param
    return notebook


def test_two_to_four_checked_exercises_each(nb):
    exercises = _exercises(nb)
    assert 2 <= len(exercises) <= 4, f"{len(exercises)} exercises"
    assert list(exercises) == list(range(1, len(exercises) + 1))
    kinds = {"code": 0, "predict": 0}
    for k, cells in exercises.items():
        solutions = [c for c in cells if c.cell_type == "code" and student.is_solution(c)]
        checks = [
            c for c in cells if c.cell_type == "code" and student.is_exercise(c) and student.CHECK_CALL.search(c.source)
        ]
        assert solutions and checks, f"exercise {k} needs a solution cell and a check cell"
        assert student.is_exercise(cells[0]), f"exercise {k}: its statement is tagged 'exercise'"
        for sol in solutions:
            for name in _defined(sol.source):
                assert any(re.search(rf"\b{name}\b", c.source) for c in checks), f"exercise {k}: {name} is not checked"
                kinds["predict" if name.startswith("predict") else "code"] += 1
        for c in cells[1:]:
            assert student.is_solution(c) or student.is_exercise(c), f"exercise {k}: an untagged cell\n{c.source}"
    assert kinds["code"] >= 1, "at least one coding exercise per notebook"


def test_committed_checks_all_pass(nb):
    """The instructor edition runs with the solutions: every check says ✓ (strict nbval keeps it so)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and student.CHECK_CALL.search(cell.source):
            shown = [  # a verdict returned, or shown by a decorator
                o["data"]["text/plain"]
                for o in cell.outputs
                if o.get("output_type") in ("execute_result", "display_data") and "text/plain" in o.get("data", {})
            ]
            assert shown and shown[-1].startswith("✓"), f"a check that does not pass:\n{cell.source}\n{shown}"


def test_anatomy_summary_exercises_vocabulary(nb):
    heads = [
        line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("## ")
    ]
    tail = [h for h in heads if h in ("## Summary", "## Exercises", "## Vocabulary", "## Checks")]
    assert tail in (
        ["## Summary", "## Exercises"],
        ["## Summary", "## Exercises", "## Vocabulary"],
        ["## Summary", "## Exercises", "## Checks"],
        ["## Summary", "## Exercises", "## Vocabulary", "## Checks"],
    ), heads
    assert heads[-len(tail) :] == tail, (
        "the notebook ends with the summary, the exercises, the vocabulary and optionally the checks"
    )


# ---------------------------------------------------------------- the student edition
def _lines(text):
    return {line.strip() for line in text.splitlines() if len(line.strip()) > 12}


def leaks(nb, edition):
    """Lines of solution text (not signatures, docstrings, imports, nor text the notebook shows elsewhere)
    that appear in the student edition."""
    shown = [c.source for c in edition.cells] + [
        str(v)
        for c in edition.cells
        for o in c.get("outputs", [])
        for v in [o.get("text", ""), *o.get("data", {}).values()]
    ]
    text = _lines("\n".join(shown))
    visible = set().union(*(_lines(c.source) for c in nb.cells if not student.is_solution(c)))
    found = set()
    for cell in nb.cells:
        if not student.is_solution(cell):
            continue
        lines = _lines(cell.source) - visible
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            lines -= {
                ln
                for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef)
                for ln in _lines(ast.get_docstring(n, clean=False) or "")
            }
            lines -= {ln for ln in lines if ln.startswith(("def ", "import ", "from ", '"""'))}
        found |= {ln for ln in lines if any(ln in t for t in text)}  # whole lines, or inside a longer one
    return found


def test_leak_detection_catches_a_leak():
    nb = _read(NOTEBOOKS[1])
    edition = student.student_edition(nb, NOTEBOOKS[1].name)
    assert not leaks(nb, edition)
    solution = next(c for c in nb.cells if student.is_solution(c) and c.cell_type == "code")
    target = next(c for c in edition.cells if student.is_exercise(c) and c.cell_type == "markdown")
    target.source += "\n" + solution.source.splitlines()[-1]
    assert leaks(nb, edition)


def test_student_edition(nb):
    edition = student.student_edition(nb, nb.path.name)
    notes = [c for c in nb.cells if student.is_instructor_note(c)]
    assert notes and all(c.source.startswith("**Instructor notes**") for c in notes)
    assert not any(c.source.startswith("**Instructor notes**") for c in edition.cells), "notes are the instructor's"
    nb = nbformat.from_dict({**nb, "cells": [c for c in nb.cells if not student.is_instructor_note(c)]})
    assert len(edition.cells) == len(nb.cells) and edition.metadata["d2l_ext"]["edition"] == "student"
    cfg = student.sync.course_config()
    badge = f"colab.research.google.com/github/{cfg['slug']}/blob/{cfg['student_branch']}/notebooks/{nb.path.name})"
    assert badge in edition.cells[0].source, "the badge opens the student edition, never the instructor's"
    binder = f"mybinder.org/v2/gh/{cfg['slug']}/{cfg['student_branch']}?labpath=notebooks%2F{nb.path.name})"
    assert binder in edition.cells[0].source, "the Binder badge opens the student edition too"
    assert f"/blob/{cfg['release']}/" not in edition.cells[0].source
    assert not leaks(nb, edition), "solution text in the student edition"
    for index, (before, after) in enumerate(zip(nb.cells, edition.cells, strict=True)):
        if student.is_solution(before) and before.cell_type == "code":
            assert "TODO" in after.source and after.outputs == [] and after.execution_count is None
            ns_sol, ns_stub = {}, {}
            exec(compile(after.source, "<stub>", "exec"), ns_stub)
            needs = {"__builtins__": __builtins__, **_needs(nb, index)}
            exec(compile(before.source, "<solution>", "exec"), needs, ns_sol)
            for name in _defined(before.source):
                if callable(ns_sol[name]) and not isinstance(ns_sol[name], _Anything):
                    assert inspect.signature(ns_stub[name]) == inspect.signature(ns_sol[name])
                    assert ns_stub[name].__doc__ == ns_sol[name].__doc__
                    assert ns_stub[name](*[None] * len(inspect.signature(ns_stub[name]).parameters)) is None
                else:
                    assert ns_stub[name] is None
        elif student.is_solution(before):
            assert after.source == student.ANSWER_PROMPT
        elif student.is_exercise(before) and before.cell_type == "code":
            assert after.source == before.source and after.outputs == [] and after.execution_count is None
        elif student.answers_prediction(before):
            assert after.source == before.source and after.outputs == [], "an in-class prediction's answer"
        elif before is nb.cells[0]:
            assert student.sync.BADGE_RE.sub("", after.source) == student.sync.BADGE_RE.sub("", before.source)
        else:
            assert after == before, "everything else stays as committed"


class _Anything:
    """Stands for a notebook variable a solution reads: only the stub's signature and docstring are compared."""

    def __getattr__(self, name):
        if name.startswith("__"):  # no array or other protocol: NumPy then falls back to our operators
            raise AttributeError(name)
        return self

    def _same(self, *args, **kwargs):
        return self

    __getitem__ = __call__ = __neg__ = __abs__ = _same
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __pow__ = __rpow__ = __floordiv__ = __rfloordiv__ = __mod__ = __matmul__ = __rmatmul__ = _same


def _needs(nb, index: int) -> dict:
    """What the solution cell ``nb.cells[index]`` reads from the notebook, derived from the notebook: modules it
    imported earlier (imported here too), and variables an earlier cell assigned (stood for by _Anything)."""
    import ast
    import builtins

    tree = ast.parse(nb.cells[index].source)
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    stored |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stored |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    stored |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    read -= stored | set(dir(builtins))
    imports, assigned = {}, set()
    for cell in nb.cells[:index]:
        if cell.cell_type != "code":
            continue
        # IPython's magics and shell lines (the setup cell's %pip) are no Python: keep their indentation, as pass
        code = re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)
        earlier = ast.parse(code)
        for node in ast.walk(earlier):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    imports[alias.asname or alias.name.split(".")[0]] = ast.unparse(node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                assigned.add(node.name)
    needs = {}
    for name in sorted(read):
        if name in imports:
            exec(imports[name], needs)
        else:
            assert name in assigned, f"the solution reads {name!r}, which no earlier cell of {nb.path.name} defines"
            needs[name] = _Anything()
    needs.pop("__builtins__", None)
    return needs


def test_make_student_writes_every_notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(student, "OUT", tmp_path / "student")
    monkeypatch.setattr(student, "ROOT", tmp_path)
    assert student.main([]) == 0
    written = sorted(p.name for p in (tmp_path / "student").glob("*.ipynb"))
    assert written == [p.name for p in NOTEBOOKS]
    for p in (tmp_path / "student").glob("*.ipynb"):
        nbformat.validate(_read(p))

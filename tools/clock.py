"""The class clock: how long each notebook takes in class, and the session plan the README shows.

    python tools/clock.py          print each notebook's estimate and the session plan
    python tools/clock.py --write  rewrite the README's session table (between its clock markers)
    python tools/clock.py --check  exit 1 if the README's table is stale or a session's core path is over

The estimating rule (CONTRIBUTING, "The class clock") counts what the class does on a notebook's *core path*:
every cell that is not in a "Going further" or "Checks" section, not an instructor note, not the setup cell,
and not one of the exercises after the "## Exercises" heading:

* words read: markdown words at WORDS_PER_MINUTE (the lecturer reads and explains);
* code read: code lines at LINES_PER_MINUTE, not counting blank lines, comments and the lines that only lay out a
  figure (calls on ``fig``, ``ax``, ``axes`` or ``plt``: the figure is discussed, not its styling);
* run time: each code cell's recorded execution time (the committed outputs' timing metadata);
* figures discussed: FIGURE_MINUTES per image output;
* predictions: PREDICTION_MINUTES per in-class prediction (a markdown cell with "**Predict**");
* play: APP_MINUTES per interactive app displayed on the core path;
* in-class exercises (an exercise placed before "## Exercises", like 01's derivation): their own time.

The exercises after "## Exercises" take CODING_MINUTES (a function to write) or PREDICT_MINUTES plus the check's
run time (a prediction). A session's exercises are *lab* work in class when its core path leaves room for
them (in notebook order, within SESSION_MINUTES); from the first that does not fit on, they are *homework*.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
import sync

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

WORDS_PER_MINUTE = 110  # a lecturer reading and explaining, about half of silent reading speed
LINES_PER_MINUTE = 12  # code shown and walked through
FIGURE_MINUTES = 2.0
PREDICTION_MINUTES = 3.0
APP_MINUTES = 10.0  # the interactive exercises: play with the app in class
CODING_MINUTES = 15.0  # an exercise whose answer is a function
PREDICT_MINUTES = 5.0  # a predict-then-run exercise, plus its check's run time
INCLASS_CODING_MINUTES = 10.0  # an in-class exercise on the core path: derived together, then checked
SESSION_MINUTES = 65  # a 75-minute class leaves 10 minutes for questions
BEGIN, END = "<!-- clock:begin (tools/clock.py --write) -->", "<!-- clock:end -->"


@dataclass
class Clock:
    """One notebook's estimate, in minutes."""

    name: str
    words: int = 0
    code_lines: int = 0
    run_seconds: float = 0.0
    figures: int = 0
    predictions: int = 0
    apps: int = 0
    inclass: float = 0.0
    exercises: list[tuple[str, float]] = field(default_factory=list)

    @property
    def core(self) -> float:
        """Minutes of the core path in class."""
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines / LINES_PER_MINUTE
            + self.run_seconds / 60
            + FIGURE_MINUTES * self.figures
            + PREDICTION_MINUTES * self.predictions
            + APP_MINUTES * self.apps
            + self.inclass
        )

    @property
    def exercise_minutes(self) -> float:
        return sum(m for _, m in self.exercises)


def _seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.metadata.get("execution", {})
    if "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
        return 0.0
    start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00")) for k in ("iopub.execute_input",
                                                                                      "shell.execute_reply"))
    return (end - start).total_seconds()


PLOT_LINE = re.compile(r"^\s*(fig|ax\w*|axes|plt)\b\s*(\[[^\]]*\])?\s*[.,=]")


def _code_lines(source: str) -> int:
    """Lines of code read in class: not blank, not a comment, not a figure's layout."""
    lines = [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    return sum(1 for line in lines if not PLOT_LINE.match(line))


def _defines_function(source: str) -> bool:
    return any(isinstance(node, ast.FunctionDef) for node in ast.parse(source).body)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.metadata.get("tags", [])


EXERCISE = re.compile(r"^###\s+(Exercise\s+\d+[^\n]*)", re.M)


def estimate(path: Path) -> Clock:
    """The clock of one notebook, from its committed cells and outputs."""
    nb = nbformat.read(path, as_version=4)
    clock = Clock(path.stem)
    after_exercises = False
    current: list | None = None  # [title, minutes] of the exercise being read
    for cell, optional in zip(nb.cells, sync.going_further(nb.cells), strict=True):
        source = cell.source
        if cell.cell_type == "markdown" and re.match(r"^##\s+Exercises\b", source):
            after_exercises = True
        if optional or source.startswith("**Instructor notes**") or "setup_notebook" in source:
            continue
        if "exercise" in _tags(cell) or "solution" in _tags(cell):
            heading = EXERCISE.search(source) if cell.cell_type == "markdown" else None
            if heading:
                current = [heading.group(1), 0.0]
                (clock.exercises if after_exercises else []).append(current)
                if not after_exercises:
                    clock.inclass += INCLASS_CODING_MINUTES
            if current is not None and after_exercises and "solution" in _tags(cell) and cell.cell_type == "code":
                current[1] += CODING_MINUTES if _defines_function(source) else PREDICT_MINUTES
            if current is not None and after_exercises and cell.cell_type == "code" and "exercise" in _tags(cell):
                current[1] += _seconds(cell) / 60
            continue
        if cell.cell_type == "markdown":
            clock.words += len(source.split())
            clock.predictions += source.count("**Predict")
        else:
            clock.code_lines += _code_lines(source)
            clock.run_seconds += _seconds(cell)
            clock.figures += sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
            clock.apps += bool(re.search(r"\w+App\(", source)) and source.strip().splitlines()[-1].strip() == "app"
    return clock


def sessions() -> list[dict]:
    """The session plan of pyproject.toml's [tool.course] sessions: a title and the notebooks of each."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]
    return cfg["sessions"]


def plan() -> list[dict]:
    """Each session with its notebooks' clocks, core minutes, and its exercises as lab or homework."""
    clocks = {p.name[:2]: estimate(p) for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))}
    out = []
    for session in sessions():
        mine = [clocks[n] for n in session["notebooks"]]
        core = sum(c.core for c in mine)
        room, lab, homework = SESSION_MINUTES - core, [], []
        for c in mine:
            for title, minutes in c.exercises:
                item = (c.name[:2], title.split(":")[0].split(" (")[0], minutes)
                if not homework and minutes <= room:  # in order: from the first that does not fit, homework
                    lab.append(item)
                    room -= minutes
                else:
                    homework.append(item)
        out.append({"title": session["title"], "clocks": mine, "core": core, "lab": lab, "homework": homework,
                    "topics": session["topics"]})
    return out


def _items(items: list[tuple[str, str, float]]) -> str:
    if not items:
        return "none"
    total = sum(m for *_, m in items)
    return f"{round(total)} min: " + ", ".join(f"{nb} {title.replace('Exercise', 'ex.')}" for nb, title, _ in items)


def table() -> str:
    """The README's session table, as generated."""
    rows = [
        "| session | notebooks (core path, min) | core path in class | lab in class | homework |",
        "|---|---|---|---|---|",
    ]
    for i, s in enumerate(plan(), start=1):
        notebooks = ", ".join(f"{c.name[:2]} ({round(c.core)})" for c in s["clocks"])
        rows.append(f"| {i}. {s['title']} | {notebooks} | **{round(s['core'])} min**: {s['topics']} | "
                    f"{_items(s['lab'])} | {_items(s['homework'])} |")
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    """``text`` (the README) with its table between the clock markers replaced by :func:`table`."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"the README has no clock markers {BEGIN!r} ... {END!r}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the README's session table")
    parser.add_argument("--check", action="store_true", help="fail if the README's table is stale or a session over")
    args = parser.parse_args(argv)
    text = README.read_text()
    over = [s for s in plan() if s["core"] > SESSION_MINUTES]
    if args.write:
        README.write_text(readme_with_table(text))
    elif args.check:
        if readme_with_table(text) != text:
            print("the README's session table is stale: run python tools/clock.py --write")
            return 1
    else:
        for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
            c = estimate(p)
            print(f"{c.name:28s} core {c.core:5.1f} min (words {c.words}, code lines {c.code_lines}, run "
                  f"{c.run_seconds:.0f} s, figures {c.figures}, predictions {c.predictions}, apps {c.apps}, "
                  f"in class {c.inclass:.0f}); exercises {c.exercise_minutes:.0f} min")
        print()
        print(table())
    for s in over:
        print(f"session {s['title']!r}: core path {s['core']:.0f} min, over {SESSION_MINUTES}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Stamp what every notebook shares from one place (pyproject.toml): the Colab badge, the setup cell
(with its tags), and the slide metadata that `make slides` / `make course` turn into reveal.js decks.

    python tools/sync.py          # rewrite notebooks/ in place where they differ
    python tools/sync.py --check  # exit 1 if any notebook is out of sync (the tests call this)

Only cell sources and metadata change, never outputs: re-execute after a real change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

SETUP = """# Setup. On Colab: install what Colab lacks (d2l without its pins, this course's d2l_ext) and keep every
# package Colab has at its version. Elsewhere `make lab` has installed everything: nothing to install.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    REPO, REF = "{repo}", "{release}"  # forking the course? README, "Your own copy of the course"
    try:
        subprocess.run(["git", "ls-remote", "--exit-code", REPO, REF], check=True, capture_output=True,
                       timeout=60, env={{**os.environ, "GIT_TERMINAL_PROMPT": "0"}})
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise SystemExit(f"Cannot reach the course repository {{REPO}} (ref {{REF}}). Instructors: set it in "
                         "pyproject.toml and run `make sync` (README, 'Your own copy of the course').") from None
    !{{sys.executable}} -m pip list --format=freeze > /tmp/colab-versions.txt
    %pip install -q --no-deps d2l==1.0.3
    %pip install -q --constraint /tmp/colab-versions.txt "d2l_ext @ git+{{REPO}}@{{REF}}"

import d2l.torch as d2l  # noqa: F401  (the book's API, used in the lesson)
import torch
from torch import nn  # noqa: F401  (used by most notebooks)

import d2l_ext

device = d2l_ext.setup_notebook(seed=0)
print("torch", torch.__version__, "| device:", device)"""

#: Cell tags the setup cell always carries: its output (versions, device) differs from machine to machine.
SETUP_TAGS = ["nbval-ignore-output"]

# The two launch badges of a notebook's first cell: Colab, and Binder (repo2docker builds binder/).
COLAB_BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/{slug}/blob/{release}/notebooks/{name})"
BINDER_BADGE = "[![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{slug}/{release}?labpath=notebooks%2F{name})"
BADGE = COLAB_BADGE + " " + BINDER_BADGE
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)(?: \[!\[Launch Binder\]\([^)]*\)\]\([^)]*\))?")


def course_config() -> dict[str, str]:
    """The repository URL, its owner/name slug and the release, from pyproject.toml."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    repo = meta["project"]["urls"]["Repository"].rstrip("/")
    slug = repo.removeprefix("https://github.com/")
    course = meta["tool"]["course"]
    return {"repo": repo, "slug": slug, "release": course["release"], "student_branch": course["student_branch"]}


def slide_type(cell: nbformat.NotebookNode, index: int) -> str | None:
    """One idea per slide: a title or section starts a slide, a subsection a sub-slide; code and its
    figure stay on the slide of the text above them (None: no slideshow metadata, which every deck tool reads
    as "continue"; jupyterlab-slideshow hides a cell marked "-"). The setup cell is a sub-slide below the
    title, so that a live deck runs it first (the static decks skip it: tools/render.py)."""
    src = cell.source.lstrip()
    if src.startswith("**Instructor notes"):
        return "notes"  # reveal.js speaker view (press S); the page shows it as a normal cell
    if cell.cell_type == "code":
        return "subslide" if is_setup(cell) else None
    if src.startswith(("# ", "## ")) or index == 0:
        return "slide"
    if src.startswith("### "):
        return "subslide"
    return None


def is_setup(cell: nbformat.NotebookNode) -> bool:
    """Is this the notebook's setup cell (the code cell that calls setup_notebook)?"""
    return cell.cell_type == "code" and "setup_notebook" in cell.source


GOING_FURTHER = "going-further"
#: The tag of the instructor's notes (a cell starting "**Instructor notes**"): the student edition drops them.
INSTRUCTOR = "instructor"
# Sections off the core path of a 75-minute class: a heading that starts with one of these opens one, down to
# the next heading of the same or a higher level. Such a heading starts its own markdown cell.
OPTIONAL = ("Going further", "Checks")
HEADING = re.compile(r"^(#{1,6}) +(.+)$", re.M)


def _enter(level: int | None, depth: int, text: str) -> int | None:
    """The optional section's level after a heading: a heading at or above it ends it, an optional one opens one."""
    if level is not None and depth <= level:
        level = None
    return depth if level is None and text.startswith(OPTIONAL) else level


def going_further(cells: list[nbformat.NotebookNode]) -> list[bool]:
    """For each cell: is it in a "Going further" (or final "Checks") section?"""
    flags, level = [], None
    for cell in cells:
        source = cell.source if cell.cell_type == "markdown" else ""
        headings = [(len(m[1]), m[2].strip()) for m in HEADING.finditer(source)]
        before = level
        for depth, text in headings:
            level = _enter(level, depth, text)
        opens = bool(headings) and source.lstrip().startswith("#")  # a cell opening with a heading is in its section
        flags.append((_enter(before, *headings[0]) if opens else before) is not None)
    return flags


def synced(nb: nbformat.NotebookNode, name: str, cfg: dict[str, str]) -> nbformat.NotebookNode:
    first = nb.cells[0]
    badge = BADGE.format(name=name, **cfg)
    if BADGE_RE.search(first.source):
        first.source = BADGE_RE.sub(lambda _: badge, first.source)
    else:
        first.source = first.source.rstrip() + "\n\n" + badge
    setup = next(c for c in nb.cells if c.cell_type == "code")
    setup.source = SETUP.format(**cfg)
    setup.metadata["tags"] = sorted(set(setup.metadata.get("tags", [])) | set(SETUP_TAGS))
    for i, (cell, optional) in enumerate(zip(nb.cells, going_further(nb.cells), strict=True)):
        kind = slide_type(cell, i)
        if kind is None:
            cell.metadata.pop("slideshow", None)
        else:
            cell.metadata["slideshow"] = {"slide_type": kind}
        notes = kind == "notes"
        tags = [t for t in cell.metadata.get("tags", []) if t not in (GOING_FURTHER, INSTRUCTOR)]
        tags += ([GOING_FURTHER] if optional else []) + ([INSTRUCTOR] if notes else [])
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    cfg = course_config()
    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        before = path.read_text(encoding="utf-8")
        nb = synced(nbformat.reads(before, as_version=4), path.name, cfg)
        after = nbformat.writes(nb) + "\n"
        if after.strip() != before.strip():
            stale.append(path.name)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    if stale:
        print(("out of sync: " if args.check else "synced: ") + ", ".join(stale))
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())

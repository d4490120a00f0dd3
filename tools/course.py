"""Execute the course's notebooks headless.

    python tools/course.py build [NB ...]    execute into build/ (committed notebooks untouched), render each as an
                                             HTML page and reveal.js slides, write build/index.html and the
                                             README gallery (docs/gallery), print a table
    python tools/course.py slides [NB ...]   the same, for the slides (the build makes both)
    python tools/course.py execute [NB ...]  re-execute in place (developers: refresh committed outputs)

Each notebook runs top to bottom in a fresh kernel of this Python, with the
kernel's working directory set to notebooks/ (as in JupyterLab) and progress
bars off, so that saved outputs are deterministic.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
TIMEOUT_S = 900


def notebooks(names: list[str]) -> list[Path]:
    """The notebooks named (paths or file names), or all of notebooks/ in order."""
    if not names:
        found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if not found:
            sys.exit(f"no notebooks found in {NOTEBOOKS}")
        return found
    paths = []
    for name in names:
        p = Path(name)
        p = p if p.exists() else NOTEBOOKS / p.name
        if not p.exists():
            sys.exit(f"no such notebook: {name}")
        paths.append(p.resolve())
    return paths


def execute(path: Path, out: Path) -> tuple[float, str]:
    """Run ``path`` in a fresh kernel and write the executed notebook to ``out``."""
    nb = nbformat.read(path, as_version=4)
    # A cell marked `# NBVAL_RAISES_EXCEPTION` demonstrates an error on purpose: nbclient needs the
    # `raises-exception` tag to run on past it; add it only while executing (nbval reads the comment).
    demos = [c for c in nb.cells if c.cell_type == "code" and "NBVAL_RAISES_EXCEPTION" in c.source]
    for cell in demos:
        cell.metadata.setdefault("tags", []).append("raises-exception")
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellExecutionError as exc:
        last = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1]
        status = "FAILED: " + last[:120]
    seconds = time.perf_counter() - start
    for cell in demos:
        cell.metadata["tags"].remove("raises-exception")
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return seconds, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "slides", "execute"])
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    rows = []
    building = args.command in ("build", "slides")
    if building:
        import render

        render.vendor(BUILD)
        render.assets(BUILD)
    for path in notebooks(args.notebooks):
        out = path if args.command == "execute" else BUILD / path.name
        seconds, status = execute(path, out)
        rows.append((path.name, seconds, status))
        print(f"  {path.name}: {seconds:.1f} s, {status}", flush=True)
        if building:
            render.export(out, BUILD)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'notebook':<{width}}  {'seconds':>8}  status")
    for name, seconds, status in rows:
        print(f"{name:<{width}}  {seconds:>8.1f}  {status}")
    if building:
        saved = render.gallery(BUILD, [r[0] for r in rows])
        print(f"\ngallery: {len(saved)} figures in {render.GALLERY.relative_to(ROOT)}")
        print(f"pages and slides: {BUILD}/NAME.html and NAME.slides.html")
        print(f"course index: {render.index(BUILD, rows)}")
    return 0 if all(r[2] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

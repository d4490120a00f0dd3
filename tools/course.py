"""Build the course site from the notebooks, or execute them headless.

    python tools/course.py build [NB ...]    render the committed notebooks (their outputs are the ones strict nbval
                                             checks) as HTML pages and reveal.js slides into build/, write
                                             build/index.html and the README gallery (docs/gallery), print a table
    python tools/course.py build --execute   the same, but execute each notebook into build/ first (committed
                                             notebooks untouched): the site then shows this machine's run
    python tools/course.py execute [NB ...]  re-execute in place (developers: refresh committed outputs)

Each executed notebook runs top to bottom in a fresh kernel of this Python, over IPC sockets (no TCP port), with
the kernel's working directory set to notebooks/ (as in JupyterLab) and progress bars off.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
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
    """Run ``path`` in a fresh kernel and write the executed notebook to ``out``.

    Cells tagged ``raises-exception`` demonstrate an error on purpose and do not stop the run.
    """
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "ipc"))
        client = NotebookClient(nb, km=km, timeout=TIMEOUT_S, resources={"metadata": {"path": str(NOTEBOOKS)}})
        start = time.perf_counter()
        status = "ok"
        try:
            client.execute()
        except CellExecutionError as exc:
            last = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1]
            status = "FAILED: " + last[:120]
        finally:
            if km.has_kernel:  # nbclient leaves a kernel it did not start running
                km.shutdown_kernel(now=True)
        seconds = time.perf_counter() - start
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return seconds, status


def recorded_seconds(path: Path) -> float:
    """How long the notebook's recorded run took: from its first cell's start to its last cell's reply."""
    times = [
        datetime.fromisoformat(cell.metadata["execution"][key].replace("Z", "+00:00"))
        for cell in nbformat.read(path, as_version=4).cells
        if "execution" in cell.get("metadata", {})
        for key in ("iopub.execute_input", "shell.execute_reply")
        if key in cell.metadata["execution"]
    ]
    return (max(times) - min(times)).total_seconds() if times else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "execute"])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--execute", action="store_true", help="build: execute each notebook into build/ first")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    rows = []
    building = args.command == "build"
    if building:
        import render

        render.vendor(BUILD)
        render.assets(BUILD)
    for path in notebooks(args.notebooks):
        if args.command == "execute" or args.execute:
            out = path if args.command == "execute" else BUILD / path.name
            seconds, status = execute(path, out)
        else:  # render what is committed: strict nbval checks that it is what the code produces
            out = BUILD / path.name
            shutil.copy(path, out)
            seconds, status = recorded_seconds(path), "ok"
        rows.append((path.name, seconds, status))
        print(f"  {path.name}: {seconds:.1f} s, {status}", flush=True)
        if building:
            render.export(out, BUILD)
    width = max(len(r[0]) for r in rows)
    when = "this run" if args.command == "execute" or args.execute else "the recorded run"
    print(f"\n{'notebook':<{width}}  {'seconds':>8}  status   (seconds: {when})")
    for name, seconds, status in rows:
        print(f"{name:<{width}}  {seconds:>8.1f}  {status}")
    if building:
        saved = render.gallery(BUILD, [r[0] for r in rows])
        print(f"\ngallery: {len(saved)} figures in {render.GALLERY.relative_to(ROOT)}")
        print(f"pages and slides: {BUILD}/NAME.html and NAME.slides.html")
        print(f"course index: {render.index(BUILD, rows, executed=args.execute)}")
    return 0 if all(r[2] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

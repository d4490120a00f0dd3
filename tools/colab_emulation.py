"""The Colab emulation: the course run as a Colab runtime runs it, in .venv-colab (Colab's preinstalled versions).

    python tools/colab_emulation.py prepare   before the notebooks run (make test-colab does both)
    python tools/colab_emulation.py verify    after: d2l and d2l_ext came from the setup cells, nothing else changed

``prepare``
  - removes d2l and d2l_ext from .venv-colab (a fresh Colab runtime has neither) and records every version left;
  - makes ``google.colab`` importable and imported at kernel start (an IPython startup file), so that every
    setup cell takes its Colab branch and runs its ``git ls-remote`` and ``%pip`` lines for real;
  - serves the course repository from this checkout: a bare repository under build/colab holds the working tree
    (uncommitted and untracked files included, ignored ones not) at the release ref of pyproject.toml, and a git
    config rewrites the repository URL to it, so the setup cell's URL reaches it unchanged;
  - writes the kernelspec ``colab-emulation`` (build/colab/kernels/), which nbval runs with
    ``JUPYTER_PATH=build/colab`` and ``GIT_CONFIG_GLOBAL=build/colab/gitconfig``.
``verify`` fails if any recorded version changed or a package went missing, and if d2l or d2l_ext is not installed
from the setup cells (a run that never took the Colab branch would prove nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync import course_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-colab"
WORK = ROOT / "build" / "colab"
KERNEL = "colab-emulation"
BEFORE = WORK / "versions-before.txt"
#: What the setup cells install: everything else stays at the version Colab has.
INSTALLED_BY_SETUP = {"d2l": "1.0.3", "d2l-ext": None}


def _python() -> str:
    python = VENV / "bin" / "python"
    if not python.exists():
        sys.exit(f"{python} is missing: `make test-colab` builds it from tests/colab/requirements-colab.txt")
    return str(python)


def versions() -> dict[str, str]:
    """Every distribution installed in .venv-colab: normalized name -> version.

    Its Python runs isolated (-I) here and below: the checkout's own d2l_ext.egg-info must not count as installed.
    """
    pip_list = [_python(), "-I", "-m", "pip", "list", "--format=json"]
    out = subprocess.run(pip_list, check=True, capture_output=True, text=True)
    return {d["name"].lower().replace("_", "-"): d["version"] for d in json.loads(out.stdout)}


def _git(*args: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True, env=env)
    return run.stdout.strip()


def snapshot_repository(release: str) -> tuple[Path, str]:
    """A bare repository holding the working tree as one commit at refs/heads/``release``; its path and commit."""
    bare = WORK / "course.git"
    shutil.rmtree(bare, ignore_errors=True)
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    index = WORK / "snapshot.index"
    index.unlink(missing_ok=True)
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    _git("read-tree", "HEAD", env=env)
    _git("add", "--all", env=env)  # tracked changes and untracked files; .gitignore'd ones stay out
    tree = _git("write-tree", env=env)
    commit = _git("commit-tree", tree, "-p", "HEAD", "-m", "Colab emulation: the working tree", env=env)
    _git("push", "--quiet", "--force", str(bare), f"{commit}:refs/heads/{release}")
    index.unlink()
    return bare, commit


def prepare() -> None:
    cfg = course_config()
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([_python(), "-I", "-m", "pip", "uninstall", "--quiet", "--yes", "d2l", "d2l_ext"], check=True)
    before = versions()
    BEFORE.write_text("".join(f"{name}=={version}\n" for name, version in sorted(before.items())))

    fake = WORK / "site" / "google" / "colab"  # google/ stays a namespace package: no google/__init__.py
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s own module in the Colab emulation."""\n')
    startup = WORK / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-colab.py").write_text("import google.colab  # noqa: F401  (Colab imports it at kernel start)\n")

    bare, commit = snapshot_repository(cfg["release"])
    (WORK / "gitconfig").write_text(f'[url "file://{bare}"]\n\tinsteadOf = {cfg["repo"]}\n')
    (WORK / "commit").write_text(commit + "\n")

    spec = WORK / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [_python(), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Colab emulation)",
        "language": "python",
        "env": {"PYTHONPATH": str(WORK / "site"), "IPYTHONDIR": str(WORK / "ipython")},
    }, indent=1))  # fmt: skip
    print(f"Colab emulation: {len(before)} packages recorded in {BEFORE.relative_to(ROOT)}; {cfg['repo']} "
          f"({cfg['release']}) served from the working tree, commit {commit[:10]}; kernel {KERNEL}")  # fmt: skip


def verify() -> int:
    if not BEFORE.exists():
        sys.exit(f"{BEFORE} is missing: run `python tools/colab_emulation.py prepare` first")
    before = dict(line.split("==") for line in BEFORE.read_text().split())
    after = versions()
    problems = [f"{name}: {version} -> {after.get(name, 'removed')}" for name, version in sorted(before.items())
                if after.get(name) != version]  # fmt: skip
    for name, version in INSTALLED_BY_SETUP.items():
        if name not in after:
            problems.append(f"{name} is not installed: the setup cells never took their Colab branch")
        elif version is not None and after[name] != version:
            problems.append(f"{name}: the setup cells installed {after[name]}, not {version}")
    direct = subprocess.run([_python(), "-I", "-c", "import importlib.metadata as m; "
                             "print(m.distribution('d2l_ext').read_text('direct_url.json') or '')"],
                            capture_output=True, text=True).stdout  # fmt: skip
    commit = (WORK / "commit").read_text().strip()
    if commit not in direct:
        problems.append(f"d2l_ext was not installed from the course repository at {commit[:10]}: {direct.strip()!r}")
    added = sorted(set(after) - set(before) - set(INSTALLED_BY_SETUP))
    print(f"Colab emulation: {len(before)} preinstalled packages checked; the setup cells installed "
          f"{', '.join(f'{n} {after[n]}' for n in INSTALLED_BY_SETUP if n in after)}"
          + (f", and what Colab lacked: {', '.join(added)}" if added else "; nothing else"))  # fmt: skip
    for problem in problems:
        print("  CHANGED:", problem)
    return 1 if problems else 0


def main() -> int:
    command = sys.argv[1] if len(sys.argv) == 2 else ""
    if command == "prepare":
        prepare()
        return 0
    if command == "verify":
        return verify()
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())

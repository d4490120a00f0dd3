"""The repo2docker configuration in binder/ (Binder, JupyterHub): what the image does, without Docker.

Docker is not available in CI. `jupyter-repo2docker --no-build --debug` prints the Dockerfile it would build,
which is checked here; postBuild then runs for real in a fresh virtual environment, and a notebook executes there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BINDER = ROOT / "binder"
REPO2DOCKER = Path(sys.executable).with_name("jupyter-repo2docker")


@pytest.fixture(scope="module")
def dockerfile() -> str:
    if not REPO2DOCKER.exists():
        pytest.fail("jupyter-repo2docker is missing from the venv: it is in requirements.txt; run make venv")
    out = subprocess.run([str(REPO2DOCKER), "--no-build", "--debug", str(ROOT)], capture_output=True, text=True,
                         timeout=300, check=True)  # fmt: skip
    return out.stdout + out.stderr


def test_binder_reads_the_one_requirements_file():
    lines = [ln.strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()]
    assert "-r ../requirements.txt" in lines
    assert not [ln for ln in lines if ln and not ln.startswith(("#", "-r ", "--extra-index-url "))], (
        "binder/requirements.txt lists no package of its own: requirements.txt is the one list"
    )


def test_dockerfile_installs_the_dataset_requirements_and_runs_postbuild(dockerfile):
    assert re.search(r"apt-get install --yes --no-install-recommends[^\n]*\bdataset-fashion-mnist\b", dockerfile)
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile
    assert "python=3.11" in dockerfile, "binder/runtime.txt: the Python the tests run"
    assert "environment.yml" not in dockerfile  # binder/ wins over the root's conda file


def _fresh_venv(tmp_path: Path) -> Path:
    """A new venv that sees the course's installed packages (requirements.txt, no torch download), but neither
    d2l nor d2l_ext: those are postBuild's to install."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    shared = tmp_path / "course-packages"
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if name.startswith(("d2l", "__editable__", "_d2l_ext", "pip", "setuptools")) or "d2l_ext" in name:
            continue
        (shared / entry.name).symlink_to(entry)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True,
                             check=True).stdout.strip()  # fmt: skip
    Path(purelib, "course-packages.pth").write_text(str(shared) + "\n")
    return venv


def test_postbuild_in_a_fresh_venv_then_a_notebook_runs(tmp_path):
    venv = _fresh_venv(tmp_path)
    python = venv / "bin" / "python"
    probe = "import importlib.util as u; print(u.find_spec('d2l'), u.find_spec('d2l_ext'))"
    found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert found.stdout.split() == ["None", "None"], found.stdout
    repo = tmp_path / "repo"  # postBuild installs the checkout it runs in (-e .): give it a copy
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".venv*", "build", ".git", "*.egg-info", "__pycache__"))
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"), "JUPYTER_PATH": ""}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, check=True, timeout=600)
    both = "import d2l, d2l_ext; print(d2l.__file__); print(d2l_ext.__file__)"
    where = subprocess.run([str(python), "-c", both], capture_output=True, text=True, check=True, env=env,
                           cwd=tmp_path).stdout.split()  # fmt: skip
    assert where[0].startswith(str(venv)) and where[1].startswith(str(repo)), where
    notebook = repo / "notebooks" / "01_forward_backward.ipynb"
    subprocess.run([str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--output",
                    str(tmp_path / "executed.ipynb"), str(notebook)], cwd=repo, env={**env, "D2L_EXT_OFFLINE": "1"},
                   check=True, timeout=600)  # fmt: skip
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors

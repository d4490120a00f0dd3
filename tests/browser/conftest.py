"""Browser tests: Debian's chromium and chromium-driver drive the built course site and JupyterLab.

They need `make course` to have built build/ (the Makefile's `browser` target does it first).
Without chromium they skip locally; under CI (CI set) they fail, so a missing install is loud.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
SHOTS = BUILD / "screenshots"
sys.path.insert(0, str(ROOT / "tools"))
from headless import CHROMIUM, DRIVER, chromium, free_port, lab_command  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _need(path: str, what: str) -> None:
    if not Path(path).exists():
        message = f"{what} not found at {path}: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def driver():
    _need(CHROMIUM, "chromium")
    _need(DRIVER, "chromedriver")
    profile = tempfile.mkdtemp(prefix="chromium-")
    d = chromium(profile)
    d.set_script_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def site():
    """build/ served on 127.0.0.1 (pages load vendored assets by relative URL)."""
    if not (BUILD / "index.html").exists():
        pytest.fail("build/index.html is missing: run `make course` first (make browser does)")
    port = free_port()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output readable
            pass

    handler = partial(Quiet, directory=str(BUILD))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@contextlib.contextmanager
def jupyter_server(cmd: list[str], env: dict[str, str], ready_path: str, what: str):
    """Start a Jupyter server (``cmd`` takes the port as ``{port}``) on 127.0.0.1, wait until ``ready_path``
    answers, yield its URL, stop it. Its output goes to a log shown if it does not start within 60 s."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([c.format(port=port) for c in cmd], env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}{ready_path}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            log.seek(0)
            pytest.fail(f"{what} did not start within 60 s:\n{log.read()[-3000:]}")
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def lab():
    """A JupyterLab server on 127.0.0.1 over a copy of notebooks/ (no token; loopback only), with settings of
    its own: a fresh user's, not the machine's (where a deck left on would open every notebook as slides)."""
    workdir = Path(tempfile.mkdtemp(prefix="lab-"))
    notebooks, settings = workdir / "notebooks", workdir / "settings"
    notebooks.mkdir()
    for nb in (ROOT / "notebooks").glob("0[56]_*.ipynb"):
        shutil.copy(nb, notebooks / nb.name)
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')  # no "Would you like to get notified" toast over the screenshots
    env = {**os.environ, "D2L_EXT_OFFLINE": "1", "TQDM_DISABLE": "1"}
    cmd = lab_command("{port}", notebooks, settings, workdir / "workspaces")
    with jupyter_server(cmd, env, "/lab", "JupyterLab") as url:
        yield url
    shutil.rmtree(workdir, ignore_errors=True)

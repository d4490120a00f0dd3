"""What the instructor's tools cost the student's `make lab`, in one run: time to a rendered notebook.

Each trial starts JupyterLab as `make lab` does (this venv, its own settings), opens notebook 05 in Debian's
headless chromium and stops the clock when its cells show. Two configurations alternate, ``--repeat`` times each:

* ``make lab``: the venv as `make venv` leaves it (jupyterlab-slideshow on; nbgrader's extensions off);
* ``without the deck``: the same with jupyterlab-slideshow disabled too, i.e. the lab before issue 17.

Prints the medians and their ratio (target: at most 1.1).

    .venv/bin/python bench/lab_start.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

from alternate import alternate
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from headless import chromium, free_port, lab_command  # noqa: E402

TARGET = 1.1
NOTEBOOK = "05_init_playground.ipynb"


def trial(disable_deck: bool) -> float:
    """Seconds from launching JupyterLab to notebook 05's cells rendered in a fresh browser."""
    work = Path(tempfile.mkdtemp(prefix="lab-bench-"))
    (work / "config" / "labconfig").mkdir(parents=True)
    disabled = {"jupyterlab-slideshow": True} if disable_deck else {}
    (work / "config" / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config")}
    port = free_port()
    cmd = lab_command(port, ROOT / "notebooks", work / "settings", work / "workspaces")
    driver = chromium(work / "profile")
    start = time.perf_counter()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(cmd, env=env, start_new_session=True, **quiet)
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        driver.get(f"{url}/lab/tree/{NOTEBOOK}")
        while not driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell .jp-InputArea-editor"):
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        deadline = time.time() + 5  # then check that the configuration is the one named (after the clock stops)
        while not (shown := bool(driver.find_elements(By.CSS_SELECTOR, "[data-command='deck:toggle']"))):
            if time.time() > deadline:
                break
            time.sleep(0.1)
        if shown == disable_deck:
            raise SystemExit(f"the deck button is {'shown' if shown else 'missing'}: the configuration is not as named")
        return seconds
    finally:
        driver.quit()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # still shutting its kernel down: not part of what is timed
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    medians = alternate({"make lab": partial(trial, False), "without the deck": partial(trial, True)}, args.repeat)
    ratio = medians["make lab"] / medians["without the deck"]
    print(f"make lab takes {ratio:.2f}x the time without the deck extension (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

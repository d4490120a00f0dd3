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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.1
NOTEBOOK = "05_init_playground.ipynb"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser() -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}"):  # fmt: skip
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def trial(disable_deck: bool) -> float:
    """Seconds from launching JupyterLab to notebook 05's cells rendered in a fresh browser."""
    work = Path(tempfile.mkdtemp(prefix="lab-bench-"))
    config = work / "config"
    (config / "labconfig").mkdir(parents=True)
    disabled = {"jupyterlab-slideshow": True} if disable_deck else {}
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    port = _port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           "--ServerApp.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
           f"--LabApp.user_settings_dir={work / 'settings'}", f"--LabApp.workspaces_dir={work / 'ws'}"]  # fmt: skip
    driver = _browser()
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
    names = {"make lab": False, "without the deck": True}
    trial(False)  # warm the file cache once
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.repeat):
        for name, disable in names.items():
            times[name].append(trial(disable))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(f"{name:18s} median {medians[name]:.2f} s  (min {min(ts):.2f}, max {max(ts):.2f}, {len(ts)} runs)")
    ratio = medians["make lab"] / medians["without the deck"]
    print(f"make lab takes {ratio:.2f}x the time without the deck extension (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

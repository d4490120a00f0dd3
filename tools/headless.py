"""A headless Debian chromium and a loopback JupyterLab command, shared by the browser tests and bench/lab_start.py.

Debian's ``chromium`` and ``chromium-driver`` only: a tool's own browser download fails offline.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium(profile: str | Path):
    """A headless chromium (1400x1000, no network of its own, browser console logged) with its profile in ``profile``.

    Args:
        profile: an empty directory for the user data; the caller removes it after ``quit()``.

    Returns:
        A ``selenium.webdriver.Chrome``.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):  # fmt: skip
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def lab_command(port: int | str, root_dir: Path, settings_dir: Path, workspaces_dir: Path) -> list[str]:
    """JupyterLab from this interpreter on 127.0.0.1:``port`` (no token: loopback only), serving ``root_dir``, with
    user settings and workspaces of its own (a fresh user's, not the machine's).

    Args:
        port: the port, or a placeholder such as ``"{port}"`` formatted later.
        root_dir: the folder the lab serves.
        settings_dir: JupyterLab's user settings directory.
        workspaces_dir: JupyterLab's workspaces directory.

    Returns:
        The command line, for ``subprocess.Popen``.
    """
    return [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            "--ServerApp.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={root_dir}",
            f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={workspaces_dir}"]  # fmt: skip

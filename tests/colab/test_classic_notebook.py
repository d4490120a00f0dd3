"""Both interactive exercises in the classic Notebook 6.5 front end with ipywidgets 7, Colab's own versions: the
closest we can come here to Colab's renderer. Each notebook runs from its setup cell in the colab-emulation kernel
(which installs d2l and d2l_ext as on Colab); then a student's clicks: choose an init, Step, Train, Play, Pause.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import browser.test_exercises as lab
import pytest
from browser.conftest import SHOTS, jupyter_server
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .conftest import ROOT, VENV


@pytest.fixture(scope="module")
def classic(tmp_path_factory):
    """A classic Notebook server from .venv-colab on 127.0.0.1 (no token; loopback only) over copies of 05 and 06
    whose kernel is the Colab emulation."""
    workdir = tmp_path_factory.mktemp("classic")
    for nb in (ROOT / "notebooks").glob("0[56]_*.ipynb"):
        notebook = json.loads(nb.read_text())
        notebook["metadata"]["kernelspec"] = {"name": "colab-emulation", "display_name": "Python 3 (Colab emulation)",
                                              "language": "python"}  # fmt: skip
        (workdir / nb.name).write_text(json.dumps(notebook))
    cmd = [str(VENV / "bin" / "jupyter"), "notebook", "--no-browser", "--port={port}", "--ip=127.0.0.1",
           "--NotebookApp.token=", "--NotebookApp.password=", "--allow-root", f"--notebook-dir={workdir}"]  # fmt: skip
    env = {**os.environ, "D2L_EXT_OFFLINE": "1", "TQDM_DISABLE": "1"}
    with jupyter_server(cmd, env, "/tree", "the classic Notebook server") as url:
        yield url
    shutil.rmtree(workdir, ignore_errors=True)


def _run_all(driver, url: str) -> None:
    """Open a notebook in the classic front end, run every cell, wait until the kernel is idle."""
    driver.get(url)
    ready = "return typeof Jupyter !== 'undefined' && Jupyter.notebook && Jupyter.notebook.kernel && " \
            "Jupyter.notebook.kernel.is_connected()"  # fmt: skip
    for _ in range(120):
        if driver.execute_script(ready):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the classic Notebook front end did not connect to its kernel")
    driver.execute_script("Jupyter.notebook.execute_all_cells()")
    time.sleep(2)
    for _ in range(600):  # until no cell shows [*]: the kernel is idle (the setup cell installs d2l_ext first)
        if not any("[*]" in e.text for e in driver.find_elements(By.CSS_SELECTOR, ".input_prompt")):
            break
        time.sleep(0.5)
    errors = driver.find_elements(By.CSS_SELECTOR, ".output_error")
    assert not errors, "a cell failed in the classic front end:\n" + errors[0].text[:2000]


def _image(driver) -> str:
    image = driver.find_elements(By.CSS_SELECTOR, ".widget-image")[0]
    return image.get_attribute("src")


def _new_image(driver, old: str, timeout: float = 30) -> str:
    """The figure's source once it differs from ``old``: the app sends its label before its PNG, so a label already
    showing the new step can come a moment before the figure does (seen on a loaded CI machine)."""
    end = time.time() + timeout
    while time.time() < end:
        if (src := _image(driver)) != old:
            return src
        time.sleep(0.2)
    raise AssertionError(f"the figure did not change within {timeout} s")


def _screenshot(driver, name: str) -> None:
    image = driver.find_elements(By.CSS_SELECTOR, ".widget-image")[0]
    driver.execute_script("arguments[0].scrollIntoView(true);", image)
    image.screenshot(str(SHOTS / name))


def _play_pause(driver, starts: str, step_of) -> tuple[int, int]:
    """Press Play, wait until the counter has moved on, press Pause; the steps before and after."""
    before = step_of(lab._wait_for(driver, starts))
    play, pause = driver.find_elements(By.CSS_SELECTOR, ".widget-play button")[:2]
    play.click()
    moved = lab._wait_for(driver, starts, lambda t: step_of(t) >= before + 3, timeout=90)
    pause.click()
    return before, step_of(moved)


def test_playground_in_the_classic_front_end(driver, classic):
    _run_all(driver, f"{classic}/notebooks/05_init_playground.ipynb")
    cost = lambda t: float(t.split("cost")[1].split()[0])  # noqa: E731
    step = lambda t: int(t.split()[1])  # noqa: E731
    assert lab._wait_for(driver, "step ").startswith("step 0")
    first = _image(driver)
    Select(driver.find_elements(By.CSS_SELECTOR, ".widget-dropdown select")[1]).select_by_visible_text("too_large")
    start = lab._wait_for(driver, "step ", lambda t: t.startswith("step 0") and cost(t) > 10)
    lab._click(driver, "Step")
    lab._wait_for(driver, "step ", lambda t: t.startswith("step 1 "))
    lab._click(driver, "Train 100")
    later = lab._wait_for(driver, "step ", lambda t: t.startswith("step 101 "))
    assert cost(later) < cost(start)  # training lowered it
    trained = _new_image(driver, first)  # the figure follows every change
    before, after = _play_pause(driver, "step ", step)
    assert after > before
    _new_image(driver, trained)
    _screenshot(driver, "colab_classic_playground.png")


def test_mnist_app_in_the_classic_front_end(driver, classic):
    _run_all(driver, f"{classic}/notebooks/06_init_mnist.ipynb")
    step = lambda t: int(t.split("(step ")[1].rstrip(")"))  # noqa: E731
    lab._wait_for(driver, "epoch ")
    first = _image(driver)
    Select(driver.find_elements(By.CSS_SELECTOR, ".widget-dropdown select")[0]).select_by_visible_text("zero")
    lab._wait_for(driver, "epoch ", lambda t: "(step 0)" in t)
    lab._click(driver, "Step")
    lab._wait_for(driver, "epoch ", lambda t: "(step 1)" in t)
    lab._click(driver, "Train 10")
    lab._wait_for(driver, "epoch ", lambda t: "(step 11)" in t)
    wrong = lab._wait_for(driver, "Misclassified:")
    assert int(wrong.split()[1].split("/")[0]) >= 80  # zero init: one digit for everyone
    trained = _new_image(driver, first)
    before, after = _play_pause(driver, "epoch ", step)
    assert after > before
    _new_image(driver, trained)
    _screenshot(driver, "colab_classic_mnist.png")

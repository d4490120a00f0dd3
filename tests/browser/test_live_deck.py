"""Lecturing live: a notebook as a deck in JupyterLab (jupyterlab-slideshow), as the instructor presents it.

Open the notebook, turn the deck on (the notebook toolbar's deck button), go down to the setup sub-slide and run
it, go right to the exercise's slide, run its cells there, use the app on the slide (Step), go right to the next
slide. Screenshots: build/screenshots/live_deck_*.png.
"""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .conftest import SHOTS
from .test_exercises import _label

ONSCREEN = ".jp-deck-mod-onscreen"  # the cells of the slide on screen


def _wait(what: str, predicate, timeout: float = 60):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _onscreen_text(driver) -> str:
    return " ".join(e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, ONSCREEN))


def _go(driver, direction: str, expect: str, presses: int = 8) -> None:
    """Press the deck's remote button (forward, back, up, down) until a cell holding ``expect`` is on screen.

    Within a slide, forward first steps through the slide's cells (the active cell moves); then to the next slide.
    """
    for _ in range(presses):
        driver.find_element(By.CSS_SELECTOR, f".jp-deck-mod-direction-{direction}").click()
        try:
            _wait(f"{expect!r}", lambda: expect in _onscreen_text(driver), timeout=2)
            return
        except AssertionError:
            pass
    shown = _onscreen_text(driver)[:300]
    raise AssertionError(f"{presses} presses {direction} did not bring {expect!r} on screen: {shown}")


def _run(driver, cell) -> None:
    """Run one cell of the slide as the presenter does: click into it, Ctrl+Enter; wait for its prompt to show
    a number (the outputs were cleared, so only a run gives one; the deck hides prompts, they are still there)."""
    prompt = cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt")
    assert not any(c.isdigit() for c in prompt.get_attribute("textContent")), "run once only, after clearing"
    cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-editor").click()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    _wait("the cell to run", lambda: any(c.isdigit() for c in prompt.get_attribute("textContent")), 300)
    errors = cell.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
    assert not [e for e in errors if "Traceback" in e.text], cell.text


def _menu(driver, menu: str, command: str) -> None:
    driver.find_element(By.XPATH, f"//div[contains(@class,'lm-MenuBar-itemLabel') and text()='{menu}']").click()
    item = f"li[data-command='{command}']"
    _wait(f"{command} in the {menu} menu", lambda: driver.find_elements(By.CSS_SELECTOR, item))
    driver.find_element(By.CSS_SELECTOR, item).click()


def _click_deck_button(driver) -> bool:
    """Click this notebook's deck button in its toolbar; False while JupyterLab is still laying the toolbar out
    (the lab may also restore other notebooks' tabs, whose buttons are hidden)."""
    for button in driver.find_elements(By.CSS_SELECTOR, "[data-command='deck:toggle']"):
        try:
            if button.is_displayed():
                button.click()
                return True
        except (ElementNotInteractableException, StaleElementReferenceException):
            pass
    return False


def _code_cells_onscreen(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, f"{ONSCREEN}.jp-CodeCell")


@pytest.mark.parametrize(
    ("name", "app", "label", "step0", "step1", "after"),
    [
        ("05_init_playground", "app = PlaygroundApp()", "step ", "step 0", "step 1 ", "All sixteen runs"),
        ("06_init_mnist", "app = MNISTInitApp(", "epoch ", "(step 0)", "(step 1)", "The four initializations"),
    ],
)
def test_lecture_live_from_the_notebook(driver, lab, name, app, label, step0, step1, after):
    driver.get(f"{lab}/lab/tree/{name}.ipynb")
    _wait("the notebook to load", lambda: driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
    _wait("its kernel", lambda: "| Idle" in driver.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget").text, 120)
    _menu(driver, "Edit", "editmenu:clear-all")  # the committed outputs go: what the class sees is run live
    _wait("the deck button to take a click", lambda: _click_deck_button(driver))
    try:
        title = _wait("the title slide", lambda: _onscreen_text(driver))
        assert "# Exercise" in title[:20], title[:200]  # the title slide alone (its cell's source, then its HTML)
        # the setup cell is the sub-slide below the title: run it first
        _go(driver, "down", "setup_notebook")
        [setup] = _code_cells_onscreen(driver)
        _run(driver, setup)
        # right, to the exercise's slide: run its cells in order, up to the app
        _go(driver, "forward", app)
        for cell in _code_cells_onscreen(driver):
            _run(driver, cell)
            if app in cell.get_attribute("textContent"):
                break
        _wait("the app's live widgets", lambda: (t := _label(driver, label)) and step0 in t)
        driver.find_element(By.XPATH, "//div[contains(@class,'jp-deck-mod-onscreen')]"
                                      "//button[normalize-space(.)='Step']").click()  # fmt: skip
        _wait("one step in the app", lambda: (t := _label(driver, label)) and step1 in t)
        image = driver.find_element(By.CSS_SELECTOR, f"{ONSCREEN} .widget-image")
        driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", image)
        driver.save_screenshot(str(SHOTS / f"live_deck_{name}_app.png"))
        # and on to the next slide
        _go(driver, "forward", after)
        driver.save_screenshot(str(SHOTS / f"live_deck_{name}_next.png"))
    finally:  # leave JupyterLab out of presentation mode for the other tests
        for stop in driver.find_elements(By.CSS_SELECTOR, ".jp-deck-mod-stop"):
            stop.click()

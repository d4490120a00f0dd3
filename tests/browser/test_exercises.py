"""The two interactive exercises used as a student would, in a real JupyterLab."""

from __future__ import annotations

import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .conftest import SHOTS


def _run_all(driver, url: str) -> None:
    driver.get(url)
    for _ in range(60):
        if driver.find_elements(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']"):
            break
        time.sleep(0.5)
    time.sleep(2)
    driver.find_element(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']").click()
    time.sleep(0.5)
    driver.find_element(By.XPATH, "//li[@data-command='runmenu:run-all']").click()
    time.sleep(2)
    for _ in range(240):  # until no cell shows [*]: the kernel is idle
        if not any("[*]" in e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-InputPrompt")):
            break
        time.sleep(0.5)


def _label(driver, starts: str) -> str | None:
    for e in driver.find_elements(By.CSS_SELECTOR, ".widget-label"):
        if e.text.strip().startswith(starts):
            return e.text.strip()
    return None


def _click(driver, text: str) -> None:
    driver.find_element(
        By.XPATH, f"//button[contains(@class,'jupyter-button') and normalize-space(.)='{text}']"
    ).click()


def _wait_for(driver, starts: str, predicate=lambda t: True, timeout: float = 60) -> str:
    """The widget label starting with ``starts`` once ``predicate`` holds (widgets render asynchronously)."""
    end, text = time.time() + timeout, None
    while time.time() < end:
        text = _label(driver, starts)
        if text is not None and predicate(text):
            return text
        time.sleep(0.3)
    raise AssertionError(f"label {starts!r} never satisfied the check; last seen: {text!r}")


def test_playground_choose_init_step_and_train(driver, lab):
    _run_all(driver, f"{lab}/lab/tree/05_init_playground.ipynb")
    cost = lambda t: float(t.split("cost")[1].split()[0])  # noqa: E731
    assert _wait_for(driver, "step ").startswith("step 0")
    Select(driver.find_elements(By.CSS_SELECTOR, ".widget-dropdown select")[1]).select_by_visible_text("too_large")
    # the chooser resets the engine: step 0 with the huge cost of a too-large init
    start = _wait_for(driver, "step ", lambda t: t.startswith("step 0") and cost(t) > 10)
    _click(driver, "Step")
    one = _wait_for(driver, "step ", lambda t: t.startswith("step 1 "))
    _click(driver, "Train 100")
    later = _wait_for(driver, "step ", lambda t: t.startswith("step 101 "))
    assert cost(later) < cost(start)  # training lowered it
    assert one != start
    image = driver.find_elements(By.CSS_SELECTOR, ".widget-image")[0]
    driver.execute_script("arguments[0].scrollIntoView(true);", image)
    assert image.size["width"] > 400
    image.screenshot(str(SHOTS / "exercise1_playground.png"))


def test_mnist_choose_init_step_and_train(driver, lab):
    _run_all(driver, f"{lab}/lab/tree/06_init_mnist.ipynb")
    _wait_for(driver, "epoch ")
    Select(driver.find_elements(By.CSS_SELECTOR, ".widget-dropdown select")[0]).select_by_visible_text("zero")
    _wait_for(driver, "epoch ", lambda t: "(step 0)" in t)
    _click(driver, "Step")
    _wait_for(driver, "epoch ", lambda t: "(step 1)" in t)
    _click(driver, "Train 10")
    _wait_for(driver, "epoch ", lambda t: "(step 11)" in t)
    wrong = _wait_for(driver, "Misclassified:")
    assert re.fullmatch(r"Misclassified: \d+/100 +Cost: [\d.]+", wrong), wrong
    assert int(wrong.split()[1].split("/")[0]) >= 80  # zero init: one digit for everyone
    image = driver.find_elements(By.CSS_SELECTOR, ".widget-image")[0]
    driver.execute_script("arguments[0].scrollIntoView(true);", image)
    image.screenshot(str(SHOTS / "exercise2_mnist.png"))

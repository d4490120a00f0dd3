"""The built course site in a real browser: index, pages, slide decks."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .conftest import BUILD, ROOT, SHOTS

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _headings(stem: str) -> list[str]:
    """The headings (any level, without the #s) of a committed notebook."""
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text())
    lines = ["".join(c["source"]).splitlines() for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [line.lstrip("#").strip() for cell in lines for line in cell if line.startswith("#")]


def _severe(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _load(driver, url: str, settle: float = 2.0) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    time.sleep(settle)


def test_index_links_every_notebook(driver, site):
    _load(driver, f"{site}/index.html", 0.5)
    hrefs = {a.get_attribute("href").rsplit("/", 1)[-1] for a in driver.find_elements(By.TAG_NAME, "a")}
    for stem in NOTEBOOKS:
        assert f"{stem}.html" in hrefs and f"{stem}.slides.html" in hrefs, stem
    colab = [h for h in (a.get_attribute("href") for a in driver.find_elements(By.TAG_NAME, "a")) if "colab" in h]
    assert len(colab) == len(NOTEBOOKS)
    assert _severe(driver) == []
    further = " ".join(p.text for p in driver.find_elements(By.CSS_SELECTOR, "p.further"))
    for stem in NOTEBOOKS:  # every notebook's Going further headings are listed on the index
        headings = [h.removeprefix("Going further:").strip() for h in _headings(stem) if h.startswith("Going further")]
        assert all(h in further for h in headings), (stem, headings, further)
    assert "Checks" in further, further
    driver.save_screenshot(str(SHOTS / "index.png"))


def test_going_further_sections_are_marked_in_pages_and_slides(driver, site):
    """The sections off a class's core path carry an orange bar in the page and in the deck."""
    for page in ("03_exploding_gradients.html", "03_exploding_gradients.slides.html"):
        _load(driver, f"{site}/{page}", 1.0)
        marked = driver.find_elements(By.CSS_SELECTOR, ".celltag_going-further")
        assert marked, page
        style = driver.execute_script("return getComputedStyle(arguments[0]).borderLeftStyle", marked[0])
        assert style == "solid", (page, style)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_page_loads_clean_with_figures_and_math(driver, site, stem):
    _load(driver, f"{site}/{stem}.html")
    assert _severe(driver) == [], stem
    sizes = driver.execute_script("return Array.from(document.images).map(i => [i.naturalWidth, i.naturalHeight])")
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert driver.execute_script("return document.querySelectorAll('.MathJax_CHTML, mjx-container').length") > 0
    driver.save_screenshot(str(SHOTS / f"{stem}.png"))


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_slides_step_to_the_last_slide(driver, site, stem):
    _load(driver, f"{site}/{stem}.slides.html")
    assert _severe(driver) == [], stem
    # a static deck cannot run code: the setup cell, the live deck's sub-slide below the title, is left out
    assert "setup_notebook" not in driver.page_source and "setup_notebook" in (BUILD / f"{stem}.html").read_text()
    driver.execute_async_script(
        "var done = arguments[0];"
        "require(['vendor/node_modules/reveal.js/dist/reveal.js'], function (R) { window.__reveal = R; done(); });"
    )
    total = driver.execute_script("return window.__reveal.getTotalSlides()")
    assert total >= 3
    body = driver.find_element(By.TAG_NAME, "body")
    presses = 0
    while not driver.execute_script("return window.__reveal.isLastSlide()") and presses < 1000:
        body.send_keys(Keys.SPACE)
        presses += 1
    assert driver.execute_script("return window.__reveal.isLastSlide()"), f"{stem}: not at the last slide"
    assert presses >= total - 1
    time.sleep(1)  # let the slide transition finish before the screenshot
    driver.save_screenshot(str(SHOTS / f"{stem}.slides-last.png"))


def test_gallery_figures_exist_and_readme_shows_them():
    readme = (ROOT / "README.md").read_text()
    figures = sorted((ROOT / "docs" / "gallery").glob("*.png"))
    assert len(figures) >= 7
    for png in figures:
        assert png.stat().st_size > 1000 and f"docs/gallery/{png.name}" in readme, png.name
    assert all(Path(BUILD / f"{s}.html").exists() for s in NOTEBOOKS)

"""Render executed notebooks into the course site: HTML pages, reveal.js slides, an index, the gallery.

Everything the pages load is local (build/vendor, installed from tools/site/package.json with npm),
so the site works offline and in a browser test without console errors.
"""

from __future__ import annotations

import base64
import copy
import html
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import sync
from nbconvert import HTMLExporter, SlidesExporter

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tools" / "site"
GALLERY = ROOT / "docs" / "gallery"
VENDOR = "vendor/node_modules"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def vendor(build: Path) -> None:
    """Install the pinned web assets into build/vendor (npm ci from the lock file), once."""
    target = build / "vendor"
    lock = SITE / "package-lock.json"
    stamp = target / ".installed"
    if stamp.exists() and stamp.read_text() == lock.read_text():
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to install the site's web assets (reveal.js, MathJax): install Node.js")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(SITE / name, target / name)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True)
    # The widgets' HTML manager fetches its icon fonts from absolute paths under /@jupyter-widgets/.
    dist = target / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist"
    for where in (build / "@jupyter-widgets", build / "@jupyter-widgets" / "html-manager" / "dist"):
        where.mkdir(parents=True, exist_ok=True)
        for font in dist.iterdir():
            if font.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
                shutil.copy(font, where / font.name)
    stamp.write_text(lock.read_text())


def _local_assets(exporter: HTMLExporter) -> HTMLExporter:
    exporter.require_js_url = f"{VENDOR}/requirejs/require.js"
    exporter.mathjax_url = f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter.widget_renderer_url = f"{VENDOR}/@jupyter-widgets/html-manager/dist/embed-amd.js"
    exporter.jquery_url = f"{VENDOR}/jquery/dist/jquery.min.js"
    return exporter


def export(executed: Path, build: Path) -> tuple[Path, Path]:
    """Write ``NAME.html`` and ``NAME.slides.html`` beside the executed notebook; return both paths."""
    nb = nbformat.read(executed, as_version=4)
    templates = {"extra_template_basedirs": [str(SITE / "templates")]}
    page = _local_assets(HTMLExporter(template_name="course_lab", **templates))
    slides = _local_assets(SlidesExporter(template_name="course_reveal", **templates))
    slides.reveal_url_prefix = f"{VENDOR}/reveal.js"
    slides.reveal_theme = "white"  # its fonts ship with reveal.js; "simple" imports Google Fonts
    out = []
    deck = copy.deepcopy(nb)  # a static deck cannot run the setup cell a live deck shows below the title
    for cell in deck.cells:
        if sync.is_setup(cell):
            cell.metadata["slideshow"] = {"slide_type": "skip"}
    for exporter, suffix, node in ((page, ".html", nb), (slides, ".slides.html", deck)):
        body, _ = exporter.from_notebook_node(node)
        body = body.replace(COLAB_BADGE, "assets/colab-badge.svg").replace(BINDER_BADGE, "assets/binder-badge.svg")
        path = build / (executed.stem + suffix)
        path.write_text(body, encoding="utf-8")
        out.append(path)
    return out[0], out[1]


def assets(build: Path) -> None:
    """The site's own files: the local Colab badge and a favicon (browsers ask the server root for it)."""
    (build / "assets").mkdir(parents=True, exist_ok=True)
    for badge in ("colab-badge.svg", "binder-badge.svg"):
        shutil.copy(SITE / "assets" / badge, build / "assets" / badge)
    shutil.copy(SITE / "assets" / "favicon.png", build / "favicon.ico")


def describe(executed: Path) -> tuple[str, str, str]:
    """Title, one-paragraph description and Colab URL from a notebook's first cell."""
    first = nbformat.read(executed, as_version=4).cells[0].source
    title = next((line[2:].strip() for line in first.splitlines() if line.startswith("# ")), executed.stem)
    colab = re.search(r"\]\((https://colab\.research\.google\.com/[^)]+)\)", first)
    paragraphs = [p.strip() for p in first.split("\n\n")]
    text = next((p for p in paragraphs[1:] if p and not p.startswith("[![")), "")
    text = re.sub(r"[*_`]", "", " ".join(text.split()))
    return title, text, colab.group(1) if colab else ""


def going_further(executed: Path) -> list[str]:
    """The headings of a notebook's sections off the core path (cells tagged going-further)."""
    cells = nbformat.read(executed, as_version=4).cells
    headings = [
        c.source.lstrip("#").split("\n")[0].strip()
        for c in cells
        if c.cell_type == "markdown" and c.source.startswith("#") and "going-further" in c.metadata.get("tags", [])
    ]
    return [h.removeprefix("Going further:").strip() for h in headings if h.startswith(("Going further", "Checks"))]


def index(build: Path, rows: list[tuple[str, float, str]], executed: bool = False) -> Path:
    """build/index.html: title, what it shows, run time, and links to page, slides and Colab.

    ``executed``: the run times are this build's own (``build --execute``), else those of the recorded outputs.
    """
    items = []
    for name, seconds, status in rows:
        executed = build / name
        title, text, colab = describe(executed)
        stem = executed.stem
        further = going_further(executed)
        extra = f"<p class='further'>Going further: {html.escape('; '.join(further))}</p>" if further else ""
        items.append(
            f"<tr><td><a class='page' href='{stem}.html'>{html.escape(title)}</a><p>{html.escape(text)}</p>{extra}</td>"
            f"<td class='num'>{seconds:.0f} s{'' if status == 'ok' else ' (' + html.escape(status) + ')'}</td>"
            f"<td><a class='page' href='{stem}.html'>page</a> · <a class='slides' href='{stem}.slides.html'>slides</a>"
            f" · <a href='{html.escape(colab)}'>Colab</a></td></tr>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Multilayer perceptrons: the course</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .6em; vertical-align: top; }}
td p {{ margin: .3em 0 0; color: #555; font-size: .9em; }} .num {{ text-align: right; white-space: nowrap; }}
.further {{ border-left: 4px solid #e69f00; padding-left: .5em; }}
</style></head><body>
<h1>Multilayer perceptrons: forward and backward propagation, numerical stability, generalization, dropout</h1>
<p>The executed notebooks of the lecture (Dive into Deep Learning, sections 5.3 to 5.6), as pages and as slides.
Sections marked <em>Going further</em> (an orange bar in pages and slides) are off the core path of a class.
{"Run times are those of this build." if executed else "Run times are those of the run that recorded the outputs."}</p>
<table><thead><tr><th>notebook</th><th>run time</th><th>open</th></tr></thead><tbody>
{chr(10).join(items)}
</tbody></table></body></html>
"""
    path = build / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def gallery(build: Path, names: list[str]) -> list[Path]:
    """Save the first PNG of every cell tagged ``gallery:NAME`` to docs/gallery/NAME.png."""
    GALLERY.mkdir(parents=True, exist_ok=True)
    saved = []
    for name in names:
        for cell in nbformat.read(build / name, as_version=4).cells:
            tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith("gallery:")]
            pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            if tags and pngs:
                path = GALLERY / f"{tags[0].split(':', 1)[1]}.png"
                path.write_bytes(base64.b64decode(pngs[0]))
                saved.append(path)
    return saved

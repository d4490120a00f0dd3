"""docs/lecture-map.md: every lecture item is taught where the table says (its heading, its anchor)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "lecture-map.md"


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| Lecture item"):
            continue
        cols = [c.strip() for c in line.strip().strip("|").split(" | ")]
        assert len(cols) == 5, f"a row needs 5 columns: {line}"
        item, _, notebook, where, anchor = cols
        assert anchor.startswith("`") and anchor.endswith("`") and notebook.startswith("`"), line
        rows.append((item, notebook.strip("`"), where, anchor[1:-1]))
    return rows


def _sections(notebook: str) -> list[tuple[str | None, str]]:
    """(heading, text until the next heading) for every markdown heading, code cells included."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    sections, heading, text = [], None, []
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] != "markdown":
            text.append(source)
            continue
        for line in source.split("\n"):
            m = re.match(r"^#+\s+(.*)$", line)
            if m:
                sections.append((heading, "\n".join(text)))
                heading, text = m.group(1).strip(), []
            else:
                text.append(line)
    sections.append((heading, "\n".join(text)))
    return sections


ROWS = _rows()


def test_the_table_covers_the_lecture():
    anchors = {a for *_, a in ROWS}
    tags = {f"\\tag{{5.3.{k}}}" for k in range(1, 15)} | {"\\tag{5.4.1}", "\\tag{5.4.2}", "\\tag{5.6.1}"}
    assert tags <= anchors, f"equations without a row: {sorted(tags - anchors)}"
    assert {"Fig. 5.3.1", "Fig. 5.6.1"} <= anchors
    vocabulary = {a.split(":")[0] for a in anchors if re.search("[가-힣]", a)}
    assert vocabulary == {"plague", "vex", "impede"}, vocabulary
    assert len(ROWS) >= 80


@pytest.mark.parametrize(("item", "notebook", "where", "anchor"), ROWS, ids=[r[3][:30] for r in ROWS])
def test_each_item_is_taught_where_the_table_says(item, notebook, where, anchor):
    sections = _sections(notebook)
    headings = [h for h, _ in sections]
    assert headings.count(where) == 1, f"{item}: {notebook} has no single heading {where!r}"
    flat = " ".join(anchor.split())                  # line breaks in the notebook's text do not matter
    assert any(h == where and flat in " ".join(text.split()) for h, text in sections), (
        f"{item}: the anchor {anchor!r} is not in {notebook}, section {where!r}"
    )

"""The class clock (tools/clock.py): the rule on a small notebook, and the README's session plan kept true."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import clock  # noqa: E402

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def _timed(cell, seconds):
    cell.metadata["execution"] = {"iopub.execute_input": "2026-12-01T10:00:00.000000Z",
                                  "shell.execute_reply": f"2026-12-01T10:00:{seconds:02d}.000000Z"}
    return cell


def test_the_rule_counts_the_core_path(tmp_path):
    figure = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}, "metadata": {}}
    plot = _timed(code("fig, ax = plt.subplots()\nax.plot(x, y)\nplt.show()\ny = f(x)"), 30)
    plot.outputs = [nbformat.from_dict(figure)]
    cells = [
        md("# Title"),                                                   # 2 words
        md("**Instructor notes** many words that no student hears " * 10),
        code("import d2l_ext\ndevice = d2l_ext.setup_notebook(seed=0)"),
        md("## A section\n" + "word " * 219),                          # 3 + 219 = 222 words
        _timed(code("x = 1\n\n# a comment\nprint(x)"), 6), plot,          # 2 + 1 lines (not the layout), 36 s
        md("**Predict** first: what comes out?"),                        # 5 words, one prediction
        code("app = PlaygroundApp()\napp"),                              # 2 lines, an app
        md("### Exercise 1 (in class): derive it"), code("def f(x):\n    '''doc'''\n    return x"),
        md("## Going further: more"), code("not = counted\n" * 50),
        md("## Exercises"),                                              # 2 words
        md("### Exercise 2: write a function"), code("def g(x):\n    '''doc'''\n    return x"),
        md("### Exercise 3 (predict, then run): a number"), code("guess = 3"), _timed(code("check()"), 12),
    ]
    for c in cells[-5:] + cells[8:10]:
        c.metadata["tags"] = ["exercise"]
    cells[9].metadata["tags"] = cells[-4].metadata["tags"] = cells[-2].metadata["tags"] = ["solution"]
    nb = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "09_test.ipynb"
    nbformat.write(nb, path)
    c = clock.estimate(path)
    assert (c.words, c.code_lines, c.figures, c.predictions, c.apps) == (231, 5, 1, 1, 1)
    assert c.run_seconds == 36 and c.inclass == clock.INCLASS_CODING_MINUTES
    assert c.core == pytest.approx(231 / clock.WORDS_PER_MINUTE + 5 / clock.LINES_PER_MINUTE + 36 / 60
                                   + clock.FIGURE_MINUTES + clock.PREDICTION_MINUTES + clock.APP_MINUTES
                                   + clock.INCLASS_CODING_MINUTES)
    assert [t for t, _ in c.exercises] == ["Exercise 2: write a function", "Exercise 3 (predict, then run): a number"]
    assert [m for _, m in c.exercises] == pytest.approx([clock.CODING_MINUTES, clock.PREDICT_MINUTES + 12 / 60])


def test_every_notebook_is_in_one_session():
    names = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    planned = [n for s in clock.sessions() for n in s["notebooks"]]
    assert sorted(planned) == names and planned == sorted(planned), planned


def test_each_session_fits_the_class():
    for s in clock.plan():
        assert s["core"] <= clock.SESSION_MINUTES, f"{s['title']}: the core path takes {s['core']:.0f} minutes"
        assert s["core"] + sum(m for *_, m in s["lab"]) <= clock.SESSION_MINUTES


def test_the_readme_shows_the_plan_as_generated():
    text = clock.README.read_text()
    assert clock.readme_with_table(text) == text, "the README's session table is stale: python tools/clock.py --write"

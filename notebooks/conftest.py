"""nbval settings for the course notebooks.

Strict nbval compares every output. Never compared, because they differ from run
to run by nature: images (PNG bytes change with library versions; nbval already
skips them unless nbdime is on), stderr (library warnings) and widget model ids.
"""

NEVER_COMPARED = ("image/png", "image/jpeg", "stderr", "application/vnd.jupyter.widget-view+json")


def pytest_collectstart(collector):
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare += NEVER_COMPARED

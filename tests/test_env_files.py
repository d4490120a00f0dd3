"""The environment files stay in step: requirements.txt is the one source of truth."""

import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> dict[str, str]:
    reqs = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", line).groups()
            reqs[name.lower().replace("_", "-")] = spec
    return reqs


def test_requirements_have_lower_bounds_only():
    for name, spec in _requirements().items():
        assert spec.startswith(">="), f"{name}: lower bounds only, got {spec!r}"
        assert "<" not in spec and "==" not in spec, name
    assert "d2l" not in _requirements(), "d2l is installed with --no-deps, not from requirements.txt"


def test_environment_yml_reads_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*-r requirements\.txt\s*$", text, re.M), (
        "environment.yml must pip-install -r requirements.txt"
    )
    assert "conda-forge" in text and re.search(r"^\s*-\s*python=3\.1\d", text, re.M)
    deps = text.split("dependencies:")[1]
    conda_deps = re.findall(r"^  - ([A-Za-z][\w.\-]*)", deps, re.M)
    assert set(conda_deps) <= {"python", "pip"}, (
        f"packages belong in requirements.txt, not environment.yml: {conda_deps}"
    )


def test_pyproject_dependencies_match_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = _requirements()
    for dep in project["dependencies"]:
        name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep).groups()
        key = name.lower().replace("_", "-")
        assert key in reqs, f"{name} is a dependency of d2l_ext but not in requirements.txt"
        assert reqs[key] == spec, f"{name}: pyproject says {spec!r}, requirements.txt {reqs[key]!r}"


def test_d2l_runtime_imports_are_listed():
    reqs = _requirements()
    for name in ("numpy", "matplotlib", "matplotlib-inline", "pandas", "requests", "scipy", "pillow", "ipython",
                 "torchvision"):  # fmt: skip
        assert name in reqs, f"d2l imports {name} at run time; list it in requirements.txt"


def test_every_package_is_installed():
    """Colab installs d2l_ext with pip (not editable): pyproject must list every subpackage, d2l_ext.checks too."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "d2l_ext").rglob("__init__.py")}
    assert found == listed, f"pyproject [tool.setuptools] packages = {sorted(listed)}, the tree has {sorted(found)}"


def test_colab_versions_are_the_lower_bounds():
    """Colab's preinstalled versions satisfy every bound (its setup cell never upgrades a package), and each bound
    of a package Colab has is the version that the Colab emulation runs: a test stands behind every floor."""
    from packaging.version import Version

    pins = {}
    for line in (ROOT / "tests" / "colab" / "requirements-colab.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    reqs = _requirements()
    for name in ("ipython", "ipywidgets", "ipykernel", "numpy", "matplotlib"):  # the versions measured on Colab
        assert name in pins, f"the Colab emulation must pin {name} to Colab's version"
    for name, version in pins.items():
        if name in reqs:
            floor = reqs[name].removeprefix(">=")
            assert Version(floor) == Version(version), f"{name}: requirements.txt says >={floor}, Colab runs {version}"

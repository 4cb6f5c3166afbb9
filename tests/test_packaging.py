"""Packaging: the PySide6 pin that avoids the 6.12-on-CPython-3.11 abort (DESIGN.md, "Platform
facts"), the console script, and the bundled resources."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from playground.resources import resource_dir, resource_path

ROOT = Path(__file__).resolve().parent.parent

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip vendors it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

PYSIDE = {"pyside6", "pyside6-essentials"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pyside_requirements(python: str) -> list[Requirement]:
    """The PySide6 requirements that apply on CPython ``python`` (e.g. "3.11")."""
    env = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    reqs = [Requirement(r) for r in pyproject()["project"]["dependencies"]]
    return [
        r
        for r in reqs
        if canonicalize_name(r.name) in PYSIDE and (r.marker is None or r.marker.evaluate(env))
    ]


def allowed(python: str, version: str) -> bool:
    reqs = pyside_requirements(python)
    assert reqs, f"no PySide6 requirement applies on Python {python}"
    return all(r.specifier.contains(version, prereleases=False) for r in reqs)


@pytest.mark.parametrize(
    ("python", "version", "ok"),
    [
        ("3.11", "6.11.3", True),
        ("3.11", "6.12.0", False),  # aborts the interpreter (bool_dealloc)
        ("3.11", "6.12.1", False),
        ("3.12", "6.11.3", True),
        ("3.12", "6.12.0", True),
        ("3.13", "6.12.0", True),
    ],
)
def test_pyside6_pin_excludes_6_12_on_python_3_11_only(python: str, version: str, ok: bool) -> None:
    assert allowed(python, version) is ok


def test_every_supported_python_gets_exactly_one_pyside_requirement() -> None:
    assert pyproject()["project"]["requires-python"] == ">=3.11"
    for python in ("3.11", "3.12", "3.13", "3.14"):
        assert len(pyside_requirements(python)) == 1, python


def test_runtime_dependencies_and_console_script() -> None:
    project = pyproject()["project"]
    names = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert {"numpy", "pyqtgraph"} <= names and names & PYSIDE
    assert project["scripts"]["playground"] == "playground.app:main"
    extras = project["optional-dependencies"]
    test_names = {canonicalize_name(Requirement(r).name) for r in extras["test"]}
    assert {"pytest", "pytest-qt"} <= test_names
    assert (ROOT / "playground" / "__main__.py").exists()


def test_bundled_resources_are_found() -> None:
    default = resource_path("presets", "default.json")
    assert default.is_file()
    assert default.read_text(encoding="utf-8").lstrip().startswith("{")
    iris = resource_path("iris.csv")
    assert iris.is_file()
    lines = iris.read_text(encoding="utf-8").strip().splitlines()
    assert len(lines) == 151  # header + 150 flowers
    assert resource_dir().is_dir()


def test_the_wheel_ships_the_resources() -> None:
    tool = pyproject()["tool"]["setuptools"]
    assert "playground._resources" in tool["packages"]
    assert tool["package-dir"]["playground._resources"] == "resources"
    data = tool["package-data"]["playground._resources"]
    assert "*.csv" in data and "presets/*.json" in data
    for pkg in ("engine", "data", "training", "io", "ui"):
        assert f"playground.{pkg}" in tool["packages"]


def test_every_python_package_is_listed_for_the_wheel() -> None:
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "playground").rglob("__init__.py")
    }
    assert found - listed == set()

"""Locate the bundled resources (presets, data, icons).

In a source checkout (or an editable install) they live in the repository's top-level
``resources/``;
a wheel install maps that folder to the ``playground._resources`` package.
"""

from __future__ import annotations

from pathlib import Path


def resource_dir() -> Path:
    """Return the folder holding ``presets/``, ``iris.csv`` and ``icons/``."""
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "presets").is_dir():
        return checkout
    import importlib.resources

    return Path(str(importlib.resources.files("playground._resources")))


def resource_path(*parts: str) -> Path:
    """Path of one bundled file, e.g. ``resource_path("presets", "default.json")``."""
    return resource_dir().joinpath(*parts)

"""Shared test setup: headless Qt, isolated settings, optional packages that must not skip in CI."""

from __future__ import annotations

import importlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402


def require(module: str):
    """Import an optional package; skip locally when absent, but fail under CI (CI installs it)."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)

"""Fixtures for the window tests: isolated settings, a window factory that owns teardown, and a
check that fails a test leaving top-level widgets or training threads behind (napari's
``make_napari_viewer`` pattern)."""

from __future__ import annotations

import copy
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from playground.io import default_experiment

TEST_ORGANIZATION = "PlaygroundTests"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory) -> Iterator[None]:
    """QSettings of the test run live in a temporary folder under a test organization name."""
    folder = tmp_path_factory.mktemp("settings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    old = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QCoreApplication.setOrganizationName(TEST_ORGANIZATION)
    QCoreApplication.setApplicationName("PlaygroundTest")
    yield
    QCoreApplication.setOrganizationName(old[0])
    QCoreApplication.setApplicationName(old[1])


def _top_levels() -> dict[int, QWidget]:
    return {shiboken6.getCppPointer(w)[0]: w for w in QApplication.topLevelWidgets()}


def _flush() -> None:
    for _ in range(2):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
        gc.collect()


class _Child:
    """A child process of this test run (found in /proc), with a thread-like surface."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Child) and other.pid == self.pid

    def __hash__(self) -> int:
        return self.pid

    def __repr__(self) -> str:
        return f"<worker process {self.pid}>"

    def is_alive(self) -> bool:
        return _child_pids().count(self.pid) > 0

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)


def _child_pids() -> list[int]:
    """Running (not zombie) worker processes whose parent is this process."""
    me, pids = os.getpid(), []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me and fields[0] != "Z" and b"playground.ui.worker" in cmd:
            pids.append(int(entry.name))
    return pids


def _workers() -> list:
    """Live training workers: threads of this process and worker child processes."""
    threads = [t for t in threading.enumerate() if t.name == "playground-training"]
    return threads + [_Child(pid) for pid in _child_pids()]


@pytest.fixture
def no_leaks(qapp) -> Iterator[None]:
    """Fail the test when it leaves new top-level widgets or live training threads behind."""
    before = set(_top_levels())
    workers_before = set(_workers())
    yield
    _flush()
    left = [w for key, w in _top_levels().items() if key not in before]
    workers = [w for w in _workers() if w not in workers_before]
    for w in workers:
        w.join(5)
    workers = [w for w in workers if w.is_alive()]
    assert not left, (
        f"leaked top-level widgets: {[(type(w).__name__, w.objectName()) for w in left]}"
    )
    assert not workers, f"leaked training threads or processes: {workers}"


@pytest.fixture
def make_window(qtbot, no_leaks) -> Iterator[Callable]:
    """``make_window(experiment=None, show=True)`` → a MainWindow closed and deleted after the
    test (its worker thread stopped)."""
    from playground.ui import MainWindow

    made: list[MainWindow] = []

    def make(experiment: dict | None = None, show: bool = True) -> MainWindow:
        window = MainWindow(experiment)
        made.append(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in made:
        window.close()
        assert not window.controller.session.alive, "closing did not stop the worker"
        window.deleteLater()
    made.clear()


@pytest.fixture
def experiment() -> dict:
    """A fresh copy of the bundled default experiment."""
    return copy.deepcopy(default_experiment())

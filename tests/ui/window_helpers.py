"""Helpers shared by the window tests (read what the window shows, wait for the worker)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def widget(window, name: str) -> QWidget:
    """The widget named ``name`` (fails clearly when missing)."""
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name!r}"
    return found


def step_of(window) -> int:
    """The step counter as the window shows it (``step_label``: "Epoch e · step s")."""
    text = widget(window, "step_label").text()
    return int(text.rsplit("step", 1)[1].replace(",", "").strip())


def last_snapshot(window, qtbot, predicate=lambda s: True, timeout: int = 5000):
    """Wait for the next snapshot the window draws that satisfies ``predicate``; return it."""
    seen, other = [], []

    def keep(snapshot) -> None:
        (seen if predicate(snapshot) else other).append(snapshot)

    window.controller.snapshot_ready.connect(keep)
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=timeout)
    except Exception:
        print("snapshots seen instead:", [(s.reason, s.step) for s in other])
        raise
    finally:
        window.controller.snapshot_ready.disconnect(keep)
    return seen[-1]

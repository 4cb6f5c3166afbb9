"""What every live view of a run offers the main window (and the plot export).

A view is a QWidget with a stable ``objectName`` (DESIGN.md) that

* ``show_snapshot(snapshot)``: draws the newest ``playground.training.Snapshot`` (called from the
  GUI thread by a ~30 Hz timer, only with the newest snapshot; ``snapshot.history`` and
  ``snapshot.evals`` hold every row recorded since the previous call, so time series have no gaps);
* ``clear()``: forgets everything shown (a new run starts: reset, new network, new data);
* ``export_target()``: the pyqtgraph item to export as PNG/SVG (a ``PlotItem`` or
  ``GraphicsLayout``), or None to export ``QWidget.grab()`` of the view instead;
* ``table()``: (header, rows) — the data behind the view as CSV rows.

Views keep items created once and call ``setData``/``setImage`` per frame (pyqtgraph's fast-update
practice): fixed levels for heatmaps, width-1 pens, ``clipToView``/``autoDownsample`` for long
curves, no OpenGL.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from playground.training import Snapshot


@runtime_checkable
class SnapshotView(Protocol):
    def show_snapshot(self, snapshot: Snapshot) -> None: ...

    def clear(self) -> None: ...

    def export_target(self) -> object | None: ...

    def table(self) -> tuple[list[str], list[list[object]]]: ...

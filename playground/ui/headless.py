"""Plot files without a window: ``playground train FILE.json --plots`` (offscreen).

The same views as the window (``boundary_plot``, ``loss_plot`` and the four "inside" views) are
built without a main window, fed snapshots of a headless ``Trainer`` and written with
``plot_export.export_views``: ``<objectName>.png``, ``.svg`` and ``.csv`` each, the files the
window's ``export_plots`` writes.

* :class:`PlotRecorder` is fed while the run trains (``take(trainer)`` after an epoch): a snapshot
  every ``every`` epochs (at most about ``MAX_FRAMES`` over the run) goes to every view, so the
  curves and the weight bands cover the whole run, and the loss curve holds one point per epoch —
  the full-set evaluations of ``trainer.epoch_rows`` (the rows of ``metrics.csv``) after the
  point of the untrained network it starts from.
* :func:`render_plots` writes the files (taking a final snapshot first) and tears the views down.

Qt runs offscreen here: ``QT_QPA_PLATFORM`` is set to ``offscreen`` unless it is already set or a
``QApplication`` exists, so a scripted run never opens a window and needs no display.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from playground.training import Evals, Snapshot, Trainer
from playground.training.snapshot import frozen

#: snapshots fed to the views over a run at most (about; one every ``every`` epochs)
MAX_FRAMES = 400


def ensure_app():  # noqa: ANN201 - QApplication
    """The running QApplication, or a new one on the offscreen platform."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(_drop_offscreen_noise)
        app = QApplication(sys.argv[:1])
    return app


def _drop_offscreen_noise(mode, context, message: str) -> None:  # noqa: ANN001 - Qt handler
    """Qt's messages to stderr, without the offscreen platform's "does not support
    propagateSizeHints()" line (printed for every widget shown; it means nothing here)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def evals_from_rows(rows: Sequence[Mapping[str, Any]], metric: str) -> Evals:
    """``Trainer.epoch_rows`` (full-set losses and metrics per epoch) as an ``Evals`` block."""

    def column(key: str, dtype=None) -> np.ndarray:
        return frozen(np.array([row[key] for row in rows], dtype=dtype))

    return Evals(
        column("step", np.int64),
        column("epoch", np.int64),
        column("train_loss", float),
        column("test_loss", float),
        column(f"train_{metric}", float),
        column(f"test_{metric}", float),
    )


def make_views(n_layers: int) -> dict:
    """objectName → a new, shown (offscreen) view of each plot the window exports, sized for a
    report."""
    from PySide6.QtCore import Qt

    from playground.ui.inside.activation_plot import ActivationPlot
    from playground.ui.inside.error_plot import ErrorPlot
    from playground.ui.inside.gradient_plot import GradientPlot
    from playground.ui.inside.weight_plot import WeightPlot
    from playground.ui.plots.boundary_plot import BoundaryPlot
    from playground.ui.plots.loss_plot import LossPlot
    from playground.ui.report_layout import report_size

    views = {
        "boundary_plot": BoundaryPlot(),
        "loss_plot": LossPlot(),
        "gradient_plot": GradientPlot(),
        "activation_plot": ActivationPlot(),
        "error_plot": ErrorPlot(),
        "weight_plot": WeightPlot(),
    }
    for name, view in views.items():
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.resize(*report_size(name, n_layers))
        view.show()  # laid out and "visible", so the views draw as they do in the window
    return views


class PlotRecorder:
    """The plot views of one headless run, fed while it trains (see the module docstring)."""

    def __init__(self, experiment: Mapping[str, Any], trainer: Trainer, epochs: int = 0) -> None:
        from playground.ui import edits

        self.app = ensure_app()
        self.trainer = trainer
        self.every = max(1, math.ceil(epochs / MAX_FRAMES))
        self.views = make_views(trainer.net.n_layers)
        self.views["boundary_plot"].set_dataset(trainer.dataset, edits.problem(experiment))
        self._start_epoch = trainer.epoch
        self._fed_epoch: int | None = None
        self._fed_rows = 0
        self._fed_step = -1
        self.frames = 0
        # the starting point of the curves (the loss curve's first point is the untrained net)
        self.feed(trainer.snapshot("start"))
        self._fed_epoch, self._fed_step = trainer.epoch, trainer.step_count

    def take(self, trainer: Trainer | None = None, *, final: bool = False) -> bool:
        """Feed a snapshot of ``trainer`` to the views when an epoch ended since the last one and
        it is a sampled epoch (``final``: always, once per step). True when one was fed."""
        tr = trainer or self.trainer
        if tr.step_count == self._fed_step:
            return False
        if not final and (
            tr.epoch == self._fed_epoch or (tr.epoch - self._start_epoch) % self.every
        ):
            return False
        snapshot = tr.snapshot("end" if final else "epoch")
        self.feed(snapshot, tr.epoch_rows)
        self._fed_epoch, self._fed_step = tr.epoch, tr.step_count
        return True

    def feed(self, snapshot: Snapshot, epoch_rows: Sequence[Mapping[str, Any]] = ()) -> None:
        """Show ``snapshot`` in every view; the loss curve gets the epoch rows not fed yet (the
        snapshot's own evaluations when there are none, e.g. a run of 0 epochs)."""
        rows = epoch_rows[self._fed_rows :]
        if rows:
            snapshot = replace(snapshot, evals=evals_from_rows(rows, snapshot.metric_name))
            self._fed_rows = len(epoch_rows)
        elif self._fed_rows:
            snapshot = replace(snapshot, evals=Evals.empty())
        for view in self.views.values():
            view.show_snapshot(snapshot)
        self.frames += 1

    def export(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Every view's PNG, SVG and CSV into ``directory`` (``plot_export.export_views``)."""
        from playground.ui.plot_export import export_views

        self.app.processEvents()  # pending layouts and repaints first
        return export_views(self.views, directory, self.trainer.net.n_layers)

    def close(self) -> None:
        """Close and delete the views."""
        from PySide6.QtCore import QCoreApplication, QEvent

        for view in self.views.values():
            view.close()
            view.deleteLater()
        self.views = {}
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.app.processEvents()


def render_plots(
    experiment: Mapping[str, Any],
    trainer: Trainer,
    directory: str | os.PathLike[str],
    *,
    recorder: PlotRecorder | None = None,
) -> list[Path]:
    """Write the window's plot files for ``trainer``'s run into ``directory``, offscreen.

    ``recorder``: the views fed during the run (a final snapshot is added); without one, the
    views show the final state and the loss curve the run's ``epoch_rows``. Returns the files
    written; raises ``OSError``/``ValueError`` (as ``export_views``) when they cannot be.
    """
    recorder = recorder or PlotRecorder(experiment, trainer)
    try:
        recorder.take(trainer, final=True)
        return recorder.export(directory)
    finally:
        recorder.close()

"""The main window: composes the panels, the network editor and the live views (no logic here).

Layout: a toolbar (reset, play/pause, step, the step counter and speed), the hyperparameter strip,
the health banner, then data | network | decision boundary and output controls, with the loss
curve and the "inside the network" views docked below (each can be hidden, tabbed or floated).

Requests from the controls go to ``TrainingController`` (live hyperparameters, or a rebuild with
fresh weights for structural changes); a request that fails leaves the run as it was, shows the
reason in the status bar and syncs the controls back. The DESIGN.md contract (``load_experiment``,
``save_experiment``, ``export_weights``, ``export_plots``, ``experiment``) is implemented here by
delegation; none of these opens a dialog.

Shortcuts: Space plays/pauses, S or → steps, R resets (window-wide ``QAction`` shortcuts). While
a number or text field has the keyboard focus, Space, S and R type into it instead (Qt's
shortcut override), so editing a value is never hijacked; click the network or press Tab to leave
the field. Ctrl+O / Ctrl+S / Ctrl+E open, save and export everything.

Unsaved changes (``autosave.ChangeTracker``, ``window.changes``) show as ``*`` in the title; closing
asks Save / Discard / Cancel only when the entry point set ``confirm_close`` (never by default).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QGroupBox,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.io import load_experiment as read_experiment
from playground.io import save_experiment as write_experiment
from playground.io.inputs import Inputs
from playground.training import Snapshot
from playground.ui import edits, files
from playground.ui.autosave import ChangeTracker, state_step
from playground.ui.controller import TrainingController
from playground.ui.description_bar import DescriptionBar
from playground.ui.inside import InsideViews
from playground.ui.menus import WindowMenus
from playground.ui.network_editor import NetworkEditor
from playground.ui.panels.data_panel import DataPanel
from playground.ui.panels.hyperparameter_panel import HyperparameterPanel
from playground.ui.panels.output_panel import OutputPanel
from playground.ui.plots.boundary_plot import BoundaryPlot
from playground.ui.plots.loss_plot import LossPlot
from playground.ui.settings import restore_window, save_window
from playground.ui.style import STYLESHEET
from playground.ui.toolbar import TrainingToolbar
from playground.ui.view_feeder import ViewFeeder

#: seconds between updates of the texts people read (rates, banner, loss numbers)
TEXT_INTERVAL = 0.25
#: milliseconds per frame the "inside" views may take before they take turns (view_feeder.py)
INSIDE_BUDGET_MS = 12.0
#: verdicts whose layers are outlined in the network editor
ALARMS = ("vanishing", "exploding", "dead", "saturated", "nan")


def _shown(view: QWidget) -> bool:
    """Drawn on screen: visible and not covered (a background tab or closed dock is not)."""
    return view.isVisible() and not view.visibleRegion().isEmpty()


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 6, 8, 8)
    for w in widgets:
        layout.addWidget(w)
    return box


class MainWindow(QMainWindow):
    """Playground's window on one experiment (the bundled default when None)."""

    def __init__(self, experiment: dict | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setStyleSheet(STYLESHEET)
        self.current_path: str | None = None
        self._closed = False
        self._sized = False
        self._text_time = 0.0
        self._verdict = ""
        self.placed = False  # True once the caller set the geometry (restored or maximized)
        #: asked by closeEvent while there are unsaved changes: True lets the window close. None
        #: (the default: tests, automation) closes without asking; the app's entry point sets it
        #: to the menus' Save / Discard / Cancel question (``WindowMenus.confirm_close``).
        self.confirm_close: Callable[[], bool] | None = None
        self._highlight: tuple[int, ...] = ()
        self.controller = ctrl = TrainingController(experiment, self)

        self.data_panel = DataPanel()
        self.hyper_panel = HyperparameterPanel()
        self.output_panel = OutputPanel()
        self.editor = NetworkEditor()
        self.boundary_plot = BoundaryPlot()
        self.loss_plot = LossPlot()
        self.inside = InsideViews(self)
        self.description_bar = DescriptionBar()
        self._views: dict[str, QWidget] = {
            "boundary_plot": self.boundary_plot,
            "loss_plot": self.loss_plot,
            **self.inside.views(),
        }
        # the inside views take turns when drawing them all would slow the frame rate
        self.feeder = ViewFeeder(self.inside.views(), _shown, budget_ms=INSIDE_BUDGET_MS)

        self._build_toolbar()
        self._build_central()
        self.menus = WindowMenus(self)
        self._build_docks()
        self.statusBar().setObjectName("status_bar")
        self._connect()
        self.changes = ChangeTracker(self)  # unsaved changes: "[*]" in the title, autosave
        self._on_structure(ctrl.spec)
        self._on_playing(False)
        self.update_title()
        self._announce()
        self.resize(1280, 800)

    # -- construction ------------------------------------------------------------------------
    def _fit_screen(self) -> None:
        """A first window that is not maximized or restored gets 1280×800 at most, and never more
        than the screen (the layout's first guess may be wider)."""
        if self.isMaximized() or self.isFullScreen():
            screen = self.screen()
            if screen is not None and self.geometry() != screen.availableGeometry():
                self.setGeometry(screen.availableGeometry())  # no window manager (Xvfb)
            return
        if not self.placed:
            size = QSize(1280, 800)
            screen = self.screen()
            if screen is not None:
                size = size.boundedTo(screen.availableGeometry().size())
            self.resize(size)

    def _build_toolbar(self) -> None:
        self.toolbar = TrainingToolbar(
            self,
            self._request_reset,
            lambda: self._request(self.controller.toggle),
            lambda: self._request(self.controller.step),
            self.controller.speed,
        )
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.play_action = self.toolbar.play_action
        self.step_action = self.toolbar.step_action
        self.reset_action = self.toolbar.reset_action
        self.step_label = self.toolbar.step_label
        self.speed_combo = self.toolbar.speed_combo

    def _build_central(self) -> None:
        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.hyper_panel)
        body = QVBoxLayout()
        body.setContentsMargins(8, 6, 8, 4)
        body.setSpacing(6)
        body.addWidget(self.inside.banner)
        body.addWidget(self.description_bar)
        split = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QScrollArea()
        left.setObjectName("data_scroll")
        left.setWidgetResizable(True)
        left.setFrameShape(QScrollArea.Shape.NoFrame)
        data_box = _group("Data", self.data_panel)
        left.setWidget(data_box)
        left.setMinimumWidth(data_box.minimumSizeHint().width() + 14)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(_group("Output", self.boundary_plot, self.output_panel), 1)
        split.addWidget(left)
        split.addWidget(self.editor)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 0)
        split.setSizes([left.minimumWidth(), 640, 340])
        body.addWidget(split, 1)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

    def _dock(self, view: QWidget) -> QDockWidget:
        dock = QDockWidget(view.windowTitle() or view.objectName(), self)
        dock.setObjectName(f"dock_{view.objectName()}")
        # a view's own minimum must not force the window wider than the screen (1280 px)
        hint = view.minimumSizeHint()
        view.setMinimumSize(min(hint.width(), 280), min(hint.height(), 140))
        dock.setWidget(view)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.menus.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks = {
            name: self._dock(view) for name, view in self._views.items() if name != "boundary_plot"
        }
        loss = self.docks["loss_plot"]
        self.addDockWidget(bottom, loss)
        d = self.docks
        self.splitDockWidget(loss, d["gradient_plot"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["gradient_plot"], d["activation_plot"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(d["gradient_plot"], d["weight_plot"])
        self.tabifyDockWidget(d["activation_plot"], d["error_plot"])
        d["gradient_plot"].raise_()
        d["activation_plot"].raise_()
        self.resizeDocks(
            [loss, d["gradient_plot"], d["activation_plot"]], [1, 1, 1], Qt.Orientation.Horizontal
        )

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            QTimer.singleShot(0, self._fit_screen)  # once the layout has settled
            docks = [d for d in self.docks.values() if d.isVisible()]
            if docks:  # the live views get about 30% of the height
                self.resizeDocks(
                    docks[:1], [max(200, int(self.height() * 0.3))], Qt.Orientation.Vertical
                )

    def _connect(self) -> None:
        c, r = self.controller, self._request
        c.snapshot_ready.connect(self._on_snapshot)
        c.run_started.connect(self._on_run_started)
        c.structure_changed.connect(self._on_structure)
        c.playing_changed.connect(self._on_playing)
        c.message.connect(self._on_message)
        self.speed_combo.currentIndexChanged.connect(
            lambda: r(c.set_speed, self.speed_combo.currentData())
        )
        d = self.data_panel
        d.data_changed.connect(lambda changes: r(c.change_data, changes))
        d.message.connect(lambda text: self._on_message(text, 5000))
        h = self.hyper_panel
        h.learning_rate_changed.connect(lambda v: r(c.set_learning_rate, v))
        h.optimizer_changed.connect(lambda cfg: r(c.set_optimizer, cfg))
        h.batch_size_changed.connect(lambda v: r(c.set_batch_size, v))
        h.regularization_changed.connect(lambda kind, rate: r(c.set_regularization, kind, rate))
        h.init_changed.connect(lambda s, k: r(c.restructure, edits.set_init, s, k))
        o = self.output_panel
        o.problem_changed.connect(
            lambda p: r(c.restructure, edits.set_problem, p, c.dataset.n_outputs)
        )
        o.output_changed.connect(lambda act, loss: r(c.restructure, edits.set_output, act, loss))
        e = self.editor
        e.add_layer.connect(lambda: r(c.restructure, edits.add_layer))
        e.remove_layer.connect(lambda: r(c.restructure, edits.remove_layer))
        e.add_neuron.connect(lambda k: r(c.restructure, edits.add_neuron, k))
        e.remove_neuron.connect(lambda k: r(c.restructure, edits.remove_neuron, k))
        e.activation_changed.connect(lambda k, a: r(c.restructure, edits.set_activation, k, a))
        e.weight_edited.connect(lambda l, i, j, v: r(c.set_weight, l, i, j, v))
        e.bias_edited.connect(lambda l, i, v: r(c.set_bias, l, i, v))

    # -- reacting to the controller ------------------------------------------------------------
    def _request(self, fn: Callable, *args: object) -> bool:
        """Run a request of a control; on failure say why and show the run's real settings."""
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - any bad request becomes a message
            self._on_message(f"Not applied: {exc}", 8000)
            self._on_structure(self.controller.spec)
            return False
        return True

    def _request_reset(self) -> None:
        self._request(self.controller.reset)

    def _on_structure(self, spec: dict) -> None:
        ds = self.controller.dataset
        self.data_panel.set_experiment(spec, ds)
        self.hyper_panel.set_experiment(spec, ds)
        self.output_panel.set_experiment(spec, ds)
        self.editor.set_structure(spec, ds)
        self.boundary_plot.set_dataset(ds, edits.problem(spec))
        self.update_title()

    def _on_run_started(self) -> None:
        self.boundary_plot.clear()
        self.loss_plot.clear()
        self.feeder.clear()
        self.inside.clear()
        self.editor.clear()
        self._set_highlight(())
        self.toolbar.show_step(0, 0)
        self.toolbar.show_rate(0.0)

    def _on_snapshot(self, s: Snapshot) -> None:
        self.toolbar.show_step(s.epoch, s.step)
        # texts for reading change a few times a second, not every frame (each change of a
        # label's text re-lays out the window); a pause, step or new verdict shows at once
        now = time.monotonic()
        calm = (
            s.reason == "tick"
            and now - self._text_time < TEXT_INTERVAL
            and (s.health.verdict == self._verdict)
        )
        if not calm:
            self._text_time, self._verdict = now, s.health.verdict
            self.toolbar.show_rate(s.steps_per_second if self.controller.playing else 0.0)
        self.editor.show_snapshot(s)
        self.boundary_plot.show_snapshot(s)
        self.loss_plot.show_snapshot(s, numbers=not calm)
        if not calm:
            self.inside.banner.show_snapshot(s)
        self.feeder.feed(s)
        if s.reason != "tick":  # paused, stepped, reset: every view shows the final state
            self.feeder.flush()
        h = s.health
        self._set_highlight(h.layers if h.verdict in ALARMS else ())

    def _set_highlight(self, layers: tuple[int, ...]) -> None:
        if tuple(layers) != self._highlight:
            self._highlight = tuple(layers)
            self.editor.highlight_layers(self._highlight)

    def _on_playing(self, playing: bool) -> None:
        self.toolbar.set_playing(playing)

    def _on_message(self, text: str, timeout: int = 0) -> None:
        self.statusBar().showMessage(text, timeout)

    def _announce(self) -> None:
        """What the experiment is about (its description) in the description bar."""
        spec = self.controller.spec
        self.description_bar.show_description(spec.get("name"), spec.get("description"))

    def update_title(self) -> None:
        name = self.controller.spec.get("name") or "Untitled experiment"
        where = f" — {os.path.basename(self.current_path)}" if self.current_path else ""
        self.setWindowTitle(f"Playground — {name}{where}[*]")

    # -- the contract of DESIGN.md -------------------------------------------------------------
    def experiment(self) -> dict:
        """The current experiment with its hyperparameters, weights and training state."""
        return self.controller.experiment()

    def load_experiment(self, path: str | os.PathLike[str]) -> None:
        """Open an experiment file (weights and state included); raises, window unchanged, on a
        bad file."""
        exp = read_experiment(path)
        self.controller.load(exp)
        self.changes.mark_clean(state_step(exp))
        self.current_path = os.fspath(path)
        self.update_title()
        self._announce()

    def save_experiment(self, path: str | os.PathLike[str]) -> None:
        """Write the experiment with inline weights and state (atomically)."""
        exp = self.experiment()
        write_experiment(exp, path)
        self.changes.mark_clean(state_step(exp))
        self.current_path = os.fspath(path)
        self.update_title()

    def export_weights(self, path: str | os.PathLike[str], precision: str = "float32") -> None:
        """Weights as .npz (DESIGN.md), .json, .onnx or a PyTorch .py, chosen by the suffix
        (``precision`` of the ONNX / PyTorch model: "float32" or "float64")."""
        inputs = Inputs.from_dataset(self.controller.dataset)  # the statistics training uses
        files.export_weights(self.experiment(), path, precision, inputs)

    def export_plots(self, directory: str | os.PathLike[str]) -> None:
        """``<objectName>.png``, ``.svg`` and ``.csv`` for every plot into ``directory``."""
        self.controller.take_now()
        self.feeder.flush()
        n_layers = len(self.controller.spec["model"]["layers"])
        files.export_plots(self.views(), directory, n_layers)

    def views(self) -> dict[str, QWidget]:
        """objectName → every live view (SnapshotView protocol)."""
        return dict(self._views)

    # -- settings (called by launch.py, never by __init__) ---------------------------------------
    def save_settings(self, settings: QSettings) -> None:
        """Geometry, dock layout and the last choices, as values (``settings.save_window``)."""
        save_window(self, settings)

    def restore_settings(self, settings: QSettings) -> None:
        restore_window(self, settings)

    # -- shutting down ------------------------------------------------------------------------
    def shutdown(self) -> bool:
        """Stop training and its worker (process or thread; idempotent); True when it ended in
        time."""
        if self._closed:
            return not self.controller.session.alive
        self._closed = True
        return self.controller.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_close is not None and self.isWindowModified() and not self._closed:
            if not self.confirm_close():  # Cancel (or a failed Save): stay open
                event.ignore()
                return
        for child in self.findChildren(QWidget):  # e.g. a Compare window: its runs stop too
            if child.isWindow() and child.isVisible() and child is not self:
                child.close()
        self.shutdown()
        super().closeEvent(event)

"""The window's menus and file dialogs: File (open, save, recent, export), Presets, View, Help.

Menu actions open dialogs, call the window's methods (``load_experiment``, ``save_experiment``,
``export_weights``, ``export_plots``) and show any error in a message box; the methods themselves
never open a dialog. Recent files and the last folder are kept in QSettings (paths, not indices).
"""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from playground.ui import files
from playground.ui.settings import add_recent_file, open_settings, read_str, recent_files

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

EXPERIMENT_FILTER = "Playground experiments (*.json);;All files (*)"


class WindowMenus:
    """Builds the menu bar of ``window`` and handles its actions."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        keys = QKeySequence.StandardKey
        self.open_action = self._action(file_menu, "&Open…", self.open, keys.Open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, "&Save", self.save, keys.Save)
        self.save_as_action = self._action(
            file_menu, "Save &as…", self.save_as, QKeySequence("Ctrl+Shift+S")
        )
        file_menu.addSeparator()
        self.export_all_action = self._action(
            file_menu, "&Export everything…", self.export_all, QKeySequence("Ctrl+E")
        )
        self.export_weights_action = self._action(
            file_menu, "Export &weights…", self.export_weights
        )
        self.export_plots_action = self._action(file_menu, "Export &plots…", self.export_plots)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

        self.presets_menu = bar.addMenu("&Presets")
        for name, description, path in files.presets():
            action = self.presets_menu.addAction(name)
            action.setToolTip(description)
            action.setStatusTip(description[:160])
            action.triggered.connect(
                lambda _=False, p=str(path): self._guard(
                    "Cannot open the preset", self._load_preset, p, remember=False
                )
            )
        self.presets_menu.setToolTipsVisible(True)

        self.view_menu = bar.addMenu("&View")
        self.run_menu = bar.addMenu("&Run")
        if importlib.util.find_spec("playground.ui.compare") is not None:
            self._action(self.run_menu, "&Compare initializations…", self.compare)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts)

    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _=False: slot())
        return action

    # -- dialogs -----------------------------------------------------------------------------
    def _folder(self) -> str:
        return read_str(open_settings(), "last_folder", os.path.expanduser("~"))

    def _remember(self, path: str) -> None:
        settings = open_settings()
        settings.setValue("last_folder", os.path.dirname(os.path.abspath(path)))

    def _guard(self, title: str, fn, path: str, remember: bool = True) -> bool:
        try:
            fn(path)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            QMessageBox.warning(self.w, title, str(exc) or type(exc).__name__)
            return False
        if remember:
            self._remember(path)
        return True

    def _load_preset(self, path: str) -> None:
        self.w.load_experiment(path)
        self.w.current_path = None  # Save must not overwrite the bundled preset
        self.w.update_title()

    def open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Open an experiment", self._folder(), EXPERIMENT_FILTER
        )
        if path and self._guard("Cannot open the experiment", self.w.load_experiment, path):
            add_recent_file(open_settings(), path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = recent_files(open_settings())
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in paths:
            action = self.recent_menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.triggered.connect(
                lambda _=False, p=path: self._guard(
                    "Cannot open the experiment", self.w.load_experiment, p
                )
            )

    def save(self) -> None:
        if self.w.current_path:
            if self._guard("Cannot save", self.w.save_experiment, self.w.current_path):
                add_recent_file(open_settings(), self.w.current_path)
        else:
            self.save_as()

    def save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Save the experiment", self._folder(), EXPERIMENT_FILTER
        )
        if not path:
            return
        if not path.lower().endswith(".json"):
            path += ".json"
        if self._guard("Cannot save", self.w.save_experiment, path):
            add_recent_file(open_settings(), path)

    def export_weights(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self.w,
            "Export the weights",
            os.path.join(self._folder(), "weights.npz"),
            files.WEIGHT_FILTERS,
        )
        if not path:
            return
        if not os.path.splitext(path)[1]:
            path += chosen[chosen.rfind("*") + 1 : -1] if "*" in chosen else ".npz"
        if self._guard("Cannot export the weights", self.w.export_weights, path):
            self.w.statusBar().showMessage(f"Weights written to {path}", 5000)

    def export_plots(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, "Export the plots into", self._folder())
        if folder and self._guard("Cannot export the plots", self.w.export_plots, folder):
            self.w.statusBar().showMessage(f"Plots written to {folder}", 5000)

    def export_all(self) -> None:
        """Experiment, weights (.npz) and every plot into one folder."""
        folder = QFileDialog.getExistingDirectory(self.w, "Export everything into", self._folder())
        if not folder:
            return

        def write(folder: str) -> None:
            self.w.save_experiment(os.path.join(folder, "experiment.json"))
            self.w.export_weights(os.path.join(folder, "weights.npz"))
            self.w.export_plots(folder)

        if self._guard("Cannot export", write, folder):
            self.w.statusBar().showMessage(
                f"Experiment, weights and plots written to {folder}", 5000
            )

    def compare(self) -> None:
        try:
            from playground.ui.compare import CompareWindow

            window = CompareWindow(self.w.experiment(), self.w)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self.w, "Cannot compare", str(exc))
            return
        # its own window (owned by the main window, closed with it), freed when closed
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.show()

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self.w,
            "Keyboard shortcuts",
            "Space\tplay / pause (except while typing in a number or text field)\n"
            "S or →\tone training step\n"
            "R\treset (fresh weights, step 0)\n"
            "Ctrl+O\topen an experiment\nCtrl+S\tsave it\nCtrl+E\texport everything\n"
            "Ctrl+wheel\tzoom the network",
        )

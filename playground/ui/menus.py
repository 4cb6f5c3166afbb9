"""The window's menus and file dialogs: File (open, recent, save, save as), Export (everything,
weights, plots), Presets, Run, View, Help.

Menu actions open dialogs, call the window's methods (``load_experiment``, ``save_experiment``,
``export_weights``, ``export_plots``) or ``export_all.export_everything`` and show any error in a
message box; the methods themselves never open a dialog. Recent files and the last folder are kept
in QSettings (paths, not indices).

Unsaved changes: :meth:`WindowMenus.confirm_close` asks Save / Discard / Cancel; the app's entry
point installs it as the window's ``confirm_close``, and then opening another experiment or preset
asks the same first. A window made directly (tests, automation) never asks.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from playground.ui import files
from playground.ui.export_all import default_folder_name, export_everything
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
        self._action(file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

        export_menu = self.export_menu = bar.addMenu("&Export")
        self.export_all_action = self._action(
            export_menu, "&Everything…", self.export_all, QKeySequence("Ctrl+E")
        )
        self.export_all_action.setStatusTip(
            "A new folder with the experiment, weights, ONNX and PyTorch models, every plot "
            "(PNG, SVG, CSV), README.txt and index.html"
        )
        export_menu.addSeparator()
        self.export_weights_action = self._action(export_menu, "&Weights…", self.export_weights)
        self.export_weights_action.setStatusTip(
            "Weights as .npz or .json, or the model as ONNX or a PyTorch script"
        )
        self.export_plots_action = self._action(export_menu, "&Plots…", self.export_plots)
        self.export_plots_action.setStatusTip("Every plot as PNG, SVG and CSV into a folder")

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
            QMessageBox.warning(self.w, title, files.error_text(exc))
            return False
        if remember:
            self._remember(path)
        return True

    def _may_overwrite(self, existing: list) -> bool:
        """Ask before replacing files the file dialog did not ask about; True to go on."""
        if not existing:
            return True
        names = ", ".join(p.name for p in existing[:4]) + (" …" if len(existing) > 4 else "")
        where = existing[0].parent
        answer = QMessageBox.question(
            self.w,
            "Replace files?",
            f"{len(existing)} file(s) already exist in {where}: {names}. Replace them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _load_preset(self, path: str) -> None:
        if not self._may_replace():
            return
        self.w.load_experiment(path)
        self.w.current_path = None  # Save must not overwrite the bundled preset
        self.w.update_title()

    def open(self) -> None:
        if not self._may_replace():
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Open an experiment", self._folder(), EXPERIMENT_FILTER
        )
        if path and self._guard("Cannot open the experiment", self.w.load_experiment, path):
            add_recent_file(open_settings(), path)

    def open_recent(self, path: str) -> None:
        if self._may_replace() and self._guard(
            "Cannot open the experiment", self.w.load_experiment, path
        ):
            add_recent_file(open_settings(), path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = recent_files(open_settings())
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in paths:
            action = self.recent_menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recent(p))

    def save(self) -> bool:
        """Save to the current file (Save As… when there is none); True when saved."""
        path = self.w.current_path
        if not path:
            return self.save_as()
        if self._guard("Cannot save", self.w.save_experiment, path):
            add_recent_file(open_settings(), path)
            return True
        return False

    def save_as(self) -> bool:
        name = os.path.basename(self.w.current_path or "") or "experiment.json"
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Save the experiment", os.path.join(self._folder(), name), EXPERIMENT_FILTER
        )
        if not path:
            return False
        returned = path
        if not path.lower().endswith(".json"):
            path += ".json"
        if not self._may_overwrite(files.clashes(returned, [path])):
            return False
        if self._guard("Cannot save", self.w.save_experiment, path):
            add_recent_file(open_settings(), path)
            return True
        return False

    # -- unsaved changes ---------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """Save / Discard / Cancel for unsaved changes before the window closes; True when it
        may close (saved, or discarded)."""
        return self.ask_to_save("before closing")

    def _may_replace(self) -> bool:
        """Before another experiment replaces this one: ask like closing does, but only when the
        entry point asked for questions (``window.confirm_close`` set)."""
        if self.w.confirm_close is None:
            return True
        return self.ask_to_save("before opening another experiment")

    def ask_to_save(self, when: str) -> bool:
        if not self.w.isWindowModified():
            return True
        name = self.w.controller.spec.get("name") or "the experiment"
        where = f" ({os.path.basename(self.w.current_path)})" if self.w.current_path else ""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"Save the changes to “{name}”{where} {when}?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            self.w,
        )
        box.setObjectName("unsaved_changes_box")
        box.setInformativeText(
            "The network, data, hyperparameters or training progress changed since it was last "
            "saved. If you don't save, these changes are lost."
        )
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        answer = box.exec()
        if answer == buttons.Save:
            return self.save()
        if answer == buttons.Discard:
            self.w.changes.forget()
            return True
        return False

    # -- exports -----------------------------------------------------------------------------
    def export_weights(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self.w,
            "Export the weights or the model",
            os.path.join(self._folder(), "weights.npz"),
            files.WEIGHT_FILTERS,
        )
        if not path:
            return
        returned = path
        path, precision = files.weight_choice(path, chosen)
        if not self._may_overwrite(files.clashes(returned, files.weight_files(path))):
            return
        if self._guard(
            "Cannot export the weights", lambda p: self.w.export_weights(p, precision), path
        ):
            extra = " (and the .npz beside it)" if path.lower().endswith(".py") else ""
            self.w.statusBar().showMessage(f"Written to {path}{extra}", 8000)

    def export_plots(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, "Export the plots into", self._folder())
        if not folder:
            return
        existing = files.clashes("", files.plot_files(list(self.w.views()), folder))
        if not self._may_overwrite(existing):
            return
        if self._guard("Cannot export the plots", self.w.export_plots, folder):
            self.w.statusBar().showMessage(f"Plots written to {folder}", 5000)

    def export_all(self) -> None:
        """Everything (``export_all.export_everything``) into a new folder inside the one the
        user picks, named after the experiment and the time."""
        folder = QFileDialog.getExistingDirectory(
            self.w, "Export everything: choose where the new folder goes", self._folder()
        )
        if not folder:
            return
        base = os.path.join(folder, default_folder_name(self.w.controller.spec))
        target, n = base, 1
        while os.path.exists(target):
            n += 1
            target = f"{base}-{n}"
        if self._guard("Cannot export", lambda t: export_everything(self.w, t), target):
            self.w.statusBar().showMessage(
                f"Everything written to {target} — open index.html there for an overview", 15_000
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

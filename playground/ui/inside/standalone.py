"""Run one inside view on its own, fed live by a real trainer (for looking and screenshots).

``python -m playground.ui.inside.gradient_plot [preset | file.json] [--steps-per-second N]``
opens the view with the health banner above it and trains the preset (default ``vanishing``) in a
worker thread (``TrainingSession``); a 30 Hz timer hands the newest snapshot to the view.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from playground.data import make_dataset
from playground.io import load_experiment
from playground.resources import resource_path
from playground.training import Trainer
from playground.training.session import TrainingSession
from playground.ui.inside.banner import HealthBanner


def load_preset(name_or_path: str) -> dict:
    """A bundled preset by name (``vanishing``) or an experiment file by path."""
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = resource_path("presets", f"{name_or_path}.json")
    return load_experiment(path)


class StandaloneWindow(QWidget):
    """A banner above one view, fed from a ``TrainingSession`` by a 30 Hz timer."""

    def __init__(
        self, view: QWidget, experiment: dict, *, max_steps_per_second: float = 0.0, epochs: int = 0
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"{view.windowTitle()} — {experiment.get('name', 'experiment')}")
        self.banner = HealthBanner(self)
        self.view = view
        view.setParent(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(view, 1)
        trainer = Trainer(experiment, make_dataset(experiment["data"]))
        self.session = TrainingSession(
            trainer, max_steps_per_second=max_steps_per_second, epochs=epochs
        )
        self.timer = QTimer(self)
        self.timer.setInterval(33)
        self.timer.timeout.connect(self._on_tick)
        self.session.start()
        self.session.play()
        self.timer.start()

    def _on_tick(self) -> None:
        snap = self.session.mailbox.take()
        if snap is not None:
            self.banner.show_snapshot(snap)
            self.view.show_snapshot(snap)  # type: ignore[attr-defined]

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        self.session.stop()
        super().closeEvent(event)


def run_standalone(view_cls: type[QWidget], argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"{view_cls.__name__} on a preset, live")
    parser.add_argument(
        "preset",
        nargs="?",
        default="vanishing",
        help="preset name (resources/presets/NAME.json) or an experiment file",
    )
    parser.add_argument(
        "--steps-per-second", type=float, default=0.0, help="throttle training (0: flat out)"
    )
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = StandaloneWindow(
        view_cls(), load_preset(args.preset), max_steps_per_second=args.steps_per_second
    )
    window.resize(1200, 700)
    window.show()
    code = app.exec()
    window.session.stop()
    return code

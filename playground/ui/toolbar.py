"""The training toolbar: reset, play/pause and step (with their shortcuts), the epoch/step counter,
the training speed in steps per second, and the speed control.

The buttons of the actions carry the objectNames of DESIGN.md (``reset_button``, ``play_button``,
``step_button``: ``toolbar.widgetForAction(action)``); the counter is ``step_label``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QStyle, QToolBar, QWidget

from playground.ui.controller import SPEEDS


class TrainingToolbar(QToolBar):
    """Actions call ``on_reset``, ``on_toggle``, ``on_step``; the window connects the rest."""

    def __init__(
        self,
        parent: QWidget,
        on_reset: Callable[[], object],
        on_toggle: Callable[[], object],
        on_step: Callable[[], object],
        speed: str,
    ) -> None:
        super().__init__("Training", parent)
        self.setObjectName("training_toolbar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        pix = QStyle.StandardPixmap
        self.reset_action = self._tool(
            "Reset",
            pix.SP_BrowserReload,
            "reset_button",
            [QKeySequence("R")],
            "Start over with fresh weights at step 0 (R)",
            on_reset,
        )
        self.play_action = self._tool(
            "Play",
            pix.SP_MediaPlay,
            "play_button",
            [QKeySequence(Qt.Key.Key_Space)],
            "Train / pause (Space)",
            on_toggle,
        )
        self.step_action = self._tool(
            "Step",
            pix.SP_MediaSkipForward,
            "step_button",
            [QKeySequence("S"), QKeySequence(Qt.Key.Key_Right)],
            "One training step (S or →)",
            on_step,
        )
        self._play_icon = self.style().standardIcon(pix.SP_MediaPlay)
        self._pause_icon = self.style().standardIcon(pix.SP_MediaPause)
        self.addSeparator()
        self.step_label = QLabel("Epoch 0 · step 0")
        self.step_label.setObjectName("step_label")
        self.step_label.setFixedSize(320, 28)  # fixed: a new count re-lays out nothing
        self.step_label.setToolTip(
            "Epochs (passes over the training set) and steps (one mini-batch update each)"
        )
        self.addWidget(self.step_label)
        self.rate_label = QLabel("")
        self.rate_label.setObjectName("rate_label")
        self.rate_label.setFixedSize(130, 28)
        self.addWidget(self.rate_label)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.addWidget(QLabel("Speed "))
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speed_combo")
        self.speed_combo.setToolTip(
            "How fast training runs while playing (flat out: as fast as the engine goes, "
            "~20,000 steps/s on small networks)"
        )
        for name, (label, _rate) in SPEEDS.items():
            self.speed_combo.addItem(label, name)
        self.set_speed(speed)
        self.addWidget(self.speed_combo)

    def _tool(
        self,
        text: str,
        icon: QStyle.StandardPixmap,
        name: str,
        keys: list[QKeySequence],
        tip: str,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(self.style().standardIcon(icon), text, self.parentWidget())
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        self.widgetForAction(action).setObjectName(name)
        return action

    def set_playing(self, playing: bool) -> None:
        """The play button shows what pressing it does next."""
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_action.setToolTip("Pause (Space)" if playing else "Train (Space)")

    def set_speed(self, name: str) -> None:
        i = self.speed_combo.findData(name)
        if i >= 0:
            self.speed_combo.setCurrentIndex(i)

    def speed(self) -> str:
        return self.speed_combo.currentData()

    def show_step(self, epoch: int, step: int) -> None:
        self.step_label.setText(f"Epoch {epoch:,} · step {step:,}")

    def show_rate(self, steps_per_second: float) -> None:
        rate = steps_per_second
        self.rate_label.setText(f"{rate:,.0f} steps/s" if rate > 0 else "")

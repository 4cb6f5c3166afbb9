"""Output-layer controls: problem type, output activation, loss, and a note on odd pairings.

The problem type sets the output layer (binary: 1 sigmoid + BCE; multi-class: k softmax + CCE;
multi-label: k sigmoid + BCE; regression: k linear + MSE); activation and loss stay overridable. A
questionable pairing (softmax + MSE, …) is allowed and explained by ``pairing_note``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from playground.data import Dataset
from playground.engine.losses import pairing_note
from playground.engine.names import ACTIVATIONS, LOSSES, PROBLEMS
from playground.ui import edits
from playground.ui.panels.common import blocked, combo, select


class OutputPanel(QWidget):
    problem_changed = Signal(str)
    output_changed = Signal(str, str)  # activation, loss

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("output_panel")
        self.problem_combo = combo(
            "problem_combo",
            ((label, name) for name, label in PROBLEMS.items()),
            "What the network predicts; sets the output layer and the loss",
            min_chars=12,
        )
        self.output_activation_combo = combo(
            "output_activation_combo",
            ((label, name) for name, (label, _p) in ACTIVATIONS.items()),
            "Activation of the output layer (overrides the problem type's choice)",
            min_chars=12,
        )
        self.loss_combo = combo(
            "loss_combo",
            ((label, name) for name, label in LOSSES.items()),
            "Loss J minimized by training",
            min_chars=12,
        )
        self.note = QLabel()
        self._units = 1
        self.note.setObjectName("pairing_note_label")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "note")
        self.note.hide()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(5)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Problem", self.problem_combo)
        form.addRow("Output", self.output_activation_combo)
        form.addRow("Loss", self.loss_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.problem_combo.currentIndexChanged.connect(
            lambda: self.problem_changed.emit(self.problem_combo.currentData())
        )
        self.output_activation_combo.currentIndexChanged.connect(self._on_output)
        self.loss_combo.currentIndexChanged.connect(self._on_output)

    def set_experiment(self, experiment: dict, dataset: Dataset) -> None:
        model = experiment["model"]
        out = model["layers"][-1]
        allowed = edits.COMPATIBLE_PROBLEMS.get(dataset.problem, (dataset.problem,))
        with blocked(self.problem_combo, self.output_activation_combo, self.loss_combo):
            problem_items = self.problem_combo.model()
            for i in range(self.problem_combo.count()):
                ok = self.problem_combo.itemData(i) in allowed
                problem_items.item(i).setEnabled(ok)  # type: ignore[attr-defined]
            select(self.problem_combo, edits.problem(experiment))
            select(self.output_activation_combo, out["activation"])
            select(self.loss_combo, model["loss"])
        self._units = out["units"]
        self._show_note(model["loss"], out["activation"])

    def _show_note(self, loss: str, activation: str) -> None:
        note = pairing_note(loss, activation, self._units)
        self.note.setText(f"⚠ {note}" if note else "")
        self.note.setVisible(bool(note))

    def _on_output(self) -> None:
        activation = self.output_activation_combo.currentData()
        loss = self.loss_combo.currentData()
        self._show_note(loss, activation)
        self.output_changed.emit(activation, loss)

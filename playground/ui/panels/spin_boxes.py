"""Spin boxes for numbers that live on a log scale (learning rate, regularization rate).

``LogSpinBox.stepBy`` walks TF Playground's list (1e-5, 1e-4, 1e-3, 0.003, 0.01, 0.03, 0.1, 0.3, 1,
3, 10) instead of adding a constant; any value in range can still be typed. Text shows the value
with ``%g`` (``0.03``, ``1e-05``) so small rates are readable.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QWidget

#: TensorFlow Playground's learning rates
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: TensorFlow Playground's regularization rates (0 = off)
REGULARIZATION_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


class LogSpinBox(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` whose arrows step through ``values`` (sorted ascending)."""

    def __init__(
        self,
        values: tuple[float, ...] = LEARNING_RATES,
        minimum: float = 1e-7,
        maximum: float = 1e3,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._values = tuple(sorted(values))
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.setAccelerated(False)

    def stepBy(self, steps: int) -> None:
        v = self.value()
        tol = 1e-9 * max(abs(v), 1e-12)
        for _ in range(abs(steps)):
            if steps > 0:
                bigger = [x for x in self._values if x > v + tol]
                v = bigger[0] if bigger else v
            else:
                smaller = [x for x in self._values if x < v - tol]
                v = smaller[-1] if smaller else v
        self.setValue(min(max(v, self.minimum()), self.maximum()))

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        v = self.value()
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if any(x > v * (1 + 1e-9) + 1e-15 for x in self._values):
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if any(x < v * (1 - 1e-9) - 1e-15 for x in self._values):
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def textFromValue(self, value: float) -> str:
        return f"{value:.4g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        s = text.strip().replace(",", ".")
        try:
            v = float(s)
        except ValueError:
            partial = s == "" or s[-1] in "eE.-+" or s in ("-", "+")
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        if math.isfinite(v) and self.minimum() <= v <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self.value())

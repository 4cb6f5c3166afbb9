"""The strip above the network view: for every hidden layer k, − / + neurons and its activation.

Controls are real widgets (``add_neuron_button_k``, ``remove_neuron_button_k``,
``activation_combo_k``) placed above their layer's column; the editor tells the strip where the
columns are whenever the view scrolls, zooms or resizes. Controls are reused when the network
changes, so a widget found by name stays the one on screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from playground.engine.names import ACTIVATIONS

#: hidden layers may use every activation except softmax (output only)
HIDDEN_ACTIVATIONS = [name for name in ACTIVATIONS if name != "softmax"]
CONTROL_WIDTH = 124
HEADER_HEIGHT = 62


class LayerControl(QWidget):
    """− n neurons + and the activation of hidden layer k."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.k = 0
        self.remove_button = QToolButton(text="−")
        self.add_button = QToolButton(text="+")
        for b in (self.remove_button, self.add_button):
            b.setProperty("round", True)
        self.units_label = QLabel()
        self.units_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.units_label.setObjectName("units_label")
        self.combo = QComboBox()
        for name in HIDDEN_ACTIVATIONS:
            self.combo.addItem(ACTIVATIONS[name][0], name)
        self.combo.setMinimumContentsLength(6)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.remove_button)
        row.addWidget(self.units_label, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addWidget(self.combo)

    def set_layer(self, k: int, units: int, activation: str) -> None:
        self.k = k
        self.remove_button.setObjectName(f"remove_neuron_button_{k}")
        self.add_button.setObjectName(f"add_neuron_button_{k}")
        self.combo.setObjectName(f"activation_combo_{k}")
        self.remove_button.setToolTip(f"One neuron less in layer {k} (fresh weights)")
        self.add_button.setToolTip(f"One neuron more in layer {k} (fresh weights)")
        self.combo.setToolTip(f"Activation function of hidden layer {k}")
        self.units_label.setText(str(units))
        self.units_label.setToolTip(f"{units} neuron{'s' if units != 1 else ''} in layer {k}")
        self.remove_button.setEnabled(units > 1)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(activation)))
        self.combo.blockSignals(False)


class LayerHeader(QWidget):
    """One ``LayerControl`` per hidden layer, plus "Features" and "Output" titles."""

    add_neuron = Signal(int)
    remove_neuron = Signal(int)
    activation_changed = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layer_header")
        self.setFixedHeight(HEADER_HEIGHT)
        self._controls: list[LayerControl] = []
        self.inputs_title = QLabel("Features", self)
        self.output_title = QLabel("Output", self)
        for title in (self.inputs_title, self.output_title):
            title.setProperty("role", "columnTitle")
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._highlight: tuple[int, ...] = ()

    def set_layers(self, layers: list[tuple[int, str]]) -> None:
        """(units, activation) of each hidden layer."""
        while len(self._controls) > len(layers):
            gone = self._controls.pop()
            for w in (gone, gone.add_button, gone.remove_button, gone.combo):
                w.setObjectName("")
            gone.hide()
            gone.deleteLater()
        while len(self._controls) < len(layers):
            c = LayerControl(self)
            c.add_button.clicked.connect(lambda _=False, c=c: self.add_neuron.emit(c.k))
            c.remove_button.clicked.connect(lambda _=False, c=c: self.remove_neuron.emit(c.k))
            c.combo.currentIndexChanged.connect(
                lambda _i, c=c: self.activation_changed.emit(c.k, c.combo.currentData())
            )
            c.show()
            self._controls.append(c)
        for k, (c, (units, activation)) in enumerate(zip(self._controls, layers, strict=True), 1):
            c.set_layer(k, units, activation)

    def place(self, xs: list[float], spacing: float) -> None:
        """Centre the controls over the columns at header x positions ``xs`` (inputs first)."""
        width = int(max(56, min(CONTROL_WIDTH, spacing - 10)))
        for k, c in enumerate(self._controls, start=1):
            if k < len(xs):
                c.setGeometry(int(xs[k] - width / 2), 0, width, HEADER_HEIGHT)
        for title, x in ((self.inputs_title, xs[0]), (self.output_title, xs[-1])):
            title.setGeometry(int(x - width / 2), HEADER_HEIGHT - 26, width, 22)

    def highlight(self, layers) -> None:
        self._highlight = tuple(layers)
        for k, c in enumerate(self._controls, start=1):
            c.setProperty("alarm", k in self._highlight)
            c.units_label.setStyleSheet(
                "color: #c62828; font-weight: bold;" if k in self._highlight else ""
            )

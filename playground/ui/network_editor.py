"""The network editor: input features → hidden layers → output, built by clicking, drawn live.

* ``NetworkView`` (objectName ``network_editor``, a ``QGraphicsView``): neurons as small maps of
  their output over the input plane (planar data), edges coloured by the sign of the weight and
  as wide as |w| (or by |∂J/∂w| in gradient mode); hover shows a value, a click edits a weight or
  a bias. Ctrl+wheel zooms, the scroll bars pan; dense networks get thinner edges and smaller nodes.
* ``NetworkEditor``: the view with its controls: + / − layers (``add_layer_button``,
  ``remove_layer_button``) and, above each hidden layer k, + / − neurons
  (``add_neuron_button_k``, ``remove_neuron_button_k``) and its activation (``activation_combo_k``).

The editor only asks for changes (signals); the controller decides and rebuilds, and the editor
redraws from the new structure. ``python -m playground.ui.network_editor`` shows it standalone.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.data import Dataset
from playground.data.registry import FEATURES
from playground.training import Snapshot
from playground.training.stats import plane_grid
from playground.ui.network_view import NetworkView
from playground.ui.panels.layer_controls import LayerHeader

#: neuron map resolution for input features (the trainer's neuron grid for the others)
INPUT_GRID = 24


def input_maps(dataset: Dataset) -> np.ndarray | None:
    """(n0, g, g) values of each input feature over the plane (planar data), else None."""
    if not dataset.planar:
        return None
    x = dataset.features_at(plane_grid(dataset.domain, INPUT_GRID))  # type: ignore[arg-type]
    return x.T.reshape(-1, INPUT_GRID, INPUT_GRID)


class NetworkEditor(QWidget):
    """The network view with its layer and neuron controls."""

    add_layer = Signal()
    remove_layer = Signal()
    add_neuron = Signal(int)  # hidden layer k (1-based)
    remove_neuron = Signal(int)
    activation_changed = Signal(int, str)
    weight_edited = Signal(int, int, int, float)  # layer, i, j, value
    bias_edited = Signal(int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("network_panel")
        self.view = NetworkView(self)
        self.header = LayerHeader(self)
        self.header.add_neuron.connect(self.add_neuron)
        self.header.remove_neuron.connect(self.remove_neuron)
        self.header.activation_changed.connect(self.activation_changed)

        self.add_layer_button = QToolButton(text="+")
        self.add_layer_button.setObjectName("add_layer_button")
        self.add_layer_button.setToolTip("Add a hidden layer (fresh weights)")
        self.add_layer_button.clicked.connect(self.add_layer)
        self.remove_layer_button = QToolButton(text="−")
        self.remove_layer_button.setObjectName("remove_layer_button")
        self.remove_layer_button.setToolTip("Remove the last hidden layer (fresh weights)")
        self.remove_layer_button.clicked.connect(self.remove_layer)
        for button in (self.add_layer_button, self.remove_layer_button):
            button.setProperty("round", True)
        self.layers_label = QLabel()
        self.layers_label.setObjectName("hidden_layers_label")
        self.gradient_check = QCheckBox("Edges show gradient |∂J/∂w|")
        self.gradient_check.setObjectName("edge_gradient_check")
        self.gradient_check.setToolTip(
            "Colour and width of each edge by the size of its gradient (dark red: largest in its "
            "layer, grey: 10⁴ times smaller) instead of the weight's sign and size"
        )
        self.gradient_check.toggled.connect(
            lambda on: self.view.set_edge_mode("gradient" if on else "weight")
        )
        zoom_out, zoom_in, fit = (QToolButton(text=t) for t in ("−", "+", "Fit"))
        zoom_out.setToolTip("Zoom out (Ctrl+wheel)")
        zoom_in.setToolTip("Zoom in (Ctrl+wheel)")
        fit.setToolTip("Show the whole network")
        zoom_out.clicked.connect(lambda: self.view.zoom(1 / 1.25))
        zoom_in.clicked.connect(lambda: self.view.zoom(1.25))
        fit.clicked.connect(self.view.fit)

        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.remove_layer_button)
        top.addWidget(self.add_layer_button)
        top.addWidget(self.layers_label)
        top.addStretch(1)
        top.addWidget(self.gradient_check)
        top.addSpacing(12)
        top.addWidget(QLabel("Zoom"))
        for b in (zoom_out, zoom_in, fit):
            top.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)

        self.view.viewport_moved.connect(self._place_header)
        self.view.weight_clicked.connect(self._edit_weight)
        self.view.bias_clicked.connect(self._edit_bias)

    # -- structure ---------------------------------------------------------------------------
    def set_structure(self, experiment: dict, dataset: Dataset) -> None:
        model = experiment["model"]
        layers = model["layers"]
        sizes = [model["inputs"], *(layer["units"] for layer in layers)]
        labels = [FEATURES.get(name, name) for name in dataset.feature_names]
        self.view.set_structure(
            sizes, [layer["activation"] for layer in layers], labels, input_maps(dataset)
        )
        hidden = layers[:-1]
        self.header.set_layers([(layer["units"], layer["activation"]) for layer in hidden])
        n = len(hidden)
        self.layers_label.setText(f"{n} hidden layer{'s' if n != 1 else ''}")
        self.remove_layer_button.setEnabled(n > 0)
        self._place_header()

    def _place_header(self) -> None:
        if not self.view.n_layers:
            return
        xs = []
        for l in range(self.view.n_layers + 1):
            vx = self.view.mapFromScene(QPointF(self.view.column_x(l), 0)).x()
            xs.append(
                self.header.mapFromGlobal(self.view.viewport().mapToGlobal(QPoint(vx, 0))).x()
            )
        spacing = xs[1] - xs[0] if len(xs) > 1 else 120
        self.header.place(xs, spacing)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        self._place_header()

    # -- delegation to the view (SnapshotView protocol) ---------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.view.show_snapshot(snapshot)

    def clear(self) -> None:
        self.view.clear()

    def highlight_layers(self, layers) -> None:
        self.view.highlight_layers(layers)
        self.header.highlight(layers)

    # -- edits by clicking -------------------------------------------------------------------
    def _edit_weight(self, l: int, i: int, j: int, value: float) -> None:
        new, ok = QInputDialog.getDouble(
            self,
            "Set weight",
            f"W[{l}] from neuron {j + 1} to neuron {i + 1}:",
            value,
            -1e6,
            1e6,
            4,
        )
        if ok:
            self.weight_edited.emit(l, i, j, new)

    def _edit_bias(self, l: int, i: int, value: float) -> None:
        new, ok = QInputDialog.getDouble(
            self, "Set bias", f"Bias of neuron {i + 1} in layer {l}:", value, -1e6, 1e6, 4
        )
        if ok:
            self.bias_edited.emit(l, i, new)


def main() -> int:  # pragma: no cover - a quick look at the panel
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from playground.ui import edits
    from playground.ui.controller import TrainingController

    app = QApplication.instance() or QApplication([])
    ctrl = TrainingController()
    editor = NetworkEditor()
    editor.set_structure(ctrl.spec, ctrl.dataset)
    ctrl.structure_changed.connect(lambda spec: editor.set_structure(spec, ctrl.dataset))
    ctrl.snapshot_ready.connect(editor.show_snapshot)
    editor.add_layer.connect(lambda: ctrl.restructure(edits.add_layer))
    editor.remove_layer.connect(lambda: ctrl.restructure(edits.remove_layer))
    editor.add_neuron.connect(lambda k: ctrl.restructure(edits.add_neuron, k))
    editor.remove_neuron.connect(lambda k: ctrl.restructure(edits.remove_neuron, k))
    editor.activation_changed.connect(lambda k, a: ctrl.restructure(edits.set_activation, k, a))
    editor.weight_edited.connect(ctrl.set_weight)
    editor.bias_edited.connect(ctrl.set_bias)
    editor.resize(900, 560)
    editor.show()
    QTimer.singleShot(300, ctrl.play)
    app.aboutToQuit.connect(ctrl.shutdown)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

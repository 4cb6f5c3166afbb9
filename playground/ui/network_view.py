"""The drawing of the network (``network_editor``, a ``QGraphicsView``): neurons as small maps of
their output over the input plane, edges coloured by the sign of the weight and as wide as |w| (or
by |∂J/∂w| in gradient mode); hover shows a value, a click asks to edit a weight or a bias.
Ctrl+wheel zooms, the scroll bars pan; dense networks get thinner edges and smaller nodes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QResizeEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from playground.engine.names import ACTIVATIONS
from playground.training import Snapshot
from playground.ui import theme
from playground.ui.editor_items import EdgeLayer, NodeLayer

#: at most this many neurons of a layer are drawn (the rest are summarized)
MAX_DRAWN = 64
#: automatic fitting shrinks the drawing at most this much (then the view scrolls)
MIN_FIT_SCALE = 0.55
#: antialiased edges up to this many (beyond, plain lines are faster and look the same)
ANTIALIAS_EDGES = 3000


def column_spacing(n_columns: int) -> float:
    return 170.0 if n_columns <= 5 else 140.0 if n_columns <= 8 else 124.0


def node_size(max_units: int) -> float:
    return 36.0 if max_units <= 8 else float(np.clip(300.0 / max_units, 12.0, 36.0))


class NetworkView(QGraphicsView):
    """The drawing of the network (objectName ``network_editor``)."""

    weight_clicked = Signal(int, int, int, float)  # layer l (1-based), i, j, current w
    bias_clicked = Signal(int, int, float)  # layer l, i, current b
    viewport_moved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("network_editor")
        self.setWindowTitle("Network")
        self.setScene(QGraphicsScene(self))
        self.setMouseTracking(True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setBackgroundBrush(Qt.GlobalColor.white)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.horizontalScrollBar().valueChanged.connect(self.viewport_moved)
        self.horizontalScrollBar().rangeChanged.connect(self.viewport_moved)
        self._nodes: list[NodeLayer] = []
        self._edges: list[EdgeLayer] = []
        self._x: list[float] = []
        self._activations: list[str] = []
        self._drawn: list[int] = []
        self._edge_mode = "weight"
        self._snapshot: Snapshot | None = None
        self._highlight: tuple[int, ...] = ()
        self._press: QPoint | None = None
        self._auto_fit = True  # until the user zooms: fit the network into the view

    # -- structure ---------------------------------------------------------------------------
    def set_structure(
        self,
        sizes: list[int],
        activations: list[str],
        labels: list[str],
        input_maps: np.ndarray | None,
    ) -> None:
        """Lay out a network of layer ``sizes`` [n0, n1, …, nL] (``activations`` of layers 1..L,
        ``labels`` of the inputs, ``input_maps`` (n0, g, g) of the input features or None)."""
        scene = self.scene()
        scene.clear()
        self._snapshot = None
        self._activations = list(activations)
        self._drawn = [min(n, MAX_DRAWN) for n in sizes]
        s = node_size(max(self._drawn))
        gap = max(3.0, 0.3 * s)
        spacing = column_spacing(len(sizes))
        self._x = [i * spacing for i in range(len(sizes))]
        ys = [(np.arange(n) - (n - 1) / 2) * (s + gap) for n in self._drawn]
        self._nodes = []
        for l, (x, y) in enumerate(zip(self._x, ys, strict=True)):
            item = NodeLayer(l, x, y, s, labels[: self._drawn[0]] if l == 0 else None)
            scene.addItem(item)
            self._nodes.append(item)
            if sizes[l] > self._drawn[l]:
                more = QGraphicsSimpleTextItem(f"+{sizes[l] - self._drawn[l]} more")
                more.setBrush(Qt.GlobalColor.darkGray)
                more.setPos(x - s / 2, y.max() + s / 2 + 4)
                scene.addItem(more)
        self._edges = []
        for l in range(1, len(sizes)):
            item = EdgeLayer(l, self._x[l - 1] + s / 2, ys[l - 1], self._x[l] - s / 2, ys[l])
            scene.addItem(item)
            self._edges.append(item)
        n_edges = sum(a * b for a, b in zip(self._drawn[:-1], self._drawn[1:], strict=True))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, n_edges <= ANTIALIAS_EDGES)
        if input_maps is not None:
            self._nodes[0].set_maps(self._colour(input_maps[: self._drawn[0]], None))
        rect = scene.itemsBoundingRect().adjusted(-24, -16, 24, 16)
        scene.setSceneRect(rect)
        self.highlight_layers(self._highlight)
        if self._auto_fit:
            self.fit()
        self.viewport_moved.emit()

    def column_x(self, layer: int) -> float:
        """Scene x of layer ``layer`` (0 = inputs)."""
        return self._x[layer]

    @property
    def n_layers(self) -> int:
        """L, the number of weight layers drawn."""
        return len(self._edges)

    # -- live drawing -----------------------------------------------------------------------
    @staticmethod
    def _colour(maps: np.ndarray, activation: str | None) -> np.ndarray:
        """(n, g, g) values (rows along x2 upward) → (n, g, g, 4) RGBA with row 0 at the top."""
        fixed = theme.activation_range(activation) if activation else None
        if fixed is None:
            finite = maps[np.isfinite(maps)]
            top = float(np.abs(finite).max()) if finite.size else 1.0
            fixed = (-top or -1.0, top or 1.0)
        return theme.DIVERGING[theme.to_index(maps[:, ::-1, :], *fixed)]

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if len(snapshot.weights) != len(self._edges):
            return
        self._snapshot = snapshot
        self._update_edges()
        maps = snapshot.neuron_maps
        if maps is not None:
            for l, m in enumerate(maps, start=1):
                if m.shape[0] >= self._drawn[l]:
                    self._nodes[l].set_maps(
                        self._colour(m[: self._drawn[l]], self._activations[l - 1])
                    )

    def _update_edges(self) -> None:
        s = self._snapshot
        if s is None:
            return
        source = s.weights if self._edge_mode == "weight" else s.grad_weights
        for l, item in enumerate(self._edges):
            n_out, n_in = self._drawn[l + 1], self._drawn[l]
            item.set_values(source[l][:n_out, :n_in], self._edge_mode)

    def set_edge_mode(self, mode: str) -> None:
        """Colour edges by ``"weight"`` (sign and size of w) or ``"gradient"`` (|∂J/∂w|)."""
        if mode not in ("weight", "gradient"):
            raise ValueError(f"edge mode is 'weight' or 'gradient', not {mode!r}")
        self._edge_mode = mode
        self._update_edges()

    def clear(self) -> None:
        self._snapshot = None
        for item in self._nodes[1:]:
            item.set_maps(None)

    def highlight_layers(self, layers) -> None:
        """Outline the layers (1-based) the health banner names; () removes the outlines."""
        self._highlight = tuple(int(l) for l in layers)
        for l, item in enumerate(self._nodes):
            item.set_highlight(l in self._highlight and l > 0)

    # -- zoom --------------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.2 <= scale <= 5.0:
            self._auto_fit = False
            self.scale(factor, factor)
            self.viewport_moved.emit()

    def fit(self) -> None:
        """Show as much of the network as fits, never magnified beyond 1:1 nor shrunk below
        ``MIN_FIT_SCALE`` (dense networks scroll instead); the view keeps fitting on resize."""
        self._auto_fit = True
        rect = self.sceneRect()
        view = self.viewport().rect()
        scale = min(1.0, view.width() / max(rect.width(), 1), view.height() / max(rect.height(), 1))
        scale = max(scale, MIN_FIT_SCALE)
        self.setTransform(QTransform.fromScale(scale, scale))
        self.viewport_moved.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
        self.viewport_moved.emit()

    # -- hover and click ---------------------------------------------------------------------
    def _find(self, pos: QPoint) -> tuple[str, int, int, int] | None:
        """("node", l, i, 0) or ("edge", l, i, j) under a viewport position."""
        p = self.mapToScene(pos)
        for item in self._nodes:
            i = item.hit(p)
            if i is not None:
                return ("node", item.layer, i, 0)
        tolerance = 4.0 / max(self.transform().m11(), 1e-6)
        for item in self._edges:
            found = item.hit(p, tolerance)
            if found is not None:
                return ("edge", item.layer, found[0], found[1])
        return None

    def describe(self, what: tuple[str, int, int, int]) -> str:
        kind, l, i, j = what
        s = self._snapshot
        if kind == "node" and l == 0:
            return f"Input {i + 1}: {self._nodes[0].labels[i] if self._nodes[0].labels else ''}"
        if kind == "node":
            act = ACTIVATIONS.get(self._activations[l - 1], (self._activations[l - 1],))[0]
            text = f"Layer {l}, neuron {i + 1} ({act})"
            if s is not None:
                text += f"\nbias b = {s.biases[l - 1][i]:.4g}"
            return text + "\nClick to set the bias."
        text = f"Weight W[{l}] from neuron {j + 1} to neuron {i + 1}"
        if s is not None:
            text += f"\nw = {s.weights[l - 1][i, j]:.4g}\n∂J/∂w = {s.grad_weights[l - 1][i, j]:.3g}"
        return text + "\nClick to set the weight."

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        what = self._find(event.position().toPoint())
        if what is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(what), self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        if (
            event.button() != Qt.MouseButton.LeftButton
            or self._press is None
            or (pos - self._press).manhattanLength() > 4
        ):
            return
        self._press = None
        what = self._find(pos)
        s = self._snapshot
        if what is None or s is None:
            return
        kind, l, i, j = what
        if kind == "edge":
            self.weight_clicked.emit(l, i, j, float(s.weights[l - 1][i, j]))
        elif l > 0:
            self.bias_clicked.emit(l, i, float(s.biases[l - 1][i]))

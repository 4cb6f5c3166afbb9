"""Graphics items of the network editor: one item per layer of nodes, one per layer of edges.

Few items, many primitives: a 10 × 32 network has ~10,000 edges, far too many for one
``QGraphicsLineItem`` each at 30 frames a second. ``EdgeLayer`` paints all edges between two layers
with one ``drawLines`` call per (colour, width) bucket; ``NodeLayer`` paints every neuron of a layer
from one ``QImage`` holding all their output maps. Pens are cosmetic (widths in screen pixels).

Colours follow TF Playground: weights w < 0 orange, w > 0 blue, saturated at |w| = 1; width grows
with |w| up to 5. In gradient mode an edge's darkness and width grow with log10 |∂J/∂w| over the
eight decades below the largest |∂J/∂w| of the whole network (all edge layers of the scene), so a
vanishing cascade shows: on the ``vanishing`` preset layer 1's gradients are about 10⁻⁵ of the
last layer's, and its edges are drawn pale and thin while the output layer's are dark and wide.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from playground.ui import theme

#: colour levels from −1 (orange) to +1 (blue); width levels
N_COLORS = 17
N_WIDTHS = 8
#: |w| at which an edge reaches its full width
FULL_WIDTH_AT = 5.0
#: gradient mode: decades below the network's largest |∂J/∂w| that still show
GRAD_DECADES = 8.0


def _edge_pens(max_width: float) -> list[QPen]:
    """Pens for key = colour · N_WIDTHS + width (weight mode)."""
    lut = theme.diverging_lut(N_COLORS)
    pens = []
    for c in range(N_COLORS):
        for w in range(N_WIDTHS):
            pen = QPen(QColor(*lut[c, :3]))
            pen.setWidthF(0.6 + (max_width - 0.6) * w / (N_WIDTHS - 1))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            pens.append(pen)
    return pens


def _grad_pens(max_width: float) -> list[QPen]:
    """Pens for gradient mode: light grey (small) → dark red (large)."""
    lo, hi = np.array([225, 225, 228]), np.array([183, 28, 28])
    pens = []
    for c in range(N_COLORS):
        t = c / (N_COLORS - 1)
        rgb = np.round(lo + (hi - lo) * t).astype(int)
        for w in range(N_WIDTHS):
            pen = QPen(QColor(*rgb))
            pen.setWidthF(0.6 + (max_width - 0.6) * w / (N_WIDTHS - 1))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            pens.append(pen)
    return pens


class EdgeLayer(QGraphicsItem):
    """All edges W^[l]_ij from node j of layer l−1 (at ``x0``, heights ``y0``) to node i of layer l
    (at ``x1``, heights ``y1``)."""

    def __init__(self, layer: int, x0: float, y0: np.ndarray, x1: float, y1: np.ndarray) -> None:
        super().__init__()
        self.layer = layer
        self.x0, self.x1 = x0, x1
        self.y0, self.y1 = np.asarray(y0, float), np.asarray(y1, float)
        n_out, n_in = len(self.y1), len(self.y0)
        self.shape_ = (n_out, n_in)
        # line k = (i, j) in row-major order, matching W.ravel()
        ii, jj = np.divmod(np.arange(n_out * n_in), n_in)
        self._lines = [QLineF(x0, self.y0[j], x1, self.y1[i]) for i, j in zip(ii, jj, strict=True)]
        n = n_out * n_in
        max_width = 6.0 if n <= 64 else 3.0 if n <= 256 else 1.6 if n <= 1024 else 1.0
        self._weight_pens = _edge_pens(max_width)
        self._grad_pens = _grad_pens(max_width)
        self._values: np.ndarray | None = None
        self._mode = "weight"
        self._top = 0.0  # largest finite |value| of this layer
        self._scaled_by = 0.0  # the network maximum the gradient pens were chosen for
        self._groups: list[tuple[QPen, list[QLineF]]] = []
        self._keys: np.ndarray | None = None  # pen key of every edge (row-major, as W.ravel())
        top = min(self.y0.min(), self.y1.min()) - 4
        bottom = max(self.y0.max(), self.y1.max()) + 4
        self._bounds = QRectF(x0, top, x1 - x0, bottom - top)
        self.setZValue(-1)
        self.setAcceptHoverEvents(False)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_values(self, values: np.ndarray, mode: str = "weight") -> None:
        """W^[l] (weight mode) or ∂J/∂W^[l] (gradient mode), shape (n_l, n_{l−1})."""
        if values.shape != self.shape_:
            return
        self._values, self._mode = values, mode
        mag = np.abs(values[np.isfinite(values)])
        self._top = float(mag.max(initial=0.0))
        self._groups = []  # regrouped lazily at the next paint
        self.update()

    def network_max(self) -> float:
        """The largest finite |∂J/∂w| over every edge layer in gradient mode in this item's scene
        (its own when it has no scene): the top of the gradient colour scale."""
        scene = self.scene()
        layers = [it for it in scene.items() if isinstance(it, EdgeLayer)] if scene else [self]
        return max(
            (e._top for e in layers if e._mode == "gradient" and e._values is not None),
            default=self._top,
        )

    def edge_pens(self) -> list[QPen]:
        """The pen of every drawn edge, in the order of ``W.ravel()`` (row-major (i, j))."""
        if not self._groups:
            self._regroup()
        if self._keys is None:
            return [self._weight_pens[(N_COLORS // 2) * N_WIDTHS]] * len(self._lines)
        pens = self._weight_pens if self._mode == "weight" else self._grad_pens
        return [pens[int(k)] for k in self._keys]

    def _regroup(self) -> None:
        v = self._values
        if v is None:
            return
        flat = np.nan_to_num(v.ravel(), nan=0.0, posinf=1e30, neginf=-1e30)
        if self._mode == "weight":
            c = np.rint((np.clip(flat, -1.0, 1.0) + 1.0) * ((N_COLORS - 1) / 2)).astype(np.intp)
            w = np.rint(np.clip(np.abs(flat) / FULL_WIDTH_AT, 0, 1) * (N_WIDTHS - 1))
            pens = self._weight_pens
        else:
            # one log scale for the whole network: 1 at its largest |∂J/∂w|, 0 eight decades below
            mag = np.abs(flat)
            top = self._scaled_by = self.network_max()
            if top > 0:
                floor = top * 10.0 ** (-2 * GRAD_DECADES)
                t = np.clip(1 + np.log10(np.maximum(mag, floor) / top) / GRAD_DECADES, 0, 1)
            else:
                t = np.zeros_like(mag)
            c = np.rint(t * (N_COLORS - 1)).astype(np.intp)
            w = np.rint(t * (N_WIDTHS - 1))
            pens = self._grad_pens
        key = c * N_WIDTHS + w.astype(np.intp)
        self._keys = key
        # thin and pale first, strong edges on top
        order = np.lexsort((key, w))
        sorted_keys = key[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        lines = self._lines
        groups = []
        for idx in np.split(order, cuts):
            if idx.size:
                groups.append((pens[int(key[idx[0]])], [lines[k] for k in idx.tolist()]))
        self._groups = groups

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._values is None:
            painter.setPen(self._weight_pens[(N_COLORS // 2) * N_WIDTHS])
            painter.drawLines(self._lines)
            return
        if not self._groups or (
            self._mode == "gradient" and self.network_max() != self._scaled_by
        ):  # another layer's new gradients moved the top of the shared scale
            self._regroup()
        for pen, lines in self._groups:
            painter.setPen(pen)
            painter.drawLines(lines)

    def hit(self, p: QPointF, tolerance: float) -> tuple[int, int] | None:
        """The edge (i, j) nearest to scene point ``p`` within ``tolerance``, or None."""
        if not (self.x0 <= p.x() <= self.x1):
            return None
        t = (p.x() - self.x0) / (self.x1 - self.x0)
        y_at = self.y0[None, :] * (1 - t) + self.y1[:, None] * t  # (n_out, n_in) line heights
        # vertical distance scaled to perpendicular distance
        slope = (self.y1[:, None] - self.y0[None, :]) / (self.x1 - self.x0)
        dist = np.abs(y_at - p.y()) / np.sqrt(1 + slope**2)
        k = int(np.argmin(dist))
        i, j = divmod(k, self.shape_[1])
        return (i, j) if dist[i, j] <= tolerance else None


class NodeLayer(QGraphicsItem):
    """The neurons of one layer (``layer`` 0 = inputs) at x = ``x``, heights ``ys``, each a rounded
    square of side ``size`` showing its output map over the input plane when there is one."""

    def __init__(
        self, layer: int, x: float, ys: np.ndarray, size: float, labels: list[str] | None = None
    ) -> None:
        super().__init__()
        self.layer = layer
        self.x, self.ys, self.size = x, np.asarray(ys, float), size
        self.labels = labels or []
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None
        self._cell = 0
        self._highlight = False
        self._biases: np.ndarray | None = None
        h = size / 2
        top, bottom = self.ys.min() - h, self.ys.max() + h
        self._font = QFont()
        self._font.setPointSizeF(11.0)
        metrics = QFontMetricsF(self._font)
        self._label_w = max((metrics.horizontalAdvance(t) for t in self.labels), default=0) + 8
        self._bounds = QRectF(x - h - 6, top - 6, size + 12, bottom - top + 12)
        if self.labels:
            self._bounds.setLeft(x - h - self._label_w - 6)
        self._rects = [QRectF(x - h, y - h, size, size) for y in self.ys.tolist()]
        self._outline = QPen(QColor(*theme.MUTED))
        self._outline.setCosmetic(True)
        self._outline.setWidthF(1.0)
        self._alarm = QPen(QColor(211, 47, 47))
        self._alarm.setCosmetic(True)
        self._alarm.setWidthF(2.5)
        self._fill = QBrush(QColor(*theme.NEUTRAL))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_maps(self, rgba: np.ndarray | None) -> None:
        """(n, g, g, 4) uint8 images, row 0 at the top (or None: plain nodes)."""
        if rgba is None:
            self._image = self._buffer = None
        else:
            n, g = rgba.shape[0], rgba.shape[1]
            self._buffer = np.ascontiguousarray(rgba.reshape(n * g, g, 4))
            self._image = QImage(self._buffer.data, g, n * g, 4 * g, QImage.Format.Format_RGBA8888)
            self._cell = g
        self.update()

    def set_biases(self, biases: np.ndarray | None) -> None:
        self._biases = biases

    def set_highlight(self, on: bool) -> None:
        if on != self._highlight:
            self._highlight = on
            self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        image, g = self._image, self._cell
        radius = min(4.0, self.size / 6)
        painter.setPen(self._outline)
        for k, rect in enumerate(self._rects):
            if image is not None and k * g < image.height():
                painter.drawImage(rect, image, QRectF(0, k * g, g, g))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                painter.setBrush(self._fill)
            painter.drawRoundedRect(rect, radius, radius)
        if self.labels:
            painter.setFont(self._font)
            painter.setPen(QColor(*theme.INK))
            h = self.size / 2
            for label, y in zip(self.labels, self.ys.tolist(), strict=False):
                painter.drawText(
                    QRectF(self.x - h - self._label_w - 6, y - 10, self._label_w, 20),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
        if self._highlight:
            painter.setPen(self._alarm)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            h = self.size / 2
            painter.drawRoundedRect(
                QRectF(
                    self.x - h - 4,
                    self.ys.min() - h - 4,
                    self.size + 8,
                    self.ys.max() - self.ys.min() + self.size + 8,
                ),
                6,
                6,
            )

    def hit(self, p: QPointF) -> int | None:
        """The neuron under scene point ``p`` (0-based), or None."""
        h = self.size / 2
        if abs(p.x() - self.x) > h:
            return None
        k = int(np.argmin(np.abs(self.ys - p.y())))
        return k if abs(self.ys[k] - p.y()) <= h else None

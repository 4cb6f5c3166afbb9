"""The decision boundary: the network's output over the input plane, with the data points on top.

Binary / one output: a diverging heatmap with fixed levels (0 orange … 0.5 grey … 1 blue; for
regression ±max|y| of the targets). Multi-class: each pixel takes the colour of its argmax class,
paler where the network is unsure. Points: training points with a white rim, test points with a
dark rim (TF Playground's convention), coloured by class or target value.

Items are created once; each frame is one ``setImage`` of a 64×64 RGBA array (pyqtgraph's
fast-update practice). Run ``python -m playground.ui.plots.boundary_plot`` to see it standalone.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from playground.data import Dataset
from playground.training import Snapshot
from playground.training.stats import plane_grid
from playground.ui import theme

#: the background heatmap is this much paler than the points (mixed with white)
PALE = 0.35


def _pale(lut: np.ndarray, amount: float = PALE) -> np.ndarray:
    out = lut.copy()
    out[:, :3] = np.round(lut[:, :3] * (1 - amount) + 255 * amount).astype(np.uint8)
    return out


class SmoothImageItem(pg.ImageItem):
    """An ``ImageItem`` drawn with bilinear filtering (the 64×64 grid looks smooth, not blocky)."""

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class BoundaryPlot(QWidget):
    """View ``boundary_plot`` (SnapshotView protocol, see ``playground/ui/views.py``)."""

    options_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boundary_plot")
        self.setWindowTitle("Decision boundary")
        self._lut = _pale(theme.DIVERGING)
        self._class_rgb = np.array(theme.CLASS_COLORS, dtype=np.float32)
        self._problem = "binary"
        self._levels = (0.0, 1.0)
        self._boundary: np.ndarray | None = None
        self._domain: tuple[float, float] = (-6.0, 6.0)
        self._targets: tuple[str, ...] = ()

        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setObjectName("boundary_plot_canvas")
        self.plot_widget.setMinimumSize(160, 160)
        item = self.plot_item = self.plot_widget.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(False, False)
        item.setAspectLocked(True)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(theme.MUTED, width=1))
            axis.setTextPen(pg.mkPen(theme.MUTED))
        self.image = SmoothImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=6, pxMode=True)
        item.addItem(self.train_points)
        item.addItem(self.test_points)
        self.placeholder = pg.TextItem(
            "No input plane: the data has more than two features",
            color=theme.MUTED,
            anchor=(0.5, 0.5),
        )
        item.addItem(self.placeholder)
        self.placeholder.hide()

        self.show_test_check = QCheckBox("Show test data")
        self.show_test_check.setObjectName("show_test_check")
        self.show_test_check.toggled.connect(self._on_show_test)
        self.discretize_check = QCheckBox("Discretize output")
        self.discretize_check.setObjectName("discretize_check")
        self.discretize_check.toggled.connect(self._redraw)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("boundary_channel_combo")
        self.channel_combo.setToolTip("Which output to show")
        self.channel_combo.currentIndexChanged.connect(self._on_channel)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.show_test_check)
        row.addWidget(self.discretize_check)
        row.addStretch(1)
        row.addWidget(self.channel_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addLayout(row)
        self._on_show_test(False)

    # -- data ------------------------------------------------------------------------------
    def set_dataset(self, dataset: Dataset, problem: str | None = None) -> None:
        """New data (and problem type): points, plot range and colour scale. Forgets the image."""
        self._problem = problem or dataset.problem
        self._targets = dataset.target_names
        planar = dataset.planar and dataset.points_train is not None
        self.placeholder.setVisible(not planar)
        self.image.setVisible(planar)
        for w in (self.show_test_check, self.discretize_check):
            w.setVisible(planar)
        k = dataset.n_outputs
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        if k > 1:
            if self._problem == "multiclass":
                self.channel_combo.addItem("All classes", -1)
            for c, name in enumerate(dataset.target_names):
                self.channel_combo.addItem(f"Output {c + 1}: {name}", c)
        self.channel_combo.blockSignals(False)
        self.channel_combo.setVisible(k > 1 and planar)
        if self._problem == "regression":
            y = np.concatenate([dataset.y_train, dataset.y_test])
            top = float(np.nanmax(np.abs(y))) if y.size else 1.0
            self._levels = (-top or -1.0, top or 1.0)
        else:
            self._levels = (0.0, 1.0)
        self._y_train, self._y_test = dataset.y_train, dataset.y_test
        if not planar:
            self.train_points.clear()
            self.test_points.clear()
            self.placeholder.setPos(0, 0)
            self.plot_item.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
            return
        self._domain = lo, hi = dataset.domain  # type: ignore[misc]
        self._pts_train, self._pts_test = dataset.points_train, dataset.points_test
        self.image.clear()
        self.plot_item.setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0)
        self._update_points()
        self.clear()

    def _channel(self) -> int:
        data = self.channel_combo.currentData()
        return -1 if data is None else int(data)

    def _point_brushes(self, y: np.ndarray) -> list:
        ch = self._channel()
        if self._problem == "regression":
            col = y[:, max(ch, 0)]
            lut = theme.DIVERGING
            idx = theme.to_index(col, *self._levels)
            return [pg.mkBrush(*lut[i, :3]) for i in idx]
        if y.shape[1] == 1:
            labels = (y[:, 0] > 0.5).astype(int)
        elif self._problem == "multiclass" and ch < 0:
            labels = np.argmax(y, axis=1)
        else:
            labels = (y[:, max(ch, 0)] > 0.5).astype(int)
        palette = [pg.mkBrush(*theme.class_color(c)) for c in range(int(labels.max(initial=0)) + 1)]
        return [palette[c] for c in labels]

    def _update_points(self) -> None:
        if not hasattr(self, "_pts_train"):
            return
        self.train_points.setData(
            pos=self._pts_train,
            brush=self._point_brushes(self._y_train),
            pen=pg.mkPen("w", width=1),
        )
        if self._pts_test is not None and len(self._pts_test):
            self.test_points.setData(
                pos=self._pts_test,
                brush=self._point_brushes(self._y_test),
                pen=pg.mkPen(theme.INK, width=1),
            )
        else:
            self.test_points.clear()

    def _on_show_test(self, shown: bool) -> None:
        self.test_points.setVisible(shown)

    def _on_channel(self) -> None:
        self._update_points()
        self._redraw()

    # -- options (values, for settings) ------------------------------------------------------
    def options(self) -> dict[str, bool]:
        return {
            "show_test": self.show_test_check.isChecked(),
            "discretize": self.discretize_check.isChecked(),
        }

    def set_options(self, show_test: bool | None = None, discretize: bool | None = None) -> None:
        if show_test is not None:
            self.show_test_check.setChecked(show_test)
        if discretize is not None:
            self.discretize_check.setChecked(discretize)

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.boundary is None:
            return
        self._boundary = snapshot.boundary
        self._redraw()

    def _redraw(self) -> None:
        out = self._boundary
        if out is None:
            return
        self._set_image(self.rgba(out))

    def _set_image(self, img: np.ndarray) -> None:
        """Show ``img`` over the domain (the rect is set again when the image size changes)."""
        resized = self.image.image is None or self.image.image.shape[:2] != img.shape[:2]
        self.image.setImage(img, autoLevels=False)
        if resized:
            lo, hi = self._domain
            self.image.setRect(QRectF(lo, lo, hi - lo, hi - lo))

    def rgba(self, out: np.ndarray) -> np.ndarray:
        """(g, g, k) network output → (g, g, 4) uint8 colours."""
        ch = self._channel()
        discrete = self.discretize_check.isChecked()
        if out.shape[2] > 1 and ch < 0:  # multi-class: argmax colour, paler when unsure
            c = np.argmax(out, axis=2)
            rgb = self._class_rgb[c % len(self._class_rgb)]
            if discrete:
                conf = np.full(c.shape, 1.0, np.float32)
            else:
                k = out.shape[2]
                top = np.take_along_axis(out, c[..., None], axis=2)[..., 0]
                conf = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
            keep = (1 - PALE) * conf[..., None]
            img = np.empty(out.shape[:2] + (4,), np.uint8)
            img[..., :3] = (rgb * keep + 255.0 * (1 - keep)).astype(np.uint8)
            img[..., 3] = 255
            return img
        values = out[..., max(ch, 0)]
        lo, hi = self._levels
        if discrete:
            if self._problem == "regression":
                step = (hi - lo) / 8
                values = np.round(values / step) * step
            else:
                values = np.where(values > (lo + hi) / 2, hi, lo)
        return self._lut[theme.to_index(values, lo, hi)]

    def clear(self) -> None:
        self._boundary = None
        g = 2
        img = np.empty((g, g, 4), np.uint8)
        img[...] = self._lut[128]
        self._set_image(img)

    def export_target(self) -> object:
        return self.plot_item

    def set_export_mode(self, on: bool) -> None:
        """Axis titles and a caption for exported figures (on screen the panel says it all)."""
        item = self.plot_item
        if on:
            test = " and test" if self.show_test_check.isChecked() else ""
            item.setTitle(
                f"Network output over the input plane · training{test} points", size="10pt"
            )
            item.setLabel("bottom", "x₁")
            item.setLabel("left", "x₂")
        else:
            item.setTitle(None)
            for side in ("bottom", "left"):
                item.getAxis(side).setLabel(None)
                item.getAxis(side).showLabel(False)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """The boundary grid: x1, x2 and one column per network output."""
        out = self._boundary
        names = [f"output_{c + 1}" for c in range(out.shape[2] if out is not None else 1)]
        header = ["x1", "x2", *names]
        if out is None:
            return header, []
        pts = plane_grid(self._domain, out.shape[0])  # rows follow x2, columns x1
        cols = [pts[:, 0], pts[:, 1], *(out[..., c].ravel() for c in range(out.shape[2]))]
        return header, np.column_stack(cols).tolist()


def main() -> int:  # pragma: no cover - a quick look at the panel
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from playground.ui.controller import TrainingController

    app = QApplication.instance() or QApplication([])
    ctrl = TrainingController()
    view = BoundaryPlot()
    view.set_dataset(ctrl.dataset, ctrl.spec["model"]["problem"])
    ctrl.snapshot_ready.connect(view.show_snapshot)
    view.resize(420, 460)
    view.show()
    ctrl.set_speed("max")
    QTimer.singleShot(300, ctrl.play)
    app.aboutToQuit.connect(ctrl.shutdown)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

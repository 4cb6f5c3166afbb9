"""Train and test loss over training steps, with accuracy (or RMSE) on a second axis.

Every snapshot carries the evaluation rows recorded since the previous one (``Snapshot.evals``), so
the curves accumulate without gaps. Buffers are preallocated and grown by doubling; curves use
width-1 pens, ``clipToView`` and ``autoDownsample`` so hours of history stay cheap to draw.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.training import Snapshot
from playground.ui import theme

COLUMNS = ("step", "train_loss", "test_loss", "train_metric", "test_metric")
#: curve colours; the summary line above the plot doubles as the legend
TRAIN_LOSS, TEST_LOSS = theme.INK, theme.ORANGE
TRAIN_METRIC, TEST_METRIC = (150, 190, 220), theme.BLUE


def nice_ceiling(x: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) that is ≥ x (x > 0)."""
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    k = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10**k >= x * (1 - 1e-12):
            return m * 10**k
    return 10.0 ** (k + 1)


class GrowingColumns:
    """Columns of floats appended in blocks; capacity doubles when full (no per-row allocation)."""

    def __init__(self, names: tuple[str, ...], capacity: int = 1024) -> None:
        self.names = names
        self._data = np.empty((len(names), capacity))
        self.n = 0

    def append(self, block: np.ndarray) -> None:
        """Append rows: ``block`` is (len(names), k)."""
        k = block.shape[1]
        if self.n + k > self._data.shape[1]:
            cap = self._data.shape[1]
            while cap < self.n + k:
                cap *= 2
            grown = np.empty((len(self.names), cap))
            grown[:, : self.n] = self._data[:, : self.n]
            self._data = grown
        self._data[:, self.n : self.n + k] = block
        self.n += k

    def column(self, name: str) -> np.ndarray:
        return self._data[self.names.index(name), : self.n]

    def clear(self) -> None:
        self.n = 0


class LossPlot(QWidget):
    """View ``loss_plot`` (SnapshotView protocol, see ``playground/ui/views.py``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loss_plot")
        self.setWindowTitle("Loss")
        self._rows = GrowingColumns(COLUMNS)
        self._metric = "accuracy"
        self._dirty = False

        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setObjectName("loss_plot_canvas")
        self.plot_widget.setMinimumHeight(120)
        item = self.plot_item = self.plot_widget.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "step")
        item.setLabel("left", "loss")
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.getViewBox().disableAutoRange()  # ranges grow in steps (_fit_ranges): axes stay put
        for side in ("left", "bottom", "right"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(theme.MUTED, width=1))
            axis.setTextPen(pg.mkPen(theme.MUTED))
        for side in ("left", "bottom", "right"):
            item.getAxis(side).enableAutoSIPrefix(False)
        opts = {"clipToView": True, "autoDownsample": True, "downsampleMethod": "peak"}
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_LOSS, width=1), **opts)
        self.test_curve = item.plot(pen=pg.mkPen(TEST_LOSS, width=1), **opts)
        # the metric on a second axis (right), sharing x; a child of the plot item so that
        # exporters (SVG) that walk the item's children include its curves
        self.metric_box = pg.ViewBox(enableMenu=False, parent=item)
        self.metric_box.setMouseEnabled(x=False, y=False)
        self.metric_box.disableAutoRange()
        item.showAxis("right")
        item.getAxis("right").linkToView(self.metric_box)
        self.metric_box.setXLink(item)
        self.train_metric_curve = pg.PlotDataItem(pen=pg.mkPen(TRAIN_METRIC, width=1), **opts)
        self.test_metric_curve = pg.PlotDataItem(pen=pg.mkPen(TEST_METRIC, width=1), **opts)
        self.metric_box.addItem(self.train_metric_curve)
        self.metric_box.addItem(self.test_metric_curve)
        item.getViewBox().sigResized.connect(self._sync_boxes)
        # a legend inside the plot for exported figures (on screen the summary line is the key)
        self.legend = pg.LegendItem(
            offset=(-10, 10), labelTextColor=theme.INK, brush=(255, 255, 255, 220)
        )
        self.legend.setParentItem(item.getViewBox())
        self.legend.hide()

        self.summary = QLabel("")
        self.summary.setObjectName("loss_summary_label")
        # new numbers every frame must not re-layout the plot below
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.summary.setFixedHeight(2 * self.summary.fontMetrics().lineSpacing() + 6)
        self.log_check = QCheckBox("Log scale")
        self.log_check.setObjectName("loss_log_check")
        self.log_check.toggled.connect(self._on_log)
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.summary, 1)
        row.addWidget(self.log_check, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.plot_widget, 1)
        self._set_metric("accuracy")
        self._update_summary(None)

    def set_export_mode(self, on: bool) -> None:
        """Show the legend inside the plot (exported figures have no summary line)."""
        self.legend.clear()
        if on:
            metric = "accuracy" if self._metric == "accuracy" else "RMSE"
            for curve, label in (
                (self.train_curve, "train loss"),
                (self.test_curve, "test loss"),
                (self.train_metric_curve, f"train {metric} (right axis)"),
                (self.test_metric_curve, f"test {metric} (right axis)"),
            ):
                self.legend.addItem(curve, label)
        self.legend.setVisible(on)
        r = self._rows
        if on and r.n:  # the x axis ends where the data ends
            x_end = max(float(r.column("step")[-1]), 1.0)
            self.plot_item.getViewBox().setXRange(0, x_end, padding=0.02)
        elif not on and self._ranges is not None:
            self.plot_item.getViewBox().setXRange(0, self._ranges[0], padding=0.02)

    def _sync_boxes(self) -> None:
        self.metric_box.setGeometry(self.plot_item.getViewBox().geometry())
        self.metric_box.linkedViewChanged(self.plot_item.getViewBox(), self.metric_box.XAxis)

    def _set_metric(self, name: str) -> None:
        self._metric = name
        label = "accuracy" if name == "accuracy" else "RMSE"
        self.plot_item.setLabel("right", label)
        self._ranges = None
        self._fit_ranges()

    def _on_log(self, on: bool) -> None:
        self.plot_item.setLogMode(x=False, y=on)
        self._ranges = None
        self._dirty = True
        self._redraw()

    def _fit_ranges(self) -> None:
        """Axis ranges that only change when the data outgrows them (x in steps of ×1.5 to a
        round number, y to the largest value seen), so axes are not redrawn every frame."""
        r = self._rows
        x_top = nice_ceiling(max(r.column("step")[-1] * 1.1, 10.0)) if r.n else 100.0
        losses = np.concatenate([r.column("train_loss"), r.column("test_loss")])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        if self.log_check.isChecked():
            lo = np.floor(np.log10(losses.min())) if losses.size else -3.0
            hi = np.ceil(np.log10(losses.max())) if losses.size else 0.0
            y = (float(lo), float(max(hi, lo + 1)))
        else:
            y = (0.0, nice_ceiling(losses.max() * 1.05) if losses.size else 1.0)
        if self._metric == "accuracy":
            m = (0.0, 1.0)
        else:
            metric = np.concatenate([r.column("train_metric"), r.column("test_metric")])
            metric = metric[np.isfinite(metric)]
            m = (0.0, nice_ceiling(metric.max() * 1.05) if metric.size else 1.0)
        ranges = (x_top, y, m)
        old = self._ranges
        if (
            old is not None
            and old[0] >= x_top
            and old[1][0] <= y[0]
            and old[1][1] >= y[1]
            and old[2][1] >= m[1]
        ):
            return  # still fits
        if old is not None and not self.log_check.isChecked():  # only grow
            ranges = (max(old[0], x_top), (0.0, max(old[1][1], y[1])), (0.0, max(old[2][1], m[1])))
        self._ranges = ranges
        self.plot_item.getViewBox().setRange(xRange=(0, ranges[0]), yRange=ranges[1], padding=0.02)
        self.metric_box.setYRange(*ranges[2], padding=0.02)

    def set_log_scale(self, on: bool) -> None:
        self.log_check.setChecked(on)

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot, numbers: bool = True) -> None:
        """Append the snapshot's evaluations; ``numbers=False`` leaves the summary line as it is
        (the window refreshes texts a few times a second)."""
        if snapshot.metric_name != self._metric:
            self._set_metric(snapshot.metric_name)
        ev = snapshot.evals
        if len(ev):
            start = 0
            if self._rows.n:  # skip rows already shown (a repeated evaluation of the same step)
                last = self._rows.column("step")[-1]
                start = int(np.searchsorted(ev.step, last, side="right"))
            if start < len(ev):
                block = np.vstack(
                    [
                        ev.step[start:],
                        ev.train_loss[start:],
                        ev.test_loss[start:],
                        ev.train_metric[start:],
                        ev.test_metric[start:],
                    ]
                )
                block = block.astype(float)
                block[~np.isfinite(block)] = np.nan  # a diverging run: gaps, not infinities
                self._rows.append(np.clip(block, -1e30, 1e30))
                self._dirty = True
        if numbers:
            self._update_summary(snapshot)
        self._redraw()

    def _redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        r = self._rows
        x = r.column("step")
        train, test = r.column("train_loss"), r.column("test_loss")
        if self.log_check.isChecked():  # log axes need positive values
            train = np.where(train > 0, train, np.nan)
            test = np.where(test > 0, test, np.nan)
        self.train_curve.setData(x, train, connect="finite")
        self.test_curve.setData(x, test, connect="finite")
        self.train_metric_curve.setData(x, r.column("train_metric"), connect="finite")
        self.test_metric_curve.setData(x, r.column("test_metric"), connect="finite")
        self._fit_ranges()

    def _update_summary(self, s: Snapshot | None) -> None:
        nan = math.nan
        train_loss, test_loss, train_metric, test_metric, metric_name = (
            (nan, nan, nan, nan, self._metric)
            if s is None
            else (s.train_loss, s.test_loss, s.train_metric, s.test_metric, s.metric_name)
        )

        def loss(v: float) -> str:
            return "–" if not math.isfinite(v) else f"{v:.3f}"

        if metric_name == "accuracy":

            def metric(v: float) -> str:
                return "–" if not math.isfinite(v) else f"{100 * v:.1f}%"

            name = "accuracy"
        else:
            metric, name = loss, "RMSE"

        def key(rgb: tuple[int, int, int], text: str) -> str:
            return f"<span style='color:{theme.hex_color(rgb)}'>━</span>&nbsp;{text}"

        self.summary.setText(
            key(TEST_LOSS, f"<b>test loss {loss(test_loss)}</b>")
            + " &nbsp; "
            + key(TRAIN_LOSS, f"train loss {loss(train_loss)}")
            + "<br>"
            + key(TEST_METRIC, f"test {name} {metric(test_metric)}")
            + " &nbsp; "
            + key(TRAIN_METRIC, f"train {name} {metric(train_metric)}")
        )

    def clear(self) -> None:
        self._rows.clear()
        self._ranges = None  # a new run starts with small axes again
        self._dirty = True
        self._redraw()
        self._update_summary(None)

    def export_target(self) -> object:
        return self.plot_item

    def table(self) -> tuple[list[str], list[list[object]]]:
        r = self._rows
        name = self._metric
        header = ["step", "train_loss", "test_loss", f"train_{name}", f"test_{name}"]
        data = np.column_stack([r.column(c) for c in COLUMNS])
        rows = [[int(row[0]), *row[1:].tolist()] for row in data]
        return header, rows

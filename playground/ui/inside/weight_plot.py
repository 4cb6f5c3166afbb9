"""``weight_plot``: how every layer's weight distribution evolves (TensorBoard's distribution view).

One row of small multiples per layer: on the left the percentile bands of W^[l] over steps
(``LayerStats.weight_quantiles`` at min/7/31/50/69/93/max %: the outer band min–max, then 7–93 %,
then 31–69 %, and the median as a line), on the right the current histogram
(``LayerStats.weight_hist``) as horizontal bars on the same weight axis. Growing weights widen the
bands, collapsing ones squeeze them toward 0; the title gives ‖W^[l]‖ and its change since the
first snapshot, in the longest wording that fits over the bands (a narrow dock gets "layer 2 ·
‖W‖ 3.94 · ×1.00", or just "2 · ×1.00").

The quantiles arrive once per snapshot, so the time series has one row per snapshot, kept in a
``SeriesBuffer`` (bounded; the older half is thinned when full).

Standalone: ``python -m playground.ui.inside.weight_plot [preset or file.json]``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

from playground.training import LayerStats, Snapshot
from playground.training.snapshot import QUANTILES
from playground.ui.inside.common import (
    FOREGROUND,
    SeriesBuffer,
    depth_colours,
    graphics_widget,
    scroll_area,
    style_plot,
)
from playground.ui.inside.labels import fitting

#: quantile column pairs filled as bands, outermost first, with their opacity
BANDS = ((0, 6, 50), (1, 5, 95), (2, 4, 150))


#: the least height of one row of panels (the view scrolls below that)
MIN_ROW_HEIGHT = 95
#: the histogram column's width at most: in a wide view, and in a narrow one (below 700 px)
HIST_WIDTH, HIST_WIDTH_NARROW = 90, 50


class _Row:
    """One layer: bands over steps (filled paths) and the current histogram."""

    #: points per band path at most (the bands are smooth; older points are skipped evenly)
    MAX_DRAWN = 600

    def __init__(self, bands_plot: pg.PlotItem, hist_plot: pg.PlotItem, colour) -> None:
        self.bands_plot, self.hist_plot = bands_plot, hist_plot
        self.fills = []
        for _lo, _hi, alpha in BANDS:
            c = QColor(colour)
            c.setAlpha(alpha)
            item = QGraphicsPathItem()
            item.setBrush(pg.mkBrush(c))
            item.setPen(pg.mkPen(None))
            bands_plot.addItem(item)
            self.fills.append(item)
        self.median = pg.PlotCurveItem(pen=pg.mkPen(QColor(colour).darker(150), width=1))
        self.median.setZValue(5)
        bands_plot.addItem(self.median)
        zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen("#999999", width=1))
        bands_plot.addItem(zero)
        self.hist = pg.BarGraphItem(
            x0=0, y=[], height=[], width=[], brush=pg.mkBrush(colour), pen=pg.mkPen(None)
        )
        hist_plot.addItem(self.hist)
        self.buffer = SeriesBuffer(len(QUANTILES), max_points=4096)
        self.first_norm = math.nan
        self.title = ""
        self.titles: list[str] = []  # longest first
        self.yrange = (0.0, 0.0)
        bands_plot.getViewBox().sigResized.connect(self.fit_title)

    def fit_title(self, *_args) -> None:
        """The longest title that fits over the bands (refitted when the row resizes)."""
        if not self.titles:
            return
        title = fitting(self.titles, self.bands_plot.getViewBox().width() + 4)
        if title != self.title:
            self.bands_plot.setTitle(title, size="8pt", color=FOREGROUND)
            self.title = title

    def draw(self) -> None:
        x, y = self.buffer.x, self.buffer.y
        n = len(x)
        if n == 0:
            return
        if n > self.MAX_DRAWN:
            idx = np.unique(np.r_[np.linspace(0, n - 1, self.MAX_DRAWN).astype(np.intp), n - 1])
            x, y = x[idx], y[idx]
        xf = x.astype(float)
        if len(xf) == 1:  # a single snapshot: a thin vertical band
            xf = np.array([xf[0] - 0.5, xf[0] + 0.5])
            y = np.repeat(y, 2, axis=0)
        xs = np.r_[xf, xf[::-1]]
        for item, (lo, hi, _) in zip(self.fills, BANDS, strict=True):
            ys = np.r_[y[:, hi], y[::-1, lo]]
            item.setPath(pg.arrayToQPath(xs, ys, connect="all"))
        self.median.setData(xf, y[:, 3])
        # the weight axis: grows at once, shrinks only when the data use < 80% of it
        lo, hi = float(np.nanmin(y[:, 0])), float(np.nanmax(y[:, 6]))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        pad = 0.05 * (hi - lo or 1.0)
        rlo, rhi = self.yrange
        if lo < rlo or hi > rhi or (hi - lo) < 0.8 * (rhi - rlo):
            self.yrange = (lo - pad, hi + pad)
            self.bands_plot.setYRange(*self.yrange, padding=0)


class WeightPlot(QWidget):
    """Weight percentile bands over time and the current histogram, one row per layer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weight_plot")
        self.setWindowTitle("Weights per layer")
        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(self.graphics))
        self._rows: list[_Row] = []
        self._key: tuple = ()
        self._last_step = -1
        self._first_step = 0
        self._frame = 0
        self._layers: tuple[LayerStats, ...] = ()

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        key = tuple(s.units for s in snapshot.layers)
        if key != self._key or snapshot.step < self._last_step:
            self._rebuild(key)
            self._first_step = snapshot.step
        self._layers = snapshot.layers
        append = snapshot.step != self._last_step
        self._last_step = snapshot.step
        self._frame += 1
        if append and self._rows:
            self._rows[0].bands_plot.setXRange(
                self._first_step, max(snapshot.step, self._first_step + 1), padding=0.01
            )
        shapes = [W.shape for W in snapshot.weights] or [(s.units, 0) for s in snapshot.layers]
        for row, s, shape in zip(self._rows, snapshot.layers, shapes, strict=True):
            q = np.asarray(s.weight_quantiles, dtype=float)
            if append:
                row.buffer.append(np.array([snapshot.step]), q[None, :])
            if append:
                row.draw()
            h = s.weight_hist
            edges = np.asarray(h.edges, dtype=float)
            counts = np.asarray(h.counts, dtype=float)
            total = counts.sum()
            share = counts / total if total > 0 else counts
            row.hist.setOpts(
                x0=0.0, y=(edges[:-1] + edges[1:]) / 2, height=np.diff(edges), width=share
            )
            if math.isnan(row.first_norm):
                row.first_norm = s.weight_norm
            # titles change every 10th frame (re-layout), and at once for a final state
            exact = snapshot.reason != "tick" or not row.title
            if exact or self._frame % 10 == 0:
                row.titles = self._titles(s, shape, row.first_norm)
                row.fit_title()

    def clear(self) -> None:
        self._layers = ()
        self._last_step = -1
        self._rebuild(())

    def export_target(self) -> object:
        return self.graphics.ci

    def table(self) -> tuple[list[str], list[list[object]]]:
        """step, layer, then the weight quantiles (min, 7 %, …, max) over time."""
        header = ["step", "layer"] + [f"q{round(100 * q)}" for q in QUANTILES]
        rows: list[list[object]] = []
        for l, row in enumerate(self._rows, start=1):
            for step, q in zip(row.buffer.x, row.buffer.y, strict=True):
                rows.append([int(step), l, *map(float, q)])
        return header, rows

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """A narrow view gives the bands more of the width (narrower histograms)."""
        super().resizeEvent(event)
        for row in getattr(self, "_rows", ()):
            row.hist_plot.setMaximumWidth(self._hist_width())

    # -- internals ---------------------------------------------------------------------------
    def _hist_width(self) -> int:
        return HIST_WIDTH if self.width() >= 700 else HIST_WIDTH_NARROW

    def _rebuild(self, key: tuple) -> None:
        self.graphics.ci.clear()
        self._rows = []
        self._key = key
        colours = depth_colours(len(key))
        # two layers per line of the grid when there are many, so rows stay readable
        per_line = 1 if len(key) <= 4 else 2
        self.graphics.setMinimumHeight(-(-len(key) // per_line) * MIN_ROW_HEIGHT)
        for l in range(len(key)):
            r, c = divmod(l, per_line)
            bands = self.graphics.ci.addPlot(row=r, col=2 * c)
            hist = self.graphics.ci.addPlot(row=r, col=2 * c + 1)
            for p in (bands, hist):
                style_plot(p, small=True)
                p.setMouseEnabled(x=False, y=False)
            hist.setYLink(bands)
            hist.hideAxis("left")
            hist.hideAxis("bottom")
            hist.setMaximumWidth(self._hist_width())
            hist.setTitle(" ", size="8pt")  # the same header height keeps the y axes aligned
            hist.setXRange(0, 0.5, padding=0)
            hist.enableAutoRange(x=True, y=False)
            bands.disableAutoRange()
            if self._rows:
                bands.setXLink(self._rows[0].bands_plot)
            last_line = l >= len(key) - per_line
            if not last_line:  # one step axis per column, at the bottom
                bands.hideAxis("bottom")
            self._rows.append(_Row(bands, hist, colours[l]))
        for c in range(per_line):
            self.graphics.ci.layout.setColumnStretchFactor(2 * c, 4)
            self.graphics.ci.layout.setColumnStretchFactor(2 * c + 1, 1)

    @staticmethod
    def _titles(s: LayerStats, shape: tuple[int, ...], first: float) -> list[str]:
        """Titles of a row, longest first: shape, ‖W‖ and its change since the first snapshot."""
        norm = f"{s.weight_norm:.3g}"
        change = ""
        if math.isfinite(first) and first > 0 and math.isfinite(s.weight_norm):
            change = f"×{s.weight_norm / first:.2f}"
        head = f"<b>layer {s.index}</b>"
        return [
            f"{head} · W {shape[0]}×{shape[1]} · ‖W‖ = {norm}"
            + (f" ({change} since start)" if change else ""),
            f"{head} · ‖W‖ = {norm}" + (f" · {change} since start" if change else ""),
            f"{head} · ‖W‖ {norm}" + (f" · {change}" if change else ""),
            f"{head} · " + (change or f"‖W‖ {norm}"),
            f"<b>{s.index}</b> · " + (change or f"‖W‖ {norm}"),
        ]


def main() -> None:
    from playground.ui.inside.standalone import run_standalone

    run_standalone(WeightPlot)


if __name__ == "__main__":
    main()

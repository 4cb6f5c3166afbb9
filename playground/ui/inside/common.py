"""Shared pieces of the inside views: depth colours, a 10^k axis, growable series buffers, styling.

Log-scale plots here draw log10 of the data on a linear view box with ``PowerAxis`` ticks (10⁻⁶,
10⁻³, …) instead of pyqtgraph's log mode: the views store log10 once per recorded row, so a frame
costs no logarithms over the whole history, and bar charts (which pyqtgraph's log mode cannot
draw) share the same axis.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QScrollArea

from playground.ui.inside.log_axis import PowerAxis as PowerAxis
from playground.ui.inside.log_axis import power_label as power_label

#: text and axis colour of the light plot theme
FOREGROUND = "#303030"
BACKGROUND = "w"
#: log10 clamp of norms on log axes: zeros draw at 10⁻³⁰⁰ would wreck the range
LOG_FLOOR = -30.0
LOG_CEIL = 30.0
#: the colour of alarms (highlights of layers named by the health verdict)
ALARM = "#d62728"
WARN = "#e08a00"
#: bins where an activation's slope g′ is about 0 (saturated ends, ReLU's 0), when not alarming
FLAT = "#b8b8b8"


def format_value(x: float) -> str:
    """A norm for a label: 0.42, 3.1, 250, or 3e-06 / 2e+04 outside [10⁻³, 10⁴)."""
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.2g}"
    return f"{x:.0e}".replace("e-0", "e-").replace("e+0", "e+")


def depth_colours(n: int) -> list[QColor]:
    """One colour per layer 1..n from a sequential map (viridis, dark = input side, light = output);
    the map stops short of its pale yellow end so the last layer stays visible on white."""
    cmap = pg.colormap.get("viridis")
    if n <= 1:
        return [cmap.map(0.0, mode="qcolor")]
    return [cmap.map(0.85 * i / (n - 1), mode="qcolor") for i in range(n)]


def diverging_lut(n: int = 256) -> np.ndarray:
    """A blue–white–red lookup table (ColorCET D1) for values centred on 0."""
    return pg.colormap.get("CET-D1").getLookupTable(0.0, 1.0, n)


def safe_log10(values: np.ndarray) -> np.ndarray:
    """log10 of norms for a log axis: zeros and tiny values clamp to ``LOG_FLOOR``, huge ones to
    ``LOG_CEIL``; NaN and ±Inf become NaN (a gap in the curve)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(np.where(v > 0, v, 0.0))
    out = np.clip(out, LOG_FLOOR, LOG_CEIL)
    out[~np.isfinite(v)] = np.nan
    return out


#: narrowest a plot's title lets the plot become, and narrowest a plot's data area (pixels)
TITLE_MIN_WIDTH = 60
VIEW_MIN_WIDTH = 24


def style_plot_axis(ax: pg.AxisItem) -> None:
    ax.setPen(pg.mkPen(FOREGROUND, width=1))
    ax.setTextPen(pg.mkPen(FOREGROUND))


def style_plot(plot: pg.PlotItem, *, small: bool = False) -> None:
    """Dark axes and text on the light background; smaller fonts for small multiples."""
    for name in ("left", "bottom", "right", "top"):
        ax = plot.getAxis(name)
        ax.setPen(pg.mkPen(FOREGROUND, width=1))
        ax.setTextPen(pg.mkPen(FOREGROUND))
        if small:
            font = ax.font() if hasattr(ax, "font") else None
            if font is not None:
                font.setPointSize(7)
                ax.setStyle(tickFont=font)
    plot.titleLabel.opts["color"] = FOREGROUND
    plot.hideButtons()
    plot.setMenuEnabled(False)
    let_title_shrink(plot)


def let_title_shrink(plot: pg.PlotItem) -> None:
    """Keep a plot's title from setting the plot's minimum width.

    pyqtgraph's ``LabelItem.updateMin`` makes the title's text width the minimum width of the
    whole plot, so in a narrow dock a grid of plots ends up wider than the dock and its right
    side is cut off. With this, a long title is cut instead and the plots fit; a floor of
    ``TITLE_MIN_WIDTH`` and ``VIEW_MIN_WIDTH`` keep a plot from collapsing to zero width (where
    pyqtgraph's axes compute with an infinite scale).
    """
    ref = weakref.ref(plot.titleLabel)  # no reference cycle: the plot is freed with its window
    original = type(plot.titleLabel).updateMin

    def update_min() -> None:
        label = ref()
        if label is None:
            return
        original(label)
        hints = getattr(label, "_sizeHint", None)
        if isinstance(hints, dict) and Qt.SizeHint.MinimumSize in hints:
            w, h = hints[Qt.SizeHint.MinimumSize]
            w = min(w, TITLE_MIN_WIDTH)
            hints[Qt.SizeHint.MinimumSize] = (w, h)
            label.setMinimumWidth(w)
        label.updateGeometry()

    plot.titleLabel.updateMin = update_min
    update_min()
    plot.getViewBox().setMinimumWidth(VIEW_MIN_WIDTH)


def graphics_widget(parent=None) -> pg.GraphicsLayoutWidget:
    """A light GraphicsLayoutWidget (no OpenGL) for a view."""
    w = pg.GraphicsLayoutWidget(parent)
    w.setBackground(BACKGROUND)
    w.ci.setContentsMargins(4, 4, 4, 4)
    w.ci.setSpacing(6)
    return w


def scroll_area(graphics: pg.GraphicsLayoutWidget) -> QScrollArea:
    """``graphics`` in a vertical scroll area, so small multiples keep a readable minimum height
    in a small dock (``graphics.setMinimumHeight`` sets it per rebuild)."""
    area = QScrollArea()
    area.setWidget(graphics)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


#: the narrowest panel of a small-multiples grid (pixels): a histogram or heatmap with a short
#: two-line title still reads at this width (looked at in 420 × 230 and 1100 × 600 grabs)
MIN_CELL = 140


def grid_shape(
    n: int, width: int | None = None, min_cell: int = MIN_CELL, max_cols: int = 5
) -> tuple[int, int]:
    """(rows, cols) of a small-multiples grid for n panels: as many columns of at least
    ``min_cell`` pixels as ``width`` holds (at most ``max_cols``), else wider than tall."""
    if n <= 0:
        return 0, 0
    if width is not None and width > 0:
        cols = max(1, min(n, max_cols, width // min_cell))
    else:
        cols = min(n, max_cols, max(1, math.ceil(math.sqrt(n * 1.6))))
    return math.ceil(n / cols), cols


class StickyRange:
    """A range maximum that grows at once and shrinks slowly (no flicker): each update either
    takes the new peak (if larger) or decays toward it by ``decay`` per call."""

    def __init__(self, decay: float = 0.97) -> None:
        self.decay = decay
        self.value = 0.0

    def update(self, peak: float) -> float:
        if not math.isfinite(peak) or peak <= 0:
            return self.value
        if peak >= self.value:
            self.value = peak
        else:
            self.value = max(peak, self.value * self.decay)
        return self.value

    def reset(self) -> None:
        self.value = 0.0


class SeriesBuffer:
    """Rows (step, values[c]) appended over a run: preallocated, grown by doubling, bounded.

    When ``max_points`` rows are held, the older half is thinned to every other row, so the
    newest rows stay at full resolution and a long run keeps a bounded, ever coarser past.
    ``x`` and ``y`` are views of the filled part (valid until the next ``append``).
    """

    def __init__(self, columns: int, max_points: int = 200_000, capacity: int = 1024) -> None:
        self.columns = columns
        self.max_points = max(8, max_points)
        self._x = np.empty(min(capacity, self.max_points), dtype=np.int64)
        self._y = np.empty((self._x.shape[0], columns))
        self.n = 0
        self.thinned = 0  # how many times the past was thinned

    def __len__(self) -> int:
        return self.n

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.n]

    def append(self, x: np.ndarray, y: np.ndarray) -> None:
        """Append k rows: ``x`` (k,), ``y`` (k, columns)."""
        x = np.asarray(x)
        y = np.asarray(y, dtype=float).reshape(len(x), self.columns)
        k = len(x)
        if k == 0:
            return
        if k > self.max_points // 2:  # a huge batch: thin it evenly, keeping its last row
            keep = np.unique(np.linspace(0, k - 1, self.max_points // 2).astype(np.intp))
            x, y, k = x[keep], y[keep], len(keep)
        while self.n + k > self.max_points:
            self._thin()
        if self.n + k > self._x.shape[0]:
            cap = min(self.max_points, max(2 * self._x.shape[0], self.n + k))
            nx = np.empty(cap, dtype=np.int64)
            ny = np.empty((cap, self.columns))
            nx[: self.n] = self._x[: self.n]
            ny[: self.n] = self._y[: self.n]
            self._x, self._y = nx, ny
        self._x[self.n : self.n + k] = x
        self._y[self.n : self.n + k] = y
        self.n += k

    def _thin(self) -> None:
        half = self.n // 2
        keep = np.r_[np.arange(0, half, 2), np.arange(half, self.n)]
        m = len(keep)
        nx = np.empty_like(self._x)
        ny = np.empty_like(self._y)
        nx[:m] = self._x[keep]
        ny[:m] = self._y[keep]
        self._x, self._y, self.n = nx, ny, m
        self.thinned += 1

    def clear(self) -> None:
        self.n = 0
        self.thinned = 0


def small_multiples(
    graphics: pg.GraphicsLayoutWidget, n: int, min_row_height: int
) -> tuple[list[pg.PlotItem], int, int]:
    """Clear ``graphics`` and lay out ``n`` small plots in the ``grid_shape`` for its width
    (styled, not mouse-driven, no padding; at least ``min_row_height`` px per row). Returns
    (plots, rows, cols)."""
    graphics.ci.clear()
    rows, cols = grid_shape(n, graphics.width())
    graphics.setMinimumHeight(rows * min_row_height)
    plots = []
    for i in range(n):
        plot = graphics.ci.addPlot(row=i // cols, col=i % cols)
        style_plot(plot, small=True)
        plot.setMouseEnabled(x=False, y=False)
        plot.getViewBox().setDefaultPadding(0.0)
        plots.append(plot)
    return plots, rows, cols


def peak_decimate(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Thin rows (x (n,) ascending, y (n, c)) to at most 2·``buckets`` + 1 for drawing, keeping
    the peaks: x is cut into ``buckets`` equal spans and each non-empty span gives two rows at its
    first x, the minimum and the maximum of every column (NaN only when a whole span is NaN).
    The last row is kept as it is. Fewer rows than that come back unchanged."""
    n = len(x)
    if n <= 2 * buckets + 1 or buckets < 1:
        return x, y
    edges = np.linspace(float(x[0]), float(x[-1]), buckets + 1)[:-1]
    starts = np.unique(np.searchsorted(x, edges, side="left"))
    starts = starts[starts < n]
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduceat(y, starts, axis=0)
        hi = np.fmax.reduceat(y, starts, axis=0)
    m = len(starts)
    xs = np.empty(2 * m + 1)
    xs[0:-1:2] = x[starts]
    xs[1:-1:2] = x[starts]
    xs[-1] = x[-1]
    ys = np.empty((2 * m + 1, y.shape[1]))
    ys[0:-1:2] = lo
    ys[1:-1:2] = hi
    ys[-1] = y[-1]
    return xs, ys


class PeakThinner:
    """``peak_decimate`` for a growing ``SeriesBuffer``, at a constant cost per frame.

    Buckets hold a fixed number r of consecutive rows (a power of two, so that there are between
    ``buckets``/2 and ``buckets`` of them); each complete bucket's min and max are computed once
    and kept, and a frame only reduces the rows that arrived since. r doubles as the run grows,
    and the cache starts over then, when the buffer thins its past, or for another buffer.
    """

    def __init__(self) -> None:
        self._buf: SeriesBuffer | None = None
        self._key: tuple = ()
        self._x = np.empty(0)
        self._y = np.empty((0, 0))
        self._m = 0  # cached rows (2 per complete bucket)
        self._done = 0  # buffer rows covered by complete buckets

    def thin(self, buf: SeriesBuffer, buckets: int) -> tuple[np.ndarray, np.ndarray]:
        n, c = len(buf), buf.columns
        if n <= 2 * buckets + 1 or buckets < 1:
            return buf.x, buf.y
        r = 1 << max(0, math.ceil(math.log2(n / buckets)))
        key = (id(buf), buf.thinned, r, int(buf.x[0]))
        if buf is not self._buf or key != self._key or n < self._done:
            self._buf, self._key = buf, key
            self._m = self._done = 0
            cap = 2 * (n // r + 64)
            self._x, self._y = np.empty(cap), np.empty((cap, c))
        k = (n - self._done) // r  # new complete buckets
        if k:
            seg = buf.y[self._done : self._done + k * r].reshape(k, r, c)
            need = self._m + 2 * k
            if need > len(self._x):
                cap = max(2 * len(self._x), need)
                self._x = np.resize(self._x, cap)
                self._y = np.resize(self._y, (cap, c))
            x0 = buf.x[self._done : self._done + k * r : r]
            with np.errstate(invalid="ignore"):
                self._y[self._m : need : 2] = np.fmin.reduce(seg, axis=1)
                self._y[self._m + 1 : need : 2] = np.fmax.reduce(seg, axis=1)
            self._x[self._m : need : 2] = x0
            self._x[self._m + 1 : need : 2] = x0
            self._m, self._done = need, self._done + k * r
        tail_x, tail_y = buf.x[self._done :], buf.y[self._done :]
        xs = [self._x[: self._m]]
        ys = [self._y[: self._m]]
        if len(tail_x):
            with np.errstate(invalid="ignore"):
                lo, hi = np.fmin.reduce(tail_y, axis=0), np.fmax.reduce(tail_y, axis=0)
            xs.append(np.array([tail_x[0], tail_x[0], tail_x[-1]], dtype=float))
            ys.append(np.vstack([lo, hi, tail_y[-1]]))
        else:  # the last row exactly, as drawn without thinning
            xs.append(np.array([buf.x[-1]], dtype=float))
            ys.append(buf.y[-1:])
        return np.concatenate(xs), np.concatenate(ys)

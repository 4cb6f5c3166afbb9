"""``gradient_plot``: how much gradient reaches each layer, over time and across depth.

Left: ‖∂J/∂W^[l]‖ per layer over steps (switchable to ‖δ^[l]‖ or the update ratio
‖ΔW^[l]‖/‖W^[l]‖), log y-axis, one curve per layer coloured by depth (dark = input side, light =
output side), optionally smoothed (an exponential moving average of log10, like TensorBoard's
smoothing; the table keeps the raw values). Right: the current *gradient profile* — one bar per
layer on the same log scale — so a vanishing cascade reads as a staircase down toward the input and
an exploding one as bars above the 10³ line. Layers named by an unhealthy verdict get a thicker
curve, a red ring at its end and a red bar outline.

The series come from ``Snapshot.history`` (every recorded step since the previous snapshot, so the
curves have no gaps); they live in ``SeriesBuffer``s (grown by doubling, bounded, the older half
thinned when full) as log10 values. Before drawing, the visible part is thinned to about four
points per pixel column, keeping each column's minimum and maximum (``peak_decimate``), so a frame
costs about the same at 1 000 and at 100 000 rows. While the view is hidden the buffers still
fill, and drawing waits until it is shown again.

In a narrow dock (below ``LEGEND_MIN_WIDTH``) the legend column gives its room to the plots and a
one-line colour key (layer numbers in their curve colours, the alarmed ones in red) takes the
place of the series title; in a short one (below ``COMPACT_HEIGHT``) the axis labels go too. The
"now: layer 1 gets …" summary picks a shorter wording, or is elided, rather than being cut.

Standalone: ``python -m playground.ui.inside.gradient_plot [preset or file.json]``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from playground.training import DEFAULT_THRESHOLDS, Snapshot
from playground.ui.inside.common import (
    ALARM,
    FOREGROUND,
    LOG_FLOOR,
    PeakThinner,
    PowerAxis,
    SeriesBuffer,
    depth_colours,
    format_value,
    graphics_widget,
    peak_decimate,
    power_label,
    safe_log10,
    style_plot,
)
from playground.ui.inside.labels import FittingLabel, fitting

#: quantity key → (History/LayerStats field, label, axis label, tooltip)
QUANTITIES = {
    "grad_norm": (
        "grad_norm",
        "‖∂J/∂W‖",
        "‖∂J/∂W‖ of each layer (log)",
        "Frobenius norm of the batch-mean gradient ∂J/∂W^[l] of each layer",
    ),
    "delta_norm": (
        "delta_norm",
        "‖δ‖",
        "‖δ‖ of each layer, batch mean (log)",
        "mean over the batch of the error vectors' norms ‖δ^[l]‖ = ‖∂L/∂z^[l]‖",
    ),
    "update_ratio": (
        "update_ratio",
        "‖ΔW‖ / ‖W‖",
        "‖ΔW‖ / ‖W‖ of each layer (log)",
        "how much the step just taken changed each layer's weights, relative to "
        "their size (around 10⁻³ is typical of healthy training)",
    ),
}
UNHEALTHY = ("vanishing", "exploding", "dead", "saturated", "nan")
#: weight of the newest row in the smoothed (EMA) curves
SMOOTHING = 0.1


#: narrowest bar (pixels) that still gets its value printed above it
BAR_LABEL_MIN_PX = 34
#: points drawn per pixel column of the series plot at most (min and max of two buckets)
POINTS_PER_PIXEL = 4
#: layers named in the colour key of a narrow dock at most (evenly spread, first and last)
KEY_MAX_LAYERS = 12


class GradientPlot(QWidget):
    """Per-layer gradient norms over time (log) and the current profile across depth."""

    #: rows kept per quantity before the past is thinned (drawing thins them to the pixels, so
    #: a frame costs a few ms at any length; see ``_draw_curves``)
    MAX_POINTS = 100_000
    #: the legend column shows from this width on
    LEGEND_MIN_WIDTH = 760
    #: below this height titles and axis labels are dropped
    COMPACT_HEIGHT = 320

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradient_plot")
        self.setWindowTitle("Gradients per layer")
        self.quantity = "grad_norm"
        self.smooth = True
        self._compact = False
        self._L = 0
        self._activations: tuple[str, ...] = ()
        self._raw: dict[str, SeriesBuffer] = {}  # raw values (the table)
        self._logs: dict[str, SeriesBuffer] = {}  # log10 values
        self._smoothed: dict[str, SeriesBuffer] = {}  # EMA of log10 values
        self._ema: dict[str, np.ndarray] = {}
        self._finite: dict[str, bool] = {}
        self._curves: list[pg.PlotDataItem] = []
        self._highlight: tuple[int, ...] = ()
        self._last: dict[str, np.ndarray] = {}
        self._dirty = False
        self._drawing = False
        self._layer_ticks_every = 0
        self._thinner = PeakThinner()
        self._summary: list[str] = []  # "now: layer 1 gets …", longest wording first
        self._build_controls()
        self._build_plots()
        self._update_labels()

    # -- construction ------------------------------------------------------------------------
    def _build_controls(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        self._show_label = QLabel("Show:")
        bar.addWidget(self._show_label)
        self._group = QButtonGroup(self)
        for key, (_, label, _, tip) in QUANTITIES.items():
            b = QRadioButton(label)
            b.setObjectName(f"gradient_quantity_{key}")
            b.setProperty("quantity", key)
            b.setToolTip(tip)
            self._group.addButton(b)
            bar.addWidget(b)
            b.setChecked(key == self.quantity)
        self._group.buttonToggled.connect(self._on_quantity_toggled)
        self.smooth_check = QCheckBox("smooth")
        self.smooth_check.setObjectName("gradient_smooth_check")
        self.smooth_check.setToolTip(
            "draw an exponential moving average of log10 (the raw values "
            "are noisy from batch to batch; the table keeps them raw)"
        )
        self.smooth_check.setChecked(self.smooth)
        self.smooth_check.toggled.connect(self.set_smooth)
        bar.addWidget(self.smooth_check)
        # the summary never widens the dock (which would clip the plots): in a narrow one it
        # takes a shorter wording or is elided; the full text is in the tooltip
        self.profile_label = FittingLabel()
        self.profile_label.setObjectName("gradient_profile_label")
        self.profile_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.profile_label, 100)
        bar.addStretch(1)  # keeps the controls together while the summary is hidden
        self._bar = bar

    def _build_plots(self) -> None:
        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self._bar)
        layout.addWidget(self.graphics, 1)
        lay = self.graphics.ci
        # time series (left)
        self.series_plot = lay.addPlot(row=0, col=0, axisItems={"left": PowerAxis("left")})
        style_plot(self.series_plot)
        self.series_plot.setLabel("bottom", "step")
        self.series_plot.showGrid(x=False, y=True, alpha=0.25)
        self.series_plot.setClipToView(True)
        self.series_plot.setDownsampling(auto=True, mode="peak")
        # zoomed in by hand: thin the rows of the new x range again
        self.series_plot.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
        self._markers = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(ALARM, width=2), brush=pg.mkBrush(0, 0, 0, 0), symbol="o"
        )
        self._markers.setZValue(10)
        self.series_plot.addItem(self._markers)
        # legend in its own cell, so it never hides a curve
        self.legend = pg.LegendItem(labelTextSize="8pt", labelTextColor=FOREGROUND, verSpacing=-6)
        self._key_cell = key = lay.addLayout(row=0, col=1)
        key.addItem(self.legend, row=0, col=0)
        key.addLabel("", row=1, col=0)  # takes the rest of the height: the legend stays on top
        key.layout.setRowStretchFactor(1, 1)
        self._legend_shown = True
        # profile across depth (right)
        self.profile_plot = lay.addPlot(row=0, col=2, axisItems={"left": PowerAxis("left")})
        style_plot(self.profile_plot)
        self.profile_plot.setLabel("bottom", "layer (input → output)")
        self.profile_plot.showGrid(x=False, y=True, alpha=0.25)
        self.profile_plot.setMouseEnabled(x=False, y=False)
        # ranges are set from the data (``_draw_profile``); auto-range would include the bar
        # labels, whose size in data units depends on the range itself
        self.profile_plot.disableAutoRange()
        self.profile_plot.geometryChanged.connect(self._on_profile_resized)
        self.profile_plot.setRange(xRange=(0.4, 1.6), yRange=(-3.0, 1.0), padding=0)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, y0=0)
        self.profile_plot.addItem(self._bars)
        dash = Qt.PenStyle.DashLine
        self._vanish_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(ALARM, width=1, style=dash),
            label="vanishing",
            labelOpts={"position": 0.02, "color": ALARM, "anchors": [(0, 1), (0, 1)]},
        )
        self._explode_line = pg.InfiniteLine(
            pos=math.log10(DEFAULT_THRESHOLDS.explode_norm),
            angle=0,
            pen=pg.mkPen(ALARM, width=1, style=dash),
            label="exploding",
            labelOpts={"position": 0.02, "color": ALARM, "anchors": [(0, 0), (0, 0)]},
        )
        for line in (self._vanish_line, self._explode_line):
            line.setVisible(False)
            self.profile_plot.addItem(line)
        self._bar_text: list[pg.TextItem] = []
        lay.layout.setColumnStretchFactor(0, 5)
        lay.layout.setColumnStretchFactor(2, 2)

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        L = len(snapshot.layers)
        acts = tuple(s.activation for s in snapshot.layers)
        if L != self._L or acts != self._activations:
            self._rebuild(L, acts)
        h = snapshot.history
        if len(h):
            raw = self._raw["grad_norm"]
            if len(raw) and h.step[0] <= raw.x[-1]:
                self._rebuild(L, acts)  # a new run without clear(): start over
            for key, (field, *_) in QUANTITIES.items():
                self._append(key, h.step, np.asarray(getattr(h, field), dtype=float))
            self._dirty = True
        elif not self._last and snapshot.layers:
            # a first snapshot without history: the layers' current values
            for key, (field, *_) in QUANTITIES.items():
                self._last[key] = np.array([getattr(s, field) for s in snapshot.layers], float)
        health = snapshot.health
        highlight = tuple(health.layers) if health.verdict in UNHEALTHY else ()
        if highlight != self._highlight:
            self._highlight = highlight
            self._update_pens()
        if self.isVisible():
            self._draw()

    def clear(self) -> None:
        self._rebuild(self._L, self._activations)

    def export_target(self) -> object:
        return self.graphics.ci

    def table(self) -> tuple[list[str], list[list[object]]]:
        """step, then one column per layer of the shown quantity (raw values), kept history."""
        buf = self._raw.get(self.quantity)
        header = ["step"] + [f"{self.quantity}_{l}" for l in range(1, self._L + 1)]
        if buf is None:
            return header, []
        return header, [[int(s), *map(float, v)] for s, v in zip(buf.x, buf.y, strict=True)]

    # -- API ---------------------------------------------------------------------------------
    def set_quantity(self, key: str) -> None:
        """Show ``grad_norm``, ``delta_norm`` or ``update_ratio``."""
        if key not in QUANTITIES:
            raise ValueError(f"unknown quantity {key!r} (allowed: {', '.join(QUANTITIES)})")
        for b in self._group.buttons():
            if b.property("quantity") == key and not b.isChecked():
                b.setChecked(True)  # comes back through _on_quantity_toggled
                return
        self.quantity = key
        self._update_labels()
        self._dirty = True
        self._draw()

    def set_smooth(self, on: bool) -> None:
        self.smooth = bool(on)
        if self.smooth_check.isChecked() != self.smooth:
            self.smooth_check.setChecked(self.smooth)
        self._dirty = True
        self._draw()

    def series(self, key: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(steps (k,), raw values (k, L)) kept for ``key`` (default: the shown quantity)."""
        buf = self._raw.get(key or self.quantity)
        if buf is None:
            return np.zeros(0, np.int64), np.zeros((0, self._L))
        return buf.x.copy(), buf.y.copy()

    def drawn(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, log10 y) the curve of ``layer`` (1-based) holds now."""
        x, y = self._curves[layer - 1].getData()
        return np.asarray(x), np.asarray(y)

    @property
    def highlighted(self) -> tuple[int, ...]:
        return self._highlight

    # -- internals ---------------------------------------------------------------------------
    def _append(self, key: str, steps: np.ndarray, values: np.ndarray) -> None:
        logs = safe_log10(values)
        self._raw[key].append(steps, values)
        self._logs[key].append(steps, logs)
        self._finite[key] = self._finite[key] and bool(np.isfinite(logs).all())
        ema = self._ema.get(key)
        out = np.empty_like(logs)
        for i, row in enumerate(logs):
            if ema is None:
                ema = row.copy()
            else:
                ema = np.where(np.isfinite(ema), ema + SMOOTHING * (row - ema), row)
                ema = np.where(np.isfinite(row), ema, np.nan)
            out[i] = ema
        self._ema[key] = ema
        self._smoothed[key].append(steps, out)
        self._last[key] = values[-1]

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """In a narrow dock the legend gives its room to the plots and a one-line colour key
        takes the series title's place; a short dock drops the axis labels."""
        super().resizeEvent(event)
        compact = self.height() < self.COMPACT_HEIGHT
        wide = self.width() >= self.LEGEND_MIN_WIDTH
        if compact != self._compact or wide != self._legend_shown:
            self._compact = compact
            self._legend_shown = wide
            self.legend.setVisible(wide)
            self._key_cell.setMaximumWidth(10_000 if wide else 0)
            self._show_label.setVisible(wide)
            self.profile_label.setVisible(wide)  # narrow: the profile's title says it
            self._update_labels()
        if self.isVisible() and self._curves:
            self._dirty = True  # thinned for the new width
            self._draw()

    def _on_x_range_changed(self, *_args) -> None:
        vb = self.series_plot.getViewBox()
        if not self._drawing and not vb.autoRangeEnabled()[0] and self.isVisible():
            self._dirty = True
            self._draw()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._dirty = True
        self._draw()

    def _on_quantity_toggled(self, button, checked: bool) -> None:
        if checked:
            self.set_quantity(button.property("quantity"))

    def _rebuild(self, L: int, activations: tuple[str, ...]) -> None:
        self._L, self._activations = L, activations
        for c in self._curves:
            self.series_plot.removeItem(c)
        self.legend.clear()
        self._curves = []
        self._raw = {k: SeriesBuffer(L, self.MAX_POINTS) for k in QUANTITIES}
        self._logs = {k: SeriesBuffer(L, self.MAX_POINTS) for k in QUANTITIES}
        self._smoothed = {k: SeriesBuffer(L, self.MAX_POINTS) for k in QUANTITIES}
        self._ema = {}
        self._finite = dict.fromkeys(QUANTITIES, True)
        self._last = {}
        self._highlight = ()
        self._markers.setData([], [])
        colours = depth_colours(L)
        for l in range(L):
            c = pg.PlotDataItem(
                pen=pg.mkPen(colours[l], width=1),
                clipToView=True,
                autoDownsample=True,
                downsampleMethod="peak",
            )
            self.series_plot.addItem(c)
            self._curves.append(c)
            self.legend.addItem(c, self._layer_name(l + 1))
        self.legend.setColumnCount(1 if L <= 12 else 2)
        for t in self._bar_text:
            self.profile_plot.removeItem(t)
        self._bar_text = []
        for _ in range(L):
            t = pg.TextItem("", color=FOREGROUND, anchor=(0.5, 1.0))
            self.profile_plot.addItem(t)
            self._bar_text.append(t)
        self._bars.setOpts(
            x=np.arange(1, L + 1),
            height=np.zeros(L),
            y0=np.zeros(L),
            brushes=[pg.mkBrush(c) for c in colours],
            pens=[pg.mkPen(c) for c in colours],
        )
        self.profile_plot.setXRange(0.4, L + 0.6, padding=0)
        self._layer_ticks_every = 0
        self._update_layer_ticks()
        self._vanish_line.setVisible(False)
        self._explode_line.setVisible(False)
        self.profile_label.set_variants([])
        self._update_labels()  # the colour key lists the new layers
        self._dirty = False

    def _layer_name(self, l: int) -> str:
        act = self._activations[l - 1] if l - 1 < len(self._activations) else ""
        return f"layer {l} · {act}" if act else f"layer {l}"

    def _update_labels(self) -> None:
        """Titles and axis labels; a short dock (compact) drops the axis labels and the titles
        to give the plots room, a narrow one shows the colour key instead of the legend."""
        _, label, axis, _ = QUANTITIES[self.quantity]
        key = "" if self._legend_shown else self.colour_key()
        size = "8pt" if self._compact else "9pt"
        if self._compact:
            for plot in (self.series_plot, self.profile_plot):
                plot.setTitle(None)
                plot.setLabel("left", None)
                plot.getAxis("left").showLabel(False)
                plot.setLabel("bottom", None)
                plot.getAxis("bottom").showLabel(False)
        else:
            self.series_plot.setLabel("left", axis)
            self.profile_plot.setLabel("left", f"{label} (log)")
            self.series_plot.setLabel("bottom", "step")
            self.profile_plot.setLabel("bottom", "layer (input → output)")
        if key:  # narrow: the colour key and the summary in one row of titles
            self.series_plot.setTitle(key, size=size)
            self._fit_profile_title()
        elif not self._compact:
            # pyqtgraph's default title size again (a narrow dock's key made it smaller)
            self.series_plot.setTitle(
                f"{label} per layer over training", color=FOREGROUND, size="11pt"
            )
            self.profile_plot.setTitle(f"now: {label} across depth", color=FOREGROUND, size="11pt")

    def _on_profile_resized(self, *_args) -> None:
        self._update_layer_ticks()
        self._fit_profile_title()

    def _update_layer_ticks(self) -> None:
        """Layer numbers under the bars: every one, or every k-th (and the last) when the bars
        are too narrow for them all."""
        L = self._L
        px = self.profile_plot.getViewBox().width() / max(L, 1)
        every = 1 if px >= 12 or px <= 0 else math.ceil(12 / px)
        if every == getattr(self, "_layer_ticks_every", 0):
            return
        self._layer_ticks_every = every
        shown = [l for l in range(1, L + 1) if (l - 1) % every == 0 or l == L]
        if len(shown) >= 2 and shown[-1] - shown[-2] < every:
            shown.pop(-2)  # the last one, not its crowded neighbour
        self.profile_plot.getAxis("bottom").setTicks([[(l, str(l)) for l in shown]])

    def _fit_profile_title(self, *_args) -> None:
        """Narrow dock: the profile's title is the summary in the longest wording that fits the
        profile plot (refitted when the layout gives the plot another width)."""
        if self._legend_shown:
            return
        size = 8.0 if self._compact else 9.0
        room = self.profile_plot.getViewBox().width() + 4  # the title sits over the view box
        text = fitting(self._summary[1:], room, size) or f"now: {QUANTITIES[self.quantity][1]}"
        if text != self.profile_plot.titleLabel.text:
            self.profile_plot.setTitle(text, color=FOREGROUND, size=f"{size:g}pt")
            self.graphics.setToolTip(self._summary[0] if self._summary else "")

    def colour_key(self) -> str:
        """The compact legend of a narrow dock (HTML): "layer ━1 ━2 … ━10", each number in its
        curve's colour, the layers the verdict names in bold red; at most ``KEY_MAX_LAYERS``
        numbers (evenly spread, first and last always)."""
        L = self._L
        if L == 0:
            return ""
        colours = depth_colours(L)
        shown = sorted({round(i * (L - 1) / (KEY_MAX_LAYERS - 1)) for i in range(KEY_MAX_LAYERS)})
        parts = []
        for l0 in shown if L > KEY_MAX_LAYERS else range(L):
            l = l0 + 1
            num = f"<b>{l}</b>" if l in self._highlight else str(l)
            num_colour = ALARM if l in self._highlight else FOREGROUND
            parts.append(
                f"<span style='color:{colours[l0].name()}'>━</span>"
                f"<span style='color:{num_colour}'>{num}</span>"
            )
        return f"<span style='color:{FOREGROUND}'>layer</span> " + " ".join(parts)

    def _update_pens(self) -> None:
        colours = depth_colours(self._L)
        for l, c in enumerate(self._curves):
            width = 2 if (l + 1) in self._highlight else 1
            c.setPen(pg.mkPen(colours[l], width=width))
        if not self._legend_shown:
            self._update_labels()  # the colour key marks the named layers

    def _draw(self) -> None:
        if self._dirty:
            self._dirty = False
            self._draw_curves()
        self._draw_profile()

    def _draw_curves(self) -> None:
        """The rows in view, thinned to ``POINTS_PER_PIXEL`` per pixel column (each column's
        min and max: peaks stay, every stretch of the run is drawn)."""
        buf = (self._smoothed if self.smooth else self._logs).get(self.quantity)
        if buf is None or not self._curves:
            return
        x, y = buf.x, buf.y
        finite = self._finite[self.quantity]
        vb = self.series_plot.getViewBox()
        xd, yd = x, y
        if len(x):
            px = max(100, int(vb.width()))
            buckets = px * POINTS_PER_PIXEL // 2
            if vb.autoRangeEnabled()[0]:  # the whole run: complete buckets are kept between frames
                xd, yd = self._thinner.thin(buf, buckets)
            else:  # zoomed by hand: the rows in view (and one beyond each side)
                x0, x1 = vb.viewRange()[0]
                lo = max(0, int(np.searchsorted(x, x0, side="left")) - 1)
                hi = min(len(x), int(np.searchsorted(x, x1, side="right")) + 1)
                xd, yd = peak_decimate(x[lo:hi], y[lo:hi], buckets)
        self._drawing = True
        try:
            for l, c in enumerate(self._curves):
                c.setData(
                    xd, yd[:, l], skipFiniteCheck=finite, connect="all" if finite else "finite"
                )
        finally:
            self._drawing = False
        pts = [
            (x[-1], y[-1, l - 1])
            for l in self._highlight
            if len(x) and 0 < l <= self._L and math.isfinite(y[-1, l - 1])
        ]
        self._markers.setData([p[0] for p in pts], [p[1] for p in pts])

    def _draw_profile(self) -> None:
        L = self._L
        values = self._last.get(self.quantity)
        if L == 0 or values is None:
            return
        logs = safe_log10(values)
        finite = np.isfinite(logs)
        if not finite.any():
            return
        lo = math.floor(np.nanmin(logs[finite])) - 1
        hi = math.ceil(np.nanmax(logs[finite])) + 1
        grad = self.quantity == "grad_norm"
        # the alarm lines, when a bar comes within a decade of them
        cut = logs[-1] + math.log10(DEFAULT_THRESHOLDS.vanish_ratio) if finite[-1] else math.nan
        show_vanish = (
            grad and L >= 3 and bool(np.nanmin(logs[finite][:-1] if L > 1 else [0]) <= cut + 1)
        )
        if show_vanish:
            self._vanish_line.setValue(cut)
            lo = min(lo, math.floor(cut) - 1)
        self._vanish_line.setVisible(show_vanish)
        boom = math.log10(DEFAULT_THRESHOLDS.explode_norm)
        show_explode = grad and float(np.nanmax(logs[finite])) >= boom - 1
        if show_explode:
            hi = max(hi, math.ceil(boom) + 1)
        self._explode_line.setVisible(show_explode)
        lo = max(lo, LOG_FLOOR)
        heights = np.where(finite, logs - lo, 0.0)
        colours = depth_colours(L)
        pens = [
            pg.mkPen(ALARM, width=3) if (l + 1) in self._highlight else pg.mkPen(colours[l])
            for l in range(L)
        ]
        self._bars.setOpts(x=np.arange(1, L + 1), height=heights, y0=np.full(L, lo), pens=pens)
        self.profile_plot.setYRange(lo, hi, padding=0)
        # value labels only where the bars are wide enough to carry them without overlapping
        roomy = self.profile_plot.getViewBox().width() / max(L, 1) >= BAR_LABEL_MIN_PX
        for l, t in enumerate(self._bar_text):
            if finite[l] and roomy:
                t.setText(format_value(values[l]))
                t.setColor(ALARM if (l + 1) in self._highlight else FOREGROUND)
                t.setPos(l + 1, logs[l])
            else:
                t.setText("")
        variants: list[str] = []
        if L >= 2 and finite[0] and finite[-1] and values[-1] > 0 and values[0] > 0:
            k = power_label(round(math.log10(values[0] / values[-1])))
            what = QUANTITIES[self.quantity][1]
            variants = [
                f"now: layer 1 gets {k} × layer {L}'s {what}",
                f"now: layer 1 gets {k} × layer {L}'s",
                f"layer 1 gets {k} × layer {L}'s",
                f"layer 1: {k} × layer {L}",
                f"1 vs {L}: {k}",
            ]
        self.profile_label.set_variants(variants)
        if variants != self._summary:
            self._summary = variants
            if not self._legend_shown:
                self._update_labels()


def main() -> None:
    from playground.ui.inside.standalone import run_standalone

    run_standalone(GradientPlot)


if __name__ == "__main__":
    main()

"""``gradient_plot``: how much gradient reaches each layer, over time and across depth.

Left: ‖∂J/∂W^[l]‖ per layer over steps (switchable to ‖δ^[l]‖ or the update ratio
‖ΔW^[l]‖/‖W^[l]‖), log y-axis, one curve per layer coloured by depth (dark = input side, light =
output side). Right: the current *gradient profile* — one bar per layer on the same log scale — so a
vanishing cascade reads as a staircase down toward the input and an exploding one as a staircase up.
Layers named by an unhealthy verdict get a red marker and a red outline.

The series come from ``Snapshot.history`` (every recorded step since the previous snapshot, so the
curves have no gaps); they live in ``SeriesBuffer``s (grown by doubling, bounded, older half thinned
when full) as log10 values, drawn with width-1 pens, ``clipToView`` and ``autoDownsample``.

Standalone: ``python -m playground.ui.inside.gradient_plot [preset or file.json]``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from playground.training import DEFAULT_THRESHOLDS, Snapshot
from playground.ui.inside.common import (
    ALARM,
    FOREGROUND,
    LOG_FLOOR,
    PowerAxis,
    SeriesBuffer,
    depth_colours,
    graphics_widget,
    power_label,
    safe_log10,
    style_plot,
)

#: quantity key → (History field, label, axis label)
QUANTITIES = {
    "grad_norm": ("grad_norm", "‖∂J/∂W‖", "‖∂J/∂W^[l]‖ (log)"),
    "delta_norm": ("delta_norm", "‖δ‖", "‖δ^[l]‖, mean over the batch (log)"),
    "update_ratio": ("update_ratio", "‖ΔW‖ / ‖W‖", "update ratio ‖ΔW^[l]‖/‖W^[l]‖ (log)"),
}
UNHEALTHY = ("vanishing", "exploding", "dead", "saturated", "nan")


class GradientPlot(QWidget):
    """Per-layer gradient norms over time (log) and the current profile across depth."""

    #: rows kept per quantity before the past is thinned
    MAX_POINTS = 200_000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradient_plot")
        self.setWindowTitle("Gradients per layer")
        self.quantity = "grad_norm"
        self._L = 0
        self._activations: tuple[str, ...] = ()
        self._buffers: dict[str, SeriesBuffer] = {}  # raw values
        self._logs: dict[str, SeriesBuffer] = {}  # log10 values (what is drawn)
        self._curves: list[pg.PlotDataItem] = []
        self._highlight: tuple[int, ...] = ()
        self._last: dict[str, np.ndarray] = {}
        self._ratio_text = ""

        # quantity switch
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        bar.addWidget(QLabel("Show:"))
        self._group = QButtonGroup(self)
        for key, (_, label, _) in QUANTITIES.items():
            b = QRadioButton(label)
            b.setObjectName(f"gradient_quantity_{key}")
            b.setProperty("quantity", key)
            b.setToolTip({
                "grad_norm": "Frobenius norm of the batch-mean gradient ∂J/∂W^[l] of each layer",
                "delta_norm": "mean over the batch of the error vectors' norms ‖δ^[l]‖ = ‖∂L/∂z^[l]‖",
                "update_ratio": "how much the step just taken changed each layer's weights, "
                                "relative to their size (≈ 10⁻³ is typical of healthy training)",
            }[key])
            self._group.addButton(b)
            bar.addWidget(b)
            if key == self.quantity:
                b.setChecked(True)
        self._group.buttonToggled.connect(self._on_quantity_toggled)
        bar.addStretch(1)
        self.profile_label = QLabel("")
        self.profile_label.setObjectName("gradient_profile_label")
        bar.addWidget(self.profile_label)

        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)

        lay = self.graphics.ci
        # time series (left)
        self.series_plot = lay.addPlot(row=0, col=0, axisItems={"left": PowerAxis("left")})
        style_plot(self.series_plot)
        self.series_plot.setLabel("bottom", "step")
        self.series_plot.showGrid(x=False, y=True, alpha=0.25)
        self.series_plot.setClipToView(True)
        self.series_plot.setDownsampling(auto=True, mode="peak")
        self.legend = self.series_plot.addLegend(offset=(-4, 4), labelTextSize="8pt",
                                                 brush=pg.mkBrush(255, 255, 255, 200),
                                                 pen=pg.mkPen("#bbbbbb"), labelTextColor=FOREGROUND)
        self._markers = pg.ScatterPlotItem(size=11, pen=pg.mkPen(ALARM, width=2),
                                           brush=pg.mkBrush(0, 0, 0, 0), symbol="o")
        self._markers.setZValue(10)
        self.series_plot.addItem(self._markers)
        # profile across depth (right)
        self.profile_plot = lay.addPlot(row=0, col=1, axisItems={"left": PowerAxis("left")})
        style_plot(self.profile_plot)
        self.profile_plot.setLabel("bottom", "layer (input → output)")
        self.profile_plot.showGrid(x=False, y=True, alpha=0.25)
        self.profile_plot.setMouseEnabled(x=False, y=False)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, y0=0)
        self.profile_plot.addItem(self._bars)
        self._threshold = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(ALARM, width=1, style=Qt.PenStyle.DashLine),
            label="vanishing below", labelOpts={"position": 0.02, "color": ALARM,
                                                "anchors": [(0, 1), (0, 1)]})
        self._threshold.setVisible(False)
        self.profile_plot.addItem(self._threshold)
        self._bar_text: list[pg.TextItem] = []
        lay.layout.setColumnStretchFactor(0, 3)
        lay.layout.setColumnStretchFactor(1, 1)
        self._update_labels()

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        L = len(snapshot.layers)
        acts = tuple(s.activation for s in snapshot.layers)
        if L != self._L or acts != self._activations:
            self._rebuild(L, acts)
        h = snapshot.history
        if len(h):
            if len(self._buffers["grad_norm"]) and h.step[0] <= self._buffers["grad_norm"].x[-1]:
                # the run restarted without clear() (a new trainer): start over
                self._rebuild(L, acts)
            for key, (field, _, _) in QUANTITIES.items():
                values = getattr(h, field)
                self._buffers[key].append(h.step, values)
                self._logs[key].append(h.step, safe_log10(values))
                self._last[key] = np.asarray(values[-1], dtype=float)
            self._update_curves()
        health = snapshot.health
        hl = tuple(health.layers) if health.verdict in UNHEALTHY else ()
        self._highlight = hl
        self._update_profile(snapshot)

    def clear(self) -> None:
        self._rebuild(self._L, self._activations)

    def export_target(self) -> object:
        return self.graphics.ci

    def table(self) -> tuple[list[str], list[list[object]]]:
        """step, then one column per layer of the shown quantity, for the kept history."""
        buf = self._buffers.get(self.quantity)
        header = ["step"] + [f"{self.quantity}_{l}" for l in range(1, self._L + 1)]
        if buf is None:
            return header, []
        rows = [[int(s), *map(float, v)] for s, v in zip(buf.x, buf.y, strict=True)]
        return header, rows

    # -- API ---------------------------------------------------------------------------------
    def set_quantity(self, key: str) -> None:
        """Show ``grad_norm``, ``delta_norm`` or ``update_ratio``."""
        if key not in QUANTITIES:
            raise ValueError(f"unknown quantity {key!r} (allowed: {', '.join(QUANTITIES)})")
        for b in self._group.buttons():
            if b.property("quantity") == key and not b.isChecked():
                b.setChecked(True)  # re-enters through _on_quantity_toggled
                return
        self.quantity = key
        self._update_labels()
        self._update_curves()
        self._update_profile(None)

    def series(self, key: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(steps (k,), values (k, L)) kept for ``key`` (default: the shown quantity)."""
        buf = self._buffers.get(key or self.quantity)
        if buf is None:
            return np.zeros(0, np.int64), np.zeros((0, self._L))
        return buf.x.copy(), buf.y.copy()

    @property
    def highlighted(self) -> tuple[int, ...]:
        return self._highlight

    # -- internals ---------------------------------------------------------------------------
    def _on_quantity_toggled(self, button, checked: bool) -> None:
        if checked:
            self.set_quantity(button.property("quantity"))

    def _rebuild(self, L: int, activations: tuple[str, ...]) -> None:
        self._L, self._activations = L, activations
        for c in self._curves:
            self.series_plot.removeItem(c)
        self.legend.clear()
        self._curves = []
        self._buffers = {k: SeriesBuffer(L, self.MAX_POINTS) for k in QUANTITIES}
        self._logs = {k: SeriesBuffer(L, self.MAX_POINTS) for k in QUANTITIES}
        self._last = {}
        self._highlight = ()
        self._markers.setData([], [])
        colours = depth_colours(L)
        for l in range(L):
            c = pg.PlotDataItem(pen=pg.mkPen(colours[l], width=1), name=self._layer_name(l + 1),
                                clipToView=True, autoDownsample=True, downsampleMethod="peak")
            self.series_plot.addItem(c)
            self._curves.append(c)
        self.legend.setColumnCount(1 if L <= 6 else 2)
        for t in self._bar_text:
            self.profile_plot.removeItem(t)
        self._bar_text = []
        for _ in range(L):
            t = pg.TextItem("", color=FOREGROUND, anchor=(0.5, 1.0))
            self.profile_plot.addItem(t)
            self._bar_text.append(t)
        self._bars.setOpts(x=np.arange(1, L + 1), height=np.zeros(L), y0=np.zeros(L),
                           brushes=[pg.mkBrush(c) for c in colours],
                           pens=[pg.mkPen(c) for c in colours])
        self.profile_plot.setXRange(0.4, L + 0.6, padding=0)
        ax = self.profile_plot.getAxis("bottom")
        ax.setTicks([[(l, str(l)) for l in range(1, L + 1)]])
        self._threshold.setVisible(False)
        self.profile_label.setText("")

    def _layer_name(self, l: int) -> str:
        act = self._activations[l - 1] if l - 1 < len(self._activations) else ""
        return f"layer {l} ({act})" if act else f"layer {l}"

    def _update_labels(self) -> None:
        _, label, axis = QUANTITIES[self.quantity]
        self.series_plot.setLabel("left", axis)
        self.series_plot.setTitle(f"{label} per layer over training")
        self.profile_plot.setTitle(f"now: {label} across depth")

    def _update_curves(self) -> None:
        buf = self._logs.get(self.quantity)
        if buf is None or not self._curves:
            return
        x, y = buf.x, buf.y
        finite = bool(np.isfinite(y).all())
        for l, c in enumerate(self._curves):
            c.setData(x, y[:, l], skipFiniteCheck=finite, connect="all" if finite else "finite")
        if self._highlight and len(x):
            pts = [(x[-1], y[-1, l - 1]) for l in self._highlight
                   if 0 < l <= self._L and math.isfinite(y[-1, l - 1])]
            self._markers.setData([p[0] for p in pts], [p[1] for p in pts])
        else:
            self._markers.setData([], [])

    def _update_profile(self, snapshot: Snapshot | None) -> None:
        L = self._L
        if L == 0:
            return
        if snapshot is not None and self.quantity not in self._last and snapshot.layers:
            # no history yet (a fresh snapshot): use the layers' current values
            for key, (field, _, _) in QUANTITIES.items():
                self._last[key] = np.array([getattr(s, field) for s in snapshot.layers], float)
        values = self._last.get(self.quantity)
        if values is None:
            return
        logs = safe_log10(values)
        finite = np.isfinite(logs)
        if not finite.any():
            return
        lo = math.floor(np.nanmin(logs[finite])) - 1
        hi = math.ceil(np.nanmax(logs[finite])) + 1
        if self.quantity == "grad_norm" and L >= 3 and finite[-1]:
            cut = logs[-1] + math.log10(DEFAULT_THRESHOLDS.vanish_ratio)
            self._threshold.setValue(cut)
            self._threshold.setVisible(True)
            lo = min(lo, math.floor(cut) - 1)
        else:
            self._threshold.setVisible(False)
        lo = max(lo, LOG_FLOOR)
        heights = np.where(finite, logs - lo, 0.0)
        colours = depth_colours(L)
        pens = [pg.mkPen(ALARM, width=3) if (l + 1) in self._highlight else pg.mkPen(colours[l])
                for l in range(L)]
        self._bars.setOpts(x=np.arange(1, L + 1), height=heights, y0=np.full(L, lo), pens=pens)
        self.profile_plot.setYRange(lo, hi, padding=0)
        for l, t in enumerate(self._bar_text):
            if finite[l]:
                t.setText(f"{values[l]:.0e}".replace("e-0", "e-").replace("e+0", "e+"))
                t.setColor(ALARM if (l + 1) in self._highlight else FOREGROUND)
                t.setPos(l + 1, logs[l])
            else:
                t.setText("")
        text = ""
        if L >= 2 and finite[0] and finite[-1] and values[-1] > 0:
            r = values[0] / values[-1]
            if r > 0:
                text = (f"layer 1 gets {power_label(round(math.log10(r)))} × layer {L}'s "
                        f"{QUANTITIES[self.quantity][1]}")
        self.profile_label.setText(text)


def main() -> None:
    from playground.ui.inside.standalone import run_standalone

    run_standalone(GradientPlot)


if __name__ == "__main__":
    main()

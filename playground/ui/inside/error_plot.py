"""``error_plot``: the error vectors δ^[l] = ∂L/∂z^[l] of the current mini-batch, as heatmaps.

One heatmap per layer (``LayerStats.delta_sample``: n_l neurons × s examples of the last batch),
rows = neurons, columns = examples, on a diverging map centred on 0 (blue < 0 < red) with a
symmetric scale ±M. Three scales:

* ``layer``: each layer its own ±M_l (the structure inside every layer is readable);
* ``shared``: one ±M for all layers (a vanishing cascade fades toward the input);
* ``log``: sign(δ) · log10(|δ| / floor) with floor = M · 10⁻⁸ shared by all layers, levels ±8 —
  readable when δ spans orders of magnitude.

M adapts slowly (grows at once, decays ≈ 3% a frame) and levels are set explicitly, so the colours
do not flicker.

Standalone: ``python -m playground.ui.inside.error_plot [preset or file.json]``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.training import LayerStats, Snapshot
from playground.ui.inside.common import (
    FOREGROUND,
    StickyRange,
    diverging_lut,
    format_value,
    graphics_widget,
    grid_shape,
    scroll_area,
    small_multiples,
    style_plot_axis,
)
from playground.ui.inside.labels import FittingLabel, fitting

#: scale key → label
SCALES = {"layer": "linear, per layer", "shared": "linear, shared", "log": "log magnitude"}
#: decades shown by the log-magnitude scale
LOG_DECADES = 8


def log_magnitude(delta: np.ndarray, floor: float) -> np.ndarray:
    """sign(δ) · log10(|δ| / floor), 0 where |δ| ≤ floor (and for NaN)."""
    d = np.nan_to_num(np.asarray(delta, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.log10(np.maximum(np.abs(d), floor) / floor)
    return np.sign(d) * mag


#: the least height of one row of panels (the view scrolls below that)
MIN_ROW_HEIGHT = 120


class _Panel:
    def __init__(self, plot: pg.PlotItem, lut: np.ndarray) -> None:
        self.plot = plot
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(lut)
        self.image.setAutoDownsample(False)
        plot.addItem(self.image)
        self.scale = StickyRange(0.97)
        self.shape: tuple[int, int] = (0, 0)
        self.title = ""
        self.titles: list[str] = []  # longest first; the one that fits the panel is shown
        plot.getViewBox().sigResized.connect(self.fit_title)

    def fit_title(self, *_args) -> None:
        """The longest title that fits over the heatmap (refitted when the panel resizes)."""
        if not self.titles:
            return
        title = fitting(self.titles, self.plot.getViewBox().width() + 4)
        if title != self.title:
            self.plot.setTitle(title, size="8pt", color=FOREGROUND)
            self.title = title


class ErrorPlot(QWidget):
    """δ^[l] heatmaps (neurons × examples) per layer with a symmetric, slowly adapting scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_plot")
        self.setWindowTitle("Error vectors δ per layer")
        self.scale_mode = "log"
        self._cmap = pg.colormap.get("CET-D1")
        self._lut = diverging_lut()
        self.colorbar: pg.ColorBarItem | None = None
        self._colorbar_key: tuple | None = None
        self._panels: list[_Panel] = []
        self._key: tuple = ()
        self._cols = 0
        self._layers: tuple[LayerStats, ...] = ()
        self._shared = StickyRange(0.97)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        bar.addWidget(QLabel("Colour scale:"))
        self.scale_combo = QComboBox()
        self.scale_combo.setObjectName("error_scale_combo")
        for key, label in SCALES.items():
            self.scale_combo.addItem(label, key)
        self.scale_combo.setCurrentIndex(self.scale_combo.findData(self.scale_mode))
        self.scale_combo.setToolTip(
            "linear, per layer: each layer ±its own max |δ|; linear, shared: one ±max |δ| for "
            "all layers (vanishing δ fade out); log magnitude: sign(δ)·log10(|δ|/floor), floor = "
            f"max |δ| × 10⁻{LOG_DECADES}, so values across many orders of magnitude stay visible"
        )
        self.scale_combo.currentIndexChanged.connect(self._on_scale_changed)
        bar.addWidget(self.scale_combo)
        # shorter wordings in a narrow dock (it never widens the dock); the full one is the tooltip
        self.legend_label = FittingLabel()
        self.legend_label.set_variants(
            [
                "blue: δ < 0 · white: 0 · red: δ > 0 · rows: neurons · columns: examples of the "
                "batch",
                "blue < 0 < red · rows: neurons · columns: examples",
                "blue < 0 < red · rows: neurons",
                "blue < 0 < red",
            ]
        )
        self.legend_label.setStyleSheet(f"color: {FOREGROUND};")
        bar.addWidget(self.legend_label, 1)

        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(scroll_area(self.graphics), 1)

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        key = tuple(s.units for s in snapshot.layers)
        if key != self._key:
            self._rebuild(key)
        self._layers = snapshot.layers
        self._draw()

    def clear(self) -> None:
        self._layers = ()
        self._shared.reset()
        self._rebuild(())

    def export_target(self) -> object:
        return self.graphics.ci

    def table(self) -> tuple[list[str], list[list[object]]]:
        """layer, neuron, example, δ for every entry of the current δ samples (1-based)."""
        header = ["layer", "neuron", "example", "delta"]
        rows: list[list[object]] = []
        for s in self._layers:
            D = np.asarray(s.delta_sample)
            for i in range(D.shape[0]):
                for j in range(D.shape[1]):
                    rows.append([s.index, i + 1, j + 1, float(D[i, j])])
        return header, rows

    # -- API ---------------------------------------------------------------------------------
    def set_scale(self, mode: str) -> None:
        """``layer``, ``shared`` or ``log``."""
        if mode not in SCALES:
            raise ValueError(f"unknown scale {mode!r} (allowed: {', '.join(SCALES)})")
        i = self.scale_combo.findData(mode)
        if i != self.scale_combo.currentIndex():
            self.scale_combo.setCurrentIndex(i)  # re-enters through _on_scale_changed
            return
        self.scale_mode = mode
        self._draw()

    def levels(self) -> list[tuple[float, float]]:
        """The colour levels each layer's heatmap uses now (for tests)."""
        return [
            tuple(p.image.levels) if p.image.levels is not None else (0.0, 0.0)
            for p in self._panels
        ]

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Re-flow the small multiples when the width fits another number of columns."""
        super().resizeEvent(event)
        key = getattr(self, "_key", ())  # (resize events may come before __init__ ends)
        if key and grid_shape(len(key), self.graphics.width())[1] != self._cols:
            self._rebuild(self._key)
            self._draw()

    # -- internals ---------------------------------------------------------------------------
    def _on_scale_changed(self, index: int) -> None:
        self.set_scale(self.scale_combo.itemData(index))

    def _rebuild(self, key: tuple) -> None:
        self.colorbar = None
        self._key = key
        plots, rows, cols = small_multiples(self.graphics, len(key), MIN_ROW_HEIGHT)
        self._cols = cols
        for plot in plots:
            plot.invertY(True)  # neuron 1 at the top
            plot.hideAxis("bottom")
        self._panels = [_Panel(plot, self._lut) for plot in plots]
        if key:
            self.colorbar = pg.ColorBarItem(
                values=(-1, 1), colorMap=self._cmap, width=12, interactive=False, colorMapMenu=False
            )
            style_plot_axis(self.colorbar.axis)
            self.graphics.ci.addItem(self.colorbar, row=0, col=cols, rowspan=max(rows, 1))
            self._colorbar_key = None

    def _draw(self) -> None:
        layers = self._layers
        if not layers:
            return
        peaks = []
        for s in layers:
            D = np.asarray(s.delta_sample, dtype=float)
            finite = D[np.isfinite(D)]
            peaks.append(float(np.abs(finite).max()) if finite.size else 0.0)
        shared = self._shared.update(max(peaks))
        for panel, s, peak in zip(self._panels, layers, peaks, strict=True):
            own = panel.scale.update(peak)
            D = np.asarray(s.delta_sample, dtype=float)
            if self.scale_mode == "log":
                floor = (shared or 1.0) * 10.0**-LOG_DECADES
                img = log_magnitude(D, floor)
                levels = (-float(LOG_DECADES), float(LOG_DECADES))
            else:
                M = (shared if self.scale_mode == "shared" else own) or 1.0
                img = np.nan_to_num(D, nan=0.0, posinf=M, neginf=-M)
                levels = (-M, M)
            scale_text = "max |δ| " + format_value(peak)
            if img.size == 0:
                img = np.zeros((max(s.units, 1), 1))
            panel.image.setImage(img, autoLevels=False, levels=levels)
            if img.shape != panel.shape:
                panel.shape = img.shape
                panel.image.setRect(0, 0, img.shape[1], img.shape[0])
                panel.plot.setXRange(0, img.shape[1], padding=0)
                panel.plot.setYRange(0, img.shape[0], padding=0)
                n = img.shape[0]
                every = max(1, math.ceil(n / 8))
                panel.plot.getAxis("left").setTicks(
                    [[(i - 0.5, str(i)) for i in range(1, n + 1) if (i - 1) % every == 0]]
                )
            peak_text = format_value(peak)
            panel.titles = [
                f"<b>layer {s.index}</b> · <span style='color:#555'>{scale_text}</span>",
                f"<b>{s.index}</b> · <span style='color:#555'>max |δ| {peak_text}</span>",
                f"<b>{s.index}</b> · <span style='color:#555'>{peak_text}</span>",
            ]
            panel.fit_title()
        self._update_colorbar(shared)

    def _update_colorbar(self, shared: float) -> None:
        """Ticks of the colour bar: ±|δ| (shared), ±max (per layer) or ±floor·10^k (log)."""
        if self.colorbar is None:
            return
        mode = self.scale_mode
        if mode == "log":
            floor = (shared or 1.0) * 10.0**-LOG_DECADES
            key = (mode, f"{floor:.0e}")
            values = (-LOG_DECADES, LOG_DECADES)
            ticks = [(0.0, "0")]
            for k in range(2, LOG_DECADES + 1, 2):
                label = f"{floor * 10.0**k:.0e}".replace("e-0", "e-").replace("e+0", "e")
                ticks += [(k, label), (-k, "−" + label)]
            label = "sign(δ)·|δ| (log)"
        elif mode == "shared":
            M = shared or 1.0
            key = (mode, f"{M:.2g}")
            values = (-M, M)
            ticks = [(-M, f"−{M:.2g}"), (0.0, "0"), (M, f"{M:.2g}")]
            label = "δ"
        else:
            key = (mode,)
            values = (-1.0, 1.0)
            ticks = [(-1.0, "−max"), (0.0, "0"), (1.0, "+max")]
            label = "δ / max |δ| of the layer"
        if key == self._colorbar_key:
            return
        self._colorbar_key = key
        self.colorbar.setLevels(values=values, update_items=False)
        self.colorbar.axis.setTicks([ticks])
        self.colorbar.axis.setLabel(label, color=FOREGROUND)


def main() -> None:
    from playground.ui.inside.standalone import run_standalone

    run_standalone(ErrorPlot)


if __name__ == "__main__":
    main()

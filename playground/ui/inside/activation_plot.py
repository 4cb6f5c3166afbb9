"""``activation_plot``: the distribution of every layer's activations a^[l], live.

Small multiples, one histogram per layer (``LayerStats.activation_hist``: fixed bins over the
activation's range — [0, 1] for sigmoid, [−1, 1] for tanh, a sticky ±R for unbounded ones — over a
fixed sample of the training set). Bars where g′ ≈ 0 are coloured as a warning: the end bins of
sigmoid/tanh (saturated) and the bin at 0 of ReLU (inactive). Each panel prints the mean, the
standard deviation and the share of saturated or dead units (MATH.md definitions, on the last
batch), red when above the health threshold.

Items are created once per layer count and updated with ``setOpts``; ``clear()`` rebuilds.

Standalone: ``python -m playground.ui.inside.activation_plot [preset or file.json]``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.engine.names import RELU_FAMILY, SATURATING
from playground.training import DEFAULT_THRESHOLDS, LayerStats, Snapshot
from playground.ui.inside.common import (
    ALARM,
    FLAT,
    FOREGROUND,
    WARN,
    StickyRange,
    depth_colours,
    graphics_widget,
    grid_shape,
    scroll_area,
    small_multiples,
)
from playground.ui.inside.labels import fitting

#: the least height of one row of panels (the view scrolls below that)
MIN_ROW_HEIGHT = 130


class _Panel:
    """One layer's histogram: a plot, its bars and a caption."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], y0=0)
        plot.addItem(self.bars)
        self.ymax = StickyRange(0.98)
        self.edges: np.ndarray | None = None
        self.title = ""
        self.last_ylim = 0.0


class ActivationPlot(QWidget):
    """Activation histograms per layer with mean, std and saturated/dead shares."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activation_plot")
        self.setWindowTitle("Activations per layer")
        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(self.graphics))
        self._panels: list[_Panel] = []
        self._key: tuple = ()
        self._cols = 0
        self._layers: tuple[LayerStats, ...] = ()

    # -- SnapshotView ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        key = tuple((s.activation, s.units) for s in snapshot.layers)
        if key != self._key:
            self._rebuild(key)
        self._layers = snapshot.layers
        colours = depth_colours(len(snapshot.layers))
        for panel, stats, colour in zip(self._panels, snapshot.layers, colours, strict=True):
            self._update_panel(panel, stats, colour)

    def clear(self) -> None:
        self._layers = ()
        self._rebuild(())

    def export_target(self) -> object:
        return self.graphics.ci

    def table(self) -> tuple[list[str], list[list[object]]]:
        """layer, activation, bin edges and count of every histogram bin."""
        header = ["layer", "activation", "bin_low", "bin_high", "count"]
        rows: list[list[object]] = []
        for s in self._layers:
            e, c = s.activation_hist.edges, s.activation_hist.counts
            for i in range(len(c)):
                rows.append([s.index, s.activation, float(e[i]), float(e[i + 1]), int(c[i])])
        return header, rows

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Re-flow the small multiples when the width fits another number of columns, and fit
        the titles to the new width."""
        super().resizeEvent(event)
        key = getattr(self, "_key", ())  # (resize events may come before __init__ ends)
        if not key:
            return
        if grid_shape(len(key), self.graphics.width())[1] != self._cols:
            self._rebuild(self._key)
        colours = depth_colours(len(self._layers))
        for panel, stats, colour in zip(self._panels, self._layers, colours, strict=False):
            self._update_panel(panel, stats, colour)

    # -- internals ---------------------------------------------------------------------------
    def _rebuild(self, key: tuple) -> None:
        self._key = key
        plots, _rows, cols = small_multiples(self.graphics, len(key), MIN_ROW_HEIGHT)
        self._cols = cols
        for plot in plots:
            plot.hideAxis("left")
        self._panels = [_Panel(plot) for plot in plots]
        for c in range(cols):
            self.graphics.ci.layout.setColumnStretchFactor(c, 1)

    def _update_panel(self, panel: _Panel, s: LayerStats, colour) -> None:
        counts = np.asarray(s.activation_hist.counts, dtype=float)
        edges = np.asarray(s.activation_hist.edges, dtype=float)
        total = counts.sum()
        share = counts / total if total > 0 else counts
        if (
            panel.edges is None
            or panel.edges.shape != edges.shape
            or not np.array_equal(panel.edges, edges)
        ):
            panel.edges = edges.copy()
            panel.plot.setXRange(edges[0], edges[-1], padding=0.02)
        # the output layer saturating is a confident prediction, not an alarm (health.py looks
        # at hidden layers only)
        hidden = bool(self._layers) and s.index < len(self._layers)
        brushes = self._brushes(s, edges, colour, alarms=hidden)
        panel.bars.setOpts(
            x0=edges[:-1],
            x1=edges[1:],
            height=share,
            y0=0.0,
            brushes=brushes,
            pens=[pg.mkPen(None)] * len(share),
        )
        # ReLU's bin at 0 holds every inactive value and would flatten the rest: the y range
        # follows the other bins (the zero bar runs off the top; its share is in the title)
        rest = share
        i0 = self._zero_bin(s, edges)
        if i0 is not None and share.size > 1:
            rest = np.delete(share, i0)
        ylim = panel.ymax.update(float(rest.max()) * 1.15 if rest.size else 0.0)
        if ylim > 0 and abs(ylim - panel.last_ylim) > 0.01 * ylim:
            panel.plot.setYRange(0, ylim * 1.05, padding=0)
            panel.last_ylim = ylim
        title = fitting(self._titles(s, alarms=hidden), self._cell_width())
        if title != panel.title:
            panel.plot.setTitle(title, size="8pt", color=FOREGROUND)
            panel.title = title

    @staticmethod
    def _zero_bin(s: LayerStats, edges: np.ndarray) -> int | None:
        """The bin holding a = 0 of a ReLU layer (None for other activations)."""
        if s.activation != "relu" or len(edges) < 2:
            return None
        i0 = int(np.searchsorted(edges, 0.0, side="right") - 1)
        return i0 if 0 <= i0 < len(edges) - 1 else None

    @classmethod
    def _brushes(cls, s: LayerStats, edges: np.ndarray, colour, alarms: bool = True) -> list:
        """Depth colour; the bins where g′ ≈ 0 (sigmoid/tanh end bins, ReLU's 0) in grey, or in
        amber when the layer's saturated/dead share is above the health threshold (``alarms``:
        a hidden layer)."""
        t = DEFAULT_THRESHOLDS
        n = len(edges) - 1
        brushes = [pg.mkBrush(colour)] * n
        if n == 0:
            return brushes
        if s.activation in SATURATING:
            alarm = s.saturated_fraction > t.saturated_fraction
            flat = [0, n - 1]  # the end bins hold the values at the limits
        elif s.activation in RELU_FAMILY:
            alarm = s.dead_fraction > t.dead_fraction
            i0 = int(np.searchsorted(edges, 0.0, side="right") - 1)
            flat = [i0] if 0 <= i0 < n and s.activation == "relu" else []
        else:
            return brushes
        brush = pg.mkBrush(WARN if alarm and alarms else FLAT)
        for i in flat:
            brushes[i] = brush
        return brushes

    @staticmethod
    def caption(s: LayerStats) -> str:
        """Plain text of a panel's statistics: mean, std and the saturated or dead share."""
        text = f"mean {_fmt(s.activation_mean)} · std {_fmt(s.activation_std)}"
        if s.activation in SATURATING and math.isfinite(s.saturated_fraction):
            text += f" · saturated {s.saturated_fraction:.0%}"
        elif s.activation in RELU_FAMILY and math.isfinite(s.dead_fraction):
            text += f" · dead {s.dead_fraction:.0%}"
        return text

    def _cell_width(self) -> float:
        """The width of one panel's title (the grid's share, less the spacing)."""
        return self.graphics.width() / max(self._cols, 1) - 6

    @classmethod
    def _titles(cls, s: LayerStats, alarms: bool = True) -> list[str]:
        """Two-line HTML titles, longest first (the panel shows the longest that fits); the
        saturated/dead share in red above the health threshold (``alarms``: a hidden layer)."""
        t = DEFAULT_THRESHOLDS
        share, limit, word, short = math.nan, math.inf, "", ""
        if s.activation in SATURATING:
            share, limit, word, short = (
                s.saturated_fraction,
                t.saturated_fraction,
                "saturated",
                "sat.",
            )
        elif s.activation in RELU_FAMILY:
            share, limit, word, short = s.dead_fraction, t.dead_fraction, "dead", "dead"
        alarm = alarms and math.isfinite(share) and share > limit
        colour = ALARM if alarm else FOREGROUND
        mean, std = _fmt(s.activation_mean), _fmt(s.activation_std)
        zero = cls._zero_share(s)

        def share_text(word: str) -> str:
            if not math.isfinite(share):
                return ""
            return f"<span style='color:{colour}'><b>{word} {share:.0%}</b></span>"

        def line(stats: str, word: str, zero_text: str) -> str:
            parts = [stats, share_text(word) if word else ""]
            if zero is not None:
                parts.append(f"{zero_text}{zero:.0%}")
            return " · ".join(p for p in parts if p)

        head = f"<b>layer {s.index}</b> · {s.activation}"
        small = f"<b>{s.index}</b> · {s.activation}"
        small += f" · {share_text(short)}" if math.isfinite(share) else ""
        return [
            f"{head} · {s.units} units<br>{line(f'mean {mean} · std {std}', word, 'a = 0: ')}",
            f"{head}<br>{line(f'mean {mean} · std {std}', short, '0: ')}",
            f"{small}<br>{line(f'μ {mean} σ {std}', '', '0: ')}",
            f"{small}<br>{line('', '', '0: ')}",
        ]

    @classmethod
    def _zero_share(cls, s: LayerStats) -> float | None:
        i0 = cls._zero_bin(s, np.asarray(s.activation_hist.edges))
        counts = np.asarray(s.activation_hist.counts, dtype=float)
        if i0 is None or counts.sum() <= 0:
            return None
        return float(counts[i0] / counts.sum())


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "—"
    return f"{x:.2g}" if abs(x) < 1e-2 and x != 0 else f"{x:.2f}"


def main() -> None:
    from playground.ui.inside.standalone import run_standalone

    run_standalone(ActivationPlot)


if __name__ == "__main__":
    main()

"""The Compare window: one experiment, 2–4 initializations (or hidden activations), side by side.

The live, multi-layer version of the deeplearning.ai initialization demo: pick what to vary and the
variants, press play, and watch every variant's gradient profile (a bar per layer, log scale, the
same axis for all), its health verdict, and all loss curves together. Same data, same seeds; only
the initialization (or the hidden activation) differs.

Training runs in one worker thread (``playground.training.compare.CompareRunner``); a 30 Hz timer
takes each variant's newest snapshot. Closing the window stops the worker.

Standalone: ``python -m playground.ui.compare [preset or file.json]``.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.engine.names import ACTIVATIONS
from playground.training import Snapshot
from playground.training.compare import (
    ACTIVATION_CHOICES,
    INIT_CHOICES,
    MAX_VARIANTS,
    CompareRunner,
    Variant,
    activation_variants,
    init_variants,
)
from playground.ui.inside.banner import HealthBanner
from playground.ui.inside.common import (
    ALARM,
    FOREGROUND,
    LOG_FLOOR,
    PowerAxis,
    SeriesBuffer,
    format_value,
    graphics_widget,
    safe_log10,
    style_plot,
)

#: one colour per variant (loss curves, bars, titles): Tableau's blue, orange, green and purple —
#: not its red, which is the alarm colour that outlines the bars of the layers a verdict names
VARIANT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
#: the loss axis covers these quantiles of all loss points (and every curve's newest point), so
#: an early spike does not squash the curves into a line
LOSS_QUANTILES = (0.02, 0.98)
#: the least span of the loss axis (decades): flat curves at 0.69 still get a readable axis
LOSS_MIN_SPAN = 0.08
DEFAULT_INITS = ("zeros", "normal", "he_normal", "xavier_normal")
DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


def robust_range(curves: list[np.ndarray]) -> tuple[float, float] | None:
    """A y range (log10 units) for several loss curves: the ``LOSS_QUANTILES`` of all their
    finite points, widened to every curve's newest point, padded by 8%, at least
    ``LOSS_MIN_SPAN`` wide; None when there is no finite point. Long curves are subsampled
    (at most ~2000 points each) so that a frame stays cheap."""
    parts, lasts = [], []
    for y in curves:
        if not len(y):
            continue
        part = y[:: max(1, len(y) // 2000)]
        parts.append(part[np.isfinite(part)])
        if np.isfinite(y[-1]):
            lasts.append(float(y[-1]))
    values = np.concatenate(parts) if parts else np.zeros(0)
    if values.size == 0:
        return None
    lo, hi = (float(q) for q in np.quantile(values, LOSS_QUANTILES))
    lo, hi = min([lo, *lasts]), max([hi, *lasts])
    pad = max(0.08 * (hi - lo), (LOSS_MIN_SPAN - (hi - lo)) / 2)
    return lo - pad, hi + pad


class _Column:
    """One variant's column: title, health banner and gradient profile."""

    def __init__(self, k: int, plot: pg.PlotItem, banner: HealthBanner) -> None:
        self.k = k
        self.plot = plot
        self.banner = banner
        self.bars = pg.BarGraphItem(
            x=[], height=[], width=0.7, y0=0, brush=pg.mkBrush(VARIANT_COLOURS[k])
        )
        plot.addItem(self.bars)
        self.last: np.ndarray | None = None
        self.L = 0


class CompareWindow(QWidget):
    """Run ``experiment`` with 2–4 variants side by side (a top-level window)."""

    def __init__(self, experiment: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_window")
        self.setWindowTitle(f"Compare — {experiment.get('name') or 'experiment'}")
        self.experiment = experiment
        self.runner: CompareRunner | None = None
        self.variants: list[Variant] = []
        self._columns: list[_Column] = []
        self._loss: list[SeriesBuffer] = []
        self._loss_curves: list[pg.PlotDataItem] = []
        self._loss_range: tuple[float, float] | None = None
        self._updating = True
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(33)
        self.timer.timeout.connect(self._on_tick)
        self._updating = False
        self._on_vary_changed()

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        vary_row = QHBoxLayout()
        vary_row.addWidget(QLabel("Vary:"))
        self.vary_combo = QComboBox()
        self.vary_combo.setObjectName("compare_vary_combo")
        self.vary_combo.addItem("Initialization", "init")
        self.vary_combo.addItem("Hidden activation", "activation")
        self.vary_combo.currentIndexChanged.connect(self._on_vary_changed)
        vary_row.addWidget(self.vary_combo)
        vary_row.addStretch(1)
        variant_row = QHBoxLayout()
        self.variant_checks: list[QCheckBox] = []
        self.variant_combos: list[QComboBox] = []
        for k in range(MAX_VARIANTS):
            check = QCheckBox(f"{k + 1}")
            check.setObjectName(f"compare_variant_check_{k + 1}")
            check.setChecked(k < 3)
            check.setToolTip(f"compare variant {k + 1}")
            check.setStyleSheet(f"QCheckBox {{ color: {VARIANT_COLOURS[k]}; font-weight: 600; }}")
            combo = QComboBox()
            combo.setObjectName(f"compare_variant_combo_{k + 1}")
            variant_row.addWidget(check)
            variant_row.addWidget(combo, 1)
            check.toggled.connect(self._on_choice_changed)
            combo.currentIndexChanged.connect(self._on_choice_changed)
            self.variant_checks.append(check)
            self.variant_combos.append(combo)
        bar = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("compare_play_button")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.step_button = QPushButton("Step")
        self.step_button.setObjectName("compare_step_button")
        self.step_button.clicked.connect(lambda: self.step(1))
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("compare_reset_button")
        self.reset_button.clicked.connect(self.reset)
        self.step_label = QLabel("step 0")
        self.step_label.setObjectName("compare_step_label")
        for w in (self.play_button, self.step_button, self.reset_button, self.step_label):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(QLabel("Same data and seeds; only the chosen part of the model differs."))

        self.banner_row = QHBoxLayout()
        self.graphics = graphics_widget(self)
        layout = QVBoxLayout(self)
        layout.addLayout(vary_row)
        layout.addLayout(variant_row)
        layout.addLayout(bar)
        layout.addLayout(self.banner_row)
        layout.addWidget(self.graphics, 1)
        self.resize(1300, 800)

    def _on_choice_changed(self, *_args) -> None:
        if not self._updating:
            self.reset()

    def _on_vary_changed(self, *_args) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self._fill_combos()
        finally:
            self._updating = False
        self.reset()

    def _fill_combos(self) -> None:
        """The choices of what is varied, with the defaults selected."""
        vary = self.vary_combo.currentData()
        for k, combo in enumerate(self.variant_combos):
            combo.clear()
            if vary == "init":
                for key, (label, _) in INIT_CHOICES.items():
                    combo.addItem(label, key)
                combo.setCurrentIndex(combo.findData(DEFAULT_INITS[k]))
            else:
                for name in ACTIVATION_CHOICES:
                    combo.addItem(ACTIVATIONS[name][0], name)
                combo.setCurrentIndex(combo.findData(DEFAULT_ACTIVATIONS[k]))

    # -- API ---------------------------------------------------------------------------------
    def set_variants(self, vary: str, choices: list[str]) -> None:
        """Choose what to vary (``init`` or ``activation``) and 2–4 choices (``INIT_CHOICES``
        keys or activation names); the run is reset."""
        if not 2 <= len(choices) <= MAX_VARIANTS:
            raise ValueError(f"choose 2 to {MAX_VARIANTS} variants, got {len(choices)}")
        self._updating = True
        try:
            self.vary_combo.setCurrentIndex(self.vary_combo.findData(vary))
            self._fill_combos()
            for k in range(MAX_VARIANTS):
                self.variant_checks[k].setChecked(k < len(choices))
                if k < len(choices):
                    i = self.variant_combos[k].findData(choices[k])
                    if i < 0:
                        raise ValueError(f"unknown {vary} choice {choices[k]!r}")
                    self.variant_combos[k].setCurrentIndex(i)
        finally:
            self._updating = False
        self.reset()

    def chosen(self) -> tuple[str, list[str]]:
        vary = self.vary_combo.currentData()
        return vary, [
            c.currentData()
            for c, check in zip(self.variant_combos, self.variant_checks, strict=True)
            if check.isChecked()
        ]

    def play(self) -> None:
        if not self.play_button.isChecked():
            self.play_button.setChecked(True)

    def pause(self) -> None:
        if self.play_button.isChecked():
            self.play_button.setChecked(False)

    def step(self, n: int = 1) -> None:
        self.pause()
        if self.runner is not None:
            self.runner.step(n)

    def reset(self) -> None:
        """Build fresh trainers for the chosen variants (stops the running ones)."""
        self.pause()
        self._stop_runner()
        vary, choices = self.chosen()
        if len(choices) < 2:
            self._show_columns([])
            self.step_label.setText("choose at least 2 variants")
            return
        try:
            make = init_variants if vary == "init" else activation_variants
            self.variants = make(self.experiment, choices)
            self.runner = CompareRunner([v.experiment for v in self.variants])
        except (ValueError, KeyError) as exc:
            self.variants, self.runner = [], None
            self._show_columns([])
            self.step_label.setText(f"cannot compare: {exc}")
            return
        self._show_columns(self.variants)
        self.runner.start()
        self.timer.start()
        self.step_label.setText("step 0")

    def stop(self) -> bool:
        """Stop training and the timer; True when the worker ended."""
        self.timer.stop()
        return self._stop_runner()

    def verdicts(self) -> list[str]:
        """The health verdict each variant shows now."""
        return [c.banner.verdict for c in self._columns]

    def loss_series(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, log10 of the training loss) shown for variant k (0-based)."""
        buf = self._loss[k]
        return buf.x.copy(), buf.y[:, 0].copy()

    # -- internals ---------------------------------------------------------------------------
    def _stop_runner(self) -> bool:
        ok = True
        if self.runner is not None:
            ok = self.runner.stop()
            self.runner = None
        return ok

    def _show_columns(self, variants: list[Variant]) -> None:
        while self.banner_row.count():
            item = self.banner_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.graphics.ci.clear()
        self._columns, self._loss, self._loss_curves = [], [], []
        self._loss_range = None
        n = len(variants)
        first: pg.PlotItem | None = None
        for k, v in enumerate(variants):
            banner = HealthBanner(self)
            banner.setObjectName(f"compare_health_{k + 1}")
            self.banner_row.addWidget(banner, 1)
            plot = self.graphics.ci.addPlot(row=0, col=k, axisItems={"left": PowerAxis("left")})
            style_plot(plot)
            plot.setTitle(f"<b>{v.label}</b><br>‖∂J/∂W‖ per layer", color=VARIANT_COLOURS[k])
            plot.setLabel("bottom", "layer (input → output)")
            plot.setMouseEnabled(x=False, y=False)
            plot.showGrid(x=False, y=True, alpha=0.25)
            if first is None:
                first = plot
            else:
                plot.setYLink(first)
            self._columns.append(_Column(k, plot, banner))
        if n:
            self.loss_plot = self.graphics.ci.addPlot(
                row=1, col=0, colspan=n, axisItems={"left": PowerAxis("left")}
            )
            style_plot(self.loss_plot)
            self.loss_plot.setTitle("training loss J (log) — all variants", color=FOREGROUND)
            self.loss_plot.setLabel("bottom", "step")
            self.loss_plot.showGrid(x=False, y=True, alpha=0.25)
            self.loss_plot.enableAutoRange(x=True, y=False)  # y: ``_update_loss_range``
            legend = self.loss_plot.addLegend(
                offset=(-4, 4), labelTextColor=FOREGROUND, brush=pg.mkBrush(255, 255, 255, 200)
            )
            for k, v in enumerate(variants):
                c = pg.PlotDataItem(
                    pen=pg.mkPen(VARIANT_COLOURS[k], width=1),
                    clipToView=True,
                    autoDownsample=True,
                    downsampleMethod="peak",
                )
                self.loss_plot.addItem(c)
                legend.addItem(c, v.label)
                self._loss_curves.append(c)
                self._loss.append(SeriesBuffer(1, 100_000))
            self.graphics.ci.layout.setRowStretchFactor(0, 3)
            self.graphics.ci.layout.setRowStretchFactor(1, 2)

    def _on_play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if self.runner is None:
            return
        if on:
            self.runner.play()
        else:
            self.runner.pause()

    def _on_tick(self) -> None:
        runner = self.runner
        if runner is None:
            return
        snaps = runner.take()
        for k, snap in enumerate(snaps or ()):
            if k < len(self._columns):
                self._show(k, snap)
        if snaps:
            self._update_range()
            self._update_loss_range()
            self.step_label.setText(f"step {min(s.step for s in snaps)}")
        if snaps and self.play_button.isChecked() and all(s.divergence is not None for s in snaps):
            self.play_button.setChecked(False)  # every variant diverged: nothing left to play

    def _show(self, k: int, snap: Snapshot) -> None:
        col = self._columns[k]
        col.banner.show_snapshot(snap)
        ev = snap.evals
        if len(ev):
            buf = self._loss[k]
            new = ev.step > (buf.x[-1] if len(buf) else -1)
            if new.any():
                buf.append(ev.step[new], safe_log10(ev.train_loss[new])[:, None])
                finite = bool(np.isfinite(buf.y).all())
                self._loss_curves[k].setData(
                    buf.x,
                    buf.y[:, 0],
                    skipFiniteCheck=finite,
                    connect="all" if finite else "finite",
                )
        h = snap.history
        if len(h):
            col.last = np.asarray(h.grad_norm[-1], dtype=float)
        elif col.last is None and snap.layers:
            col.last = np.array([s.grad_norm for s in snap.layers], dtype=float)
        L = len(snap.layers)
        if L != col.L:
            col.L = L
            col.plot.setXRange(0.4, L + 0.6, padding=0)
            col.plot.getAxis("bottom").setTicks([[(l, str(l)) for l in range(1, L + 1)]])
        if snap.health.verdict in ("vanishing", "exploding", "dead", "saturated", "nan"):
            bad = set(snap.health.layers)
            col.bars.setOpts(
                pens=[
                    pg.mkPen(ALARM, width=3) if l + 1 in bad else pg.mkPen(VARIANT_COLOURS[k])
                    for l in range(L)
                ]
            )
        else:
            col.bars.setOpts(pens=[pg.mkPen(VARIANT_COLOURS[k])] * L)

    def _update_range(self) -> None:
        """One log range for every profile (so the bars compare across variants)."""
        logs = [safe_log10(c.last) for c in self._columns if c.last is not None]
        finite = np.concatenate([lg[np.isfinite(lg)] for lg in logs]) if logs else np.zeros(0)
        if finite.size == 0:
            return
        lo = max(math.floor(float(finite.min())) - 1, LOG_FLOOR)
        hi = math.ceil(float(finite.max())) + 1
        for col in self._columns:
            if col.last is None:
                continue
            lg = safe_log10(col.last)
            ok = np.isfinite(lg)
            col.bars.setOpts(
                x=np.arange(1, len(lg) + 1),
                y0=np.full(len(lg), lo),
                height=np.where(ok, lg - lo, 0.0),
            )
        self._columns[0].plot.setYRange(lo, hi, padding=0)
        for col in self._columns:
            if col.last is not None and len(col.last) >= 2 and col.last[-1] > 0:
                r = col.last[0] / col.last[-1]
                v = self.variants[col.k].label
                col.plot.setTitle(
                    f"<b>{v}</b><br>‖dW¹‖/‖dWᴸ‖ = {format_value(r)}", color=VARIANT_COLOURS[col.k]
                )

    def loss_range(self) -> tuple[float, float] | None:
        """The (log10) y range of the loss plot, None before the first loss point."""
        return self._loss_range if self._loss else None

    def _update_loss_range(self) -> None:
        """Range the loss axis on ``robust_range`` of the curves: a spike in the first steps
        goes off the top instead of squashing the rest of the run into a flat line."""
        rng = robust_range([buf.y[:, 0] for buf in self._loss])
        if rng is None:
            return
        lo, hi = rng
        old = self._loss_range
        # move the axis only when the data leave it or use less than 70% of it (no jitter)
        if old is None or lo < old[0] or hi > old[1] or (hi - lo) < 0.7 * (old[1] - old[0]):
            self._loss_range = (lo, hi)
            self.loss_plot.setYRange(lo, hi, padding=0)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop()
        super().closeEvent(event)


def main(argv: list[str] | None = None) -> int:
    from playground.ui.inside.standalone import load_preset

    args = sys.argv[1:] if argv is None else argv
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        experiment = load_preset(args[0] if args else "vanishing")
    except ValueError as exc:
        QMessageBox.critical(None, "Compare", str(exc))
        return 2
    window = CompareWindow(experiment)
    window.show()
    code = app.exec()
    window.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())

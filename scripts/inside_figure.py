"""The README's "inside" figure: banner, gradients, error vectors and weights of one preset.

    .venv/bin/python scripts/inside_figure.py [PRESET] [--steps N] [--out PNG]

Trains the preset headless (``playground.training.Trainer``), feeds a snapshot every 1/200 of the
run to the window's own views (``health_label``, ``gradient_plot``, ``error_plot``,
``weight_plot``) laid out in one offscreen widget, and saves a grab of it (1600 × 1300 pixels).
Default: ``vanishing``, 20,000 steps, ``resources/screenshots/vanishing.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", nargs="?", default="vanishing")
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots" / "vanishing.png"))
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from playground.data import make_dataset
    from playground.io import load_experiment
    from playground.training import Trainer
    from playground.ui.inside.banner import HealthBanner
    from playground.ui.inside.error_plot import ErrorPlot
    from playground.ui.inside.gradient_plot import GradientPlot
    from playground.ui.inside.weight_plot import WeightPlot
    from playground.ui.style import apply_palette

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_palette(app)
    exp = load_experiment(ROOT / "resources" / "presets" / f"{args.preset}.json")
    trainer = Trainer(exp, make_dataset(exp["data"]))

    figure = QWidget()
    figure.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    figure.setStyleSheet("background: white;")
    banner, gradients, errors, weights = HealthBanner(), GradientPlot(), ErrorPlot(), WeightPlot()
    errors.set_scale("log")
    grid = QGridLayout(figure)
    grid.addWidget(banner, 0, 0, 1, 2)
    grid.addWidget(gradients, 1, 0, 1, 2)
    grid.addWidget(errors, 2, 0)
    grid.addWidget(weights, 2, 1)
    grid.setRowStretch(1, 5)
    grid.setRowStretch(2, 6)
    figure.resize(1600, 1300)
    figure.show()

    chunk = max(1, args.steps // 200)
    while trainer.step_count < args.steps:
        trainer.train_steps(min(chunk, args.steps - trainer.step_count))
        snapshot = trainer.snapshot("epoch")
        for view in (banner, gradients, errors, weights):
            view.show_snapshot(snapshot)
        app.processEvents()
    app.processEvents()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    if not figure.grab().save(args.out):
        print(f"cannot write {args.out}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({args.preset}, {trainer.step_count} steps): {banner.text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Render the inside views of a preset to a PNG (offscreen), e.g. the README's vanishing picture:

``python -m playground.ui.inside.screenshot vanishing resources/screenshots/vanishing.png``

Trains the preset headless for ``--steps`` steps, feeding a snapshot to the views every
``--every`` steps (as the GUI's timer would), then grabs a banner over the gradient plot, with the
error vectors (log-magnitude scale) and the weights below.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", nargs="?", default="vanishing")
    parser.add_argument("out", nargs="?", default="inside.png")
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--size", default="1600x1300")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

    from playground.data import make_dataset
    from playground.training import Trainer
    from playground.ui.inside import InsideViews
    from playground.ui.inside.standalone import load_preset

    app = QApplication.instance() or QApplication(sys.argv[:1])
    exp = load_preset(args.preset)
    trainer = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
    window = QWidget()
    window.setStyleSheet("background: white;")
    inside = InsideViews(window)
    views = inside.views()
    layout = QVBoxLayout(window)
    layout.addWidget(inside.banner)
    layout.addWidget(views["gradient_plot"], 4)
    row = QHBoxLayout()
    row.addWidget(views["error_plot"], 1)
    row.addWidget(views["weight_plot"], 1)
    layout.addLayout(row, 5)
    views["error_plot"].set_scale("log")
    views["activation_plot"].hide()  # not in this picture
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.show()
    while trainer.step_count < args.steps:
        trainer.train_steps(args.every)
        inside.show_snapshot(trainer.snapshot())
        app.processEvents()
    app.processEvents()
    ok = window.grab().save(args.out)
    window.close()
    print(args.out if ok else f"could not write {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

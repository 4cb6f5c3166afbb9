"""``playground train … --plots``: the window's plot files, rendered headless in a subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from builders import build_experiment, spiral

ROOT = Path(__file__).resolve().parent.parent
VIEWS = (
    "boundary_plot",
    "loss_plot",
    "gradient_plot",
    "activation_plot",
    "error_plot",
    "weight_plot",
)


def train(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)  # the CLI goes offscreen by itself
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "playground", "train", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    exp = build_experiment(data=spiral(samples=60), epochs=3, validate=False)
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(exp), encoding="utf-8")
    return path


def non_blank(path: Path) -> bool:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), path
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step_x)
        for y in range(0, image.height(), step_y)
    }
    return len(colours) > 3


def test_train_plots_writes_png_svg_csv_per_view(tiny: Path) -> None:
    out = tiny.parent / "D"
    res = train(tiny.parent, "tiny.json", "--epochs", "3", "--out", "D", "--plots")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "propagateSizeHints" not in res.stderr
    plots = out / "plots"
    assert sorted(p.name for p in plots.iterdir()) == sorted(
        f"{v}{s}" for v in VIEWS for s in (".png", ".svg", ".csv")
    )
    for view in VIEWS:
        assert non_blank(plots / f"{view}.png"), view
        root = ET.parse(plots / f"{view}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", view
        with open(plots / f"{view}.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), view
    # the loss curve: the untrained net at step 0, then metrics.csv's full-set evaluations,
    # one point per epoch
    with open(out / "metrics.csv", newline="", encoding="utf-8") as fh:
        metrics = list(csv.DictReader(fh))
    with open(plots / "loss_plot.csv", newline="", encoding="utf-8") as fh:
        loss = list(csv.DictReader(fh))
    assert [int(r["step"]) for r in loss] == [0] + [int(r["step"]) for r in metrics]
    np.testing.assert_allclose(
        [float(r["train_loss"]) for r in loss[1:]], [float(r["train_loss"]) for r in metrics]
    )
    assert float(loss[0]["train_loss"]) > float(loss[-1]["train_loss"])
    # the gradient curve covers the whole run, the weight bands every epoch
    with open(plots / "gradient_plot.csv", newline="", encoding="utf-8") as fh:
        grads = list(csv.DictReader(fh))
    assert int(grads[-1]["step"]) == int(metrics[-1]["step"])
    assert int(grads[0]["step"]) <= int(metrics[0]["step"])
    with open(plots / "weight_plot.csv", newline="", encoding="utf-8") as fh:
        steps = {int(r["step"]) for r in csv.DictReader(fh)}
    assert steps == {0} | {int(r["step"]) for r in metrics}
    boundary = (plots / "boundary_plot.csv").read_text().splitlines()
    assert boundary[0] == "x1,x2,output_1" and len(boundary) == 1 + 64 * 64


def test_plots_folder_blocked_by_a_file_is_one_line_exit_2(tiny: Path) -> None:
    out = tiny.parent / "D"
    out.mkdir()
    (out / "plots").write_text("in the way")
    res = train(tiny.parent, "tiny.json", "--epochs", "1", "--out", "D", "--plots", "--quiet")
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "plots" in lines[0] and "Traceback" not in res.stderr
    assert (out / "plots").read_text() == "in the way"
    assert sorted(os.listdir(out)) == ["plots"]  # all or nothing: no training outputs either


def test_a_folder_where_a_file_goes_is_one_line_exit_2(tiny: Path) -> None:
    out = tiny.parent / "D"
    (out / "experiment.json").mkdir(parents=True)
    res = train(tiny.parent, "tiny.json", "--epochs", "1", "--out", "D", "--quiet")
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "experiment.json" in lines[0] and "it is a folder" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["experiment.json"]  # nothing half-written


def test_without_plots_no_plots_folder(tiny: Path) -> None:
    res = train(tiny.parent, "tiny.json", "--epochs", "1", "--out", "D", "--quiet")
    assert res.returncode == 0, res.stderr
    assert not (tiny.parent / "D" / "plots").exists()

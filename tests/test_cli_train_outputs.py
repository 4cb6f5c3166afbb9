"""``playground train --out DIR`` writes experiment.json, weights.npz, metrics.csv (and plots/)
all or nothing: a failure — here a real one, a file size limit that makes writes fail with EFBIG as
on a full disk — exits 2 naming the file and leaves nothing new in DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPERIMENT = {
    "format": "playground-experiment",
    "version": 1,
    "data": {"dataset": "iris", "seed": 1},
    "model": {
        "inputs": 4,
        "layers": [{"units": 8, "activation": "tanh"}, {"units": 3, "activation": "softmax"}],
        "loss": "cce",
    },
    "training": {
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 16,
        "epochs": 30,
    },
    "weights": None,
}

LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
from playground.cli import main
sys.exit(main(sys.argv[2:]))
"""

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX resource limits")


def train(tmp_path: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    """``playground train iris.json ARGS``, with files limited to ``limit`` bytes if given."""
    (tmp_path / "iris.json").write_text(json.dumps(EXPERIMENT), encoding="utf-8")
    command = ["train", "iris.json", "--quiet", *args]
    if limit is None:
        command = [sys.executable, "-m", "playground", *command]
    else:
        command = [sys.executable, "-c", LIMITED, str(limit), *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)


def sizes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir()}


def test_full_disk_leaves_no_partial_run(tmp_path: Path) -> None:
    done = train(tmp_path, "--out", "ok")
    assert done.returncode == 0, done.stderr
    full = sizes(tmp_path / "ok")
    # a limit that experiment.json (the smallest but one) fits under and weights.npz does not
    assert full["experiment.json"] < full["weights.npz"]
    limit = (full["experiment.json"] + full["weights.npz"]) // 2
    result = train(tmp_path, "--out", "run", limit=limit)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert line.startswith("playground train: cannot write run/weights.npz: "), line
    assert ".tmp" not in line
    assert not (tmp_path / "run").exists()  # not even the folder it made


def test_full_disk_keeps_an_earlier_run_as_it_was(tmp_path: Path) -> None:
    assert train(tmp_path, "--out", "run").returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()}
    (tmp_path / "iris.json").write_text(json.dumps(EXPERIMENT), encoding="utf-8")
    limit = len(before["experiment.json"]) + 200
    result = train(tmp_path, "--out", "run", "--epochs", "3", limit=limit)
    assert result.returncode == 2 and "cannot write run/weights.npz" in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()} == before


def test_plots_that_cannot_be_written_leave_nothing_either(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "plots").write_text("a file where the plots folder goes")
    result = train(tmp_path, "--out", "run", "--epochs", "1", "--plots")
    assert result.returncode == 2, result.stderr
    assert "run/plots" in result.stderr and "a file is in the way" in result.stderr
    assert sorted(os.listdir(tmp_path / "run")) == ["plots"]

"""Export ▸ Everything… for a CSV experiment: the data travels with the folder, the models take raw
feature rows (the data's standardization is inside them), the PyTorch script loads weights.npz
(no second copy of the weights), and errors name the files of the target folder."""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from window_helpers import last_snapshot

from playground.data import load_csv, make_dataset
from playground.engine import Network
from playground.io import load_experiment
from playground.ui.export_all import export_everything


def write_csv(path: Path) -> None:
    """Two measurements far from zero mean / unit scale, and a binary label."""
    rng = np.random.default_rng(7)
    a = rng.normal(170.0, 12.0, size=80)
    b = rng.normal(0.02, 0.005, size=80)
    label = (a - 170.0) / 12.0 + (b - 0.02) / 0.005 > 0
    lines = [
        "height,ratio,label",
        *(f"{x},{y},{int(c)}" for x, y, c in zip(a, b, label, strict=True)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def csv_experiment(csv: Path) -> dict:
    return {
        "format": "playground-experiment",
        "version": 1,
        "name": "Heights",
        "data": {"dataset": "csv", "path": str(csv), "target": "label", "seed": 3},
        "model": {
            "inputs": 2,
            "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
            "loss": "bce",
        },
        "training": {"optimizer": {"name": "adam", "learning_rate": 0.05}, "batch_size": 8},
        "weights": None,
    }


def trained_csv_window(make_window, qtbot, csv: Path):
    window = make_window(csv_experiment(csv))
    window.controller.step(40)
    last_snapshot(window, qtbot, lambda s: s.step == 40)
    return window


def engine_on_raw(folder: Path, raw: np.ndarray) -> np.ndarray:
    """Playground's prediction for raw rows: the data pipeline's scaler, then the engine."""
    exp = load_experiment(folder / "experiment.json")
    ds = make_dataset(exp["data"])
    assert ds.scaler is not None
    net = Network.from_config(exp["model"])
    net.set_weights([p["W"] for p in exp["weights"]], [p["b"] for p in exp["weights"]])
    return net.predict(ds.scaler.apply(raw))


def test_csv_data_moves_with_the_folder(make_window, qtbot, tmp_path: Path) -> None:
    from playground.io.weights import load_weights_npz_with_inputs

    (tmp_path / "src").mkdir()
    csv = tmp_path / "src" / "heights.csv"
    write_csv(csv)
    window = trained_csv_window(make_window, qtbot, csv)
    export_everything(window, tmp_path / "report")
    assert (tmp_path / "report" / "data" / "heights.csv").read_bytes() == csv.read_bytes()
    assert '"path": "data/heights.csv"' in (tmp_path / "report" / "experiment.json").read_text()

    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(tmp_path / "report", moved)
    shutil.rmtree(tmp_path / "src")  # the original data is gone: only the copy is left
    exp = load_experiment(moved / "experiment.json")
    assert exp["data"]["path"] == str(moved / "data" / "heights.csv")
    assert make_dataset(exp["data"]).n_inputs == 2  # it still opens and trains
    _, _, npz_exp, inputs = load_weights_npz_with_inputs(moved / "weights.npz")
    assert npz_exp["data"]["path"] == exp["data"]["path"]
    assert inputs is not None and inputs.names == ("height", "ratio") and inputs.standardized
    readme = (moved / "README.txt").read_text(encoding="utf-8")
    assert "data/heights.csv" in readme and "height, ratio" in readme


def test_models_take_raw_rows_and_torch_loads_weights_npz(
    make_window, qtbot, tmp_path: Path
) -> None:
    csv = tmp_path / "heights.csv"
    write_csv(csv)
    window = trained_csv_window(make_window, qtbot, csv)
    folder = tmp_path / "report"
    export_everything(window, folder)
    assert not (folder / "model.npz").exists()  # no second copy of weights.npz
    source = (folder / "model.py").read_text(encoding="utf-8")
    assert "os.path.abspath(__file__)), 'weights.npz')" in source
    readme = " ".join((folder / "README.txt").read_text(encoding="utf-8").split())
    assert "model.npz" not in readme and "loads weights.npz" in readme

    raw = load_csv(csv, ("label",), None).x
    expected = engine_on_raw(folder, raw)
    assert not np.allclose(expected, Network.from_config(csv_experiment(csv)["model"]).predict(raw))
    torch = pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location("bundle_model", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with torch.no_grad():
        got = module.build_model()(torch.from_numpy(raw).float()).double().numpy()
    assert np.abs(got - expected).max() <= 1e-5
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"input": raw.astype(np.float32)})
    assert np.abs(y - expected).max() <= 1e-5


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX resource limits")
def test_a_full_disk_names_the_target_folder(make_window, qtbot, tmp_path: Path) -> None:
    """A real write failure (EFBIG past a file size limit, as ENOSPC on a full disk)."""
    window = make_window()
    window.controller.step(5)
    last_snapshot(window, qtbot, lambda s: s.step == 5)
    target = tmp_path / "bundle"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))  # experiment.json is larger
    try:
        with pytest.raises(OSError) as info:
            export_everything(window, target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    message = str(info.value)
    assert message.startswith(f"cannot write {target / 'experiment.json'}: "), message
    assert ".tmp" not in message
    assert os.listdir(tmp_path) == []  # neither the folder nor a temporary one

"""Export ▸ Everything…: one folder with experiment, weights, models, plots, README.txt and
index.html — complete, described, and written all or nothing."""

from __future__ import annotations

import errno
import re
import stat
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from window_helpers import last_snapshot

from playground.io import load_experiment
from playground.io.weights import load_weights_npz
from playground.ui import export_all
from playground.ui.export_all import PLOTS, export_everything

TOP = {
    "experiment.json",
    "weights.npz",
    "weights.json",
    "model.onnx",
    "model.py",
    "README.txt",
    "index.html",
}
PLOT_FILES = {f"plots/{name}{suffix}" for name in PLOTS for suffix in (".png", ".svg", ".csv")}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        attrs = dict(attrs)
        if tag == "a":
            self.hrefs.append(attrs["href"])
        elif tag == "img":
            self.images.append(attrs["src"])


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def trained_window(make_window, qtbot):
    """A window 60 steps into training (a local of each test, not a fixture value: the leak
    check runs before pytest drops fixture values, and a window kept alive keeps its menus)."""
    window = make_window()
    window.controller.step(60)
    last_snapshot(window, qtbot, lambda s: s.step == 60)
    return window


def test_everything_is_there_and_described(make_window, qtbot, tmp_path: Path) -> None:
    trained = trained_window(make_window, qtbot)
    folder = tmp_path / "report"
    modified = trained.isWindowModified()
    written = export_everything(trained, folder)
    assert listing(folder) == TOP | PLOT_FILES
    assert {p.relative_to(folder).as_posix() for p in written} == TOP | PLOT_FILES
    assert not [p for p in tmp_path.iterdir() if p.name != "report"]  # no temporary folder left
    assert stat.S_IMODE(folder.stat().st_mode) & 0o055  # readable by others (not mkdtemp's 0700)
    # exporting is not saving: the window's file and its unsaved changes stay as they were
    assert trained.current_path is None and trained.isWindowModified() == modified

    exp = load_experiment(folder / "experiment.json")
    assert exp["state"]["step"] == 60
    W, b, npz_exp = load_weights_npz(folder / "weights.npz")
    np.testing.assert_array_equal(W[0], np.array(exp["weights"][0]["W"]))
    assert npz_exp["weights"] == exp["weights"]
    for name in PLOTS:
        ET.parse(folder / "plots" / f"{name}.svg")  # well-formed SVG
        assert (folder / "plots" / f"{name}.csv").read_text().count("\n") >= 2, name

    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "step 60" in readme and "Spiral" in readme
    for name in TOP - {"README.txt", "index.html"}:
        assert name in readme, name
    for name in PLOTS:
        assert f"plots/{name}.png, .svg" in readme and f"plots/{name}.csv" in readme
    assert "Notes" not in readme  # nothing missing
    assert max(len(line) for line in readme.splitlines()) <= 100

    page = (folder / "index.html").read_text(encoding="utf-8")
    links = Links()
    links.feed(page)
    assert set(links.images) == {f"plots/{name}.png" for name in PLOTS}  # thumbnails
    assert set(links.hrefs) >= TOP | PLOT_FILES - {"README.txt", "index.html"}
    for href in links.hrefs:
        assert (folder / href).is_file(), href  # every link works


def test_onnx_model_in_the_folder_reproduces_the_weights(
    make_window, qtbot, tmp_path: Path
) -> None:
    trained = trained_window(make_window, qtbot)
    ort = pytest.importorskip("onnxruntime")
    from playground.engine import Network

    export_everything(trained, tmp_path / "out")
    exp = load_experiment(tmp_path / "out" / "experiment.json")
    net = Network.from_config(exp["model"], exp["training"]["regularization"])
    net.set_weights([p["W"] for p in exp["weights"]], [p["b"] for p in exp["weights"]])
    X = np.random.default_rng(0).normal(size=(32, exp["model"]["inputs"]))
    session = ort.InferenceSession(str(tmp_path / "out" / "model.onnx"))
    (y,) = session.run(None, {"input": X.astype(np.float32)})
    np.testing.assert_allclose(y, net.predict(X), atol=1e-5)


def test_without_onnx_the_readme_says_how_to_get_it(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    trained = trained_window(make_window, qtbot)
    real = export_all.importlib.util.find_spec
    monkeypatch.setattr(
        export_all.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "onnx" else real(name, *a),
    )
    export_everything(trained, tmp_path / "out")
    assert not (tmp_path / "out" / "model.onnx").exists()
    readme = (tmp_path / "out" / "README.txt").read_text(encoding="utf-8")
    assert "Notes" in readme and "pip install 'playground[onnx]'" in readme
    assert "playground export experiment.json --format onnx" in readme
    assert "model.onnx   " not in readme  # not listed as present
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "pip install" in page and 'href="model.onnx"' not in page


def test_a_failure_leaves_nothing_behind(make_window, qtbot, tmp_path: Path, monkeypatch) -> None:
    trained = trained_window(make_window, qtbot)

    def full(directory) -> None:
        raise OSError(errno.ENOSPC, "cannot write plots/loss_plot.png: no space left on the device")

    monkeypatch.setattr(trained, "export_plots", full)
    with pytest.raises(OSError, match="no space left"):
        export_everything(trained, tmp_path / "report")
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one

    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(OSError):
        export_everything(trained, existing)
    assert listing(existing) == {"keep.txt"}


def test_name_clashes(make_window, qtbot, tmp_path: Path) -> None:
    trained = trained_window(make_window, qtbot)
    blocker = tmp_path / "report"
    blocker.write_text("a file")
    with pytest.raises(OSError, match="a file is in the way"):
        export_everything(trained, blocker)
    assert blocker.read_text() == "a file"

    folder = tmp_path / "again"
    (folder / "experiment.json").mkdir(parents=True)  # a folder where a file goes
    with pytest.raises(IsADirectoryError, match="experiment.json"):
        export_everything(trained, folder)
    assert listing(folder) == set() and (folder / "experiment.json").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "report"]

    # an earlier export in the same folder is refreshed, other files stay
    done = tmp_path / "done"
    export_everything(trained, done)
    (done / "notes.txt").write_text("mine")
    export_everything(trained, done)
    assert listing(done) == TOP | PLOT_FILES | {"notes.txt"}


def test_menu_action_makes_a_new_dated_folder(make_window, qtbot, tmp_path, monkeypatch) -> None:
    trained = trained_window(make_window, qtbot)
    from playground.ui import menus

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    now = time.time()
    monkeypatch.setattr(
        menus, "default_folder_name", lambda exp: export_all.default_folder_name(exp, now)
    )
    trained.menus.export_all()
    trained.menus.export_all()  # twice in the same second: a second folder, never overwritten
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert len(folders) == 2 and re.fullmatch(r"spiral-\d{4}-\d\d-\d\d-\d{6}", folders[0])
    assert folders[1] == folders[0] + "-2"
    assert listing(tmp_path / folders[0]) == TOP | PLOT_FILES
    assert "index.html" in trained.statusBar().currentMessage()


def test_menu_action_shows_errors_in_a_dialog(make_window, qtbot, tmp_path, monkeypatch) -> None:
    trained = trained_window(make_window, qtbot)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(blocker))
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(0, close_box)
    trained.menus.export_all()  # returns once the dialog is closed: it did not raise
    assert seen and "file" in seen[0]

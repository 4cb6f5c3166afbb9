"""Bad places and bad files: the window's methods raise a clear error and change nothing; the
menu actions show it in a dialog instead; nothing is half-written (issue 5, "Errors")."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from window_helpers import last_snapshot

from playground.io import ExperimentError, atomic, load_experiment


def state(window) -> tuple:
    """What must not change when a file operation fails."""
    return (
        window.experiment(),
        window.windowTitle(),
        window.current_path,
        window.isWindowModified(),
    )


def trained_window(make_window, qtbot, steps: int = 20):
    window = make_window()
    window.controller.step(steps)
    last_snapshot(window, qtbot, lambda s: s.step == steps)
    return window


def only_files(folder: Path) -> list[str]:
    """Everything in ``folder`` (temporary files of atomic writes would show here)."""
    return sorted(p.name for p in folder.iterdir())


def test_save_to_bad_places_raises_and_changes_nothing(make_window, qtbot, tmp_path) -> None:
    window = trained_window(make_window, qtbot)
    before = state(window)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(OSError, match="is not a folder"):
        window.save_experiment(tmp_path / "a_file" / "exp.json")
    with pytest.raises(OSError, match="does not exist"):
        window.save_experiment(tmp_path / "missing" / "exp.json")
    (tmp_path / "clash.json").mkdir()  # a folder where the file should go
    with pytest.raises(OSError, match="it is a folder"):
        window.save_experiment(tmp_path / "clash.json")
    assert state(window) == before
    assert only_files(tmp_path) == ["a_file", "clash.json"]
    assert list((tmp_path / "clash.json").iterdir()) == []


def test_disk_full_or_no_permission_keeps_the_old_file(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    window = trained_window(make_window, qtbot)
    path = tmp_path / "exp.json"
    window.save_experiment(path)
    old = path.read_bytes()
    window.controller.step(5)
    last_snapshot(window, qtbot, lambda s: s.step == 25)
    before = state(window)

    real_fsync = atomic._fsync

    def full(p: Path, directory: bool = False) -> None:
        if not directory:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(p, directory)

    monkeypatch.setattr(atomic, "_fsync", full)
    with pytest.raises(OSError, match="no space left on the device") as info:
        window.save_experiment(path)
    assert str(path) in str(info.value)
    with pytest.raises(ValueError, match="no space left"):  # ExportError
        window.export_weights(tmp_path / "w.npz")
    monkeypatch.setattr(atomic, "_fsync", real_fsync)

    def denied(target: Path) -> Path:  # the tests run as root: chmod would not stop them
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic, "_reserve_temp", denied)
    with pytest.raises(PermissionError, match="permission denied"):
        window.save_experiment(path)
    assert path.read_bytes() == old
    assert state(window) == before
    assert only_files(tmp_path) == ["exp.json"]  # no temporary or partial file


def test_exports_to_bad_places(make_window, qtbot, tmp_path) -> None:
    window = trained_window(make_window, qtbot)
    before = state(window)
    with pytest.raises(ValueError, match="does not exist"):
        window.export_weights(tmp_path / "missing" / "w.npz")
    (tmp_path / "w.onnx").mkdir()
    with pytest.raises(ValueError, match="it is a folder"):
        window.export_weights(tmp_path / "w.onnx")
    (tmp_path / "plots").write_text("a file")
    with pytest.raises(OSError, match="a file is in the way"):
        window.export_plots(tmp_path / "plots")
    with pytest.raises(ValueError, match="unknown weights format"):
        window.export_weights(tmp_path / "w.txt")
    assert state(window) == before
    assert only_files(tmp_path) == ["plots", "w.onnx"]


@pytest.mark.parametrize(
    "corrupt",
    ["truncated", "binary", "wrong shapes", "empty"],
)
def test_corrupt_files_do_not_open(make_window, qtbot, tmp_path, corrupt: str) -> None:
    window = trained_window(make_window, qtbot)
    good = tmp_path / "good.json"
    window.save_experiment(good)
    before = state(window)
    text = good.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    if corrupt == "truncated":
        bad.write_text(text[: len(text) // 2], encoding="utf-8")
    elif corrupt == "binary":
        bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff" * 10)
    elif corrupt == "wrong shapes":
        doc = json.loads(text)
        doc["weights"][0]["W"] = doc["weights"][0]["W"][:-1]  # one row short
        bad.write_text(json.dumps(doc), encoding="utf-8")
    else:
        bad.write_bytes(b"")
    with pytest.raises((ExperimentError, ValueError)) as info:
        window.load_experiment(bad)
    message = str(info.value)
    assert message and "\n" not in message and "bad.json" in message
    assert state(window) == before


# --- the menu actions: a dialog instead of an exception -----------------------------------------


@pytest.fixture
def dialogs(qapp):
    """Texts of the message boxes that opened during the test (each closed at once)."""
    texts: list[str] = []
    running = [True]

    def check() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(f"{box.windowTitle()}: {box.text()}")
            box.close()
        if running[0]:
            QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)
    yield texts
    running[0] = False


def test_menu_actions_show_a_dialog(make_window, qtbot, tmp_path, monkeypatch, dialogs) -> None:
    window = trained_window(make_window, qtbot)
    before = state(window)
    shown = dialogs
    (tmp_path / "clash.json").mkdir()
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "clash.json"), "Playground experiments (*.json)"),
    )
    assert window.menus.save_as() is False  # no exception
    assert shown[-1].startswith("Cannot save:") and "it is a folder" in shown[-1]
    assert "[Errno" not in shown[-1]

    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.menus.open()
    assert shown[-1].startswith("Cannot open the experiment:") and "not valid JSON" in shown[-1]

    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "nowhere" / "model"), "ONNX model, float64 (*.onnx)"),
    )
    window.menus.export_weights()
    assert shown[-1].startswith("Cannot export the weights:") and "model.onnx" in shown[-1]

    (tmp_path / "blocked").write_text("x")
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "blocked")
    )
    window.menus.export_plots()
    assert shown[-1].startswith("Cannot export the plots:")
    assert len(shown) == 4
    assert state(window) == before


def test_weights_menu_writes_the_chosen_format_and_precision(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    onnx = pytest.importorskip("onnx")
    window = trained_window(make_window, qtbot)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "model"), "ONNX model, float64 (*.onnx)"),
    )
    window.menus.export_weights()
    model = onnx.load(str(tmp_path / "model.onnx"))
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "net"), "PyTorch script + .npz, float32 (*.py)"),
    )
    window.menus.export_weights()
    assert only_files(tmp_path) == ["model.onnx", "net.npz", "net.py"]
    assert "net.py" in window.statusBar().currentMessage()


def test_files_the_dialog_did_not_confirm_are_replaced_only_when_the_user_agrees(
    make_window, qtbot, tmp_path, monkeypatch
) -> None:
    window = trained_window(make_window, qtbot)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(parent, title, text, *args):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    run = tmp_path / "run.json"
    run.write_text("keep me")
    # the user typed "run": the dialog confirmed nothing, ".json" is added afterwards
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "run"), ""))
    assert window.menus.save_as() is False
    assert "run.json" in asked[-1] and run.read_text() == "keep me"
    answer[0] = QMessageBox.StandardButton.Yes
    assert window.menus.save_as() is True
    assert load_experiment(run)["state"]["step"] == window.experiment()["state"]["step"]

    # a PyTorch script comes with an .npz beside it
    (tmp_path / "net.npz").write_bytes(b"keep me")
    answer[0] = QMessageBox.StandardButton.No
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "net.py"), "PyTorch script + .npz, float32 (*.py)"),
    )
    window.menus.export_weights()
    assert "net.npz" in asked[-1] and not (tmp_path / "net.py").exists()

    # plot files already in the chosen folder
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / "loss_plot.png").write_bytes(b"keep me")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(plots))
    window.menus.export_plots()
    assert "loss_plot.png" in asked[-1] and only_files(plots) == ["loss_plot.png"]
    answer[0] = QMessageBox.StandardButton.Yes
    window.menus.export_plots()
    assert (plots / "loss_plot.png").read_bytes()[:4] == b"\x89PNG"
    assert len(asked) == 5

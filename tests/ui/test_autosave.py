"""Unsaved changes are not lost: Save / Discard / Cancel on close (only when the entry point asks
for it), autosave while the app runs, and the session offered back after a crash or kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from window_helpers import last_snapshot

from playground.io import load_experiment
from playground.ui import autosave
from playground.ui.autosave import Autosaver, find_orphans

ROOT = Path(__file__).resolve().parents[2]


_GENERATION = [0]  # a newer answer() (or the end of the test) stops the older pollers


@pytest.fixture(autouse=True)
def _stop_answering():
    yield
    _GENERATION[0] += 1


def answer(button: str, seen: list[str] | None = None) -> None:
    """Click ``button`` (a label, e.g. "Cancel", "Discard", "Restore") in the next message box
    that opens, and close any other box that opens after it (recording texts in ``seen``)."""
    _GENERATION[0] += 1
    mine, clicked = _GENERATION[0], [False]

    def poll() -> None:
        if _GENERATION[0] != mine:
            return
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            if seen is not None:
                seen.append(box.text())
            if clicked[0]:
                box.close()
            else:
                clicked[0] = True
                buttons = {b.text().replace("&", ""): b for b in box.findChildren(QPushButton)}
                assert button in buttons, f"no button {button!r} in {box.text()!r}"
                buttons[button].click()
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def modified_window(make_window, qtbot, steps: int = 3):
    window = make_window()
    window.controller.step(steps)
    last_snapshot(window, qtbot, lambda s: s.step == steps)
    assert window.isWindowModified()
    return window


# --- closing --------------------------------------------------------------------------------------


def test_a_bare_window_closes_without_asking(make_window, qtbot) -> None:
    window = modified_window(make_window, qtbot)
    assert window.confirm_close is None
    assert window.close()  # no dialog (it would block here); the test would hang otherwise
    assert not window.controller.session.alive


def test_cancel_keeps_the_window_discard_closes_it(make_window, qtbot) -> None:
    window = modified_window(make_window, qtbot)
    window.confirm_close = window.menus.confirm_close
    seen: list[str] = []
    answer("Cancel", seen)
    assert not window.close()
    assert window.isVisible() and window.controller.session.alive and window.isWindowModified()
    assert "Save the changes to “Spiral” before closing?" in seen[0]
    answer("Discard")
    assert window.close()
    assert not window.isVisible() and not window.controller.session.alive


def test_save_then_close(make_window, qtbot, tmp_path: Path) -> None:
    window = modified_window(make_window, qtbot, steps=4)
    window.confirm_close = window.menus.confirm_close
    window.current_path = str(tmp_path / "missing" / "run.json")  # Save fails: stay open
    seen: list[str] = []
    answer("Save", seen)
    assert not window.close()
    assert window.isVisible() and any("does not exist" in t for t in seen)
    window.current_path = str(tmp_path / "run.json")
    answer("Save")
    assert window.close()
    assert load_experiment(tmp_path / "run.json")["state"]["step"] == 4
    assert not window.isWindowModified()


def test_opening_another_experiment_asks_first(make_window, qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = modified_window(make_window, qtbot)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(1) or ("", ""))
    window.menus.open()  # no hook (automation): straight to the file dialog
    assert asked == [1]
    window.confirm_close = window.menus.confirm_close
    answer("Cancel")
    window.menus.open()
    assert asked == [1]  # cancelled before the file dialog
    window.confirm_close = None


def test_unsaved_changes_dialog_looks_right(make_window, qtbot, tmp_path: Path) -> None:
    """Renders the question (offscreen) for people to look at: tmp_path/unsaved.png."""
    window = modified_window(make_window, qtbot)
    grabbed = []

    def grab() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, grab)
            return
        assert box.objectName() == "unsaved_changes_box"
        grabbed.append(box.grab().save(str(tmp_path / "unsaved.png")))
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, grab)
    assert window.menus.ask_to_save("before closing") is False
    assert grabbed == [True]


# --- autosave in this process ---------------------------------------------------------------


def test_autosave_writes_when_modified_and_cleans_up(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    last_snapshot(window, qtbot)
    folder = tmp_path / "auto"
    saver = Autosaver(window, folder, interval=0.05)
    saver.start()
    qtbot.wait(200)
    assert not saver.path.exists()  # nothing to save yet
    window.controller.step(5)
    qtbot.waitUntil(saver.path.exists, timeout=5000)
    assert load_experiment(saver.path) == window.experiment()
    meta = json.loads(saver.meta_path.read_text())
    assert meta["step"] == 5 and meta["path"] is None and meta["name"] == "Spiral"
    assert find_orphans(folder) == []  # this session is running: not an orphan

    window.save_experiment(tmp_path / "saved.json")  # saved: nothing left to recover
    assert not saver.path.exists() and not saver.meta_path.exists()
    window.controller.step(2)
    qtbot.waitUntil(saver.path.exists, timeout=5000)
    saver.finish()  # an exit without Save/Discard: kept, lock released
    (orphan,) = find_orphans(folder)
    assert orphan.path == saver.path and orphan.meta["step"] == 7
    assert orphan.original_path == str(tmp_path / "saved.json")
    question, details = orphan.question()
    assert question.startswith("Restore the unsaved session from ")
    assert "step 7" in details and "saved.json" in details
    autosave.discard(orphan)
    assert sorted(p.name for p in folder.iterdir()) == []


def test_autosave_failure_is_a_status_message(make_window, qtbot, tmp_path: Path) -> None:
    window = modified_window(make_window, qtbot)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    saver = Autosaver(window, blocker, interval=0.05)
    saver.path = blocker / "x.experiment.json"  # a folder that cannot exist
    assert saver.save_now() is False
    assert "Autosave failed" in window.statusBar().currentMessage()
    saver.finish()


def test_the_restore_question(qapp, tmp_path: Path, monkeypatch) -> None:
    exp_path = tmp_path / "s.experiment.json"
    exp_path.write_text("{}")
    orphan = autosave.Orphan(exp_path, {"saved_at": time.time(), "name": "Spiral", "step": 12})
    monkeypatch.delenv("PLAYGROUND_RESTORE", raising=False)
    assert autosave.ask_restore(orphan) is None  # offscreen: nobody to ask, keep it
    monkeypatch.setenv("PLAYGROUND_RESTORE", "yes")
    assert autosave.ask_restore(orphan) is True
    monkeypatch.setenv("PLAYGROUND_RESTORE", "no")
    assert autosave.ask_restore(orphan) is False
    monkeypatch.delenv("PLAYGROUND_RESTORE")
    monkeypatch.setattr(autosave, "interactive", lambda: True)
    seen: list[str] = []
    answer("Restore", seen)
    assert autosave.ask_restore(orphan) is True
    assert seen and seen[0].startswith("Restore the unsaved session from ")
    answer("Discard")
    assert autosave.ask_restore(orphan) is False
    answer("Not now")  # also what Esc or closing the box means: asked again next time
    assert autosave.ask_restore(orphan) is None


# --- a crash: the app is killed, then started again ------------------------------------------


def _start(tmp_path: Path, **env: str) -> subprocess.Popen:
    environ = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    environ.pop("PLAYGROUND_AUTOSAVE_DIR", None)  # the per-user default location
    code = "import sys; from playground.app import main; sys.exit(main([]))"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the app and its training process
    )


def _autosaves(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data").rglob(f"*{autosave.EXPERIMENT_SUFFIX}"))


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"the app ended ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        time.sleep(0.1)
    _kill(proc)
    raise AssertionError("timed out waiting for the autosave")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=30)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_killed_session_is_offered_back_and_restored(tmp_path: Path) -> None:
    # 1. the app trains (autoplay), autosaves every 0.3 s, and is killed
    first = _start(tmp_path, PLAYGROUND_AUTOPLAY="1", PLAYGROUND_AUTOSAVE_INTERVAL="0.3")
    (path,) = _wait_for(lambda: _autosaves(tmp_path), first)
    assert (tmp_path / "data") in path.parents  # QStandardPaths.AppDataLocation
    time.sleep(0.7)  # a few more autosaves while it trains
    _kill(first)
    saved = load_experiment(path)
    assert saved["state"]["step"] > 0

    # 2. started again, the restore question is answered "yes": the window holds the autosaved
    # experiment, unsaved, so this session autosaves it again (paused: exactly the same)
    second = _start(tmp_path, PLAYGROUND_RESTORE="yes", PLAYGROUND_AUTOSAVE_INTERVAL="0.3")
    (again,) = _wait_for(lambda: [p for p in _autosaves(tmp_path) if p != path], second)
    assert not path.exists()  # the restored autosave was taken over
    time.sleep(0.2)
    _kill(second)
    assert load_experiment(again) == saved
    meta = json.loads(again.with_name(again.name.replace(".experiment.", ".meta.")).read_text())
    assert meta["step"] == saved["state"]["step"]

    # 3. answered "no": discarded; a clean exit leaves nothing behind
    third = _start(tmp_path, PLAYGROUND_RESTORE="no", PLAYGROUND_REPORT_SHOWN="1")
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0, err[-2000:]
    assert "playground-shown" in out
    assert _autosaves(tmp_path) == []
    folder = again.parent
    assert sorted(p.name for p in folder.iterdir()) == []

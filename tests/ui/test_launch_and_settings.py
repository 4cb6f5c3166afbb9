"""Start-up (``run_gui`` in a subprocess) and user settings stored as values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from window_helpers import widget

from playground.ui.settings import add_recent_file, open_settings, recent_files


def test_run_gui_opens_a_file_and_reports_its_first_paint(tmp_path: Path, experiment) -> None:
    from playground.io import save_experiment

    path = tmp_path / "exp.json"
    save_experiment(experiment, path)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PLAYGROUND_REPORT_SHOWN="1",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    code = "import sys; from playground.app import main; sys.exit(main([sys.argv[1]]))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "playground-shown" in result.stdout
    assert "Traceback" not in result.stderr
    ini = list((tmp_path / "config").rglob("*.ini"))
    assert ini and "recent_files" in ini[0].read_text()


def test_settings_round_trip_as_values(make_window) -> None:
    window = make_window()
    widget(window, "speed_combo").setCurrentIndex(widget(window, "speed_combo").findData("slow"))
    widget(window, "show_test_check").setChecked(True)
    settings = open_settings()
    window.save_settings(settings)
    settings.sync()
    assert settings.value("run/speed") == "slow"  # the value, not an index

    other = make_window()
    assert other.controller.speed != "slow"  # the constructor reads no settings
    other.restore_settings(open_settings())
    assert other.controller.speed == "slow"
    assert widget(other, "show_test_check").isChecked()


def test_settings_are_isolated_and_recent_files_keep_paths(tmp_path: Path) -> None:
    settings = open_settings()
    assert settings.format() == QSettings.Format.IniFormat
    assert "PlaygroundTests" in settings.fileName()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("{}")
    b.write_text("{}")
    add_recent_file(settings, str(a))
    add_recent_file(settings, str(b))
    add_recent_file(settings, str(a))
    assert recent_files(settings) == [str(a), str(b)]
    b.unlink()
    assert recent_files(settings) == [str(a)]


def test_uncaught_exceptions_become_a_dialog(qapp, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from playground.ui.launch import install_excepthook

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook()
    try:
        raise ValueError("a broken slot")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown and "a broken slot" in shown[0] and "keeps running" in shown[0]

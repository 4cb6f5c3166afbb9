"""User settings (QSettings): window geometry, recent files and the last choices, stored as values.

Values, not indices (Orange3's lesson): a speed is stored as ``"fast"``, a file as its path, so a
reordered menu or combo never restores the wrong thing. Settings are read by the app's entry point
(``launch.py``) and by menu actions, never by ``MainWindow.__init__``; tests point QSettings at a
temporary folder with their own organization name.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

ORGANIZATION = "Playground"
APPLICATION = "Playground"
#: bump when the meaning of a key changes; older values are then ignored
SETTINGS_VERSION = 1
MAX_RECENT = 8


def set_application_names(organization: str = ORGANIZATION, application: str = APPLICATION) -> None:
    QCoreApplication.setOrganizationName(organization)
    QCoreApplication.setApplicationName(application)


def open_settings() -> QSettings:
    """The user's settings (INI format, per user); stale versions are cleared."""
    settings = QSettings(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        QCoreApplication.organizationName() or ORGANIZATION,
        QCoreApplication.applicationName() or APPLICATION,
    )
    version = settings.value("version", 0)
    try:
        version = int(version)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        version = 0
    if version != SETTINGS_VERSION:
        settings.clear()
        settings.setValue("version", SETTINGS_VERSION)
    return settings


def read_str(settings: QSettings, key: str, default: str = "") -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


def read_bool(settings: QSettings, key: str, default: bool = False) -> bool:
    value = settings.value(key, default)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def recent_files(settings: QSettings) -> list[str]:
    """Recently opened or saved experiments that still exist, newest first."""
    value = settings.value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, str) and os.path.isfile(p)][:MAX_RECENT]


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    path = os.path.abspath(path)
    files = [path] + [p for p in recent_files(settings) if p != path]
    settings.setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def save_window(window, settings: QSettings) -> None:  # noqa: ANN001 - a MainWindow
    """The window's geometry, dock layout and last choices (speed, plot toggles) as values."""
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("run/speed", window.controller.speed)
    opts = window.boundary_plot.options()
    settings.setValue("boundary/show_test", opts["show_test"])
    settings.setValue("boundary/discretize", opts["discretize"])
    settings.setValue("loss/log_scale", window.loss_plot.log_check.isChecked())
    settings.setValue("editor/gradient_edges", window.editor.gradient_check.isChecked())


def restore_window(window, settings: QSettings) -> None:  # noqa: ANN001 - a MainWindow
    """Apply what ``save_window`` stored (missing or unreadable values keep the defaults)."""
    geometry = read_bytes(settings, "window/geometry")
    if geometry is not None:
        window.placed = window.restoreGeometry(geometry)
    state = read_bytes(settings, "window/state")
    if state is not None:
        window.restoreState(state)
    window.toolbar.set_speed(read_str(settings, "run/speed", window.controller.speed))
    window.boundary_plot.set_options(
        read_bool(settings, "boundary/show_test", False),
        read_bool(settings, "boundary/discretize", False),
    )
    window.loss_plot.set_log_scale(read_bool(settings, "loss/log_scale", False))
    window.editor.gradient_check.setChecked(read_bool(settings, "editor/gradient_edges", False))

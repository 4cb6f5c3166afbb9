"""Start the GUI: the application object, user settings, the window, errors shown as dialogs.

``run_gui(path)`` opens the window on an experiment file (or the bundled default), restores the
window geometry and last choices from QSettings, runs the event loop and saves them again on exit.
Any uncaught exception is shown in a dialog instead of ending the program (``sys.excepthook``).

Unsaved work (``autosave.py``): before the window opens, an autosave left by a session that
crashed or was killed is offered back; while the app runs the experiment is autosaved when
modified; closing with unsaved changes asks Save / Discard / Cancel (``confirm_close``). These are
switched on here, never by ``MainWindow`` itself.

Development aids (environment variables):

* ``PLAYGROUND_AUTOPLAY=1`` presses play once the window is up (screenshots of a running network);
* ``PLAYGROUND_REPORT_SHOWN=1`` prints ``playground-shown <unix time>`` when the window first
  paints, then quits (``scripts/bench_gui.py`` measures the start-up time with it);
* ``PLAYGROUND_AUTOSAVE_INTERVAL``, ``PLAYGROUND_AUTOSAVE_DIR`` and ``PLAYGROUND_RESTORE``: see
  ``autosave.py``.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from playground.ui import autosave


def install_excepthook() -> None:
    """Show uncaught exceptions in a dialog (one at a time) and keep running."""
    showing = [False]

    def hook(exc_type, exc, tb) -> None:  # noqa: ANN001 - sys.excepthook signature
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        stream = sys.__stderr__ or sys.stderr
        if stream is not None:
            stream.write(text)
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        if showing[0] or QApplication.instance() is None:
            return
        showing[0] = True
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Something went wrong",
                f"{exc_type.__name__}: {exc}\n\nPlayground keeps running; if the "
                "window misbehaves, save your experiment and restart.",
            )
            box.setDetailedText(text)
            box.exec()
        finally:
            showing[0] = False

    sys.excepthook = hook


class _FirstPaint(QObject):
    """Prints the time of the window's first paint and quits (PLAYGROUND_REPORT_SHOWN)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            print(f"playground-shown {time.time():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False


def _restored_window(recovered: tuple[dict, autosave.Orphan]) -> QWidget | None:
    """The window on a restored autosave (unsaved, on its original file if it had one)."""
    from playground.ui.main_window import MainWindow

    experiment, orphan = recovered
    try:
        window = MainWindow(experiment)
    except Exception as exc:  # noqa: BLE001 - shown, then the file or default opens
        autosave.report_error("Cannot restore the session", str(exc))
        return None
    finally:
        autosave.discard(orphan)
    window.current_path = orphan.original_path
    window.update_title()
    window.changes.mark_modified()
    when = time.strftime("%H:%M", time.localtime(orphan.saved_at))
    window.statusBar().showMessage(
        f"Restored the unsaved session autosaved at {when}: save it to keep it.", 30_000
    )
    return window


def _open_window(path: str | None) -> QWidget:
    from playground.io import load_experiment
    from playground.ui.main_window import MainWindow

    recovered = autosave.recover()
    if recovered is not None:
        window = _restored_window(recovered)
        if window is not None:
            return window
    if path is not None:
        try:
            window = MainWindow(load_experiment(path))
        except Exception as exc:  # noqa: BLE001 - shown, then the default opens
            QMessageBox.critical(
                None,
                "Cannot open the experiment",
                f"{exc}\n\nOpening the default experiment instead.",
            )
        else:
            window.current_path = os.path.abspath(path)
            window.update_title()
            return window
    return MainWindow()


def run_gui(path: str | None = None) -> int:
    """Open the window (on ``path`` or the default experiment) and run until it closes."""
    from playground.ui.settings import add_recent_file, open_settings, set_application_names
    from playground.ui.style import apply_palette

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_application_names()
    apply_palette(app)
    install_excepthook()
    sys.setswitchinterval(0.002)  # with a training thread (fallback): shorter GIL waits
    settings = open_settings()
    try:
        window = _open_window(path)
    except Exception as exc:  # noqa: BLE001 - e.g. a broken installation
        QMessageBox.critical(None, "Playground cannot start", str(exc))
        return 1
    if path is not None and window.current_path:  # type: ignore[attr-defined]
        add_recent_file(settings, window.current_path)  # type: ignore[attr-defined]
    window.confirm_close = window.menus.confirm_close  # type: ignore[attr-defined]
    saver = autosave.Autosaver(window)  # type: ignore[arg-type]
    saver.start()
    had_geometry = settings.contains("window/geometry")
    window.restore_settings(settings)  # type: ignore[attr-defined]
    if os.environ.get("PLAYGROUND_REPORT_SHOWN") == "1":
        watcher = _FirstPaint(window)
        window.installEventFilter(watcher)
    if had_geometry:
        window.show()
    else:  # first start: the whole screen (also without a window manager, e.g. under Xvfb)
        screen = app.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.availableGeometry())
        window.placed = True  # type: ignore[attr-defined]
        window.showMaximized()
    if os.environ.get("PLAYGROUND_AUTOPLAY") == "1":
        QTimer.singleShot(400, window.controller.play)  # type: ignore[attr-defined]
    code = app.exec()
    window.shutdown()  # type: ignore[attr-defined]
    saver.finish()  # removed after Save or Discard; kept when the app ended with unsaved work
    window.save_settings(settings)  # type: ignore[attr-defined]
    settings.sync()
    return int(code)

"""Unsaved changes: knowing about them, autosaving them, and offering them back after a crash.

* :class:`ChangeTracker` (every ``MainWindow`` has one, ``window.changes``): the experiment is
  *modified* after any edit of the network, data or hyperparameters, a weight edit, a reset or any
  training progress since it was opened or saved. It keeps ``setWindowModified`` (the ``[*]`` in
  the title) and emits ``modified_changed``.
* :class:`Autosaver` (made by the app's entry point only, never by ``MainWindow``): every
  ``interval`` seconds, while the experiment is modified and changed since the last autosave, it
  writes the experiment (weights and training state inline) atomically to
  ``<autosave dir>/<session>.experiment.json`` with a ``<session>.meta.json`` beside it, and holds a
  ``QLockFile`` ``<session>.lock`` while the app runs. Saving or discarding removes the files; an
  exit while still modified (no answer was given) leaves a final autosave behind.
* :func:`find_orphans` / :func:`recover`: at start, an autosave whose lock no running process holds
  (the app crashed or was killed) is offered back: "Restore the unsaved session from <time>?".

The folder is ``QStandardPaths.AppDataLocation``/``autosave`` (on Linux
``~/.local/share/Playground/Playground/autosave``), or ``$PLAYGROUND_AUTOSAVE_DIR``. Automation:
``PLAYGROUND_AUTOSAVE_INTERVAL`` (seconds, default 60; 0 turns autosave off) and
``PLAYGROUND_RESTORE=yes|no`` (answers the question without a dialog). On the offscreen platform,
where nobody could answer, the question is not asked and the autosave is kept for a later start.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from playground.io import atomic_write_text, load_experiment, save_experiment

if TYPE_CHECKING:
    from playground.training import Snapshot
    from playground.ui.main_window import MainWindow

#: seconds between autosaves (while modified)
DEFAULT_INTERVAL = 60.0
EXPERIMENT_SUFFIX, META_SUFFIX, LOCK_SUFFIX = ".experiment.json", ".meta.json", ".lock"


def state_step(experiment: dict) -> int:
    """The training step an experiment is at (0 without a ``state``)."""
    return int((experiment.get("state") or {}).get("step", 0))


# --- modified or not --------------------------------------------------------------------------


class ChangeTracker(QObject):
    """Whether the window's experiment changed since it was opened or saved (module docstring)."""

    #: True when the experiment becomes modified, False when it is saved, opened or discarded
    modified_changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        #: grows with every change (the autosaver writes only when it moved)
        self.revision = 0
        self._clean_step = state_step(window.controller.spec)
        self._clean_training = window.controller.spec["training"]
        c, h, e = window.controller, window.hyper_panel, window.editor
        c.run_started.connect(self.mark_modified)  # reset, new network or data
        c.snapshot_ready.connect(self._on_snapshot)
        for signal in (
            h.learning_rate_changed,
            h.optimizer_changed,
            h.batch_size_changed,
            h.regularization_changed,
        ):  # connected after the window's own handlers: the request has been applied
            signal.connect(self._on_hyperparameter)
        e.weight_edited.connect(lambda *_: self.mark_modified())
        e.bias_edited.connect(lambda *_: self.mark_modified())

    @property
    def modified(self) -> bool:
        return self._w.isWindowModified()

    def mark_modified(self) -> None:
        self.revision += 1
        if not self.modified:
            self._w.setWindowModified(True)
            self.modified_changed.emit(True)

    def mark_clean(self, step: int) -> None:
        """The experiment as it is now (at training step ``step``) is saved or freshly opened."""
        self._clean_step = int(step)
        self._clean_training = self._w.controller.spec["training"]
        self._set_clean()

    def forget(self) -> None:
        """The user chose to discard the changes (closing): nothing is left unsaved."""
        self._set_clean()

    def _set_clean(self) -> None:
        self.revision += 1
        if self.modified:
            self._w.setWindowModified(False)
            self.modified_changed.emit(False)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.step != self._clean_step:
            self.mark_modified()

    def _on_hyperparameter(self, *_: object) -> None:
        if self._w.controller.spec["training"] != self._clean_training:
            self.mark_modified()


# --- where autosaves live -----------------------------------------------------------------------


def autosave_dir() -> Path:
    """``$PLAYGROUND_AUTOSAVE_DIR``, else the per-user application data folder + ``autosave``."""
    override = os.environ.get("PLAYGROUND_AUTOSAVE_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".playground") / "autosave"


def autosave_interval() -> float:
    """Seconds between autosaves: ``$PLAYGROUND_AUTOSAVE_INTERVAL`` or 60 (≤ 0: off)."""
    try:
        return float(os.environ.get("PLAYGROUND_AUTOSAVE_INTERVAL", DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class Autosaver(QObject):
    """Autosaves one window's experiment while it is modified (module docstring)."""

    def __init__(
        self, window: MainWindow, directory: Path | None = None, interval: float | None = None
    ) -> None:
        super().__init__(window)
        self._w = window
        self.directory = Path(directory) if directory is not None else autosave_dir()
        self.interval = autosave_interval() if interval is None else float(interval)
        session = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.path = self.directory / f"{session}{EXPERIMENT_SUFFIX}"
        self.meta_path = self.directory / f"{session}{META_SUFFIX}"
        self._lock = QLockFile(str(self.directory / f"{session}{LOCK_SUFFIX}"))
        self._saved_revision: int | None = None
        self._error = ""
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(self.interval * 1000)))
        self._timer.timeout.connect(self.save_if_needed)
        window.changes.modified_changed.connect(self._on_modified_changed)

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def start(self) -> None:
        """Hold this session's lock and start the timer (no-op when the interval is ≤ 0)."""
        if not self.enabled:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._report(f"cannot create {self.directory}: {exc.strerror or exc}")
            return
        self._lock.tryLock(0)
        self._timer.start()

    def save_if_needed(self) -> bool:
        """Autosave when the experiment is modified and changed since the last autosave."""
        if not self._w.changes.modified or self._w.changes.revision == self._saved_revision:
            return False
        return self.save_now()

    def save_now(self) -> bool:
        """Write the experiment and its meta file now (atomically); False (and a status message)
        when it fails — autosave never interrupts the user."""
        revision = self._w.changes.revision
        try:
            exp = self._w.experiment()
            save_experiment(exp, self.path)
            meta = {
                "saved_at": time.time(),
                "path": self._w.current_path,
                "name": exp.get("name") or "",
                "epoch": int((exp.get("state") or {}).get("epoch", 0)),
                "step": state_step(exp),
                "pid": os.getpid(),
            }
            atomic_write_text(self.meta_path, json.dumps(meta, indent=2) + "\n")
        except Exception as exc:  # noqa: BLE001 - reported, never raised into the event loop
            self._report(str(exc) or type(exc).__name__)
            return False
        self._saved_revision = revision
        self._error = ""
        return True

    def remove(self) -> None:
        """Delete this session's autosave (saved or discarded: nothing to recover)."""
        _remove(self.path, self.meta_path)
        self._saved_revision = None

    def finish(self) -> None:
        """At exit: a still modified experiment (no Save/Discard answer) is autosaved one last
        time and kept for the next start; otherwise the autosave is removed. Releases the lock."""
        self._timer.stop()
        if self.enabled and self._w.changes.modified:
            self.save_now()
        else:
            self.remove()
        self._lock.unlock()

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified:
            self.remove()

    def _report(self, text: str) -> None:
        if text != self._error:  # once per distinct problem
            self._error = text
            self._w.statusBar().showMessage(f"Autosave failed: {text}", 10_000)


# --- after a crash ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Orphan:
    """An autosave left behind by a session that crashed or was killed."""

    path: Path  # the autosaved experiment
    meta: dict[str, Any]

    @property
    def saved_at(self) -> float:
        value = self.meta.get("saved_at")
        if isinstance(value, int | float):
            return float(value)
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    @property
    def original_path(self) -> str | None:
        """The file the session had open (None: never saved)."""
        path = self.meta.get("path")
        return path if isinstance(path, str) and path else None

    @property
    def session(self) -> str:
        return self.path.name[: -len(EXPERIMENT_SUFFIX)]

    def question(self) -> tuple[str, str]:
        """(question, details) for the restore dialog."""
        when = time.strftime("%H:%M on %d %b %Y", time.localtime(self.saved_at))
        name = self.meta.get("name") or "an untitled experiment"
        where = f" (from {os.path.basename(self.original_path)})" if self.original_path else ""
        step = self.meta.get("step")
        at = ""
        if isinstance(step, int):
            at = f" at epoch {int(self.meta.get('epoch', 0)):,}, step {step:,}"
        return (
            f"Restore the unsaved session from {when}?",
            f"Playground did not close normally. Its last autosave holds “{name}”{where}{at}. "
            "Restore opens it with its weights and training state; Discard deletes it; Not now "
            "keeps it for the next start.",
        )


def find_orphans(directory: Path | None = None) -> list[Orphan]:
    """Autosaves in ``directory`` whose session is no longer running, newest first."""
    folder = Path(directory) if directory is not None else autosave_dir()
    found = []
    for path in folder.glob(f"*{EXPERIMENT_SUFFIX}") if folder.is_dir() else ():
        session = path.name[: -len(EXPERIMENT_SUFFIX)]
        lock = QLockFile(str(folder / f"{session}{LOCK_SUFFIX}"))
        lock.setStaleLockTime(0)  # stale only when its process is gone, however old
        if not lock.tryLock(0):
            continue  # a running session's autosave
        lock.unlock()
        try:
            meta = json.loads((folder / f"{session}{META_SUFFIX}").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        found.append(Orphan(path, meta if isinstance(meta, dict) else {}))
    found.sort(key=lambda o: o.saved_at, reverse=True)
    return found


def discard(orphan: Orphan) -> None:
    folder = orphan.path.parent
    _remove(orphan.path, folder / f"{orphan.session}{META_SUFFIX}")


def interactive() -> bool:
    """Can anybody answer a dialog? Not on the offscreen platform."""
    return QGuiApplication.platformName() != "offscreen"


def ask_restore(orphan: Orphan, parent: QWidget | None = None) -> bool | None:
    """Restore (True), Discard (False) or Not now (None: keep it for the next start). The answer
    comes from ``$PLAYGROUND_RESTORE`` when set; offscreen, nobody is asked (None)."""
    preset = os.environ.get("PLAYGROUND_RESTORE", "").strip().lower()
    if preset in ("yes", "1", "true", "restore"):
        return True
    if preset in ("no", "0", "false", "discard"):
        return False
    if not interactive():
        return None
    question, details = orphan.question()
    box = QMessageBox(QMessageBox.Icon.Question, "Restore the unsaved session?", question)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    box.setObjectName("restore_session_box")
    box.setInformativeText(details)
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    drop = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)  # also Esc / close
    box.setDefaultButton(restore)
    box.setEscapeButton(later)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is restore else False if clicked is drop else None


def recover(directory: Path | None = None) -> tuple[dict, Orphan] | None:
    """Offer the newest orphaned autosave back: (experiment, orphan) when the user restores it
    (the caller opens it, then :func:`discard` s the orphan), else None. A discarded autosave is
    deleted; one that cannot be read is reported and deleted."""
    orphans = find_orphans(directory)
    if not orphans:
        return None
    orphan = orphans[0]
    answer = ask_restore(orphan)
    if answer is None:
        return None
    if not answer:
        discard(orphan)
        return None
    try:
        return load_experiment(orphan.path), orphan
    except Exception as exc:  # noqa: BLE001 - a broken autosave: say so, then drop it
        report_error("Cannot restore the session", str(exc))
        discard(orphan)
        return None


def report_error(title: str, text: str) -> None:
    """A warning dialog, or a line on stderr on the offscreen platform (nobody to click OK)."""
    if not interactive():
        print(f"playground: {title}: {text}", file=sys.stderr)
    else:
        QMessageBox.warning(None, title, text)

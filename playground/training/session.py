"""Run a ``Trainer`` in a worker thread; commands go in through a queue, snapshots come out through
a ``Mailbox`` that keeps only the newest one (with the history of any it replaced).

No Qt here: the GUI polls ``Mailbox.take()`` from a timer (≈ 30 Hz). Emitting a signal per step
stalled the GUI under load; a lock-protected slot read by a timer keeps the event loop responsive.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from playground.training.snapshot import Snapshot
from playground.training.trainer import Diverged, Trainer


class Mailbox:
    """The newest snapshot, thread-safe. ``put`` replaces an unread snapshot but keeps its history
    and evaluations (prepended to the new one), so a slow reader sees every recorded step — of
    the same run: a reset or another run (``Snapshot.run``, e.g. a new network) starts over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self.published = 0

    def put(self, snapshot: Snapshot) -> None:
        with self._lock:
            older = self._snapshot
            if older is not None and snapshot.reason != "reset" and older.run == snapshot.run:
                snapshot = snapshot.merged_after(older)
            self._snapshot = snapshot
            self.published += 1

    def take(self) -> Snapshot | None:
        """The newest unread snapshot (None if nothing new)."""
        with self._lock:
            s, self._snapshot = self._snapshot, None
        return s


@dataclass(frozen=True)
class Command:
    """A request to the worker: ``name`` is play, pause, step, call, replace or stop."""

    name: str
    arg: object = None


class TrainingSession:
    """Owns a worker thread that trains ``trainer`` while playing.

    * ``play()``, ``pause()``, ``step(n)``: control; ``call(fn)``: run ``fn(trainer)`` in the worker
      between steps (live hyperparameter changes); ``replace(trainer)``: swap in a new trainer
      (reset).
    * Snapshots are published to ``mailbox`` at most ``publish_hz`` times a second while playing,
      and at once on pause, step, end of the epoch budget, divergence and replace.
    * ``stop()`` ends the thread and waits for it.
    * ``epochs``: stop playing after this many epochs (0: no limit).
    * ``max_steps_per_second``: throttle while playing (0: flat out), so people can watch slowly.
    """

    def __init__(
        self,
        trainer: Trainer,
        *,
        publish_hz: float = 30.0,
        epochs: int = 0,
        max_steps_per_second: float = 0.0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.trainer = trainer
        self.mailbox = Mailbox()
        self.publish_interval = 1.0 / publish_hz
        self.epochs = epochs
        self.max_steps_per_second = max_steps_per_second
        self.on_error = on_error
        self._commands: queue.Queue[Command] = queue.Queue()
        self._playing = False
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="playground-training", daemon=True)
        self._chunk = 1
        self._started = False
        self._pending: Command | None = None

    # -- commands (any thread) ---------------------------------------------------------------
    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def play(self) -> None:
        self._commands.put(Command("play"))

    def pause(self) -> None:
        self._commands.put(Command("pause"))

    def step(self, n: int = 1) -> None:
        self._commands.put(Command("step", n))

    def call(self, fn: Callable[[Trainer], object]) -> None:
        self._commands.put(Command("call", fn))

    def replace(self, trainer: Trainer, play: bool | None = None) -> None:
        self._commands.put(Command("replace", (trainer, play)))

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the worker; True when it ended within ``timeout`` seconds."""
        self._commands.put(Command("stop"))
        if self._started:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- worker ------------------------------------------------------------------------------
    def _publish(self, reason: str) -> None:
        self.mailbox.put(self.trainer.snapshot(reason))
        self._last_publish = time.perf_counter()

    def _handle(self, cmd: Command) -> bool:
        """Apply one command; False when the worker should end."""
        if cmd.name == "stop":
            return False
        if cmd.name == "play":
            if self.trainer.divergence is None:
                self._playing = True
        elif cmd.name == "pause":
            if self._playing:
                self._playing = False
                self._publish("pause")
        elif cmd.name == "step":
            self._playing = False
            self._train(int(cmd.arg or 1))
            self._publish("step" if self.trainer.divergence is None else "diverged")
        elif cmd.name == "call":
            try:
                cmd.arg(self.trainer)  # type: ignore[operator]
            except Exception as exc:  # noqa: BLE001 - a bad live change is reported, not fatal
                self._report(exc)
            if not self._playing:
                self._publish("pause")
        elif cmd.name == "replace":
            trainer, play = cmd.arg  # type: ignore[misc]
            self.trainer = trainer
            self._chunk = 1
            if play is not None:
                self._playing = bool(play)
            self._publish("reset")
        return True

    def _train(self, n: int) -> None:
        try:
            self.trainer.train_steps(n)
        except Diverged:
            self._playing = False

    def _run(self) -> None:
        self._last_publish = 0.0
        try:
            self._publish("start")
            while True:
                # commands first; block only while paused
                try:
                    cmd, self._pending = self._pending, None
                    if cmd is None:
                        cmd = self._commands.get(block=not self._playing, timeout=None)
                    if not self._handle(cmd):
                        return
                    continue
                except queue.Empty:
                    pass
                self._play_chunk()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, never a traceback
            self._playing = False
            self._report(exc)

    def _report(self, exc: BaseException) -> None:
        self.error = exc
        if self.on_error is not None:
            self.on_error(exc)

    def _play_chunk(self) -> None:
        """Train about 5 ms worth of steps (or what the throttle allows), then publish if the
        interval has passed."""
        tr = self.trainer
        t0 = time.perf_counter()
        rate = self.max_steps_per_second
        # never step past the epoch budget (a chunk may span several epochs)
        left = (
            math.inf
            if not self.epochs
            else 0
            if tr.epoch >= self.epochs
            else tr.steps_left_in_epoch + (self.epochs - tr.epoch - 1) * tr.batches_per_epoch
        )
        if left == 0:
            pass  # the budget is used up: "end" is published below
        elif rate > 0:
            n = int(min(max(1, int(rate * 0.02)), left))  # 20 ms worth at the allowed rate
            self._train(n)
            pause = n / rate - (time.perf_counter() - t0)
            if pause > 0:
                try:  # sleep, but wake up for commands
                    self._pending = self._commands.get(timeout=pause)
                except queue.Empty:
                    pass
        else:
            self._train(int(min(self._chunk, left)))
            dt = time.perf_counter() - t0
            # aim for ≈ 5 ms chunks so commands are handled quickly
            if dt < 0.0025:
                self._chunk = min(self._chunk * 2, 100_000)
            elif dt > 0.01 and self._chunk > 1:
                self._chunk = max(1, self._chunk // 2)
        if tr.divergence is not None:
            self._publish("diverged")
            return
        if self.epochs and tr.epoch >= self.epochs:
            self._playing = False
            self._publish("end")
            return
        if time.perf_counter() - self._last_publish >= self.publish_interval:
            self._publish("tick")


def run_headless(
    trainer: Trainer,
    epochs: int,
    progress: Callable[[Trainer], None] | None = None,
    progress_interval: float = 0.1,
) -> Diverged | None:
    """Train ``epochs`` more epochs in this thread, with epoch metrics; returns the divergence (or
    None). ``progress(trainer)`` is called at most every ``progress_interval`` seconds and at the
    end."""
    target = trainer.epoch + epochs
    last = -math.inf
    try:
        while trainer.epoch < target:
            trainer.train_steps(trainer.steps_left_in_epoch, epoch_metrics=True)
            now = time.perf_counter()
            if progress is not None and now - last >= progress_interval:
                progress(trainer)
                last = now
    except Diverged as exc:
        return exc
    finally:
        if progress is not None:
            progress(trainer)
    return None

"""Where training runs while the window is open: a separate process (default) or a thread. No Qt.

Why a process: NumPy's small-matrix calls keep the GIL, and so does everything Qt paints through
Python (PySide6 does not release the GIL in ``QPainter`` calls; pyqtgraph paints in Python). With a
training *thread*, every millisecond the window spends drawing is a millisecond the trainer
cannot run, and every time the GUI thread needs the GIL it waits for the trainer to let go
(``scripts/bench_gui.py`` measured 30% of headless speed and 80 ms event-loop gaps). In a child
process the trainer has a core of its own and the GUI thread never waits for it.

Both workers offer the same surface to ``TrainingController``:

* ``play()``, ``pause()``, ``step(n)``, ``set_speed(steps_per_second)``;
* ``apply(method, *args)``: call a ``Trainer`` method between two steps (``set_learning_rate``,
  ``set_optimizer``, ``set_batch_size``, ``set_regularization``) — and ``set_weight`` /
  ``set_bias`` write one parameter of the running network;
* ``replace(experiment, dataset, play, run)``: a new trainer (a new run, tagged ``run``);
* ``request("experiment")``: the current experiment with weights and state (waits for the answer);
* ``poll()``: move what the worker sent into ``mailbox`` (newest snapshot, merged history) and
  ``errors`` (messages); ``stop(timeout)``; ``alive``.

The process worker runs a ``playground.training.TrainingSession`` inside the child and relays:
commands go down a pipe, the newest snapshot (≤ ``publish_hz`` a second) comes back up. Snapshots
are frozen dataclasses of arrays, so pickling them is a copy, as across threads.
"""

from __future__ import annotations

import concurrent.futures
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from playground.data import Dataset
from playground.training import Snapshot, Trainer
from playground.training.session import Mailbox, TrainingSession

#: the worker's name (thread name, process name)
WORKER_NAME = "playground-training"
#: trainer methods ``apply`` may call
LIVE_METHODS = ("set_learning_rate", "set_optimizer", "set_batch_size", "set_regularization")


class RunTrainer(Trainer):
    """A ``Trainer`` whose snapshots say which run they belong to (``Snapshot.run``), so a
    snapshot of a replaced run still in flight is never shown."""

    run_id = 0

    def snapshot(self, reason: str = "tick") -> Snapshot:
        return replace(super().snapshot(reason), run=self.run_id)


def make_trainer(experiment: dict, dataset: Dataset, run: int) -> RunTrainer:
    trainer = RunTrainer(experiment, dataset)
    trainer.run_id = run
    return trainer


def run_command(trainer: Trainer, method: str, args: tuple) -> None:
    """One live change in the worker: a ``LIVE_METHODS`` call, or a weight / bias write."""
    if method == "set_weight":
        layer, i, j, value = args
        trainer.net.weights[layer - 1][i, j] = value
    elif method == "set_bias":
        layer, i, value = args
        trainer.net.biases[layer - 1][i] = value
    elif method in LIVE_METHODS:
        getattr(trainer, method)(*args)
    else:
        raise ValueError(f"unknown live change {method!r}")


def answer(trainer: Trainer, what: str) -> Any:
    if what == "experiment":
        return trainer.current_experiment()
    raise ValueError(f"unknown request {what!r}")


def _ask(session: TrainingSession, what: str, timeout: float) -> Any:
    """Run ``answer(trainer, what)`` in the session's worker between two steps."""
    if not session.alive:
        return answer(session.trainer, what)
    future: concurrent.futures.Future = concurrent.futures.Future()

    def run(trainer: Trainer) -> None:
        try:
            future.set_result(answer(trainer, what))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            future.set_exception(exc)

    session.call(run)
    return future.result(timeout)


class ThreadWorker:
    """Training in a thread of this process (``PLAYGROUND_WORKER=thread``)."""

    def __init__(
        self, experiment: dict, dataset: Dataset, *, publish_hz: float, max_steps_per_second: float
    ) -> None:
        self.errors: list[str] = []
        self.session = TrainingSession(
            make_trainer(experiment, dataset, 0),
            publish_hz=publish_hz,
            max_steps_per_second=max_steps_per_second,
            on_error=lambda exc: self.errors.append(str(exc) or type(exc).__name__),
        )
        self.mailbox = self.session.mailbox

    def start(self) -> None:
        self.session.start()

    def play(self) -> None:
        self.session.play()

    def pause(self) -> None:
        self.session.pause()

    def step(self, n: int = 1) -> None:
        self.session.step(n)

    def set_speed(self, steps_per_second: float) -> None:
        self.session.max_steps_per_second = steps_per_second

    def apply(self, method: str, *args: object) -> None:
        if method not in (*LIVE_METHODS, "set_weight", "set_bias"):
            raise ValueError(f"unknown live change {method!r}")
        self.session.call(lambda trainer: run_command(trainer, method, args))

    def replace(self, experiment: dict, dataset: Dataset, play: bool, run: int) -> None:
        self.session.replace(make_trainer(experiment, dataset, run), play=play)

    def request(self, what: str, timeout: float = 30.0) -> Any:
        return _ask(self.session, what, timeout)

    def poll(self) -> None:
        """Snapshots are already in ``mailbox`` (the thread puts them there)."""

    @property
    def alive(self) -> bool:
        return self.session.alive

    def stop(self, timeout: float = 5.0) -> bool:
        return self.session.stop(timeout)


# --- the process worker --------------------------------------------------------------------------


def child_entry() -> None:  # pragma: no cover - runs in the child
    """Entry point of the worker process (``ProcessWorker.start``)."""
    conn = Connection(int(os.environ["PLAYGROUND_WORKER_FD"]))
    try:
        msg = conn.recv()
    except (EOFError, OSError):
        return
    if msg[0] == "start":
        _child_main(conn, *msg[1:])
    conn.close()


def _child_main(
    conn, experiment: dict, dataset: Dataset, publish_hz: float, max_steps_per_second: float
) -> None:  # pragma: no cover - runs in the child
    """The child process: a TrainingSession, relayed to the parent through ``conn``.

    This thread only reads commands; a sender thread alone writes to the pipe (the newest
    snapshot, errors, replies), so a big command from the parent never waits for a snapshot the
    parent is not reading yet (no deadlock with both sides sending).
    """
    outbox: queue.Queue = queue.Queue()
    session = TrainingSession(
        make_trainer(experiment, dataset, 0),
        publish_hz=publish_hz,
        max_steps_per_second=max_steps_per_second,
        on_error=lambda exc: outbox.put(("error", str(exc) or type(exc).__name__)),
    )
    session.start()
    done = threading.Event()

    def sender() -> None:
        interval = 1.0 / publish_hz
        try:
            while not done.is_set():
                try:
                    conn.send(outbox.get(timeout=interval / 2))
                    continue
                except queue.Empty:
                    pass
                snapshot = session.mailbox.take()
                if snapshot is not None:
                    conn.send(("snapshot", snapshot))
        except (EOFError, BrokenPipeError, OSError):
            done.set()

    out = threading.Thread(target=sender, name="playground-relay", daemon=True)
    out.start()
    try:
        while not done.is_set():
            if not conn.poll(0.1):
                continue
            msg = conn.recv()
            kind = msg[0]
            if kind == "stop":
                break
            try:
                if kind in ("play", "pause"):
                    getattr(session, kind)()
                elif kind == "step":
                    session.step(msg[1])
                elif kind == "speed":
                    session.max_steps_per_second = msg[1]
                elif kind == "apply":
                    method, args = msg[1], msg[2]
                    session.call(lambda tr, m=method, a=args: run_command(tr, m, a))
                elif kind == "replace":
                    _kind, exp, ds, play, run = msg
                    session.replace(make_trainer(exp, ds, run), play=play)
                elif kind == "request":
                    _kind, rid, what = msg
                    try:
                        outbox.put(("reply", rid, _ask(session, what, 30.0), None))
                    except Exception as exc:  # noqa: BLE001 - answered with the error
                        outbox.put(("reply", rid, None, str(exc) or type(exc).__name__))
            except Exception as exc:  # noqa: BLE001 - reported, the child keeps running
                outbox.put(("error", str(exc) or type(exc).__name__))
    except (EOFError, OSError):
        pass  # the parent went away
    finally:
        session.stop(5.0)
        done.set()
        out.join(1.0)


class ProcessWorker:
    """Training in a child process (the default): the GUI and the trainer never share a GIL."""

    def __init__(
        self, experiment: dict, dataset: Dataset, *, publish_hz: float, max_steps_per_second: float
    ) -> None:
        self._args = (experiment, dataset, publish_hz, max_steps_per_second)
        self._proc: subprocess.Popen | None = None
        self.mailbox = Mailbox()
        self.errors: list[str] = []
        self._replies: dict[int, tuple[Any, str | None]] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self._dead = False

    def start(self) -> None:
        """Start a fresh interpreter running ``child_entry`` (not ``multiprocessing``'s spawn,
        which re-imports the caller's ``__main__``: a script that opens a window at import time
        would open it again in the child). Commands and snapshots travel over a socket pair."""
        parent, child = socket.socketpair()
        code = "from playground.ui.worker import child_entry; child_entry()"
        env = dict(os.environ, PLAYGROUND_WORKER_FD=str(child.fileno()))
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(child.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            child.close()
        self._conn = Connection(parent.detach())
        self._send("start", *self._args)

    def _send(self, *msg: object) -> None:
        if self._dead:
            raise RuntimeError("the training process has stopped")
        try:
            self._conn.send(msg)
        except (BrokenPipeError, OSError) as exc:
            self._died(f"the training process has stopped ({exc})")
            raise RuntimeError("the training process has stopped") from None

    def _died(self, message: str) -> None:
        if not self._dead:
            self._dead = True
            self.errors.append(message)

    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def step(self, n: int = 1) -> None:
        self._send("step", int(n))

    def set_speed(self, steps_per_second: float) -> None:
        self._send("speed", float(steps_per_second))

    def apply(self, method: str, *args: object) -> None:
        if method not in (*LIVE_METHODS, "set_weight", "set_bias"):
            raise ValueError(f"unknown live change {method!r}")
        self._send("apply", method, args)

    def replace(self, experiment: dict, dataset: Dataset, play: bool, run: int) -> None:
        self._send("replace", experiment, dataset, play, run)

    def request(self, what: str, timeout: float = 30.0) -> Any:
        """Ask the child (after every command sent before) and wait for the answer; snapshots
        arriving meanwhile go to the mailbox."""
        with self._lock:
            rid = self._next_id
            self._next_id += 1
        self._send("request", rid, what)
        deadline = time.monotonic() + timeout
        while rid not in self._replies:
            left = deadline - time.monotonic()
            if left <= 0 or not self._receive(left):
                if rid in self._replies:
                    break
                raise TimeoutError(f"the training process did not answer within {timeout:g} s")
        value, error = self._replies.pop(rid)
        if error is not None:
            raise RuntimeError(error)
        return value

    def _receive(self, wait: float) -> bool:
        """Handle one message (waiting up to ``wait`` seconds); False when nothing came."""
        try:
            if not self._conn.poll(wait):
                if not self.alive:
                    self._died("the training process has stopped")
                    return False
                return False
            msg = self._conn.recv()
        except (EOFError, OSError):
            self._died("the training process has stopped")
            return False
        kind = msg[0]
        if kind == "snapshot":
            self.mailbox.put(msg[1])
        elif kind == "error":
            self.errors.append(msg[1])
        elif kind == "reply":
            self._replies[msg[1]] = (msg[2], msg[3])
        return True

    def poll(self) -> None:
        """Take everything the child sent so far (never blocks)."""
        if self._dead:
            return
        while self._receive(0.0):
            pass

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The child's process id (None before ``start``)."""
        return self._proc.pid if self._proc is not None else None

    def is_alive(self) -> bool:  # the leak check of the tests treats workers like threads
        return self.alive

    def join(self, timeout: float | None = None) -> None:
        if self._proc is not None:
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the child to stop, wait up to ``timeout`` s, then kill it; True if it ended."""
        if self._proc is None:
            return True
        if self.alive:
            try:
                self._conn.send(("stop",))
            except (BrokenPipeError, OSError):
                pass
            self.join(timeout)
        if self.alive:
            self._proc.kill()
            self.join(2.0)
        self._dead = True
        self._conn.close()
        return not self.alive


def make_worker(
    experiment: dict,
    dataset: Dataset,
    *,
    publish_hz: float,
    max_steps_per_second: float,
    kind: str | None = None,
):
    """A ``ProcessWorker`` (default) or a ``ThreadWorker`` (``kind="thread"`` or the environment
    variable ``PLAYGROUND_WORKER=thread``)."""
    kind = kind or os.environ.get("PLAYGROUND_WORKER", "process")
    cls = ThreadWorker if kind == "thread" else ProcessWorker
    return cls(
        experiment, dataset, publish_hz=publish_hz, max_steps_per_second=max_steps_per_second
    )

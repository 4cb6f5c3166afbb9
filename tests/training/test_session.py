"""TrainingSession: a real worker thread driven by commands, publishing into a Mailbox; and
run_headless. Timing bounds are deliberately loose (the machines are VMs that stall)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
from builders import TANH_SIGMOID, build_experiment

from playground.data import make_dataset
from playground.training import Snapshot, Trainer
from playground.training.session import Mailbox, TrainingSession, run_headless

TIMEOUT = 10.0


def experiment(*, layers=None, loss="bce", init=None, lr=0.1, batch_size=10, epochs=10) -> dict:
    return build_experiment(
        layers or [{"units": 6, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        data={"dataset": "xor", "samples": 100, "noise": 0.1, "seed": 1},
        loss=loss,
        init=init,
        optimizer={"name": "sgd", "learning_rate": lr},
        batch_size=batch_size,
        epochs=epochs,
    )


def trainer(exp: dict | None = None, **kw) -> Trainer:
    exp = exp or experiment()
    return Trainer(exp, make_dataset(exp["data"]), grid_size=8, neuron_grid=4, **kw)


def diverging() -> Trainer:
    return trainer(
        experiment(
            layers=[
                {"units": 8, "activation": "relu"},
                {"units": 8, "activation": "relu"},
                {"units": 1, "activation": "linear"},
            ],
            loss="mse",
            init={"scheme": "he_normal", "scale": 50.0},
            lr=10.0,
        )
    )


class Reader:
    """Takes snapshots from a mailbox and keeps them all."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.seen: list[Snapshot] = []

    def until(self, pred: Callable[[Snapshot], bool], timeout: float = TIMEOUT) -> Snapshot:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.mailbox.take()
            if s is not None:
                self.seen.append(s)
                if pred(s):
                    return s
            else:
                time.sleep(0.002)
        raise AssertionError(
            f"no matching snapshot within {timeout} s; last: "
            f"{[(x.reason, x.step) for x in self.seen[-5:]]}"
        )


@pytest.fixture
def session():
    made: list[TrainingSession] = []

    def make(tr: Trainer | None = None, **kw) -> TrainingSession:
        s = TrainingSession(tr or trainer(), **kw)
        made.append(s)
        s.start()
        return s

    yield make
    for s in made:
        assert s.stop(), "worker did not stop"


def test_play_pause_step_and_the_start_snapshot(session) -> None:
    s = session()
    r = Reader(s.mailbox)
    start = r.until(lambda x: x.reason == "start")
    assert start.step == 0
    s.play()
    r.until(lambda x: x.step > 0)
    assert s.playing
    s.pause()
    paused = r.until(lambda x: x.reason == "pause")
    assert not s.playing
    n = s.trainer.step_count
    assert paused.step == n > 0
    time.sleep(0.2)
    assert s.trainer.step_count == n  # paused: no more steps
    assert s.mailbox.take() is None  # and nothing new published
    s.step(17)
    stepped = r.until(lambda x: x.reason == "step")
    assert stepped.step == n + 17 == s.trainer.step_count
    s.step()
    assert r.until(lambda x: x.reason == "step").step == n + 18
    time.sleep(0.1)
    assert s.trainer.step_count == n + 18


def test_snapshots_while_playing_are_rate_limited_ticks(session) -> None:
    s = session(publish_hz=20.0)
    r = Reader(s.mailbox)
    r.until(lambda x: x.reason == "start")
    s.play()
    time.sleep(0.5)
    s.pause()
    r.until(lambda x: x.reason == "pause")
    ticks = [x for x in r.seen if x.reason == "tick"]
    assert 1 <= s.mailbox.published <= 1 + 0.5 * 20 * 3 + 2  # start + ticks (loose) + pause
    assert all(t.step > 0 for t in ticks)
    steps = [x.step for x in r.seen]
    assert steps == sorted(steps)


def test_call_runs_in_the_worker_and_changes_the_next_steps(session) -> None:
    s = session()
    r = Reader(s.mailbox)
    r.until(lambda x: x.reason == "start")
    where: list[threading.Thread] = []

    def change(tr: Trainer) -> None:
        where.append(threading.current_thread())
        tr.set_learning_rate(0.5)

    s.call(change)
    snap = r.until(lambda x: x.reason == "pause")  # a call while paused publishes at once
    assert where and where[0] is not threading.main_thread()
    assert where[0].name == "playground-training" and where[0].daemon
    assert snap.learning_rate == 0.5 == s.trainer.optimizer.learning_rate
    s.step(2)
    assert r.until(lambda x: x.reason == "step").learning_rate == 0.5


def test_an_exception_in_call_is_reported_and_the_worker_keeps_running(session) -> None:
    errors: list[BaseException] = []
    got = threading.Event()

    def on_error(exc: BaseException) -> None:
        errors.append(exc)
        got.set()

    s = session(on_error=on_error)
    r = Reader(s.mailbox)
    s.call(lambda tr: 1 / 0)
    assert got.wait(TIMEOUT)
    assert isinstance(errors[0], ZeroDivisionError) and s.error is errors[0]
    s.call(lambda tr: tr.set_learning_rate(-1.0))  # a bad live change: reported, not fatal
    end = time.monotonic() + TIMEOUT
    while len(errors) < 2 and time.monotonic() < end:
        time.sleep(0.01)
    assert isinstance(errors[1], ValueError)
    assert s.alive
    s.step(4)
    assert r.until(lambda x: x.reason == "step").step == 4


def test_replace_swaps_the_trainer_and_publishes_reset(session) -> None:
    s = session()
    r = Reader(s.mailbox)
    s.step(25)
    r.until(lambda x: x.reason == "step" and x.step == 25)
    fresh = trainer()
    s.replace(fresh)
    reset = r.until(lambda x: x.reason == "reset")
    assert reset.step == 0 and s.trainer is fresh
    assert len(reset.history) == 0  # nothing of the old run leaks into the new one
    s.replace(trainer(), play=True)
    r.until(lambda x: x.reason == "reset")
    r.until(lambda x: x.step > 0)
    assert s.playing


def test_stop_while_playing_flat_out_is_quick_and_the_thread_is_gone(session) -> None:
    s = session()
    r = Reader(s.mailbox)
    s.play()
    r.until(lambda x: x.step > 100)
    thread = s._thread
    assert thread.daemon and thread.is_alive()
    t0 = time.monotonic()
    assert s.stop(timeout=5.0)
    assert time.monotonic() - t0 < 5.0
    assert not s.alive and not thread.is_alive()
    assert thread not in threading.enumerate()


def test_throttle_limits_the_step_rate(session) -> None:
    s = session(max_steps_per_second=200)
    r = Reader(s.mailbox)
    s.play()
    r.until(lambda x: x.step > 0)
    n0, t0 = s.trainer.step_count, time.monotonic()
    time.sleep(1.0)
    n1, t1 = s.trainer.step_count, time.monotonic()
    rate = (n1 - n0) / (t1 - t0)
    assert 0 < rate < 3 * 200
    t2 = time.monotonic()
    s.pause()  # a throttled worker still answers commands promptly
    r.until(lambda x: x.reason == "pause")
    assert time.monotonic() - t2 < 2.0


def test_a_slow_reader_loses_no_history(session) -> None:
    s = session(trainer(stride=3), publish_hz=200.0)
    r = Reader(s.mailbox)
    r.until(lambda x: x.reason == "start")
    s.play()
    for _ in range(4):  # read rarely: many ticks are merged meanwhile
        time.sleep(0.15)
        r.until(lambda x: True)
    s.pause()
    last = r.until(lambda x: x.reason == "pause")
    assert s.mailbox.published > len(r.seen)  # some snapshots were merged, not read
    steps = np.concatenate([x.history.step for x in r.seen])
    assert steps[-1] == last.step == s.trainer.step_count
    assert np.all(np.diff(steps) > 0) and np.all(np.diff(steps) <= 3)
    assert steps[0] <= 3
    evals = np.concatenate([x.evals.step for x in r.seen])
    assert np.all(np.diff(evals) >= 0) and evals[-1] == last.step


def test_mailbox_keeps_the_newest_and_merges_the_unread() -> None:
    tr = trainer(stride=2)
    box = Mailbox()
    assert box.take() is None
    snaps = []
    for n in (3, 4, 5):
        tr.train_steps(n)
        snaps.append(tr.snapshot("pause"))
        box.put(snaps[-1])
    got = box.take()
    assert got.step == 12 and box.take() is None and box.published == 3
    np.testing.assert_array_equal(got.history.step, np.concatenate([x.history.step for x in snaps]))
    np.testing.assert_array_equal(got.evals.step, [3, 7, 12])
    box.put(snaps[0])
    box.put(trainer().snapshot("reset"))  # a reset drops what came before it
    reset = box.take()
    assert reset.reason == "reset" and len(reset.history) == 0 and len(reset.evals) == 1


def test_mailbox_never_merges_snapshots_of_different_runs() -> None:
    """A new network (another run) may have another number of layers: its first unread ticks
    must not be glued to the old network's history."""
    four = trainer(experiment(layers=[{"units": 3, "activation": "tanh"}] * 3 + [TANH_SIGMOID[-1]]))
    two = trainer()
    box = Mailbox()
    four.train_steps(5)
    box.put(dataclasses.replace(four.snapshot("tick"), run=1))
    two.train_steps(5)
    newer = dataclasses.replace(two.snapshot("tick"), run=2)
    box.put(newer)
    got = box.take()
    assert got.run == 2 and len(got.layers) == 2
    np.testing.assert_array_equal(got.history.step, newer.history.step)


@pytest.mark.parametrize("rate", [0, 2000])
def test_epoch_budget_ends_playing_exactly_at_the_budget(session, rate: int) -> None:
    s = session(epochs=2, max_steps_per_second=rate)
    r = Reader(s.mailbox)
    s.play()
    end = r.until(lambda x: x.reason == "end")
    assert end.epoch == 2 and not s.playing
    assert s.trainer.epoch == 2 and s.trainer.step_count == 2 * s.trainer.batches_per_epoch
    s.play()  # the budget is used up: ends again without stepping
    assert r.until(lambda x: x.reason == "end").step == end.step
    s.call(lambda tr: setattr(s, "epochs", 3))  # a bigger budget: plays on to it
    s.play()
    assert r.until(lambda x: x.reason == "end").epoch == 3


def test_divergence_while_playing_stops_and_reports(session) -> None:
    s = session(diverging())
    r = Reader(s.mailbox)
    s.play()
    snap = r.until(lambda x: x.reason == "diverged")
    assert not s.playing and snap.divergence is not None
    assert snap.health.verdict == "nan"
    assert f"layer {snap.divergence.layer}" in snap.health.message or snap.health.layers
    assert all(np.isfinite(W).all() for W in snap.weights)
    s.play()  # refused: it stays stopped
    time.sleep(0.1)
    assert not s.playing and s.trainer.step_count == snap.step
    s.step(1)
    assert r.until(lambda x: x.reason == "diverged").step == snap.step


def test_stop_before_start_and_twice() -> None:
    s = TrainingSession(trainer())
    assert s.stop(timeout=1.0)
    s2 = TrainingSession(trainer())
    s2.start()
    assert s2.stop() and s2.stop()


# -- run_headless --------------------------------------------------------------------------------
def test_run_headless_trains_whole_epochs_with_metrics() -> None:
    tr = trainer()
    calls: list[int] = []
    assert run_headless(tr, 3, lambda t: calls.append(t.epoch), progress_interval=0.0) is None
    assert tr.epoch == 3 and tr.step_count == 3 * tr.batches_per_epoch
    assert [row["epoch"] for row in tr.epoch_rows] == [1, 2, 3]
    assert calls[-1] == 3 and calls == sorted(calls)
    row = tr.epoch_rows[-1]
    ds = tr.dataset
    assert row["train_loss"] == pytest.approx(tr.net.cost(ds.x_train, ds.y_train), rel=1e-12)
    assert row["test_loss"] == pytest.approx(tr.net.cost(ds.x_test, ds.y_test), rel=1e-12)
    assert row["grad_norm_1"] == pytest.approx(np.linalg.norm(tr.stepper.dW[0]), rel=1e-12)
    assert run_headless(tr, 1) is None and tr.epoch == 4  # continues


def test_run_headless_from_mid_epoch_finishes_that_epoch_first() -> None:
    tr = trainer()
    tr.train_steps(3)
    run_headless(tr, 1)
    assert tr.epoch == 1 and tr.step_count == tr.batches_per_epoch


def test_run_headless_returns_the_divergence() -> None:
    tr = diverging()
    exc = run_headless(tr, 50)
    assert exc is not None and exc.divergence is tr.divergence
    assert np.isfinite(tr.net.params).all()

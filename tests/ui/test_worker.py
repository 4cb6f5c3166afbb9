"""The training workers (process and thread) and the feeding of views within a frame budget."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.training import Trainer
from playground.ui.controller import build_run
from playground.ui.view_feeder import ViewFeeder
from playground.ui.worker import ProcessWorker, ThreadWorker


def wait_for(worker, predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.poll()
        snapshot = worker.mailbox.take()
        if snapshot is not None and predicate(snapshot):
            return snapshot
        time.sleep(0.01)
    raise AssertionError("no matching snapshot")


@pytest.mark.parametrize("kind", [ProcessWorker, ThreadWorker])
def test_worker_steps_changes_and_answers(kind, experiment) -> None:
    spec, dataset = build_run(experiment)
    worker = kind(spec, dataset, publish_hz=30, max_steps_per_second=0)
    worker.start()
    try:
        worker.step(7)
        s = wait_for(worker, lambda s: s.step == 7)
        assert s.run == 0
        worker.apply("set_learning_rate", 0.5)
        worker.apply("set_weight", 1, 0, 0, 2.5)
        exp = worker.request("experiment")
        assert exp["training"]["optimizer"]["learning_rate"] == 0.5
        assert exp["weights"][0]["W"][0][0] == 2.5 and exp["state"]["step"] == 7
        # the same numbers as a trainer in this process
        local = Trainer(spec, dataset)
        local.train_steps(7)
        np.testing.assert_array_equal(np.array(exp["weights"][1]["W"]), local.net.weights[1])
        worker.replace(spec, dataset, False, 3)
        s = wait_for(worker, lambda s: s.run == 3)
        assert s.step == 0
        with pytest.raises(ValueError):
            worker.apply("no_such_method")
    finally:
        assert worker.stop(5.0)
    assert not worker.alive


class FakeView:
    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.steps: list[int] = []

    def show_snapshot(self, snapshot) -> None:
        time.sleep(self.seconds)
        self.steps += snapshot.history.step.tolist()


def test_feeder_takes_turns_within_budget_and_loses_no_history(experiment) -> None:
    spec, dataset = build_run(experiment)
    trainer = Trainer(spec, dataset, stride=1)
    views = {"cheap": FakeView(), "costly": FakeView(0.004), "hidden": FakeView()}
    feeder = ViewFeeder(views, lambda v: v is not views["hidden"], budget_ms=5.0, hidden_every=4)
    for _ in range(24):
        trainer.train_steps(3)
        feeder.feed(trainer.snapshot())
    feeder.flush()
    expected = list(range(1, 24 * 3 + 1))
    for name, view in views.items():
        assert view.steps == expected, name  # every recorded row, in order, exactly once
    assert feeder.delivered["cheap"] > feeder.delivered["costly"]  # the costly one waits
    assert feeder.delivered["hidden"] <= 24 // 4 + 1

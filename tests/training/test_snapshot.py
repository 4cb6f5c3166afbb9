"""Snapshots are frozen: read-only private copies that later training never changes; the heavy
parts of "tick" snapshots follow the time budget; histories concatenate without loss."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.data import make_dataset
from playground.io import validate_experiment
from playground.training import Divergence, Evals, History, Snapshot, Trainer
from playground.training.snapshot import frozen


def trainer(batch_size: int = 10, **kw) -> Trainer:
    exp = validate_experiment(
        {
            "format": "playground-experiment",
            "version": 1,
            "data": {"dataset": "circle", "samples": 120, "noise": 0.1, "seed": 1},
            "model": {
                "inputs": 2,
                "layers": [
                    {"units": 6, "activation": "relu"},
                    {"units": 4, "activation": "tanh"},
                    {"units": 1, "activation": "sigmoid"},
                ],
                "loss": "bce",
                "seed": 0,
            },
            "training": {
                "optimizer": {"name": "momentum", "learning_rate": 0.1},
                "batch_size": batch_size,
                "epochs": 10,
            },
            "weights": None,
        }
    )
    return Trainer(exp, make_dataset(exp["data"]), grid_size=10, neuron_grid=5, **kw)


def arrays(obj, path: str = "snapshot"):
    """Every NumPy array reachable from a snapshot, with a name."""
    if isinstance(obj, np.ndarray):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from arrays(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, tuple | list):
        for i, item in enumerate(obj):
            yield from arrays(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from arrays(item, f"{path}[{k!r}]")


def test_every_array_is_read_only() -> None:
    tr = trainer(stride=3)
    tr.train_steps(20)
    snap = tr.snapshot("pause")
    found = dict(arrays(snap))
    names = " ".join(found)
    for part in (
        "weights",
        "biases",
        "grad_weights",
        "boundary",
        "neuron_maps",
        "history.step",
        "history.grad_norm",
        "evals.train_loss",
        "delta_sample",
        "activation_hist.counts",
        "weight_quantiles",
    ):
        assert part in names, part
    for name, a in found.items():
        assert not a.flags.writeable, name
        if a.size:
            with pytest.raises(ValueError):
                a.flat[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.step = 0  # type: ignore[misc]


def test_snapshots_are_copies_that_later_training_does_not_change() -> None:
    tr = trainer(stride=1)
    tr.train_steps(15)
    snap = tr.snapshot("pause")
    kept = {name: a.copy() for name, a in arrays(snap)}
    live = [tr.net.params, tr.stepper.grad, tr.stepper.update]
    for name, a in arrays(snap):
        assert not any(np.shares_memory(a, buf) for buf in live), name
    for buf in tr.stepper.last.Z + tr.stepper.last.A + tr.stepper.last.D:
        assert not any(np.shares_memory(a, buf) for _, a in arrays(snap))
    tr.train_steps(40)
    tr.net.weights[0][...] = 123.0
    tr.snapshot("pause")
    for name, a in arrays(snap):
        np.testing.assert_array_equal(a, kept[name], err_msg=name)
    assert snap.step == 15 and snap.weights[0][0, 0] != 123.0


def test_back_to_back_ticks_reuse_the_heavy_parts_and_carry_no_evaluations() -> None:
    tr = trainer()
    tr.train_steps(5)
    first = tr.snapshot("tick")  # nothing cached yet: fresh
    assert len(first.evals) == 1
    tr.heavy_budget = tr.eval_budget = 1e-12  # a refresh would need days between ticks
    tr.train_steps(5)
    tick = tr.snapshot("tick")
    assert tick.step == 10 and len(tick.evals) == 0
    assert tick.boundary is first.boundary and tick.weights is first.weights
    assert tick.train_loss == first.train_loss
    assert len(tick.history) > 0 and tick.history.step[-1] == 10  # cheap parts are current
    pause = tr.snapshot("pause")  # any other reason: always fresh
    assert len(pause.evals) == 1 and pause.evals.step[0] == 10
    assert pause.boundary is not first.boundary
    np.testing.assert_array_equal(pause.weights[0], tr.net.weights[0])
    assert not np.array_equal(pause.weights[0], first.weights[0])
    tr.heavy_budget = 1e12  # every tick may refresh
    tr.train_steps(1)
    again = tr.snapshot("tick")
    assert len(again.evals) == 1 and again.weights is not pause.weights


def test_the_loss_curve_gets_points_when_grids_are_too_costly_to_refresh() -> None:
    """Big nets: the grids and histograms wait for their budget, the evaluation has its own."""
    tr = trainer()
    tr.train_steps(5)
    first = tr.snapshot("tick")
    tr.heavy_budget, tr.eval_budget = 1e-12, 1e12
    for k in range(3):
        tr.train_steps(5)
        tick = tr.snapshot("tick")
        assert len(tick.evals) == 1 and tick.evals.step[0] == 10 + 5 * k
        assert tick.train_loss == tick.evals.train_loss[0] != first.train_loss
        assert tick.boundary is first.boundary and tick.weights is first.weights


@pytest.mark.parametrize("reason", ["pause", "step", "end", "diverged", "reset", "start"])
def test_non_tick_snapshots_are_always_fresh(reason: str) -> None:
    tr = trainer()
    tr.heavy_budget = tr.eval_budget = 1e-12
    tr.snapshot("tick")
    tr.train_steps(3)
    snap = tr.snapshot(reason)
    assert snap.reason == reason and len(snap.evals) == 1 and snap.evals.step[0] == 3
    np.testing.assert_array_equal(snap.weights[1], tr.net.weights[1])


def test_snapshot_before_any_step() -> None:
    tr = trainer()
    snap = tr.snapshot("start")
    assert snap.step == 0 and snap.epoch == 0 and len(snap.history) == 0
    assert snap.history.grad_norm.shape == (0, 3)
    assert all(np.isnan(ls.grad_norm) for ls in snap.layers)
    assert snap.boundary.shape == (10, 10, 1) and np.isfinite(snap.train_loss)
    assert snap.learning_rate == 0.1 and snap.batch_size == 10


def test_merged_after_prepends_the_older_history_and_evaluations() -> None:
    tr = trainer(stride=2)
    tr.train_steps(5)
    a = tr.snapshot("tick")
    tr.train_steps(6)
    b = tr.snapshot("pause")
    merged = b.merged_after(a)
    np.testing.assert_array_equal(
        merged.history.step, np.concatenate([a.history.step, b.history.step])
    )
    np.testing.assert_array_equal(
        merged.history.grad_norm, np.vstack([a.history.grad_norm, b.history.grad_norm])
    )
    np.testing.assert_array_equal(merged.evals.step, [5, 11])
    assert merged.step == 11 and merged.weights is b.weights
    assert not merged.history.step.flags.writeable


def test_empty_history_and_evals_concatenate() -> None:
    h = History.empty(3)
    assert len(h) == 0 and h.dead_fraction.shape == (0, 3) and h.step.dtype == np.int64
    assert len(h.concat(History.empty(3))) == 0
    e = Evals.empty()
    assert len(e.concat(e)) == 0 and e.step.dtype == np.int64


def test_frozen_copies_and_locks() -> None:
    src = np.arange(4.0)
    f = frozen(src)
    assert not f.flags.writeable and not np.shares_memory(f, src)
    src[0] = 9.0
    assert f[0] == 0.0
    assert frozen(None) is None
    assert frozen(src, np.float32).dtype == np.float32


def test_divergence_message_names_layer_step_and_quantity() -> None:
    msg = Divergence(step=17, layer=2, quantity="delta").message()
    assert "layer 2" in msg and "step 17" in msg and "δ" in msg
    assert Snapshot.__dataclass_params__.frozen  # type: ignore[attr-defined]

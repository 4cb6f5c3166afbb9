"""Trainer: mini-batching, determinism and exact resume, the step against a hand-written reference,
live setters, and NaN/Inf detection (MATH.md "Gradient descent"; issue 2, "Training loop")."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from builders import build_experiment, spiral

from playground.data import make_dataset
from playground.engine import Network
from playground.io import experiment_to_json, load_experiment, save_experiment, validate_experiment
from playground.training import Diverged, Trainer

TANH_NET = [
    {"units": 8, "activation": "tanh"},
    {"units": 8, "activation": "tanh"},
    {"units": 1, "activation": "sigmoid"},
]


def experiment(
    *,
    layers=None,
    loss="bce",
    optimizer=None,
    batch_size=7,
    samples=100,
    dataset="spiral",
    inputs=2,
    init=None,
    regularization=None,
    seed=0,
    data=None,
) -> dict:
    """A validated experiment; the default spiral has m = 50 training examples."""
    return build_experiment(
        layers or TANH_NET,
        data=data or {**spiral(samples), "dataset": dataset},
        inputs=inputs,
        loss=loss,
        init=init,
        seed=seed,
        optimizer=optimizer,
        batch_size=batch_size,
        regularization=regularization,
    )


def trainer(exp: dict, **kw) -> Trainer:
    return Trainer(exp, make_dataset(exp["data"]), **kw)


def run_and_watch(tr: Trainer, steps: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(epoch, x, y) of the batches of the next ``steps`` steps, one ``train_steps(1)`` each."""
    seen = []
    for _ in range(steps):
        epoch = tr.epoch
        assert tr.train_steps(1) == 1
        seen.append((epoch, tr.stepper.last_x[:, :-1].copy(), tr.stepper.last_y.copy()))
    return seen


def perm(seed: int, epoch: int, m: int) -> np.ndarray:
    return np.random.default_rng((seed, epoch)).permutation(m)


# -- mini-batching -----------------------------------------------------------------------------
@pytest.mark.parametrize("s", [1, 7, 20, 50])
def test_batches_cover_each_epoch_once_in_the_seeded_order(s: int) -> None:
    tr = trainer(experiment(batch_size=s, seed=3))
    ds, m = tr.dataset, tr.m
    assert m == 50
    k = math.ceil(m / s)
    assert tr.batches_per_epoch == k
    epochs = 3
    seen = run_and_watch(tr, k * epochs)
    assert tr.epoch == epochs and tr.step_count == k * epochs
    for e in range(epochs):
        part = seen[e * k : (e + 1) * k]
        assert [ep for ep, _, _ in part] == [e] * k
        sizes = [x.shape[0] for _, x, _ in part]
        assert sizes == [s] * (k - 1) + [m - s * (k - 1)]  # only the last batch may be smaller
        order = perm(3, e, m)
        np.testing.assert_array_equal(np.concatenate([x for _, x, _ in part]), ds.x_train[order])
        np.testing.assert_array_equal(np.concatenate([y for _, _, y in part]), ds.y_train[order])
    if s < m:  # reshuffled every epoch: the epochs' first batches differ
        firsts = [seen[e * k][1] for e in range(epochs)]
        assert not np.array_equal(firsts[0], firsts[1]) and not np.array_equal(firsts[1], firsts[2])


def test_leftovers_are_not_carried_into_the_next_epoch() -> None:
    tr = trainer(experiment(batch_size=20))  # 50 = 20 + 20 + 10
    seen = run_and_watch(tr, 4)
    assert [x.shape[0] for _, x, _ in seen] == [20, 20, 10, 20]
    np.testing.assert_array_equal(seen[3][1], tr.dataset.x_train[perm(0, 1, 50)[:20]])
    assert tr.epoch == 1 and tr.offset == 20 and tr.steps_left_in_epoch == 2


def test_batch_size_above_m_is_full_batch_gradient_descent() -> None:
    tr = trainer(experiment(batch_size=500))
    assert tr.batch_size == tr.m == 50 and tr.batches_per_epoch == 1
    seen = run_and_watch(tr, 2)
    assert tr.epoch == 2 and all(x.shape[0] == 50 for _, x, _ in seen)


def test_chunking_does_not_change_the_numbers() -> None:
    a, b = trainer(experiment()), trainer(experiment())
    a.train_steps(57)
    for n in (1, 2, 3, 5, 8, 13, 25):  # crosses several epoch boundaries at odd places
        b.train_steps(n)
    assert a.step_count == b.step_count == 57 and a.epoch == b.epoch
    np.testing.assert_array_equal(a.net.params, b.net.params)


# -- determinism and resume ---------------------------------------------------------------------
def test_same_experiment_twice_gives_bit_identical_weights() -> None:
    exp = experiment(optimizer={"name": "adam", "learning_rate": 0.01})
    a, b = trainer(exp), trainer(exp)
    a.train_steps(120)
    b.train_steps(120)
    np.testing.assert_array_equal(a.net.params, b.net.params)
    c = trainer(experiment(optimizer={"name": "adam", "learning_rate": 0.01}, seed=1))
    c.train_steps(120)
    assert not np.array_equal(a.net.params, c.net.params)


def _resumed(tr: Trainer, tmp_path=None) -> Trainer:
    """A new trainer from ``tr.current_experiment()``, through JSON text and the validator (and a
    real file when ``tmp_path`` is given)."""
    exp = tr.current_experiment()
    assert exp["state"]["step"] == tr.step_count and exp["state"]["epoch"] == tr.epoch
    if tmp_path is not None:
        save_experiment(exp, tmp_path / "resume.json")
        exp = load_experiment(tmp_path / "resume.json")
    else:
        exp = validate_experiment(json.loads(experiment_to_json(exp)))
    return trainer(exp)


OPTIMIZERS = {
    "sgd": {"name": "sgd", "learning_rate": 0.1},
    "momentum": {"name": "momentum", "learning_rate": 0.05, "momentum": 0.9},
    "nesterov": {"name": "momentum", "learning_rate": 0.05, "momentum": 0.8, "nesterov": True},
    "rmsprop": {"name": "rmsprop", "learning_rate": 0.01},
    "adam": {"name": "adam", "learning_rate": 0.01},
}


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
@pytest.mark.parametrize("n", [16, 19])  # 16: at an epoch boundary (8 steps/epoch); 19: mid-epoch
def test_resume_from_current_experiment_is_bit_identical(opt: str, n: int, tmp_path) -> None:
    exp = experiment(optimizer=OPTIMIZERS[opt], regularization={"kind": "l2", "rate": 0.001})
    ref = trainer(exp)
    ref.train_steps(n + 30)
    first = trainer(exp)
    first.train_steps(n)
    state = first.current_experiment()["state"]
    assert state.get("offset", 0) == (0 if n == 16 else 3 * 7)
    if opt != "sgd":
        assert state["optimizer"]["name"] == OPTIMIZERS[opt]["name"]
        assert state["optimizer"]["t"] == n
    second = _resumed(first, tmp_path if opt == "adam" else None)
    assert (second.step_count, second.epoch, second.offset) == (n, first.epoch, first.offset)
    second.train_steps(30)
    assert (second.step_count, second.epoch) == (ref.step_count, ref.epoch)
    np.testing.assert_array_equal(second.net.params, ref.net.params)
    np.testing.assert_array_equal(
        second.optimizer.state()[1].get("v", 0), ref.optimizer.state()[1].get("v", 0)
    )


def test_resume_after_a_batch_size_change_mid_epoch() -> None:
    exp = experiment(optimizer=OPTIMIZERS["momentum"])
    ref = trainer(exp)
    ref.train_steps(11)  # epoch 1, 3 batches of 7 used
    ref.set_batch_size(3)
    ref.train_steps(25)
    a = trainer(exp)
    a.train_steps(11)
    a.set_batch_size(3)
    a.train_steps(4)  # 21 + 12 examples of epoch 1 used
    assert a.offset == 33 and a.epoch == 1
    b = _resumed(a)
    assert b.batch_size == 3 and b.offset == 33 and b.steps_left_in_epoch == 6
    b.train_steps(21)
    assert b.step_count == ref.step_count and b.epoch == ref.epoch
    np.testing.assert_array_equal(b.net.params, ref.net.params)


def test_resumed_mid_epoch_visits_the_rest_of_that_epoch_exactly_once() -> None:
    a = trainer(experiment(batch_size=7, seed=5))
    a.train_steps(3)
    b = _resumed(a)
    seen = run_and_watch(b, b.steps_left_in_epoch)
    assert b.epoch == 1
    rest = np.concatenate([x for _, x, _ in seen])
    np.testing.assert_array_equal(rest, b.dataset.x_train[perm(5, 0, 50)[21:]])


# -- one step against a hand-written reference -----------------------------------------------
def _reference_net(exp: dict, tr: Trainer, regularization=None) -> Network:
    net = Network.from_config(exp["model"], regularization or exp["training"]["regularization"])
    net.set_weights([W.copy() for W in tr.net.weights], [b.copy() for b in tr.net.biases])
    return net


def _batch(tr: Trainer, step: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The batch of step ``step`` (0-based) of epoch 0."""
    idx = perm(seed, 0, tr.m)[step * tr.batch_size : (step + 1) * tr.batch_size]
    return tr.dataset.x_train[idx], tr.dataset.y_train[idx]


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("reg", ["none", "l2", "l1"])
def test_steps_equal_network_backward_and_the_optimizer_formula(opt: str, reg: str) -> None:
    regularization = {"kind": reg, "rate": 0.0 if reg == "none" else 0.01}
    exp = experiment(optimizer=OPTIMIZERS[opt], regularization=regularization)
    tr = trainer(exp)
    net = _reference_net(exp, tr)
    lr = OPTIMIZERS[opt]["learning_rate"]
    v = mom1 = mom2 = np.zeros(net.n_params)
    for t in range(1, 4):
        X, Y = _batch(tr, t - 1)
        g = net.backward(net.forward(X), Y).flat
        if opt == "sgd":
            delta = -lr * g
        elif opt == "momentum":  # v ← μ v + g; θ ← θ − α v
            v = 0.9 * v + g
            delta = -lr * v
        else:  # adam with bias correction
            mom1 = 0.9 * mom1 + 0.1 * g
            mom2 = 0.999 * mom2 + 0.001 * g * g
            mhat, vhat = mom1 / (1 - 0.9**t), mom2 / (1 - 0.999**t)
            delta = -lr * mhat / (np.sqrt(vhat) + 1e-8)
        net.params += delta
        tr.train_steps(1)
        np.testing.assert_allclose(tr.stepper.grad, g, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(tr.net.params, net.params, rtol=1e-12, atol=1e-15)


# -- live setters ------------------------------------------------------------------------------
def test_learning_rate_change_takes_effect_on_the_next_step() -> None:
    a, b = trainer(experiment()), trainer(experiment())
    a.train_steps(5)
    b.train_steps(5)
    b.set_learning_rate(0.5)
    a.train_steps(1)
    b.train_steps(1)
    np.testing.assert_array_equal(a.stepper.grad, b.stepper.grad)  # same point, same batch
    np.testing.assert_allclose(b.stepper.update, a.stepper.update * (0.5 / 0.1), rtol=1e-13)
    assert b.current_experiment()["training"]["optimizer"]["learning_rate"] == 0.5
    with pytest.raises(ValueError, match="learning rate"):
        b.set_learning_rate(-1.0)
    with pytest.raises(ValueError, match="learning rate"):
        b.set_learning_rate(math.nan)


def test_optimizer_switch_takes_effect_on_the_next_step() -> None:
    tr = trainer(experiment())
    tr.train_steps(5)
    tr.set_optimizer({"name": "adam", "learning_rate": 0.02})
    tr.train_steps(1)
    g = tr.stepper.grad
    # Adam's first step from zero moments: m̂ = g, v̂ = g², Δθ = −α g / (|g| + ε)
    np.testing.assert_allclose(tr.stepper.update, -0.02 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    cfg = tr.current_experiment()["training"]["optimizer"]
    assert cfg["name"] == "adam" and cfg["learning_rate"] == 0.02
    assert tr.current_experiment()["state"]["optimizer"]["t"] == 1


def test_changing_momentum_keeps_the_velocity() -> None:
    tr = trainer(experiment(optimizer=OPTIMIZERS["momentum"]))
    tr.train_steps(4)
    v_before = tr.optimizer.slots["v"].copy()
    tr.set_optimizer({"momentum": 0.5})
    tr.train_steps(1)
    expected = -0.05 * (0.5 * v_before + tr.stepper.grad)
    np.testing.assert_allclose(tr.stepper.update, expected, rtol=1e-12, atol=1e-17)


def test_batch_size_change_mid_epoch_still_visits_every_example_once() -> None:
    tr = trainer(experiment(batch_size=7, seed=2))
    first = run_and_watch(tr, 3)  # 21 examples of epoch 0
    tr.set_batch_size(4)
    assert tr.batch_size == 4 and tr.offset == 21 and tr.steps_left_in_epoch == 8  # ⌈29/4⌉
    rest = run_and_watch(tr, 8)
    assert [x.shape[0] for _, x, _ in rest] == [4] * 7 + [1]
    assert tr.epoch == 1
    epoch0 = np.concatenate([x for _, x, _ in first + rest])
    np.testing.assert_array_equal(epoch0, tr.dataset.x_train[perm(2, 0, 50)])
    nxt = run_and_watch(tr, 13)  # epoch 1 with the new size: 12 × 4 + 2
    assert [x.shape[0] for _, x, _ in nxt] == [4] * 12 + [2] and tr.epoch == 2
    assert tr.stride > 0 and tr.current_experiment()["training"]["batch_size"] == 4


@pytest.mark.parametrize("kind", ["l2", "l1"])
def test_regularization_change_takes_effect_on_the_next_step(kind: str) -> None:
    exp = experiment()
    tr = trainer(exp)
    tr.train_steps(3)
    tr.set_regularization({"kind": kind, "rate": 0.05})
    ref = _reference_net(exp, tr, {"kind": kind, "rate": 0.05})
    plain = _reference_net(exp, tr, {"kind": "none", "rate": 0.0})
    X, Y = _batch(tr, 3)
    tr.train_steps(1)
    expected = ref.backward(ref.forward(X), Y).flat
    np.testing.assert_allclose(tr.stepper.grad, expected, rtol=1e-12, atol=1e-15)
    extra = expected - plain.backward(plain.forward(X), Y).flat
    W, b = ref.views(extra)
    assert all(np.abs(bl).max() < 1e-15 for bl in b)  # biases are not regularized
    assert all(np.abs(Wl).max() > 1e-3 for Wl in W)
    assert tr.current_experiment()["training"]["regularization"] == {"kind": kind, "rate": 0.05}


# -- NaN/Inf -----------------------------------------------------------------------------------
RELU_NET = [
    {"units": 8, "activation": "relu"},
    {"units": 8, "activation": "relu"},
    {"units": 1, "activation": "linear"},
]


def diverging_experiment(optimizer: str = "sgd") -> dict:
    return experiment(
        layers=RELU_NET,
        loss="mse",
        init={"scheme": "he_normal", "scale": 50.0},
        optimizer={"name": optimizer, "learning_rate": 10.0},
        batch_size=10,
    )


@pytest.mark.parametrize("opt", ["sgd", "momentum"])
def test_divergence_raises_and_keeps_the_last_finite_weights(opt: str) -> None:
    tr = trainer(diverging_experiment(opt))
    before = tr.net.params.copy()
    with pytest.raises(Diverged) as info:
        for _ in range(500):
            before = tr.net.params.copy()
            tr.train_steps(1)
    d = info.value.divergence
    assert tr.divergence is d
    assert d.step == tr.step_count + 1 and 1 <= d.layer <= 3
    assert d.quantity in {"z", "a", "delta", "gradient", "weights"}
    assert f"layer {d.layer}" in str(info.value) and f"step {d.step}" in str(info.value)
    np.testing.assert_array_equal(tr.net.params, before)
    assert np.isfinite(tr.net.params).all()
    # it stays stopped: no further step is taken
    with pytest.raises(Diverged):
        tr.train_steps(1)
    np.testing.assert_array_equal(tr.net.params, before)
    snap = tr.snapshot("diverged")
    assert snap.divergence == d and snap.health.verdict == "nan"
    assert all(np.isfinite(W).all() for W in snap.weights)
    # the saved experiment is a valid file holding the last finite weights
    exp = validate_experiment(json.loads(experiment_to_json(tr.current_experiment())))
    assert exp["state"]["step"] == tr.step_count
    np.testing.assert_array_equal(np.array(exp["weights"][0]["W"]), tr.net.weights[0])


def test_an_infinite_weight_is_found_in_the_layer_it_enters() -> None:
    tr = trainer(experiment())
    tr.train_steps(4)
    tr.net.weights[1][0, 0] = np.inf
    before = tr.net.params.copy()
    with pytest.raises(Diverged, match="layer 2 .* at step 5"):
        tr.train_steps(3)
    assert (tr.divergence.step, tr.divergence.layer, tr.divergence.quantity) == (5, 2, "z")
    np.testing.assert_array_equal(tr.net.params, before)
    assert tr.step_count == 4


def test_an_overflowing_bias_update_is_caught() -> None:
    """dW^[2] = 0 (dead hidden layer) while db^[2] is huge: only the bias update overflows."""
    exp = experiment(
        data={"dataset": "reg_plane", "samples": 40, "noise": 0.0, "seed": 0},
        layers=[{"units": 2, "activation": "relu"}, {"units": 1, "activation": "linear"}],
        loss="mse",
        optimizer={"name": "sgd", "learning_rate": 10.0},
        batch_size=5,
    )
    tr = trainer(exp)
    tr.net.weights[0][...] = 0.0
    tr.net.biases[0][...] = -1.0
    tr.net.weights[1][...] = 0.5
    tr.net.biases[1][...] = 1e308
    before = tr.net.params.copy()
    with pytest.raises(Diverged) as info:
        tr.train_steps(1)
    assert (info.value.divergence.layer, info.value.divergence.quantity) == (2, "weights")
    np.testing.assert_array_equal(tr.net.params, before)


def test_the_problem_type_follows_the_output_layer_and_loss_not_the_data() -> None:
    # DESIGN.md: 1 sigmoid + bce is binary, anything without sigmoid/bce or softmax/cce is
    # regression — whatever the data set is; the metric follows (accuracy vs RMSE)
    linear = [{"units": 5, "activation": "tanh"}, {"units": 1, "activation": "linear"}]
    tr = Trainer(experiment(layers=linear, loss="mse"), make_dataset(spiral(60)))
    assert tr.problem == "regression"
    tr.train_steps(3, epoch_metrics=True)
    tr.train_steps(tr.steps_left_in_epoch, epoch_metrics=True)
    assert "train_rmse" in tr.epoch_rows[-1] and "train_accuracy" not in tr.epoch_rows[-1]
    assert tr.snapshot("pause").metric_name == "rmse"
    reg = {"dataset": "reg_plane", "samples": 60, "noise": 0.0, "seed": 1}
    tr = Trainer(experiment(data=reg), make_dataset(reg))  # sigmoid + bce on real targets
    assert tr.problem == "binary"

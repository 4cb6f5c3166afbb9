"""Live statistics: every recorded number against its MATH.md definition computed directly with
NumPy, evaluations and metrics, histograms, and the statistics stride."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import build_experiment, spiral

from playground.data import make_dataset
from playground.engine import Network
from playground.training import Trainer, stats
from playground.training.recorder import stats_stride
from playground.training.snapshot import QUANTILES

FIELDS = (
    "grad_norm",
    "delta_norm",
    "weight_norm",
    "update_ratio",
    "dead_fraction",
    "saturated_fraction",
)


def experiment(
    layers,
    *,
    loss="bce",
    data=None,
    inputs=2,
    batch_size=16,
    regularization=None,
    optimizer=None,
    init=None,
) -> dict:
    return build_experiment(
        layers,
        data=data or spiral(samples=120),
        inputs=inputs,
        loss=loss,
        init=init,
        optimizer=optimizer,
        batch_size=batch_size,
        regularization=regularization,
    )


def trainer(exp: dict, **kw) -> Trainer:
    return Trainer(exp, make_dataset(exp["data"]), **kw)


def L(units: int, activation: str, **extra) -> dict:
    return {"units": units, "activation": activation, **extra}


# -- the per-step row against the definitions ---------------------------------------------------
def reference_row(net_before: Network, W_after: list[np.ndarray], X, Y) -> dict[str, np.ndarray]:
    """MATH.md "Statistics the app shows", written out for the batch (X, Y)."""
    t = net_before.forward(X)
    g = net_before.backward(t, Y)
    out: dict[str, list[float]] = {f: [] for f in FIELDS}
    for l in range(net_before.n_layers):
        out["grad_norm"].append(np.sqrt((g.dW[l] ** 2).sum()))  # Frobenius of the batch mean
        out["delta_norm"].append(np.mean([np.linalg.norm(row) for row in g.delta[l]]))
        out["weight_norm"].append(np.linalg.norm(W_after[l]))
        out["update_ratio"].append(
            np.linalg.norm(W_after[l] - net_before.weights[l]) / np.linalg.norm(W_after[l])
        )
        name, z, a = net_before.activations[l].name, t.z[l], t.a[l]
        n = z.shape[1]
        if name == "relu":
            dead = sum(all(a[i, j] == 0.0 for i in range(len(a))) for j in range(n)) / n
        elif name == "leaky_relu":
            dead = sum(all(z[i, j] < 0.0 for i in range(len(z))) for j in range(n)) / n
        else:
            dead = math.nan
        if name in ("sigmoid", "tanh"):
            sat_units = 0
            for j in range(n):
                col = a[:, j]
                at_limit = (
                    ((col < 0.01) | (col > 0.99)) if name == "sigmoid" else np.abs(col) > 0.99
                )
                sat_units += at_limit.sum() >= 0.9 * len(col)
            sat = sat_units / n
        else:
            sat = math.nan
        out["dead_fraction"].append(dead)
        out["saturated_fraction"].append(sat)
    return {k: np.array(v) for k, v in out.items()} | {"loss": g.loss}


def _force_units(tr: Trainer) -> None:
    """Make some units dead (a = 0 / z < 0 everywhere) and some saturated, so the fractions are
    neither 0 nor 1, and one sigmoid unit saturated on part of the examples only."""
    for l, act in enumerate(tr.net.activations[:-1]):
        W, b = tr.net.weights[l], tr.net.biases[l]
        if act.name in ("relu", "leaky_relu"):
            W[:2] = 0.0
            b[:2] = -1.0
        elif act.name == "sigmoid":
            W[:3] = 0.0
            b[:3] = [8.0, -8.0, 0.0]
            W[3] *= 40.0  # steep: saturated for many, but not all, examples
        elif act.name == "tanh":
            W[:1] = 0.0
            b[:1] = 5.0


NETS = {
    "relu": ([L(8, "relu"), L(6, "relu"), L(1, "sigmoid")], "bce"),
    "leaky": ([L(8, "leaky_relu", alpha=0.1), L(6, "leaky_relu"), L(1, "sigmoid")], "bce"),
    "sigmoid-tanh": ([L(8, "sigmoid"), L(6, "tanh"), L(1, "sigmoid")], "bce"),
    "tanh-linear-mse": ([L(5, "tanh"), L(1, "linear")], "mse"),
}


@pytest.mark.parametrize("reg", ["none", "l2"])
@pytest.mark.parametrize("arch", list(NETS))
def test_recorded_row_equals_the_definitions(arch: str, reg: str) -> None:
    layers, loss = NETS[arch]
    exp = experiment(layers, loss=loss, regularization={"kind": reg, "rate": 0.01})
    tr = trainer(exp, stride=1)
    _force_units(tr)
    for _ in range(3):
        before = Network.from_config(exp["model"], exp["training"]["regularization"])
        before.set_weights(tr.net.weights, tr.net.biases)
        tr.train_steps(1)
        X, Y = tr.stepper.last_x[:, :-1].copy(), tr.stepper.last_y.copy()
        ref = reference_row(before, [W.copy() for W in tr.net.weights], X, Y)
        loss_value, row = stats.record_row(tr.stepper)
        hist = tr.snapshot("tick").history
        assert len(hist) == 1 and hist.step[0] == tr.step_count
        assert loss_value == pytest.approx(ref["loss"], rel=1e-12)
        assert hist.batch_loss[0] == pytest.approx(ref["loss"], rel=1e-12)
        for i, f in enumerate(FIELDS):
            np.testing.assert_allclose(row[i], ref[f], rtol=1e-12, atol=1e-15, err_msg=f)
            np.testing.assert_allclose(
                getattr(hist, f)[0], ref[f], rtol=1e-12, atol=1e-15, err_msg=f
            )
    dead, sat = ref["dead_fraction"], ref["saturated_fraction"]
    if arch in ("relu", "leaky"):
        assert 0 < dead[0] < 1 and np.isnan(sat[:2]).all()
    if arch == "sigmoid-tanh":
        assert 0 < sat[0] < 1 and 0 < sat[1] < 1 and np.isnan(dead).all()


def test_leaky_relu_dead_uses_z_not_a() -> None:
    z = np.array([[-1.0, 2.0, -0.5], [-3.0, -1.0, -2.0]])
    a = np.where(z > 0, z, 0.01 * z)  # leaky: a < 0 where z < 0, never exactly 0
    assert stats.dead_fraction("leaky_relu", z, a) == pytest.approx(2 / 3)
    relu_a = np.maximum(z, 0.0)
    assert stats.dead_fraction("relu", z, relu_a) == pytest.approx(2 / 3)
    assert math.isnan(stats.dead_fraction("tanh", z, np.tanh(z)))


def test_saturation_needs_ninety_percent_of_the_examples() -> None:
    col = np.full((10, 1), 0.995)
    assert stats.saturated_fraction("sigmoid", col) == 1.0
    col[0] = 0.5  # 9 of 10 still saturated: ≥ 90 %
    assert stats.saturated_fraction("sigmoid", col) == 1.0
    col[1] = 0.5  # 8 of 10
    assert stats.saturated_fraction("sigmoid", col) == 0.0
    low = np.full((10, 2), 0.005)
    low[:, 1] = 0.02
    assert stats.saturated_fraction("sigmoid", low) == 0.5
    t = np.array([[-0.995, 0.98], [0.999, -0.999]])
    assert stats.saturated_fraction("tanh", t) == 0.5
    assert math.isnan(stats.saturated_fraction("relu", t))


# -- the stride ------------------------------------------------------------------------------
def test_stride_keeps_statistics_cheap_on_small_nets_and_every_step_on_big_ones() -> None:
    w1 = Network.from_config(
        {
            "inputs": 2,
            "layers": [L(8, "tanh"), L(8, "tanh"), L(1, "linear")],
            "loss": "mse",
            "seed": 0,
        }
    )
    assert stats_stride(w1, 10) >= 10
    w4 = Network.from_config(
        {
            "inputs": 784,
            "layers": [L(512, "relu"), L(256, "relu"), L(10, "softmax")],
            "loss": "cce",
            "seed": 0,
        }
    )
    assert stats_stride(w4, 256) == 1
    tr = trainer(experiment([L(8, "tanh"), L(8, "tanh"), L(1, "sigmoid")], batch_size=10))
    assert tr.stride == stats_stride(tr.net, 10)
    tr.set_batch_size(60)
    assert tr.stride == stats_stride(tr.net, 60)


def test_history_tiles_the_run_at_the_stride_across_many_snapshots() -> None:
    tr = trainer(experiment([L(8, "tanh"), L(8, "tanh"), L(1, "sigmoid")], batch_size=7))
    stride = tr.stride
    assert stride > 1
    rng = np.random.default_rng(0)
    expected, since, step, histories = [], 0, 0, []
    for _ in range(60):
        n = int(rng.integers(0, 3 * stride))
        tr.train_steps(n)
        for _ in range(n):  # every stride-th step is recorded ...
            step += 1
            since += 1
            if since == stride:
                expected.append(step)
                since = 0
        if since:  # ... and a snapshot adds its own step when that is not recorded yet
            expected.append(step)
            since = 0
        snap = tr.snapshot("tick")
        histories.append(snap.history)
        if len(snap.history):
            assert snap.history.step[-1] == snap.step == step
            assert np.all(np.diff(snap.history.step)[:-1] == stride)
    steps = np.concatenate([h.step for h in histories])
    np.testing.assert_array_equal(steps, expected)
    assert np.all(np.diff(steps) > 0) and np.all(np.diff(steps) <= stride)  # no holes
    assert steps[-1] == tr.step_count
    epochs = np.concatenate([h.epoch for h in histories])
    assert np.all(np.diff(epochs) >= 0) and epochs[-1] <= tr.epoch
    for h in histories:
        k = len(h)
        assert h.batch_loss.shape == (k,)
        assert all(getattr(h, f).shape == (k, 3) for f in FIELDS)


# -- snapshot contents -----------------------------------------------------------------------
def _direct_metric(problem: str, Yhat: np.ndarray, Y: np.ndarray) -> float:
    if problem == "regression":
        return math.sqrt(np.mean((Yhat - Y) ** 2))
    if problem == "multiclass":
        return float(np.mean(np.argmax(Yhat, 1) == np.argmax(Y, 1)))
    return float(np.mean((Yhat > 0.5) == (Y == 1)))


PROBLEMS = {
    "binary": (None, [L(6, "tanh"), L(1, "sigmoid")], "bce", 2),
    "multiclass": (
        {"dataset": "blobs", "samples": 90, "noise": 0.2, "classes": 3, "seed": 2},
        [L(6, "relu"), L(3, "softmax")],
        "cce",
        2,
    ),
    "multilabel": (
        {"dataset": "multilabel", "samples": 80, "noise": 0.1, "seed": 2},
        [L(6, "tanh"), None],
        "bce",
        2,
    ),
    "regression": (
        {"dataset": "reg_plane", "samples": 80, "noise": 0.1, "seed": 2},
        [L(6, "tanh"), L(1, "linear")],
        "mse",
        2,
    ),
    "iris": (
        {"dataset": "iris", "train_fraction": 0.7, "seed": 0},
        [L(5, "relu"), L(3, "softmax")],
        "cce",
        4,
    ),
}


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_evaluations_equal_network_cost_and_the_metric(problem: str) -> None:
    data, layers, loss, inputs = PROBLEMS[problem]
    if data is not None and data["dataset"] == "multilabel":
        n_labels = make_dataset(data).n_outputs
        layers = [layers[0], L(n_labels, "sigmoid")]
    exp = experiment(
        layers, loss=loss, data=data, inputs=inputs, regularization={"kind": "l2", "rate": 0.01}
    )
    tr = trainer(exp, grid_size=12, neuron_grid=6)
    ds = tr.dataset
    tr.train_steps(9)
    snap = tr.snapshot("pause")
    assert snap.problem == ds.problem
    assert snap.metric_name == ("rmse" if ds.problem == "regression" else "accuracy")
    assert not snap.eval_subset
    assert snap.train_loss == pytest.approx(tr.net.cost(ds.x_train, ds.y_train), rel=1e-12)
    assert snap.test_loss == pytest.approx(tr.net.cost(ds.x_test, ds.y_test), rel=1e-12)
    assert snap.train_metric == pytest.approx(
        _direct_metric(ds.problem, tr.net.predict(ds.x_train), ds.y_train), rel=1e-12
    )
    assert snap.test_metric == pytest.approx(
        _direct_metric(ds.problem, tr.net.predict(ds.x_test), ds.y_test), rel=1e-12
    )
    assert len(snap.evals) == 1 and snap.evals.step[0] == 9
    assert snap.evals.train_loss[0] == snap.train_loss
    assert tr.evaluate(full=True) == pytest.approx(
        (snap.train_loss, snap.test_loss, snap.train_metric, snap.test_metric), rel=1e-12
    )
    if problem == "iris":
        assert snap.boundary is None and snap.neuron_maps is None
    else:
        k = ds.n_outputs
        assert snap.boundary.shape == (12, 12, k)
        assert [m.shape for m in snap.neuron_maps] == [(n, 6, 6) for n in tr.net.sizes[1:]]
        # row r follows x2, column c follows x1 (pixel centres)
        lo, hi = snap.domain
        step = (hi - lo) / 12
        for r, c in [(0, 0), (3, 9), (11, 5)]:
            p = np.array([[lo + (c + 0.5) * step, lo + (r + 0.5) * step]])
            np.testing.assert_allclose(
                snap.boundary[r, c], tr.net.predict(ds.features_at(p))[0], rtol=1e-5, atol=1e-6
            )
        lo_n = (hi - lo) / 6
        p = np.array([[lo + 4.5 * lo_n, lo + 1.5 * lo_n]])  # column 4, row 1
        a = tr.net.forward(ds.features_at(p)).a
        for l, maps in enumerate(snap.neuron_maps):
            np.testing.assert_allclose(maps[:, 1, 4], a[l][0], rtol=1e-5, atol=1e-6)


def test_metric_definitions_on_handmade_numbers() -> None:
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    assert stats.metric("binary", np.array([[0.9], [0.2], [0.4], [0.6]]), y) == 0.5
    Y = np.eye(3)[[0, 1, 2, 1]]
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.5, 0.3, 0.2], [0.2, 0.7, 0.1]])
    assert stats.metric("multiclass", P, Y) == 0.75
    ml = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert stats.metric("multilabel", np.array([[0.9, 0.9], [0.8, 0.7]]), ml) == 0.75
    r = stats.metric("regression", np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]]))
    assert r == pytest.approx(math.sqrt((1 + 4) / 2))
    assert math.isnan(stats.metric("binary", np.zeros((0, 1)), np.zeros((0, 1))))


def test_layer_summaries_match_the_network() -> None:
    exp = experiment([L(7, "relu"), L(5, "tanh"), L(1, "sigmoid")])
    tr = trainer(exp, grid_size=8, neuron_grid=4)
    tr.train_steps(13)
    snap = tr.snapshot("pause")
    ds = tr.dataset
    trace = tr.net.forward(ds.x_train)
    delta = [tr.stepper.delta(l) for l in range(1, 4)]
    for l, ls in enumerate(snap.layers):
        assert (ls.index, ls.units, ls.activation) == (
            l + 1,
            tr.net.sizes[l + 1],
            tr.net.activations[l].name,
        )
        A = trace.a[l]
        assert ls.activation_mean == pytest.approx(A.mean(), rel=1e-12)
        assert ls.activation_std == pytest.approx(A.std(), rel=1e-12)
        h = ls.activation_hist
        assert h.counts.sum() == A.size and len(h.edges) == len(h.counts) + 1
        assert np.all(np.diff(h.edges) > 0)
        assert ls.weight_hist.counts.sum() == tr.net.weights[l].size
        np.testing.assert_allclose(ls.weight_quantiles, np.quantile(tr.net.weights[l], QUANTILES))
        np.testing.assert_array_equal(ls.delta_sample, delta[l][:16].T)
        np.testing.assert_array_equal(snap.weights[l], tr.net.weights[l])
        np.testing.assert_array_equal(snap.biases[l], tr.net.biases[l])
        np.testing.assert_array_equal(snap.grad_weights[l], tr.stepper.dW[l])
        assert ls.grad_norm == pytest.approx(np.linalg.norm(tr.stepper.dW[l]), rel=1e-12)
        assert ls.weight_norm == pytest.approx(np.linalg.norm(tr.net.weights[l]), rel=1e-12)
    assert snap.layers[0].activation_hist.edges[0] == 0.0  # relu histograms start at 0
    assert tuple(snap.layers[1].activation_hist.edges[[0, -1]]) == (-1.0, 1.0)  # tanh's range


def test_histogram_counts_every_value_and_clips_outliers_into_the_end_bins() -> None:
    v = np.array([-5.0, -1.0, -0.999, 0.0, 0.5, 0.999, 1.0, 7.0])  # 0.5 opens bin 3
    h = stats.histogram(v, -1.0, 1.0, bins=4)
    assert h.counts.tolist() == [3, 0, 1, 4] and h.counts.sum() == v.size
    np.testing.assert_allclose(h.edges, [-1.0, -0.5, 0.0, 0.5, 1.0])
    assert stats.histogram(np.zeros(0), 0.0, 1.0).counts.sum() == 0
    big = np.random.default_rng(0).normal(size=(300, 7))
    assert stats.histogram(big, -2.0, 2.0).counts.sum() == big.size


def test_nice_ceiling_steps_through_1_2_5() -> None:
    assert [stats.nice_ceiling(x) for x in (0.3, 1.0, 1.5, 3.0, 7.0, 11.0)] == [
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
        20.0,
    ]
    assert stats.nice_ceiling(0.0) == 1.0 and stats.nice_ceiling(math.inf) == 1.0

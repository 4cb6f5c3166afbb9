"""Stepper: the allocation-free training step computes exactly what ``Network.forward``/``backward``
and the optimizer formulas compute, for many architectures, batch sizes and regularizations."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import ReferenceOptimizer, keep_weights_away_from_zero, model, targets

from playground.engine import Network, Stepper, make_optimizer
from playground.engine.stepper import augment

#: (layers, loss): every hidden activation kind, every loss, softmax/linear (aliasing) outputs,
#: and a net without hidden layers
ARCHS = {
    "tanh-sigmoid-bce": ([(5, "tanh"), (4, "tanh"), (1, "sigmoid")], "bce"),
    "relu-softmax-cce": ([(6, "relu"), (3, "softmax")], "cce"),
    "sigmoid-linear-mse": ([(4, "sigmoid"), (3, "sigmoid"), (2, "linear")], "mse"),
    "linear-tanh-mse": ([(4, "linear"), (3, "linear", {"slope": 0.5}), (2, "tanh")], "mse"),
    "softmax-mse": ([(5, "leaky_relu", {"alpha": 0.1}), (3, "softmax")], "mse"),
    "mixed-sigmoid-bce": (
        [(4, "elu"), (4, "gelu"), (3, "swish"), (3, "softplus"), (2, "sigmoid")],
        "bce",
    ),
    "sine-step-linear2": ([(4, "sine"), (3, "step"), (2, "linear", {"slope": 2.0})], "mse"),
    "no-hidden-layer": ([(3, "sigmoid")], "cce"),
}
REGS = {"none": None, "l1": {"kind": "l1", "rate": 0.01}, "l2": {"kind": "l2", "rate": 0.05}}


def _net(arch: str, reg: str | None = None, seed: int = 0) -> Network:
    layers, loss = ARCHS[arch]
    net = Network.from_config(
        model(3, layers, loss, seed=seed, init={"scheme": "xavier_uniform", "bias": 0.1}),
        REGS[reg or "none"],
    )
    keep_weights_away_from_zero(net, 0.01)  # L1's sign(W) must not depend on rounding
    return net


def _batch(net: Network, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, net.sizes[0])), targets(net.loss.name, m, net.sizes[-1], rng)


def test_augment_appends_a_ones_column() -> None:
    X = np.arange(6.0).reshape(3, 2)
    Xe = augment(X)
    assert Xe.shape == (3, 3) and Xe.flags.c_contiguous
    np.testing.assert_array_equal(Xe[:, :2], X)
    np.testing.assert_array_equal(Xe[:, 2], 1.0)
    assert augment(X, np.float32).dtype == np.float32


@pytest.mark.parametrize("reg", list(REGS))
@pytest.mark.parametrize("m", [1, 3, 10])
@pytest.mark.parametrize("arch", list(ARCHS))
def test_one_step_equals_network_backward_and_the_optimizer(arch: str, m: int, reg: str) -> None:
    net = _net(arch, reg)
    X, Y = _batch(net, m, seed=m)
    config = {"name": "adam", "learning_rate": 0.01}
    stepper = Stepper(net, make_optimizer(config, net.n_params))
    theta0 = net.params.copy()

    trace = net.forward(X)
    grads = net.backward(trace, Y)
    norm2 = stepper.step(augment(X), Y)

    np.testing.assert_array_equal(net.params, theta0)  # step() does not apply the update
    np.testing.assert_allclose(stepper.grad, grads.flat, rtol=1e-12, atol=1e-15)
    for l in range(1, net.n_layers + 1):
        np.testing.assert_allclose(stepper.delta(l), grads.delta[l - 1], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(stepper.dW[l - 1], grads.dW[l - 1], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(stepper.db[l - 1], grads.db[l - 1], rtol=1e-12, atol=1e-15)
    t = stepper.trace()
    np.testing.assert_array_equal(t.x, X)
    assert len(t.z) == len(t.a) == net.n_layers
    for l in range(net.n_layers):
        np.testing.assert_allclose(t.z[l], trace.z[l], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(t.a[l], trace.a[l], rtol=1e-13, atol=1e-15)

    expected_update = ReferenceOptimizer(config, net.n_params).update(grads.flat)
    np.testing.assert_allclose(stepper.update, expected_update, rtol=1e-10, atol=1e-15)
    assert norm2 == pytest.approx(float(stepper.update @ stepper.update), rel=1e-14)
    assert norm2 > 0.0

    stepper.apply()
    np.testing.assert_array_equal(net.params, theta0 + stepper.update)


@pytest.mark.parametrize(
    "config",
    [
        {"name": "sgd", "learning_rate": 0.1},
        {"name": "momentum", "learning_rate": 0.05, "nesterov": True},
        {"name": "rmsprop", "learning_rate": 0.01},
        {"name": "adam", "learning_rate": 0.02},
    ],
    ids=lambda c: c["name"],
)
@pytest.mark.parametrize(
    "arch", ["tanh-sigmoid-bce", "relu-softmax-cce", "linear-tanh-mse", "no-hidden-layer"]
)
def test_many_steps_with_changing_batch_sizes_follow_a_reference_loop(
    arch: str, config: dict
) -> None:
    """Steps of batch sizes 4, 4, 1, 7, 4, 1, 10: the per-size buffers are reused correctly and the
    parameters follow θ ← θ + Δθ(Network.backward) step by step."""
    net = _net(arch, "l2")
    ref = net.copy()
    stepper = Stepper(net, make_optimizer(config, net.n_params))
    ref_opt = ReferenceOptimizer(config, net.n_params)
    for k, m in enumerate([4, 4, 1, 7, 4, 1, 10]):
        X, Y = _batch(net, m, seed=100 + k)
        norm2 = stepper.step(augment(X), Y)
        g = ref.backward(ref.forward(X), Y)
        np.testing.assert_allclose(stepper.grad, g.flat, rtol=1e-10, atol=1e-13)
        update = ref_opt.update(g.flat)
        np.testing.assert_allclose(stepper.update, update, rtol=1e-9, atol=1e-13)
        assert norm2 == pytest.approx(float(update @ update), rel=1e-9)
        np.testing.assert_allclose(stepper.delta(net.n_layers), g.delta[-1], rtol=1e-10, atol=1e-13)
        assert stepper.trace().a[-1].shape == (m, net.sizes[-1])
        stepper.apply()
        ref.params += update
        np.testing.assert_allclose(net.params, ref.params, rtol=1e-10, atol=1e-13)
    assert set(stepper._buffers) == {1, 4, 7, 10}


def test_delta_returns_a_new_array() -> None:
    net = _net("tanh-sigmoid-bce")
    stepper = Stepper(net, make_optimizer({"name": "sgd"}, net.n_params))
    X, Y = _batch(net, 3, seed=0)
    stepper.step(augment(X), Y)
    d = stepper.delta(1)
    d[...] = 123.0
    assert not np.any(stepper.delta(1) == 123.0)


def test_training_reduces_the_loss() -> None:
    """An end-to-end sanity check: 200 SGD steps on a fixed batch lower the cost a lot."""
    net = _net("tanh-sigmoid-bce")
    X, Y = _batch(net, 16, seed=3)
    stepper = Stepper(net, make_optimizer({"name": "sgd", "learning_rate": 0.5}, net.n_params))
    before = net.cost(X, Y)
    Xe = augment(X)
    for _ in range(200):
        stepper.step(Xe, Y)
        stepper.apply()
    assert net.cost(X, Y) < 0.5 * before


@pytest.mark.parametrize(
    ("loss", "output", "logit"), [("bce", "sigmoid", 800.0), ("cce", "softmax", 1000.0)]
)
def test_extreme_logits_give_finite_steps(loss: str, output: str, logit: float) -> None:
    """Under the engine's calling convention (``np.errstate(over="ignore")``, see activations.py),
    saturated outputs give finite gradients: δ^[L] = ŷ − y."""
    net = Network.from_config(model(2, [(3, "tanh"), (2, output)], loss))
    net.weights[1][...] = 0.0
    net.biases[1][...] = [logit, -logit]
    X = np.zeros((2, 2))
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    stepper = Stepper(net, make_optimizer({"name": "sgd", "learning_rate": 0.1}, net.n_params))
    with np.errstate(over="ignore"):
        norm2 = stepper.step(augment(X), Y)
    assert np.isfinite(norm2)
    assert np.all(np.isfinite(stepper.grad))
    np.testing.assert_array_equal(stepper.delta(2), [[1.0, -1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(stepper.db[1], [0.5, -0.5])


def test_float32_network_steps_in_float32() -> None:
    layers, loss = ARCHS["tanh-sigmoid-bce"]
    cfg = model(3, layers, loss, seed=1)
    net32 = Network.from_config(cfg, dtype=np.float32)
    net64 = Network.from_config(cfg)
    X, Y = _batch(net64, 5, seed=1)
    s32 = Stepper(net32, make_optimizer({"name": "adam"}, net32.n_params, dtype=np.float32))
    s32.step(augment(X, np.float32), Y.astype(np.float32))
    assert s32.grad.dtype == np.float32 and s32.update.dtype == np.float32
    g64 = net64.backward(net64.forward(X), Y).flat
    np.testing.assert_allclose(s32.grad, g64, rtol=2e-4, atol=1e-6)

"""The worked examples of MATH.md ("Worked examples that tests must reproduce")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradcheck import model

from playground.engine import Network, Stepper, get_activation, get_loss, make_optimizer
from playground.engine.stepper import augment


# -- seed 002: one sigmoid neuron, quadratic loss with ½ ------------------------------------------
def _seed_002() -> tuple[Network, np.ndarray, np.ndarray]:
    net = Network.from_config(model(1, [(1, "sigmoid")], "mse"))
    net.set_weights([[[2.0]]], [[1.0]])
    return net, np.array([[1.0]]), np.array([[0.2]])


def test_seed_002_forward_and_gradient() -> None:
    """x = 1, y = 0.2, w = 2, b = 1: z = 3, ŷ = σ(3) ≈ 0.9526, ∂L/∂w = ∂L/∂b = (ŷ − y) ŷ (1 − ŷ)
    ≈ 0.0340."""
    net, X, Y = _seed_002()
    t = net.forward(X)
    assert t.z[0][0, 0] == 3.0
    y_hat = 1.0 / (1.0 + math.exp(-3.0))
    assert t.a[0][0, 0] == pytest.approx(y_hat, rel=1e-15)
    assert round(t.a[0][0, 0], 4) == 0.9526

    g = net.backward(t, Y)
    exact = (y_hat - 0.2) * y_hat * (1.0 - y_hat)
    assert g.dW[0][0, 0] == pytest.approx(exact, rel=1e-14)
    assert g.db[0][0] == pytest.approx(exact, rel=1e-14)
    assert round(g.dW[0][0, 0], 4) == round(g.db[0][0], 4) == 0.0340
    assert g.loss == pytest.approx(0.5 * (y_hat - 0.2) ** 2, rel=1e-14)


@pytest.mark.parametrize("via", ["stepper", "optimizer"])
def test_seed_002_one_sgd_step(via: str) -> None:
    """α = 0.5: w ≈ 1.983, b ≈ 0.983 (the article rounds to 1.98 and 0.98)."""
    net, X, Y = _seed_002()
    y_hat = 1.0 / (1.0 + math.exp(-3.0))
    exact = (y_hat - 0.2) * y_hat * (1.0 - y_hat)
    opt = make_optimizer({"name": "sgd", "learning_rate": 0.5}, net.n_params)
    if via == "stepper":
        stepper = Stepper(net, opt)
        stepper.step(augment(X), Y)
        stepper.apply()
    else:
        update = np.empty(net.n_params)
        opt.compute_update(net.backward(net.forward(X), Y).flat, update)
        net.params += update
    w, b = net.weights[0][0, 0], net.biases[0][0]
    assert round(w, 3) == 1.983 and round(b, 3) == 0.983
    assert round(w, 2) == 1.98 and round(b, 2) == 0.98
    assert w == pytest.approx(2.0 - 0.5 * exact, rel=1e-15)
    assert b == pytest.approx(1.0 - 0.5 * exact, rel=1e-15)


# -- seed 000: one ReLU neuron, MSE over N examples -----------------------------------------------
def _relu_neuron(w: float, b: float) -> Network:
    net = Network.from_config(model(1, [(1, "relu")], "mse"))
    net.set_weights([[[w]]], [[b]])
    return net


def test_seed_000_examples_with_negative_z_contribute_nothing() -> None:
    """∂J/∂w = (1/N) Σ_{i: w x_i + b > 0} (ŷ_i − y_i) x_i: the examples where the unit is off add no
    gradient (N·dW is the same with and without them)."""
    w, b = 1.5, -0.5
    net = _relu_neuron(w, b)
    x = np.array([-2.0, -1.0, 0.1, 0.5, 1.0, 2.0, 3.0])
    y = np.array([1.0, -3.0, 2.0, 0.3, 0.7, 1.0, 5.0])
    z = w * x + b
    on = z > 0
    assert 0 < on.sum() < len(x)  # some examples on each side
    X, Y = x[:, None], y[:, None]
    g = net.backward(net.forward(X), Y)
    N = len(x)
    expected_dw = ((z - y) * x)[on].sum() / N
    expected_db = (z - y)[on].sum() / N
    assert g.dW[0][0, 0] == pytest.approx(expected_dw, rel=1e-14)
    assert g.db[0][0] == pytest.approx(expected_db, rel=1e-14)
    np.testing.assert_array_equal(g.delta[0][~on], 0.0)
    # only the active examples: N·dW unchanged
    g_on = net.backward(net.forward(X[on]), Y[on])
    assert g_on.dW[0][0, 0] * on.sum() == pytest.approx(g.dW[0][0, 0] * N, rel=1e-14)
    assert g_on.db[0][0] * on.sum() == pytest.approx(g.db[0][0] * N, rel=1e-14)


def test_seed_000_a_dead_neuron_learns_nothing() -> None:
    """All z < 0: dW and db are exactly zero, and an SGD step leaves the neuron as it was."""
    net = _relu_neuron(1.0, -10.0)
    X = np.linspace(-3.0, 3.0, 11)[:, None]
    Y = np.linspace(1.0, 2.0, 11)[:, None]
    t = net.forward(X)
    assert np.all(t.z[0] < 0) and np.all(t.a[0] == 0.0)
    g = net.backward(t, Y)
    assert g.dW[0][0, 0] == 0.0 and g.db[0][0] == 0.0
    assert np.all(g.delta[0] == 0.0)
    assert g.loss > 0.0  # the unit is wrong, yet cannot learn
    stepper = Stepper(net, make_optimizer({"name": "sgd", "learning_rate": 1.0}, net.n_params))
    assert stepper.step(augment(X), Y) == 0.0
    stepper.apply()
    assert net.weights[0][0, 0] == 1.0 and net.biases[0][0] == -10.0


# -- seed 004: δ^[L] = ŷ − y ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "loss", "units"),
    [("softmax", "cce", 4), ("sigmoid", "bce", 1), ("sigmoid", "bce", 3)],
)
def test_seed_004_output_error_is_prediction_minus_target(
    output: str, loss: str, units: int
) -> None:
    net = Network.from_config(model(2, [(5, "tanh"), (units, output)], loss, seed=4))
    rng = np.random.default_rng(4)
    X = rng.normal(size=(6, 2))
    if loss == "cce":
        Y = np.eye(units)[rng.integers(0, units, 6)]
    else:
        Y = rng.integers(0, 2, (6, units)).astype(float)
    t = net.forward(X)
    g = net.backward(t, Y)
    np.testing.assert_array_equal(g.delta[-1], t.a[-1] - Y)
    # and it is the general chain rule ∇_ŷ L ⊙ g' (or the softmax Jacobian), simplified
    act, lo = get_activation(output), get_loss(loss)
    D = lo.grad(Y, t.a[-1])
    if output == "softmax":
        general = np.einsum("mij,mi->mj", act.jacobian(t.a[-1]), D)
    else:
        general = D * act.derivative(t.z[-1], t.a[-1])
    np.testing.assert_allclose(general, t.a[-1] - Y, rtol=1e-9, atol=1e-12)

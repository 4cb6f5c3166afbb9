"""Activations: values, derivatives against finite differences and PyTorch, softmax's Jacobian,
in-place backprop, numerical safety at extreme inputs, and the name/parameter table."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from gradcheck import H, assert_grad_close, away_from, numeric_grad, require

from playground.engine import get_activation
from playground.engine.names import ACTIVATIONS

ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]

#: (name, parameters): defaults plus non-default parameters, incl. leaky ReLU's α > 1 branch
CASES = [(name, {}) for name in ELEMENTWISE] + [
    ("linear", {"slope": -2.5}),
    ("leaky_relu", {"alpha": 0.3}),
    ("leaky_relu", {"alpha": 2.0}),
    ("leaky_relu", {"alpha": -0.5}),
    ("elu", {"alpha": 0.5}),
]
CASE_IDS = [f"{n}-{p}" if p else n for n, p in CASES]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


#: g(z) written out independently of the engine
REFERENCE = {
    "step": lambda z, p: (z > 0).astype(float),
    "linear": lambda z, p: p.get("slope", 1.0) * z,
    "sigmoid": lambda z, p: _sigmoid(z),
    "tanh": lambda z, p: np.tanh(z),
    "relu": lambda z, p: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z, p: np.where(z > 0, z, p.get("alpha", 0.01) * z),
    "elu": lambda z, p: np.where(z > 0, z, p.get("alpha", 1.0) * (np.exp(z) - 1.0)),
    "softplus": lambda z, p: np.log(1.0 + np.exp(z)),
    "gelu": lambda z, p: (
        0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3)))
    ),
    "swish": lambda z, p: z * _sigmoid(z),
    "sine": lambda z, p: np.sin(z),
}


def _points(seed: int = 0, shape=(7, 5)) -> np.ndarray:
    """Random z in (−4, 4) with |z| ≥ 1e-3 (no kinks of relu / leaky / step / elu)."""
    return away_from(np.random.default_rng(seed), shape, -4.0, 4.0, 1e-3)


# -- table ----------------------------------------------------------------------------------------
def test_every_name_has_an_activation_with_that_name() -> None:
    for name in ACTIVATIONS:
        assert get_activation(name).name == name


def test_unknown_name_or_parameter_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown activation"):
        get_activation("relu6")
    with pytest.raises(ValueError, match="alpha"):
        get_activation("relu", alpha=0.1)
    with pytest.raises(ValueError, match="slope"):
        get_activation("leaky_relu", slope=0.1)


@pytest.mark.parametrize(
    ("name", "params"),
    [(n, {k: v + 0.25 for k, v in p.items()}) for n, (_, p) in ACTIVATIONS.items() if p],
)
def test_params_report_the_values_given(name: str, params: dict) -> None:
    """``params()`` is what the experiment file stores (``Network.layer_config``)."""
    act = get_activation(name, **params)
    assert act.params() == params
    for k, v in params.items():
        assert f"{k}={v}" in repr(act)


# -- values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_forward_matches_the_formula(name: str, params: dict) -> None:
    act = get_activation(name, **params)
    Z = _points(1)
    A = np.full_like(Z, np.nan)
    act.forward(Z, A)
    np.testing.assert_allclose(A, REFERENCE[name](Z, params), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(act(Z), A, rtol=0, atol=0)
    # any shape through __call__, and Z is left alone
    z1 = Z[0].copy()
    np.testing.assert_allclose(act(z1), A[0], rtol=1e-15, atol=0)
    np.testing.assert_array_equal(z1, Z[0])


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_forward_and_backprop_emit_no_warnings(name: str, params: dict) -> None:
    """Nothing deprecated or overflowing on ordinary inputs (pytest turns warnings into errors, and
    the app would print them mid-training)."""
    act = get_activation(name, **params)
    Z = _points(10)
    A, D, T = np.empty_like(Z), np.ones_like(Z), np.empty_like(Z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act.forward(Z, A)
        act.backprop(D, Z, A, T)
        act.derivative(Z, A)


# -- derivatives --------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_derivative_matches_finite_differences(name: str, params: dict) -> None:
    act = get_activation(name, **params)
    Z = _points(2)
    analytic = act.derivative(Z, act(Z))
    numeric = (act(Z + H) - act(Z - H)) / (2 * H)  # elementwise: one central difference per entry
    assert_grad_close(analytic, numeric, rtol=1e-6, atol=1e-9)
    assert analytic.shape == Z.shape


def test_finite_difference_check_catches_a_wrong_derivative() -> None:
    """The tolerance is tight enough that a derivative off by a little fails."""
    act = get_activation("tanh")
    Z = _points(3)
    numeric = (act(Z + H) - act(Z - H)) / (2 * H)
    with pytest.raises(AssertionError):
        assert_grad_close(act.derivative(Z, act(Z)) * (1 + 1e-4), numeric)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_backprop_multiplies_by_the_derivative_in_place(name: str, params: dict) -> None:
    """backprop(D, Z, A, T): D ← D ⊙ g'(Z), also when A is a strided view (as in the stepper)."""
    act = get_activation(name, **params)
    rng = np.random.default_rng(4)
    Z = _points(4)
    A_ext = np.ones((Z.shape[0], Z.shape[1] + 1))
    A = A_ext[:, :-1]
    act.forward(Z, A)
    G = rng.normal(size=Z.shape)
    D = G.copy()
    T = np.full_like(Z, np.nan)
    act.backprop(D, Z, A, T)
    np.testing.assert_allclose(D, G * act.derivative(Z, A), rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(A_ext[:, -1], 1.0)  # the ones column is untouched


@pytest.mark.parametrize(
    ("name", "at_zero"), [("relu", 0.0), ("leaky_relu", 0.01), ("step", 0.0), ("elu", 1.0)]
)
def test_derivative_at_the_kink_follows_pytorch(name: str, at_zero: float) -> None:
    act = get_activation(name)
    z = np.zeros((1, 1))
    assert act.derivative(z, act(z))[0, 0] == at_zero


def test_step_passes_no_gradient() -> None:
    act = get_activation("step")
    Z = _points(5)
    D = np.ones_like(Z)
    act.backprop(D, Z, act(Z), np.empty_like(Z))
    assert np.all(D == 0.0)


# -- softmax --------------------------------------------------------------------------------------
def test_softmax_rows_are_probabilities_and_shift_invariant() -> None:
    sm = get_activation("softmax")
    Z = np.random.default_rng(6).normal(0, 3, (6, 4))
    A = sm(Z)
    ref = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(A, ref, rtol=1e-14)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(sm(Z + 123.0), A, rtol=1e-12)


def test_softmax_jacobian_matches_finite_differences() -> None:
    sm = get_activation("softmax")
    Z = np.random.default_rng(7).normal(0, 2, (3, 5))
    J = sm.jacobian(sm(Z))
    assert J.shape == (3, 5, 5)
    for i in range(Z.shape[0]):
        z = Z[i].copy()
        numeric = np.empty((5, 5))
        for j in range(5):
            e = np.zeros(5)
            e[j] = H
            numeric[:, j] = (sm(z + e) - sm(z - e)) / (2 * H)  # column j: ∂a/∂z_j
        assert_grad_close(J[i], numeric)
    # a single example (1-D) works too
    np.testing.assert_allclose(sm.jacobian(sm(Z[0]))[0], J[0], rtol=1e-15)


def test_softmax_backprop_is_the_jacobian_vector_product() -> None:
    """With D = ∂L/∂a on entry, backprop leaves δ = ∂L/∂z; checked by FD of L = Σ g ⊙ softmax(z)."""
    sm = get_activation("softmax")
    rng = np.random.default_rng(8)
    Z = rng.normal(0, 2, (4, 6))
    G = rng.normal(size=Z.shape)
    A = sm(Z)
    D = G.copy()
    sm.backprop(D, Z, A, np.empty_like(Z))
    numeric = numeric_grad(lambda: float((G * sm(Z)).sum()), Z)
    assert_grad_close(D, numeric)
    np.testing.assert_allclose(
        D, np.einsum("mij,mi->mj", sm.jacobian(A), G), rtol=1e-12, atol=1e-15
    )


def test_softmax_has_no_elementwise_derivative() -> None:
    sm = get_activation("softmax")
    Z = np.zeros((2, 3))
    with pytest.raises(TypeError, match="jacobian"):
        sm.derivative(Z, sm(Z))


# -- numerical safety ---------------------------------------------------------------------------
def test_sigmoid_saturates_exactly_without_warnings() -> None:
    sig = get_activation("sigmoid")
    assert sig(np.array(-800.0)) == 0.0
    assert sig(np.array(800.0)) == 1.0
    np.testing.assert_array_equal(sig(np.array([[-1e6, 0.0, 1e6]])), [[0.0, 0.5, 1.0]])


def test_softmax_of_huge_logits_is_finite_and_sums_to_one() -> None:
    sm = get_activation("softmax")
    A = sm(np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4], [1e300, 0.0, -1e300]]))
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-15)
    e = math.exp(-1.0)
    np.testing.assert_allclose(A[0], [1 / (1 + e), e / (1 + e), 0.0], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(A[1], 1 / 3, rtol=1e-15)
    np.testing.assert_array_equal(A[2], [1.0, 0.0, 0.0])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_at_extreme_inputs_is_finite(name: str) -> None:
    act = get_activation(name)
    z = np.array([[-800.0, -50.0, 50.0, 800.0]])
    with np.errstate(over="ignore"):  # the engine's documented calling convention
        a = act(z)
        d = act.derivative(z, a)
    if name != "linear":  # linear is unbounded by design but still finite here
        assert np.all(np.isfinite(a)), a
    assert np.all(np.isfinite(d)), d
    # the limits where the function has them
    limits = {"sigmoid": [0, 0, 1, 1], "tanh": [-1, -1, 1, 1], "softplus": [0, 0, 50, 800]}
    if name in limits:
        np.testing.assert_allclose(a[0], limits[name], rtol=1e-15, atol=1e-21)


# -- PyTorch reference -------------------------------------------------------------------------
def _torch_fn(name: str, params: dict):
    torch = require("torch")
    F = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=params.get("alpha", 0.01)),
        "elu": lambda t: F.elu(t, alpha=params.get("alpha", 1.0)),
        "softplus": F.softplus,
        "gelu": lambda t: F.gelu(t, approximate="tanh"),
        "swish": F.silu,
        "sine": torch.sin,
        "softmax": lambda t: torch.softmax(t, dim=-1),
    }[name]


TORCH_CASES = [
    (n, p) for n, p in CASES if n not in ("step", "linear") and p.get("alpha", 0) >= 0
] + [("softmax", {})]


@pytest.mark.parametrize(("name", "params"), TORCH_CASES, ids=[f"{n}-{p}" for n, p in TORCH_CASES])
def test_value_and_gradient_match_pytorch(name: str, params: dict) -> None:
    torch = require("torch")
    act = get_activation(name, **params)
    rng = np.random.default_rng(9)
    Z = rng.uniform(-6.0, 6.0, (8, 5))  # softplus: torch switches to z above 20
    Z[0, :3] = 0.0  # the kinks too (the derivative there follows PyTorch)
    G = rng.normal(size=Z.shape)
    zt = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    at = _torch_fn(name, params)(zt)
    (at * torch.tensor(G)).sum().backward()
    A = act(Z)
    np.testing.assert_allclose(A, at.detach().numpy(), rtol=1e-13, atol=1e-14)
    D = G.copy()
    act.backprop(D, Z, A, np.empty_like(Z))
    np.testing.assert_allclose(D, zt.grad.numpy(), rtol=1e-12, atol=1e-14)

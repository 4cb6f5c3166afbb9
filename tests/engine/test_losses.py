"""Losses: values (also against PyTorch), ∂L/∂ŷ and δ^[L] = ∂L/∂z^[L] for every loss × output
activation pairing against finite differences, and numerical safety at extreme logits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradcheck import assert_grad_close, away_from, numeric_grad, require, targets

from playground.engine import get_activation, get_loss, pairing_note
from playground.engine.names import ACTIVATIONS, LOSSES

M, N = 5, 3


def _valid_yhat(loss: str, rng: np.random.Generator, m: int = M, n: int = N) -> np.ndarray:
    """ŷ inside the loss's domain: any real for mse, (0, 1) for bce, positive for cce."""
    if loss == "mse":
        return rng.normal(0.0, 2.0, (m, n))
    return rng.uniform(0.05, 0.95, (m, n))


# -- values ---------------------------------------------------------------------------------------
def test_every_name_has_a_loss() -> None:
    for name in LOSSES:
        assert get_loss(name).name == name
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss("hinge")


def test_per_example_values_follow_the_formulas() -> None:
    rng = np.random.default_rng(0)
    A = rng.uniform(0.05, 0.95, (M, N))
    Y = targets("bce", M, N, rng)
    np.testing.assert_allclose(
        get_loss("mse").per_example(Y, A), 0.5 * ((A - Y) ** 2).sum(axis=1), rtol=1e-15
    )
    np.testing.assert_allclose(
        get_loss("bce").per_example(Y, A),
        -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1),
        rtol=1e-14,
    )
    Yc = targets("cce", M, N, rng)
    np.testing.assert_allclose(
        get_loss("cce").per_example(Yc, A), -(Yc * np.log(A)).sum(axis=1), rtol=1e-14
    )
    assert get_loss("mse").per_example(Y, A).shape == (M,)


def test_cost_is_the_batch_mean() -> None:
    rng = np.random.default_rng(1)
    for name in LOSSES:
        loss = get_loss(name)
        A, Y = _valid_yhat(name, rng), targets(name, M, N, rng)
        assert loss.cost(Y, A) == pytest.approx(loss.per_example(Y, A).mean(), rel=1e-15)
        assert math.isnan(loss.cost(Y[:0], A[:0]))


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_loss_from_logits_equals_loss_from_probabilities(output: str) -> None:
    """With Z given, bce/sigmoid and cce/softmax are computed from logits: same values where both
    are exact."""
    rng = np.random.default_rng(2)
    act = get_activation(output)
    Z = rng.normal(0, 2, (M, N))
    A = act(Z)
    for name in ("bce", "cce"):
        loss = get_loss(name)
        Y = targets(name, M, N, rng)
        np.testing.assert_allclose(
            loss.per_example(Y, A, Z, act), loss.per_example(Y, A), rtol=1e-12
        )


# -- ∂L/∂ŷ ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("soft", [False, True], ids=["hard-labels", "soft-labels"])
def test_grad_matches_finite_differences(name: str, soft: bool) -> None:
    rng = np.random.default_rng(3)
    loss = get_loss(name)
    A = _valid_yhat(name, rng)
    Y = rng.uniform(0, 1, (M, N)) if soft else targets(name, M, N, rng)
    numeric = numeric_grad(lambda: float(loss.per_example(Y, A).sum()), A)
    assert_grad_close(loss.grad(Y, A), numeric)


# -- δ^[L] for every loss × output activation -----------------------------------------------------
#: the pairings where the loss is defined on the activation's range
PAIRINGS = (
    [("mse", act, {}) for act in ACTIVATIONS]
    + [("mse", "linear", {"slope": 0.7}), ("mse", "leaky_relu", {"alpha": 0.2})]
    + [("bce", "sigmoid", {}), ("bce", "softmax", {})]
    + [("cce", "softmax", {}), ("cce", "sigmoid", {}), ("cce", "softplus", {})]
)


@pytest.mark.parametrize(
    ("loss_name", "act_name", "params"),
    PAIRINGS,
    ids=[f"{lo}-{a}{'-' + str(p) if p else ''}" for lo, a, p in PAIRINGS],
)
@pytest.mark.parametrize("soft", [False, True], ids=["hard-labels", "soft-labels"])
def test_delta_matches_finite_differences_through_the_activation(
    loss_name: str, act_name: str, params: dict, soft: bool
) -> None:
    """δ^[L] = ∂L/∂z^[L], checked by FD of L(y, g(z)) (computed the way the network computes it)."""
    rng = np.random.default_rng(4)
    loss, act = get_loss(loss_name), get_activation(act_name, **params)
    Z = away_from(rng, (M, N), -3.0, 3.0, 1e-3)
    Y = rng.uniform(0, 1, (M, N)) if soft else targets(loss_name, M, N, rng)
    numeric = numeric_grad(lambda: float(loss.per_example(Y, act(Z), Z, act).sum()), Z)
    D = loss.delta(Y, Z, act(Z), act)
    assert_grad_close(D, numeric)
    # delta_into writes the same into a buffer (the stepper's path)
    buf = np.full_like(Z, np.nan)
    loss.delta_into(buf, Y, Z, act(Z), act, np.empty_like(Z))
    np.testing.assert_array_equal(buf, D)


@pytest.mark.parametrize(("loss_name", "act_name"), [("bce", "sigmoid"), ("cce", "softmax")])
def test_fused_delta_is_yhat_minus_y_exactly(loss_name: str, act_name: str) -> None:
    """MATH.md (seed 004): sigmoid + BCE and softmax + CCE (one-hot) give δ^[L] = ŷ − y."""
    rng = np.random.default_rng(5)
    loss, act = get_loss(loss_name), get_activation(act_name)
    assert loss.fuses_with(act)
    Z = rng.normal(0, 3, (7, 4))
    A = act(Z)
    Y = targets(loss_name, 7, 4, rng)
    np.testing.assert_array_equal(loss.delta(Y, Z, A, act), A - Y)


def test_only_the_canonical_pairings_fuse() -> None:
    for loss_name in LOSSES:
        for act_name in ACTIVATIONS:
            fused = get_loss(loss_name).fuses_with(get_activation(act_name))
            assert fused == ((loss_name, act_name) in {("bce", "sigmoid"), ("cce", "softmax")})


# -- numerical safety ---------------------------------------------------------------------------
def test_bce_with_sigmoid_at_extreme_logits_equals_the_analytic_limits() -> None:
    """L = softplus(z) − y z: ≈ |z| when the sign is wrong, 0 when right; finite gradients."""
    loss, sig = get_loss("bce"), get_activation("sigmoid")
    Z = np.array([[-800.0], [800.0], [-800.0], [800.0], [-40.0]])
    Y = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]])
    A = sig(Z)
    L = loss.per_example(Y, A, Z, sig)
    np.testing.assert_allclose(L, [800.0, 800.0, 0.0, 0.0, 40.0], rtol=1e-15, atol=1e-300)
    D = loss.delta(Y, Z, A, sig)
    np.testing.assert_array_equal(D, [[-1.0], [1.0], [0.0], [0.0], [A[4, 0] - 1.0]])
    assert np.isfinite(loss.cost(Y, A, Z, sig))


def test_cce_with_softmax_at_extreme_logits_equals_the_analytic_limits() -> None:
    loss, sm = get_loss("cce"), get_activation("softmax")
    Z = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    Y = np.eye(3)[[1, 0, 2]]
    A = sm(Z)
    L = loss.per_example(Y, A, Z, sm)
    np.testing.assert_allclose(L, [2000.0, 0.0, 0.0], rtol=1e-15, atol=1e-300)
    D = loss.delta(Y, Z, A, sm)
    assert np.all(np.isfinite(D))
    np.testing.assert_array_equal(D, A - Y)


def test_clipped_losses_stay_finite_outside_the_fused_pairings() -> None:
    """bce/cce on outputs that reach 0 or 1 exactly: logs clamp at −100, gradients stay finite."""
    rng = np.random.default_rng(6)
    A = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 1e-300]])
    for name in ("bce", "cce"):
        loss = get_loss(name)
        Y = targets(name, 2, 3, rng)
        L = loss.per_example(Y, A)
        G = loss.grad(Y, A)
        assert np.all(np.isfinite(L)) and np.all(np.isfinite(G))
        assert np.all(L <= 100.0 * 3 + 1e-9)
    # bce of a certain wrong answer is the clamp, as in PyTorch
    assert get_loss("bce").per_example(np.array([[1.0]]), np.array([[0.0]]))[0] == 100.0


# -- PyTorch reference -------------------------------------------------------------------------
def test_costs_match_pytorch_conventions() -> None:
    """DESIGN.md: mse = MSELoss(sum)/(2m), bce = BCELoss(sum)/m, cce = NLLLoss()(log ŷ, class)."""
    torch = require("torch")
    nn = torch.nn
    rng = np.random.default_rng(7)
    m, n = 9, 4
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731

    A, Y = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    ref = nn.MSELoss(reduction="sum")(t(A), t(Y)).item() / (2 * m)
    assert get_loss("mse").cost(Y, A) == pytest.approx(ref, rel=1e-14)

    A, Y = rng.uniform(0.01, 0.99, (m, n)), targets("bce", m, n, rng)
    ref = nn.BCELoss(reduction="sum")(t(A), t(Y)).item() / m
    assert get_loss("bce").cost(Y, A) == pytest.approx(ref, rel=1e-14)
    # PyTorch clamps log at −100 too: ŷ = 0 and 1 exactly give the same value
    A[0, :2] = [0.0, 1.0]
    Y[0, :2] = [1.0, 0.0]
    ref = nn.BCELoss(reduction="sum")(t(A), t(Y)).item() / m
    assert get_loss("bce").cost(Y, A) == pytest.approx(ref, rel=1e-14)

    sm = get_activation("softmax")
    Z = rng.normal(0, 3, (m, n))
    A = sm(Z)
    cls = rng.integers(0, n, m)
    Y = np.eye(n)[cls]
    ref = nn.NLLLoss()(torch.log(t(A)), torch.tensor(cls)).item()
    assert get_loss("cce").cost(Y, A) == pytest.approx(ref, rel=1e-13)
    ref = nn.CrossEntropyLoss()(t(Z), torch.tensor(cls)).item()
    assert get_loss("cce").cost(Y, A, Z, sm) == pytest.approx(ref, rel=1e-13)


def test_bce_from_logits_matches_pytorch_with_logits() -> None:
    torch = require("torch")
    rng = np.random.default_rng(8)
    sig = get_activation("sigmoid")
    Z = rng.normal(0, 20, (6, 2))
    Z[0] = [-800.0, 800.0]
    Y = targets("bce", 6, 2, rng)
    ref = torch.nn.BCEWithLogitsLoss(reduction="sum")(
        torch.tensor(Z), torch.tensor(Y)
    ).item() / len(Z)
    assert get_loss("bce").cost(Y, sig(Z), Z, sig) == pytest.approx(ref, rel=1e-14)


# -- pairing notes --------------------------------------------------------------------------------
def test_pairing_notes() -> None:
    assert pairing_note("bce", "sigmoid") is None
    assert pairing_note("cce", "softmax") is None
    assert pairing_note("mse", "linear") is None
    assert "softmax" in pairing_note("cce", "sigmoid")
    assert "sigmoid" in pairing_note("bce", "tanh")
    assert pairing_note("mse", "softmax") is not None
    assert "gradient" in pairing_note("mse", "step")
    for loss in ("mse", "bce", "cce"):
        assert "single output" in pairing_note(loss, "softmax", units=1)


def test_bce_gradient_is_zero_where_the_output_was_clipped() -> None:
    # a linear output outside (0, 1): the loss clips ŷ and is flat there, so is its gradient
    bce = get_loss("bce")
    Y = np.array([[0.0, 1.0, 0.0]])
    A = np.array([[1.2, -0.3, 0.4]])
    g = bce.grad(Y, A)
    fd = numeric_grad(lambda: float(bce.per_example(Y, A).sum()), A)
    assert g[0, 0] == 0.0 and g[0, 1] == 0.0
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)

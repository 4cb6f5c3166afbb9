"""Initializers: shapes, determinism from the seed, each scheme's spread against its formula,
``scale``, ``bias`` and the rejection of unknown names and keys."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine import init_params, init_weights
from playground.engine.names import INITS

N_OUT, N_IN = 400, 300  # 120 000 draws: the sample std is within ≈ 0.2 % of σ (1 σ)

#: scheme → (distribution, std for normal / limit for uniform) with fan_in = N_IN, fan_out = N_OUT
EXPECTED = {
    "normal": ("normal", 1.0),
    "uniform": ("uniform", 0.5),
    "xavier_normal": ("normal", math.sqrt(2.0 / (N_IN + N_OUT))),
    "xavier_uniform": ("uniform", math.sqrt(6.0 / (N_IN + N_OUT))),
    "he_normal": ("normal", math.sqrt(2.0 / N_IN)),
    "he_uniform": ("uniform", math.sqrt(6.0 / N_IN)),
    "lecun_normal": ("normal", math.sqrt(1.0 / N_IN)),
}


def _check_spread(W: np.ndarray, kind: str, param: float) -> None:
    assert abs(W.mean()) < 0.02 * (param if kind == "normal" else param / math.sqrt(3))
    if kind == "normal":
        assert W.std() == pytest.approx(param, rel=0.03)
        assert np.abs(W).max() > 3.5 * param  # Gaussian tails, not a bounded distribution
    else:
        # U(−a, a): std a/√3, every draw inside (−a, a), and the draws reach close to ±a
        assert W.std() == pytest.approx(param / math.sqrt(3.0), rel=0.03)
        assert np.abs(W).max() <= param
        assert W.max() > 0.99 * param and W.min() < -0.99 * param


def test_every_named_scheme_is_covered() -> None:
    assert set(EXPECTED) | {"zeros"} == set(INITS)


@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_spread_matches_the_formula(scheme: str) -> None:
    W = init_weights(scheme, N_OUT, N_IN, np.random.default_rng(0))
    assert W.shape == (N_OUT, N_IN)
    assert W.dtype == np.float64
    _check_spread(W, *EXPECTED[scheme])


def test_fan_in_and_fan_out_are_not_swapped() -> None:
    """W is n_out × n_in; He uses fan_in = n_in (the number of columns), as PyTorch."""
    W = init_weights("he_normal", 50, 2000, np.random.default_rng(1))
    assert W.std() == pytest.approx(math.sqrt(2.0 / 2000), rel=0.03)
    W = init_weights("he_uniform", 2000, 50, np.random.default_rng(1))
    assert np.abs(W).max() <= math.sqrt(6.0 / 50)
    assert W.std() == pytest.approx(math.sqrt(2.0 / 50), rel=0.03)


def test_scheme_parameters_std_and_limit() -> None:
    rng = np.random.default_rng(2)
    _check_spread(init_weights("normal", N_OUT, N_IN, rng, std=0.1), "normal", 0.1)
    _check_spread(init_weights("uniform", N_OUT, N_IN, rng, limit=2.0), "uniform", 2.0)


@pytest.mark.parametrize("scheme", list(INITS))
def test_scale_multiplies_the_drawn_weights(scheme: str) -> None:
    a = init_weights(scheme, 6, 4, np.random.default_rng(3))
    b = init_weights(scheme, 6, 4, np.random.default_rng(3), scale=-2.5)
    np.testing.assert_allclose(b, -2.5 * a, rtol=1e-15)


def test_zeros_is_zero() -> None:
    W = init_weights("zeros", 5, 3, np.random.default_rng(4), scale=7.0)
    assert W.shape == (5, 3)
    assert np.all(W == 0.0)
    Ws, bs = init_params({"scheme": "zeros"}, [3, 4, 2], seed=0)
    assert all(np.all(W == 0.0) for W in Ws) and all(np.all(b == 0.0) for b in bs)


def test_dtype() -> None:
    W = init_weights("xavier_uniform", 5, 3, np.random.default_rng(5), dtype=np.float32)
    assert W.dtype == np.float32
    Ws, bs = init_params({}, [2, 3, 1], seed=0, dtype=np.float32)
    assert all(W.dtype == np.float32 for W in Ws) and all(b.dtype == np.float32 for b in bs)


def test_init_params_shapes_and_biases() -> None:
    sizes = [2, 8, 5, 1]
    Ws, bs = init_params({"scheme": "he_uniform", "bias": 0.1}, sizes, seed=3)
    assert [W.shape for W in Ws] == [(8, 2), (5, 8), (1, 5)]
    assert [b.shape for b in bs] == [(8,), (5,), (1,)]
    for b in bs:
        assert np.all(b == 0.1)
    _, bs = init_params({}, sizes, seed=3)
    assert all(np.all(b == 0.0) for b in bs)


def test_default_scheme_is_xavier_uniform() -> None:
    a, _ = init_params({}, [3, 4, 2], seed=11)
    b, _ = init_params({"scheme": "xavier_uniform"}, [3, 4, 2], seed=11)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_same_seed_same_network_other_seed_other_network() -> None:
    init = {"scheme": "xavier_normal", "scale": 1.5}
    a, _ = init_params(init, [2, 6, 6, 3], seed=42)
    b, _ = init_params(init, [2, 6, 6, 3], seed=42)
    c, _ = init_params(init, [2, 6, 6, 3], seed=43)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not any(np.array_equal(x, z) for x, z in zip(a, c, strict=True))


def test_layers_draw_in_order_from_one_generator() -> None:
    """init_params(seed) = init_weights for layers 1..L from one default_rng(seed), in order."""
    sizes = [3, 5, 4, 2]
    Ws, _ = init_params({"scheme": "normal", "std": 0.3, "scale": 2.0}, sizes, seed=9)
    rng = np.random.default_rng(9)
    for W, n_in, n_out in zip(Ws, sizes[:-1], sizes[1:], strict=True):
        np.testing.assert_array_equal(
            W, init_weights("normal", n_out, n_in, rng, std=0.3, scale=2.0)
        )


def test_unknown_scheme_or_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown init scheme"):
        init_weights("orthogonal", 2, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown init scheme"):
        init_params({"scheme": "orthogonal"}, [2, 2], seed=0)
    with pytest.raises(ValueError, match="'stdev'"):
        init_params({"scheme": "normal", "stdev": 1.0}, [2, 2], seed=0)

"""Planar input features (TensorFlow Playground's seven)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import FEATURE_FUNCS, FEATURES, DataError, feature_matrix


def test_every_registry_feature_has_a_function() -> None:
    assert set(FEATURE_FUNCS) == set(FEATURES)


def test_feature_values_follow_their_formulas() -> None:
    rng = np.random.default_rng(3)
    pts = rng.uniform(-6, 6, (50, 2))
    x1, x2 = pts[:, 0], pts[:, 1]
    x = feature_matrix(pts, list(FEATURES))
    assert x.shape == (50, 7)
    assert x.dtype == np.float64
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-15)


def test_columns_follow_the_requested_order() -> None:
    pts = np.array([[2.0, 3.0], [-1.0, 0.5]])
    x = feature_matrix(pts, ["x1*x2", "x2", "x1^2"])
    np.testing.assert_array_equal(x, [[6.0, 3.0, 4.0], [-0.5, 0.5, 1.0]])


def test_known_sine_values() -> None:
    x = feature_matrix(np.array([[np.pi / 2, 0.0]]), ["sin(x1)", "sin(x2)"])
    np.testing.assert_allclose(x, [[1.0, 0.0]], atol=1e-15)


def test_empty_point_set_gives_empty_matrix() -> None:
    assert feature_matrix(np.zeros((0, 2)), ["x1", "x2^2"]).shape == (0, 2)


def test_unknown_feature_lists_the_allowed_ones() -> None:
    with pytest.raises(DataError, match=r"unknown feature 'x3'.*x1\*x2"):
        feature_matrix(np.zeros((1, 2)), ["x1", "x3"])


def test_points_must_be_two_columns() -> None:
    with pytest.raises(DataError, match=r"\(p, 2\)"):
        feature_matrix(np.zeros((4, 3)), ["x1"])

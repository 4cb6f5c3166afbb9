"""Synthetic planar sets: shapes, balance, and labels that agree with TF Playground's geometry."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import GENERATORS
from playground.data.synthetic import REG_GAUSSIANS, class_counts, generate, reg_gauss_value

ALL = sorted(GENERATORS)


def draw(name: str, n: int = 400, noise: float = 0.0, seed: int = 0, classes: int | None = None):
    return generate(name, n, noise, np.random.default_rng(seed), classes)


def radius(points: np.ndarray) -> np.ndarray:
    return np.hypot(points[:, 0], points[:, 1])


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("n", [4, 7, 400])
def test_shapes_and_dtypes(name: str, n: int) -> None:
    s = draw(name, n, noise=0.2)
    assert s.points.shape == (n, 2) and s.points.dtype == np.float64
    assert s.y.shape == (n, len(s.target_names)) and s.y.dtype == np.float64
    assert np.all(np.isfinite(s.points)) and np.all(np.isfinite(s.y))


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_points_other_seed_other_points(name: str) -> None:
    a, b, c = draw(name, seed=5), draw(name, seed=5), draw(name, seed=6)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.y, b.y)
    if name != "spiral":  # a noiseless spiral has no randomness at all
        assert not np.array_equal(a.points, c.points)


def test_class_counts_give_the_remainder_to_the_first_classes() -> None:
    assert class_counts(7, 2) == [4, 3]
    assert class_counts(100, 3) == [34, 33, 33]
    assert sum(class_counts(13, 6)) == 13


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral"])
@pytest.mark.parametrize("n", [400, 401])
def test_two_class_sets_are_balanced_at_noise_zero(name: str, n: int) -> None:
    s = draw(name, n)
    assert s.problem == "binary" and s.target_names == ("y",)
    assert set(np.unique(s.y)) == {0.0, 1.0}
    assert int(s.y.sum()) == (n + 1) // 2  # the extra point goes to the first class (label 1)


@pytest.mark.parametrize("name", ["gauss", "spiral"])
def test_noise_does_not_change_the_balance_of_generated_classes(name: str) -> None:
    assert int(draw(name, 400, noise=0.5).y.sum()) == 200


def test_circle_label_is_inside_radius_at_noise_zero() -> None:
    s = draw("circle", 1000)
    r = radius(s.points)
    np.testing.assert_array_equal(s.y[:, 0], r < 2.5)
    outer = r[s.y[:, 0] == 0]
    assert outer.min() >= 3.5 and outer.max() <= 5.0


def test_circle_noise_flips_labels_but_keeps_the_points_clean() -> None:
    s = draw("circle", 1000, noise=0.5)
    r = radius(s.points)
    assert not np.any((r >= 2.5) & (r < 3.5))  # stored points are the noiseless ones
    wrong = (r < 2.5) != (s.y[:, 0] == 1)
    assert 0.05 < wrong.mean() < 0.6


def test_xor_label_is_sign_of_product_at_noise_zero() -> None:
    s = draw("xor", 1000)
    x1, x2 = s.points.T
    np.testing.assert_array_equal(s.y[:, 0], x1 * x2 >= 0)
    assert np.abs(s.points).min() >= 0.3 and np.abs(s.points).max() <= 5.3


def test_xor_noise_flips_some_labels() -> None:
    s = draw("xor", 1000, noise=0.5)
    x1, x2 = s.points.T
    wrong = (x1 * x2 >= 0) != (s.y[:, 0] == 1)
    assert 0.02 < wrong.mean() < 0.5


@pytest.mark.parametrize(("noise", "std"), [(0.0, np.sqrt(0.5)), (0.5, 2.0)])
def test_gauss_clouds_have_tf_centres_and_spread(noise: float, std: float) -> None:
    s = draw("gauss", 20000, noise=noise)
    pos, neg = s.points[s.y[:, 0] == 1], s.points[s.y[:, 0] == 0]
    np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.08)
    np.testing.assert_allclose(neg.mean(axis=0), [-2, -2], atol=0.08)
    np.testing.assert_allclose(pos.std(axis=0), std, rtol=0.05)


def test_spiral_radius_grows_with_index_along_each_arm() -> None:
    s = draw("spiral", 400)
    for arm in (s.points[:200], s.points[200:]):
        r = radius(arm)
        np.testing.assert_allclose(r, np.arange(200) / 200 * 5, atol=1e-12)
    np.testing.assert_array_equal(s.y[:200, 0], 1.0)
    np.testing.assert_array_equal(s.y[200:, 0], 0.0)


def test_spiral_arms_are_half_a_turn_apart() -> None:
    s = draw("spiral", 400)
    np.testing.assert_allclose(s.points[200:], -s.points[:200], atol=1e-12)


def test_spiral_noise_moves_points_by_at_most_noise_per_axis() -> None:
    clean, noisy = draw("spiral", 400), draw("spiral", 400, noise=0.3)
    shift = np.abs(noisy.points - clean.points)
    assert shift.max() <= 0.3 and shift.max() > 0.2
    np.testing.assert_array_equal(noisy.y, clean.y)


def test_spiral_with_three_classes_is_one_hot_multiclass() -> None:
    s = draw("spiral", 301, classes=3)
    assert s.problem == "multiclass" and len(s.target_names) == 3
    np.testing.assert_array_equal(s.y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(s.y.sum(axis=0), [101, 100, 100])
    first = s.points[s.y[:, 1] == 1][1:]  # arm 2 starts a third of a turn further on
    angle0 = np.arctan2(s.points[1, 0], s.points[1, 1])
    angle1 = np.arctan2(first[0, 0], first[0, 1])
    assert np.isclose((angle1 - angle0) % (2 * np.pi), 2 * np.pi / 3, atol=0.05)


def test_reg_plane_target_is_sum_over_ten_at_noise_zero() -> None:
    s = draw("reg_plane", 500)
    assert s.problem == "regression" and s.y.shape == (500, 1)
    np.testing.assert_allclose(s.y[:, 0], s.points.sum(axis=1) / 10, atol=1e-15)
    assert np.abs(s.points).max() <= 6.0


def test_reg_plane_noise_perturbs_the_target_only() -> None:
    s = draw("reg_plane", 500, noise=0.5)
    error = s.y[:, 0] - s.points.sum(axis=1) / 10
    assert np.abs(error).max() > 0.2 and np.abs(error).max() <= 0.6 + 1e-12


def test_reg_gauss_value_is_the_sign_at_each_centre() -> None:
    np.testing.assert_allclose(reg_gauss_value(REG_GAUSSIANS[:, :2]), REG_GAUSSIANS[:, 2])
    assert reg_gauss_value(np.array([[0.0, 0.0]]))[0] == 0.0  # 2.5 from every centre


def test_reg_gauss_targets_at_noise_zero_follow_the_bumps() -> None:
    s = draw("reg_gauss", 1000)
    np.testing.assert_array_equal(s.y[:, 0], reg_gauss_value(s.points))
    assert np.abs(s.y).max() <= 1.0 and s.y.min() < -0.5 and s.y.max() > 0.5


def test_reg_gauss_noise_changes_targets() -> None:
    s = draw("reg_gauss", 1000, noise=0.3)
    assert not np.allclose(s.y[:, 0], reg_gauss_value(s.points))


@pytest.mark.parametrize("k", [2, 3, 8])
def test_blobs_are_one_hot_around_a_circle(k: int) -> None:
    n = 100 * k + 1
    s = draw("blobs", n, classes=k)
    assert s.problem == "multiclass" and len(s.target_names) == k
    np.testing.assert_array_equal(s.y.sum(axis=0), class_counts(n, k))
    for c in range(k):
        cloud = s.points[s.y[:, c] == 1]
        centre = 3.5 * np.array([np.cos(2 * np.pi * c / k), np.sin(2 * np.pi * c / k)])
        np.testing.assert_allclose(cloud.mean(axis=0), centre, atol=0.2)
        np.testing.assert_allclose(cloud.std(axis=0), 0.6, rtol=0.25)


def test_blobs_spread_grows_with_noise() -> None:
    s = draw("blobs", 6000, noise=0.5, classes=3)
    cloud = s.points[s.y[:, 0] == 1]
    np.testing.assert_allclose(cloud.std(axis=0), 1.6, rtol=0.06)


def test_multilabel_flags_follow_the_geometry_at_noise_zero() -> None:
    s = draw("multilabel", 1000)
    assert s.problem == "multilabel"
    assert s.target_names == ("x1 > 0", "x2 > 0", "inside r=3.5")
    x1, x2 = s.points.T
    np.testing.assert_array_equal(s.y, np.column_stack([x1 > 0, x2 > 0, radius(s.points) < 3.5]))
    assert (s.y.sum(axis=1) >= 2).any() and (s.y.sum(axis=1) == 0).any()


def test_multilabel_noise_flips_some_flags() -> None:
    s = draw("multilabel", 1000, noise=0.4)
    assert not np.array_equal(s.y[:, 0], s.points[:, 0] > 0)

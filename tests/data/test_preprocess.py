"""Shuffle/split counts and the standardizer."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.preprocess import Standardizer, shuffle_split, train_count


@pytest.mark.parametrize(
    ("n", "fraction", "expected"),
    [(500, 0.5, 250), (500, 1.0, 500), (7, 0.5, 4), (10, 0.01, 1), (10, 0.84, 8), (4, 0.9, 4)],
)
def test_train_count_rounds_and_keeps_one_row(n: int, fraction: float, expected: int) -> None:
    assert train_count(n, fraction) == expected


def test_shuffle_split_is_a_partition() -> None:
    train, test = shuffle_split(20, 0.3, np.random.default_rng(0))
    assert len(train) == 6 and len(test) == 14
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(20))


def test_standardizer_maps_its_training_data_to_zero_mean_unit_std() -> None:
    x = np.random.default_rng(1).normal([3.0, -2.0], [5.0, 0.1], (200, 2))
    s = Standardizer.fit(x)
    z = s.apply(x)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=1e-12)
    assert not s.mean.flags.writeable and not s.scale.flags.writeable


def test_constant_column_is_centred_but_not_scaled() -> None:
    x = np.column_stack([np.full(5, 0.1), np.arange(5.0)])
    s = Standardizer.fit(x)
    assert s.scale[0] == 1.0
    np.testing.assert_allclose(s.apply(x)[:, 0], 0.0, atol=1e-15)
    assert np.all(np.isfinite(s.apply(x)))

"""Target encodings: one-hot, multi-hot, and back to class indices."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import DataError, class_indices, multi_hot, one_hot


def test_one_hot_rows_have_a_single_one_at_the_index() -> None:
    y = one_hot([2, 0, 1, 2], 3)
    assert y.dtype == np.float64
    assert y.shape == (4, 3)
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(np.argmax(y, axis=1), [2, 0, 1, 2])


def test_one_hot_accepts_arrays_and_empty_input() -> None:
    np.testing.assert_array_equal(one_hot(np.array([1, 0]), 2), [[0, 1], [1, 0]])
    assert one_hot([], 4).shape == (0, 4)


@pytest.mark.parametrize("indices", [[0, 3], [-1], [1.5]])
def test_one_hot_rejects_out_of_range_or_fractional_indices(indices: list) -> None:
    with pytest.raises(DataError):
        one_hot(indices, 3)


@pytest.mark.parametrize("k", [0, -2, True])
def test_one_hot_rejects_bad_class_count(k: int) -> None:
    with pytest.raises(DataError):
        one_hot([0], k)


def test_one_hot_error_names_the_index_and_row() -> None:
    with pytest.raises(DataError, match=r"class index 5 at row 1 is outside 0\.\.2"):
        one_hot([0, 5], 3)


def test_multi_hot_sets_every_listed_label() -> None:
    y = multi_hot([[0, 2], [], [1]], 3)
    np.testing.assert_array_equal(y, [[1, 0, 1], [0, 0, 0], [0, 1, 0]])
    assert y.dtype == np.float64


def test_multi_hot_rejects_out_of_range_labels() -> None:
    with pytest.raises(DataError, match="row 1"):
        multi_hot([[0], [3]], 3)


def test_class_indices_inverts_the_encodings() -> None:
    idx = np.array([2, 0, 1, 1])
    np.testing.assert_array_equal(class_indices(one_hot(idx, 3), "multiclass"), idx)
    sets = [[0, 2], [], [1]]
    np.testing.assert_array_equal(
        class_indices(multi_hot(sets, 3), "multilabel"), multi_hot(sets, 3)
    )
    np.testing.assert_array_equal(class_indices(np.array([[0.2], [0.7]]), "binary"), [0, 1])


def test_class_indices_reads_predictions_too() -> None:
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(class_indices(probs, "multiclass"), [1, 0])


@pytest.mark.parametrize("problem", ["regression", "ranking"])
def test_class_indices_rejects_problems_without_classes(problem: str) -> None:
    with pytest.raises(DataError):
        class_indices(np.zeros((2, 1)), problem)

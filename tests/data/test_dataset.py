"""make_dataset and the Dataset record: splits, determinism, standardization, plane mapping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from playground.data import DATASETS, DataError, Dataset, feature_matrix, make_dataset
from playground.data.synthetic import generate

SYNTHETIC = [name for name in DATASETS if name not in ("iris", "csv")]
ALL_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
ARRAYS = ("x_train", "y_train", "x_test", "y_test", "points_train", "points_test")


def test_default_section_gives_tf_circle() -> None:
    ds = make_dataset({})
    assert ds.name == "circle" and ds.problem == "binary"
    assert ds.x_train.shape == (250, 2) and ds.x_test.shape == (250, 2)
    assert ds.feature_names == ("x1", "x2") and ds.target_names == ("y",)
    assert ds.domain == (-6.0, 6.0) and ds.n_inputs == 2 and ds.n_outputs == 1
    assert ds.scaler is None


@pytest.mark.parametrize("name", SYNTHETIC)
def test_every_synthetic_set_builds_with_consistent_shapes(name: str) -> None:
    ds = make_dataset({"dataset": name, "samples": 203, "noise": 0.2, "features": ALL_FEATURES})
    assert ds.problem == DATASETS[name].problem
    assert ds.x_train.shape == (102, 7) and ds.x_test.shape == (101, 7)
    assert ds.y_train.shape == (102, ds.n_outputs) and ds.y_test.shape == (101, ds.n_outputs)
    assert ds.points_train.shape == (102, 2) and ds.points_test.shape == (101, 2)
    for field in ARRAYS:
        assert getattr(ds, field).dtype == np.float64
    np.testing.assert_array_equal(ds.x_train, feature_matrix(ds.points_train, ALL_FEATURES))


@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_section_same_arrays_other_seed_other_arrays(name: str) -> None:
    cfg = {"dataset": name, "samples": 100, "noise": 0.1, "seed": 4}
    a, b, c = make_dataset(cfg), make_dataset(dict(cfg)), make_dataset({**cfg, "seed": 5})
    for field in ARRAYS:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.points_train, c.points_train)


def test_split_is_a_shuffle_of_the_generated_points() -> None:
    ds = make_dataset({"dataset": "spiral", "samples": 300, "noise": 0.1, "seed": 2})
    sample = generate("spiral", 300, 0.1, np.random.default_rng(2), 2)
    both = np.concatenate([ds.points_train, ds.points_test])
    order = np.lexsort(both.T)
    np.testing.assert_array_equal(both[order], sample.points[np.lexsort(sample.points.T)])
    assert not np.array_equal(ds.points_train, sample.points[:150])  # really shuffled
    labels = np.concatenate([ds.y_train, ds.y_test])[order]
    np.testing.assert_array_equal(labels, sample.y[np.lexsort(sample.points.T)])


@pytest.mark.parametrize(("fraction", "m_train"), [(0.1, 50), (0.3, 150), (0.5, 250), (0.8, 400)])
def test_split_sizes(fraction: float, m_train: int) -> None:
    ds = make_dataset({"dataset": "xor", "samples": 500, "train_fraction": fraction})
    assert ds.x_train.shape[0] == m_train and ds.x_test.shape[0] == 500 - m_train


def test_train_fraction_one_leaves_an_empty_test_split() -> None:
    ds = make_dataset({"dataset": "blobs", "samples": 90, "train_fraction": 1.0, "classes": 4})
    assert ds.x_train.shape == (90, 2)
    assert ds.x_test.shape == (0, 2) and ds.y_test.shape == (0, 4)
    assert ds.points_test.shape == (0, 2)


def test_odd_sample_counts_add_up() -> None:
    ds = make_dataset({"dataset": "gauss", "samples": 101, "train_fraction": 0.5})
    assert ds.x_train.shape[0] + ds.x_test.shape[0] == 101
    assert int(ds.y_train.sum() + ds.y_test.sum()) == 51


def test_arrays_are_read_only_and_the_record_is_frozen() -> None:
    ds = make_dataset({"dataset": "circle", "samples": 20})
    for field in ARRAYS:
        assert not getattr(ds, field).flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        ds.x_train[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.problem = "regression"  # type: ignore[misc]


def test_standardization_uses_training_statistics_only() -> None:
    cfg = {"dataset": "gauss", "samples": 400, "noise": 0.3, "features": ["x1", "x1*x2"]}
    raw = make_dataset(cfg)
    ds = make_dataset({**cfg, "standardize": True})
    np.testing.assert_array_equal(ds.points_train, raw.points_train)
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1.0, atol=1e-12)
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    np.testing.assert_allclose(ds.x_test, (raw.x_test - mean) / std, atol=1e-12)
    assert np.abs(ds.x_test.mean(axis=0)).max() > 1e-6  # test split was not refitted


@pytest.mark.parametrize("standardize", [False, True])
def test_features_at_reproduces_the_network_inputs(standardize: bool) -> None:
    cfg = {"dataset": "spiral", "samples": 200, "noise": 0.2, "features": ALL_FEATURES}
    ds = make_dataset({**cfg, "standardize": standardize})
    np.testing.assert_allclose(ds.features_at(ds.points_train), ds.x_train, atol=1e-12)
    np.testing.assert_allclose(ds.features_at(ds.points_test), ds.x_test, atol=1e-12)
    grid = np.stack(np.meshgrid(np.linspace(-6, 6, 5), np.linspace(-6, 6, 5)), -1).reshape(-1, 2)
    assert ds.features_at(grid).shape == (25, 7)


def test_labels_helper() -> None:
    ds = make_dataset({"dataset": "circle", "samples": 40})
    np.testing.assert_array_equal(ds.labels(ds.y_train), ds.y_train[:, 0].astype(int))
    blobs = make_dataset({"dataset": "blobs", "samples": 40})
    np.testing.assert_array_equal(blobs.labels(blobs.y_train), np.argmax(blobs.y_train, axis=1))


def test_extra_keys_do_not_crash() -> None:
    assert make_dataset({"dataset": "xor", "samples": 10, "problem": "binary"}).name == "xor"


def write_planar_csv(path: Path) -> None:
    rows = ["u,v,label"] + [f"{i * 0.5},{10 - i},{i % 2}" for i in range(20)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_two_column_csv_is_planar(tmp_path: Path) -> None:
    write_planar_csv(tmp_path / "plane.csv")
    ds = make_dataset({"dataset": "csv", "path": "plane.csv", "target": "label"}, tmp_path)
    assert ds.problem == "binary" and ds.feature_names == ("u", "v")
    assert ds.scaler is not None  # standardize defaults to true for files
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-12)
    raw = np.concatenate([ds.points_train, ds.points_test])  # the file's columns, unscaled
    expected = np.column_stack([np.arange(20) * 0.5, 10.0 - np.arange(20)])
    np.testing.assert_array_equal(raw[np.argsort(raw[:, 0])], expected)
    lo, hi = -9.0, 10.0  # joint range of both columns, padded by 5 %
    np.testing.assert_allclose(ds.domain, (lo - 0.05 * 19, hi + 0.05 * 19))
    np.testing.assert_allclose(ds.features_at(ds.points_train), ds.x_train, atol=1e-12)


def test_csv_path_defaults_to_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    write_planar_csv(tmp_path / "plane.csv")
    monkeypatch.chdir(tmp_path)
    ds = make_dataset({"dataset": "csv", "path": "plane.csv", "target": "label", "seed": 3})
    assert ds.x_train.shape == (10, 2) and ds.name == "csv"


def test_csv_split_is_deterministic_and_seeded(tmp_path: Path) -> None:
    write_planar_csv(tmp_path / "plane.csv")
    cfg = {"dataset": "csv", "path": str(tmp_path / "plane.csv"), "target": "label"}
    a, b, c = make_dataset(cfg), make_dataset(cfg), make_dataset({**cfg, "seed": 9})
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.points_train, c.points_train)


def test_csv_with_more_columns_is_not_planar(tmp_path: Path) -> None:
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n1,2,3,0.5\n2,3,5,1.5\n4,1,0,2.5\n", encoding="utf-8")
    ds = make_dataset({"dataset": "csv", "path": str(path), "target": "y", "train_fraction": 1})
    assert ds.problem == "regression" and ds.n_inputs == 3
    assert ds.points_train is None and ds.domain is None and not ds.planar
    with pytest.raises(DataError, match="not planar"):
        ds.features_at(np.zeros((1, 2)))


def test_csv_tiny_fraction_keeps_one_training_row(tmp_path: Path) -> None:
    write_planar_csv(tmp_path / "plane.csv")
    cfg = {"dataset": "csv", "path": "plane.csv", "target": "label", "train_fraction": 0.01}
    ds = make_dataset(cfg, tmp_path)
    assert ds.x_train.shape[0] == 1 and np.all(np.isfinite(ds.x_train))


def test_csv_file_errors_surface_as_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"missing\.csv: no such file"):
        make_dataset({"dataset": "csv", "path": "missing.csv", "target": "y"}, tmp_path)


def test_dataset_checks_its_shapes() -> None:
    x, y = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(DataError, match="y_test"):
        Dataset(x, y, x, np.zeros((3, 1)), "binary", ("a", "b"), ("y",))
    with pytest.raises(DataError, match="problem"):
        Dataset(x, y, x, y, "ranking", ("a", "b"), ("y",))
    ds = Dataset(x, y, x[:0], y[:0], "regression", ("a", "b"), ("y",))
    assert not ds.planar and ds.n_inputs == 2

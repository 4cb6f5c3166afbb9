"""The bundled iris file and the "iris" data set."""

from __future__ import annotations

import csv
import importlib.util
import zipfile
from pathlib import Path

import numpy as np
import pytest

from playground.data import DataError, load_csv, make_dataset
from playground.data.factory import iris_path

HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]


def read_rows() -> list[list[str]]:
    with iris_path().open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_bundled_file_has_header_and_150_rows() -> None:
    rows = read_rows()
    assert rows[0] == HEADER
    assert len(rows) == 151
    species = [r[4] for r in rows[1:]]
    assert {s: species.count(s) for s in set(species)} == {
        "setosa": 50,
        "versicolor": 50,
        "virginica": 50,
    }


def test_load_csv_reads_the_file_as_written() -> None:
    rows = read_rows()
    t = load_csv(iris_path(), "species")
    assert t.problem == "multiclass" and t.x.shape == (150, 4)
    assert t.feature_names == tuple(HEADER[:4])
    assert t.target_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(t.x[0], [float(v) for v in rows[1][:4]])
    np.testing.assert_array_equal(t.x[-1], [float(v) for v in rows[-1][:4]])
    assert t.y[0, t.target_names.index(rows[1][4])] == 1.0
    np.testing.assert_array_equal(t.y.sum(axis=0), [50, 50, 50])


def test_iris_data_set_defaults() -> None:
    ds = make_dataset({"dataset": "iris"})
    assert ds.problem == "multiclass" and ds.name == "iris"
    assert ds.x_train.shape == (75, 4) and ds.x_test.shape == (75, 4)
    assert ds.y_train.shape == (75, 3)
    assert not ds.planar and ds.points_train is None and ds.domain is None
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1.0, atol=1e-12)
    total = ds.y_train.sum(axis=0) + ds.y_test.sum(axis=0)
    np.testing.assert_array_equal(total, [50, 50, 50])


def test_iris_options() -> None:
    ds = make_dataset({"dataset": "iris", "train_fraction": 1.0, "standardize": False})
    assert ds.x_train.shape == (150, 4) and ds.x_test.shape == (0, 4)
    t = load_csv(iris_path(), "species")
    np.testing.assert_array_equal(np.sort(ds.x_train, axis=0), np.sort(t.x, axis=0))


def test_iris_with_two_petal_features_is_planar() -> None:
    ds = make_dataset({"dataset": "iris", "features": ["petal_length", "petal_width"]})
    assert ds.n_inputs == 2 and ds.planar
    np.testing.assert_allclose(ds.features_at(ds.points_train), ds.x_train, atol=1e-12)


def test_iris_unknown_feature_names_the_file() -> None:
    with pytest.raises(DataError, match=r"iris\.csv, line 1: feature column 'x1' not found"):
        make_dataset({"dataset": "iris", "features": ["x1", "x2"]})


def load_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "make_iris_csv.py"
    spec = importlib.util.spec_from_file_location("make_iris_csv", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_iris_script_maps_class_codes_to_names(tmp_path: Path) -> None:
    script = load_script()
    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as archive:  # same layout as sklearn's file, made-up values
        archive.writestr(
            script.MEMBER, "3,4,red,green,blue\n1.5,2,3,4,2\n5,6,7,8.25,0\n9,9,9,9,1\n"
        )
    out = tmp_path / "out.csv"
    assert script.main([str(wheel), str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        ",".join(HEADER),
        "1.5,2,3,4,blue",
        "5,6,7,8.25,red",
        "9,9,9,9,green",
    ]


def test_make_iris_script_checks_the_row_count(tmp_path: Path) -> None:
    script = load_script()
    wheel = tmp_path / "short.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(script.MEMBER, "5,4,a,b,c\n1,2,3,4,0\n")
    with pytest.raises(ValueError, match="1 rows"):
        script.read_sklearn_iris(wheel)

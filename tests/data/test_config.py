"""Validation of the "data" section: every bad value names its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.data import DATA_DEFAULTS, DATASETS, DataError, make_dataset
from playground.data.config import parse_data_config


def test_defaults_fill_in_missing_keys() -> None:
    spec = parse_data_config({})
    assert spec.dataset == DATA_DEFAULTS["dataset"]
    assert spec.samples == DATASETS[spec.dataset].samples
    assert spec.noise == 0.0 and spec.train_fraction == 0.5 and spec.seed == 0
    assert spec.features == ("x1", "x2") and spec.standardize is False


def test_none_values_mean_default() -> None:
    assert parse_data_config(dict.fromkeys(DATA_DEFAULTS)) == parse_data_config({})


def test_set_specific_defaults() -> None:
    assert parse_data_config({"dataset": "reg_plane"}).samples == 1200
    assert parse_data_config({"dataset": "spiral"}).classes == 2
    assert parse_data_config({"dataset": "blobs"}).classes == 3
    iris = parse_data_config({"dataset": "iris"})
    assert iris.standardize is True and iris.features is None and iris.target == ("species",)


def test_relative_csv_path_resolves_against_base_dir(tmp_path: Path) -> None:
    spec = parse_data_config({"dataset": "csv", "path": "d/f.csv", "target": "y"}, tmp_path)
    assert spec.path == tmp_path / "d" / "f.csv" and spec.target == ("y",)


def test_extra_keys_are_ignored() -> None:
    assert parse_data_config({"dataset": "xor", "problem": "binary", "zzz": 1}).dataset == "xor"


@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        ({"dataset": "moons"}, "data.dataset: unknown data set 'moons'; allowed: circle, xor"),
        ({"dataset": 3}, "data.dataset: unknown data set 3"),
        ({"samples": 3}, "data.samples: 3 is outside 4..1000000"),
        ({"samples": 1_000_001}, "data.samples: 1000001 is outside 4..1000000"),
        ({"samples": 10.5}, "data.samples: expected an integer"),
        ({"samples": True}, "data.samples: expected an integer"),
        ({"noise": -0.1}, "data.noise: -0.1 is outside [0, 1]"),
        ({"noise": 1.5}, "data.noise: 1.5 is outside [0, 1]"),
        ({"noise": "high"}, "data.noise: expected a number"),
        ({"noise": float("nan")}, "data.noise: expected a number"),
        ({"train_fraction": 0}, "data.train_fraction: 0 is outside (0, 1]"),
        ({"train_fraction": 1.2}, "data.train_fraction: 1.2 is outside (0, 1]"),
        ({"seed": -1}, "data.seed: -1 is negative"),
        ({"seed": "a"}, "data.seed: expected an integer"),
        ({"features": []}, "data.features: the list is empty"),
        ({"features": ["x1", "x1"]}, "data.features: 'x1' is listed twice"),
        ({"features": ["x1", "x3"]}, "data.features: unknown feature 'x3'; allowed: x1, x2"),
        ({"features": "x1"}, "data.features: expected a list of names"),
        ({"dataset": "spiral", "classes": 9}, "data.classes: 9 is outside 2..6"),
        ({"dataset": "blobs", "classes": 1}, "data.classes: 1 is outside 2..8"),
        ({"dataset": "blobs", "classes": 2.5}, "data.classes: expected an integer"),
        ({"dataset": "circle", "classes": 3}, "data.classes: data set 'circle' takes no classes"),
        ({"dataset": "iris", "classes": 3}, "data.classes: data set 'iris' takes no classes"),
        ({"standardize": "yes"}, "data.standardize: expected true or false"),
        ({"dataset": "csv", "target": "y"}, "data.path: a csv data set needs a file path"),
        ({"dataset": "csv", "path": "f.csv"}, "data.target: a csv data set needs a target"),
        ({"dataset": "csv", "path": "f.csv", "target": []}, "data.target: the list is empty"),
        ({"dataset": "csv", "path": "f.csv", "target": ""}, "data.target: empty column name"),
        ({"dataset": "iris", "features": []}, "data.features: the list is empty"),
    ],
)
def test_bad_values_name_the_key(cfg: dict, expected: str) -> None:
    with pytest.raises(DataError) as info:
        make_dataset(cfg)
    assert str(info.value).startswith(expected)
    assert "\n" not in str(info.value)


def test_section_must_be_a_mapping() -> None:
    with pytest.raises(DataError, match="data: expected an object"):
        make_dataset(["circle"])  # type: ignore[arg-type]


def test_data_error_is_a_value_error() -> None:
    assert issubclass(DataError, ValueError)

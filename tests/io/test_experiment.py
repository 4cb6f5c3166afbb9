"""Reading and writing experiment files (playground.io.experiment), on real files in tmp_path."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import DESIGN_EXAMPLE, design_example

from playground.io import (
    ExperimentError,
    default_experiment,
    experiment_to_json,
    load_experiment,
    save_experiment,
    validate_experiment,
)
from playground.resources import resource_path


def example() -> dict[str, Any]:
    return design_example()


def weights_for(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    return [
        {"W": rng.normal(size=(n, p)).tolist(), "b": rng.normal(size=n).tolist()}
        for p, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def full() -> dict[str, Any]:
    """Every section used: name, description, weights, optimizer state, non-ASCII text."""
    exp = example()
    exp["name"] = "Spirale – größer"
    exp["description"] = "Zwei Spiralen; σ(z) am Ausgang."
    exp["model"]["layers"][0] = {"units": 8, "activation": "leaky_relu", "alpha": 0.2}
    exp["model"]["problem"] = "binary"
    exp["training"]["optimizer"] = {"name": "adam", "learning_rate": 0.01, "momentum": 0.8}
    exp["weights"] = weights_for([2, 8, 8, 1])
    slots = {"m": weights_for([2, 8, 8, 1], 1), "v": weights_for([2, 8, 8, 1], 2)}
    exp["state"] = {
        "epoch": 4,
        "step": 100,
        "optimizer": {"name": "adam", "t": 100, "slots": slots},
    }
    return exp


def csv_experiment(path: str) -> dict[str, Any]:
    exp = example()
    exp["data"] = {"dataset": "csv", "path": path, "target": ["y1", "y2"]}
    exp["model"]["inputs"] = 3
    return exp


def load_error(path: Path | str) -> str:
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- round trips --------------------------------------------------------------------------------


def test_full_file_round_trips(tmp_path: Path) -> None:
    exp = full()
    path = tmp_path / "exp.json"
    save_experiment(exp, path)
    assert load_experiment(path) == validate_experiment(exp)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "Spirale – größer" in text  # ensure_ascii=False
    assert json.loads(text) == validate_experiment(exp)
    save_experiment(load_experiment(path), tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == text


def test_saved_file_is_pretty_with_one_weight_row_per_line(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    save_experiment(full(), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "{" and lines[1] == '  "format": "playground-experiment",'
    row = validate_experiment(full())["weights"][1]["W"][3]
    assert any(line.strip().rstrip(",") == json.dumps(row) for line in lines)
    assert '      {"units": 8, "activation": "tanh"},' in lines


def test_experiment_to_json_matches_saved_file(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    save_experiment(full(), path)
    assert experiment_to_json(full()) == path.read_text(encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"^training.epochs: "):
        experiment_to_json({**example(), "training": {"epochs": -1}})


def test_design_example_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "design.json"
    path.write_text(DESIGN_EXAMPLE, encoding="utf-8")
    assert load_experiment(path) == validate_experiment(example())


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + DESIGN_EXAMPLE.encode())
    assert load_experiment(path)["data"]["dataset"] == "spiral"


# --- data.path of CSV experiments ---------------------------------------------------------------


def test_relative_csv_path_resolves_against_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    (folder / "exp.json").write_text(json.dumps(csv_experiment("data/points.csv")), "utf-8")
    exp = load_experiment(folder / "exp.json")
    assert exp["data"]["path"] == str(folder / "data" / "points.csv")
    assert os.path.isabs(exp["data"]["path"])


def test_home_folder_in_csv_path_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "exp.json").write_text(json.dumps(csv_experiment("~/d.csv")), "utf-8")
    assert load_experiment(tmp_path / "exp.json")["data"]["path"] == str(
        tmp_path / "home" / "d.csv"
    )


def test_csv_path_is_relative_to_the_target_folder_on_save(tmp_path: Path) -> None:
    data = tmp_path / "data" / "points.csv"
    exp = csv_experiment(str(data))
    save_experiment(exp, tmp_path / "exp.json")
    assert (
        json.loads((tmp_path / "exp.json").read_text("utf-8"))["data"]["path"] == "data/points.csv"
    )
    (tmp_path / "runs" / "a").mkdir(parents=True)
    save_experiment(exp, tmp_path / "runs" / "a" / "exp.json")
    written = json.loads((tmp_path / "runs" / "a" / "exp.json").read_text("utf-8"))
    assert written["data"]["path"] == "../../data/points.csv"
    for target in (tmp_path / "exp.json", tmp_path / "runs" / "a" / "exp.json"):
        assert load_experiment(target)["data"]["path"] == str(data)


def test_loaded_csv_experiment_saved_elsewhere_still_finds_its_data(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "exp.json").write_text(json.dumps(csv_experiment("d.csv")), "utf-8")
    save_experiment(load_experiment(tmp_path / "a" / "exp.json"), tmp_path / "b" / "exp.json")
    written = json.loads((tmp_path / "b" / "exp.json").read_text("utf-8"))
    assert written["data"]["path"] == "../a/d.csv"
    assert load_experiment(tmp_path / "b" / "exp.json")["data"]["path"] == str(
        tmp_path / "a" / "d.csv"
    )


def test_in_memory_relative_csv_path_is_relative_to_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    save_experiment(csv_experiment("d.csv"), tmp_path / "out" / "exp.json")
    assert load_experiment(tmp_path / "out" / "exp.json")["data"]["path"] == str(tmp_path / "d.csv")


# --- file problems ------------------------------------------------------------------------------


def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text('{\n  "format": "playground-experiment",\n  "version": 1\n  "data": {}\n}\n')
    assert load_error(path) == (
        f"{path}: not valid JSON (line 4, column 3: Expecting ',' delimiter)"
    )


def test_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nope.json") == f"{tmp_path / 'nope.json'}: no such file"


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert load_error(tmp_path) == f"{tmp_path}: is a folder, not an experiment file"


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(
        DESIGN_EXAMPLE.replace('"seed": 1', '"seed": 1, "name": "Größe"').encode("latin-1")
    )
    assert load_error(path).startswith(f"{path}: not UTF-8 text (line 4, column ")


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text(DESIGN_EXAMPLE.replace('"epochs": 200', '"epochs": 200, "epochs": 3'))
    assert load_error(path) == f"{path}: key 'epochs' appears twice in one object"


def test_rule_errors_name_the_file_and_key_path(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text(DESIGN_EXAMPLE.replace('"tanh"}', '"tanhh"}', 1))
    assert load_error(path).startswith(f"{path}: model.layers[0].activation: 'tanhh' is not one of")
    path.write_text(DESIGN_EXAMPLE.replace('"version": 1', '"version": 7'))
    assert "version: the file is from a newer Playground (file version 7" in load_error(path)
    path.write_text("[1, 2]")
    assert load_error(path) == f"{path}: experiment: expected an object, found a list"


def test_nan_token_in_file_is_rejected_with_its_path(tmp_path: Path) -> None:
    exp = example()
    exp["weights"] = weights_for([2, 8, 8, 1])
    exp["weights"][1]["W"][3][0] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(exp))  # Python writes the NaN token; other tools may too
    assert "NaN" in path.read_text()
    assert (
        load_error(path)
        == f"{path}: weights[1].W[3][0]: NaN is not allowed (numbers must be finite)"
    )


def test_invalid_experiment_is_not_saved(tmp_path: Path) -> None:
    exp = example()
    exp["weights"] = [{"W": np.full((8, 2), np.nan), "b": np.zeros(8)}]
    path = tmp_path / "exp.json"
    path.write_text("old")
    with pytest.raises(ExperimentError, match=r"^weights: expected 3 entries"):
        save_experiment(exp, path)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["exp.json"]


def test_save_into_missing_folder_raises_oserror_naming_the_target(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "exp.json"
    with pytest.raises(FileNotFoundError) as info:
        save_experiment(example(), target)
    assert str(target) in str(info.value) and "does not exist" in str(info.value)


# --- the bundled default ------------------------------------------------------------------------


def test_default_experiment_is_valid_and_saves_to_the_same_text(tmp_path: Path) -> None:
    exp = default_experiment()
    assert validate_experiment(exp) == exp
    assert exp["name"] and exp["description"]
    assert exp["weights"] is None
    text = resource_path("presets", "default.json").read_text(encoding="utf-8")
    assert experiment_to_json(exp) == text
    save_experiment(exp, tmp_path / "default.json")
    assert (tmp_path / "default.json").read_text(encoding="utf-8") == text
    assert default_experiment() is not default_experiment()  # a fresh dict each time

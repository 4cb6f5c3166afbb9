"""``playground train`` end to end in subprocesses (DESIGN.md, "Command line"): the three output
files and their contracts, exit codes 0 / 2 / 3, paths, and continuing a saved run."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from builders import build_experiment, spiral

from playground.data import make_dataset
from playground.engine import Network
from playground.io import load_experiment

ROOT = Path(__file__).resolve().parent.parent


def write_experiment(
    path: Path,
    *,
    data=None,
    layers=None,
    loss="bce",
    inputs=2,
    epochs=3,
    optimizer=None,
    init=None,
    batch_size=10,
    **extra,
) -> Path:
    exp = build_experiment(
        layers,
        data=data or spiral(samples=60),
        inputs=inputs,
        loss=loss,
        init=init,
        optimizer=optimizer or {"name": "momentum", "learning_rate": 0.05},
        batch_size=batch_size,
        epochs=epochs,
        regularization={"kind": "l2", "rate": 0.001},
        validate=False,
    )
    exp.update(extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(exp), encoding="utf-8")
    return path


def run(cwd: Path, *args: str | Path, command: list[str] | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        (command or [sys.executable, "-m", "playground"]) + ["train", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def read_metrics(path: Path) -> tuple[list[str], list[dict[str, float]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    return header, [dict(zip(header, map(float, r), strict=True)) for r in rows[1:]]


def reference_net(exp: dict, npz) -> Network:
    net = Network.from_config(exp["model"], exp["training"]["regularization"])
    L = net.n_layers
    net.set_weights(
        [npz[f"W{l}"] for l in range(1, L + 1)], [npz[f"b{l}"] for l in range(1, L + 1)]
    )
    return net


def test_train_writes_experiment_weights_and_metrics(tmp_path: Path) -> None:
    f = write_experiment(tmp_path / "spiral.json")
    res = run(tmp_path, f, "--epochs", "3", "--out", "out", "--quiet")
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr == ""  # --quiet prints nothing on success
    out = tmp_path / "out"
    # experiment.json: valid, final weights and state
    exp = load_experiment(out / "experiment.json")
    ds = make_dataset(exp["data"])
    steps_per_epoch = -(-ds.x_train.shape[0] // 10)
    assert exp["state"]["epoch"] == 3 and exp["state"]["step"] == 3 * steps_per_epoch
    assert exp["state"]["optimizer"]["name"] == "momentum"
    assert exp["weights"] is not None
    # weights.npz: W1..WL, b1..bL as (n_l, n_{l-1}) and the experiment, without pickle
    with np.load(out / "weights.npz", allow_pickle=False) as z:
        assert sorted(z.files) == ["W1", "W2", "b1", "b2", "experiment"]
        assert z["W1"].shape == (5, 2) and z["b1"].shape == (5,)
        assert z["W2"].shape == (1, 5) and z["b2"].shape == (1,)
        for l, w in enumerate(exp["weights"], start=1):
            np.testing.assert_array_equal(z[f"W{l}"], np.array(w["W"]))
            np.testing.assert_array_equal(z[f"b{l}"], np.array(w["b"]))
        inner = json.loads(str(z["experiment"]))
        assert inner["state"] == exp["state"] and inner["model"] == exp["model"]
        net = reference_net(exp, z)
    # metrics.csv: exact header, one row per epoch, values consistent with the saved weights
    header, rows = read_metrics(out / "metrics.csv")
    assert header == [
        "epoch",
        "step",
        "train_loss",
        "test_loss",
        "train_accuracy",
        "test_accuracy",
        "grad_norm_1",
        "grad_norm_2",
    ]
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert [r["step"] for r in rows] == [steps_per_epoch * e for e in (1, 2, 3)]
    last = rows[-1]
    assert last["train_loss"] == pytest.approx(net.cost(ds.x_train, ds.y_train), rel=1e-12)
    assert last["test_loss"] == pytest.approx(net.cost(ds.x_test, ds.y_test), rel=1e-12)
    acc = np.mean((net.predict(ds.x_train) > 0.5) == (ds.y_train > 0.5))
    assert last["train_accuracy"] == pytest.approx(acc)
    assert all(r["grad_norm_1"] > 0 and r["grad_norm_2"] > 0 for r in rows)


def test_regression_metrics_use_rmse_columns(tmp_path: Path) -> None:
    f = write_experiment(
        tmp_path / "reg.json",
        data={"dataset": "reg_plane", "samples": 60, "noise": 0.1, "seed": 3},
        layers=[
            {"units": 4, "activation": "tanh"},
            {"units": 3, "activation": "relu"},
            {"units": 1, "activation": "linear"},
        ],
        loss="mse",
        epochs=2,
    )
    res = run(tmp_path, f, "--quiet")
    assert res.returncode == 0, res.stderr
    header, rows = read_metrics(tmp_path / "reg-run" / "metrics.csv")
    assert header == [
        "epoch",
        "step",
        "train_loss",
        "test_loss",
        "train_rmse",
        "test_rmse",
        "grad_norm_1",
        "grad_norm_2",
        "grad_norm_3",
    ]
    assert len(rows) == 2  # training.epochs when --epochs is not given
    exp = load_experiment(tmp_path / "reg-run" / "experiment.json")
    ds = make_dataset(exp["data"])
    with np.load(tmp_path / "reg-run" / "weights.npz", allow_pickle=False) as z:
        net = reference_net(exp, z)
    rmse = np.sqrt(np.mean((net.predict(ds.x_test) - ds.y_test) ** 2))
    assert rows[-1]["test_rmse"] == pytest.approx(rmse, rel=1e-12)


def test_default_out_is_in_the_cwd_and_progress_goes_to_stderr(tmp_path: Path) -> None:
    f = write_experiment(tmp_path / "exps" / "my exp.json", epochs=2)
    cwd = tmp_path / "work"
    cwd.mkdir()
    res = run(cwd, f)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    out = cwd / "my exp-run"
    assert sorted(p.name for p in out.iterdir()) == [
        "experiment.json",
        "metrics.csv",
        "weights.npz",
    ]
    assert not (tmp_path / "exps" / "my exp-run").exists()
    assert "epoch 2/2" in res.stderr and "Traceback" not in res.stderr


def test_csv_paths_resolve_relative_to_the_experiment_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    folder = tmp_path / "project"
    folder.mkdir()
    lines = ["a,b,c,label"] + [
        f"{r[0]:.17g},{r[1]:.17g},{r[2]:.17g},{'yes' if t else 'no'}"
        for r, t in zip(x, y, strict=True)
    ]
    (folder / "table.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_experiment(
        folder / "exp.json",
        data={
            "dataset": "csv",
            "path": "table.csv",
            "target": "label",
            "train_fraction": 0.75,
            "seed": 0,
        },
        inputs=3,
        layers=[{"units": 4, "activation": "relu"}, {"units": 2, "activation": "softmax"}],
        loss="cce",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = run(elsewhere, "../project/exp.json", "--epochs", "2", "--out", "o", "--quiet")
    assert res.returncode == 0, res.stderr
    # the saved experiment still finds the data, from yet another folder, and continues
    again = run(
        tmp_path, elsewhere / "o" / "experiment.json", "--epochs", "1", "--out", "o2", "--quiet"
    )
    assert again.returncode == 0, again.stderr
    header, rows = read_metrics(tmp_path / "o2" / "metrics.csv")
    assert [r["epoch"] for r in rows] == [3]


def test_retraining_the_saved_experiment_continues_its_state(tmp_path: Path) -> None:
    f = write_experiment(tmp_path / "e.json", epochs=4)
    assert run(tmp_path, f, "--epochs", "4", "--out", "full", "--quiet").returncode == 0
    assert run(tmp_path, f, "--epochs", "2", "--out", "half", "--quiet").returncode == 0
    res = run(tmp_path, "half/experiment.json", "--out", "rest", "--quiet")  # up to epochs = 4
    assert res.returncode == 0, res.stderr
    _, rows = read_metrics(tmp_path / "rest" / "metrics.csv")
    assert [r["epoch"] for r in rows] == [3, 4]
    _, full_rows = read_metrics(tmp_path / "full" / "metrics.csv")
    assert rows == full_rows[2:]  # exactly the numbers of the uninterrupted run
    with (
        np.load(tmp_path / "full" / "weights.npz", allow_pickle=False) as a,
        np.load(tmp_path / "rest" / "weights.npz", allow_pickle=False) as b,
    ):
        for k in ("W1", "b1", "W2", "b2"):
            np.testing.assert_array_equal(a[k], b[k])
    assert load_experiment(tmp_path / "rest" / "experiment.json")["state"]["epoch"] == 4
    done = run(tmp_path, "rest/experiment.json", "--out", "none", "--quiet")  # nothing left
    assert done.returncode == 0
    _, rows = read_metrics(tmp_path / "none" / "metrics.csv")
    assert rows == []


def _bad(tmp_path: Path, case: str) -> list[str]:
    """Arguments for a bad-input case (files made in tmp_path)."""
    good = write_experiment(tmp_path / "good.json")
    if case == "missing file":
        return ["nope.json"]
    if case == "invalid json":
        (tmp_path / "bad.json").write_text('{"format": "playground-experiment",', "utf-8")
        return ["bad.json"]
    if case == "unknown key":
        write_experiment(tmp_path / "k.json", optimiser="adam")
        return ["k.json"]
    if case == "bad csv":
        (tmp_path / "d.csv").write_text("x1,x2,y\n1,2,0\n3,oops,1\n4,5,1\n", "utf-8")
        write_experiment(
            tmp_path / "c.json", data={"dataset": "csv", "path": "d.csv", "target": "y"}
        )
        return ["c.json"]
    if case == "inputs mismatch":
        write_experiment(tmp_path / "i.json", inputs=3)
        return ["i.json"]
    if case == "output mismatch":
        write_experiment(tmp_path / "o.json", layers=[{"units": 3, "activation": "sigmoid"}])
        return ["o.json"]
    if case == "unwritable out":
        (tmp_path / "plain_file").write_text("x", "utf-8")
        return [str(good), "--out", "plain_file/sub"]
    if case == "negative epochs":
        return [str(good), "--epochs", "-1"]
    if case == "non-integer epochs":
        return [str(good), "--epochs", "many"]
    if case == "unknown option":
        return [str(good), "--fast"]
    raise AssertionError(case)


BAD = {
    "missing file": "nope.json",
    "invalid json": "JSON",
    "unknown key": "optimiser",
    "bad csv": "oops",
    "inputs mismatch": "inputs",
    "output mismatch": "output",
    "unwritable out": "plain_file",
    "negative epochs": "epochs",
    "non-integer epochs": "epochs",
    "unknown option": "--fast",
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_with_one_line(tmp_path: Path, case: str) -> None:
    args = _bad(tmp_path, case)
    res = run(tmp_path, *args)
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert BAD[case] in lines[0]
    if case not in ("unwritable out",):
        assert not any(p.name.endswith("-run") for p in tmp_path.iterdir())


def test_diverging_run_exits_3_and_keeps_the_last_finite_state(tmp_path: Path) -> None:
    f = write_experiment(
        tmp_path / "boom.json",
        loss="mse",
        epochs=50,
        batch_size=10,
        layers=[
            {"units": 8, "activation": "relu"},
            {"units": 8, "activation": "relu"},
            {"units": 1, "activation": "linear"},
        ],
        init={"scheme": "he_normal", "scale": 50.0},
        optimizer={"name": "momentum", "learning_rate": 10.0},
    )
    res = run(tmp_path, f, "--out", "o", "--quiet")
    assert res.returncode == 3, res.stderr
    assert "Traceback" not in res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert "layer" in line and "step" in line
    exp = load_experiment(tmp_path / "o" / "experiment.json")
    with np.load(tmp_path / "o" / "weights.npz", allow_pickle=False) as z:
        for k in z.files:
            if k != "experiment":
                assert np.isfinite(z[k]).all(), k
        net = reference_net(exp, z)
    step = exp["state"]["step"]
    assert f"step {step + 1}" in line  # the step that failed was not applied
    assert "optimizer" not in exp["state"]  # its moments took in the failed step
    np.testing.assert_array_equal(net.weights[0], np.array(exp["weights"][0]["W"]))
    header, _ = read_metrics(tmp_path / "o" / "metrics.csv")
    assert header[:4] == ["epoch", "step", "train_loss", "test_loss"]


def test_console_script_works_too(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("playground")
    if not script.exists():
        if os.environ.get("CI"):
            raise AssertionError(f"console script missing: {script}")
        pytest.skip(f"the console script is not installed beside {sys.executable}")
    f = write_experiment(tmp_path / "e.json", epochs=1)
    res = run(tmp_path, f, "--quiet", command=[str(script)])
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "e-run" / "weights.npz").exists()


def test_without_a_test_set_the_test_columns_are_nan(tmp_path: Path) -> None:
    f = write_experiment(
        tmp_path / "all.json",
        data={"dataset": "xor", "samples": 40, "noise": 0.0, "train_fraction": 1.0, "seed": 0},
    )
    res = run(tmp_path, f, "--epochs", "2", "--quiet")
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "all-run" / "metrics.csv").read_text(encoding="utf-8")
    _, rows = read_metrics(tmp_path / "all-run" / "metrics.csv")
    assert len(rows) == 2 and ",nan," in text
    assert all(np.isnan(r["test_loss"]) and np.isnan(r["test_accuracy"]) for r in rows)
    assert all(np.isfinite(r["train_loss"]) for r in rows)


def test_zero_epochs_writes_the_initial_state(tmp_path: Path) -> None:
    f = write_experiment(tmp_path / "z.json")
    res = run(tmp_path, f, "--epochs", "0", "--quiet")
    assert res.returncode == 0, res.stderr
    header, rows = read_metrics(tmp_path / "z-run" / "metrics.csv")
    assert rows == [] and header[0] == "epoch"
    exp = load_experiment(tmp_path / "z-run" / "experiment.json")
    assert exp["state"]["step"] == 0 and exp["weights"] is not None

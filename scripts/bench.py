"""Training speed: Playground's engine, bare and with live statistics, against PyTorch.

    .venv/bin/python scripts/bench.py [--rounds 5] [--seconds 1.0] [--workloads W1,W2,W3,W4]

Workloads (issue 2):
  W1: 2 → 8 tanh → 8 tanh → 1 linear, MSE, 500 samples, batch 10, SGD 0.03
  W2: 2 → 10 × 16 sigmoid → 1 sigmoid, BCE, 1000 samples, batch 32, SGD 0.1
  W3: 64 → 256 relu → 128 relu → 10 softmax, CCE, 10,000 samples, batch 128, SGD 0.05
  W4: 784 → 512 relu → 256 relu → 10 softmax, CCE, 10,000 samples, batch 256, SGD 0.05

"live" = the statistics the GUI shows: per-layer norms every stride-th step (stride chosen by the
trainer) plus a full snapshot (evaluation, histograms, boundary grid when planar) 30 times a
second. PyTorch runs nn.Sequential + optim.SGD in the same dtype on the same batches (its fused
BCEWithLogitsLoss / CrossEntropyLoss). Each figure is the median of ``rounds`` runs of ``seconds``
each; the contenders alternate within a round, so machine noise hits them alike. Numbers are
steps per second; ratios are Playground ÷ PyTorch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground.blas import configure_environment, use_threads_for  # noqa: E402

configure_environment(threads=1)

import numpy as np  # noqa: E402

from playground.data import Dataset  # noqa: E402
from playground.training import Trainer  # noqa: E402

WORKLOADS = {
    "W1": dict(
        sizes=[2, 8, 8, 1], hidden="tanh", out="linear", loss="mse", m=500, batch=10, lr=0.03
    ),
    "W2": dict(
        sizes=[2] + [16] * 10 + [1],
        hidden="sigmoid",
        out="sigmoid",
        loss="bce",
        m=1000,
        batch=32,
        lr=0.1,
    ),
    "W3": dict(
        sizes=[64, 256, 128, 10],
        hidden="relu",
        out="softmax",
        loss="cce",
        m=10_000,
        batch=128,
        lr=0.05,
    ),
    "W4": dict(
        sizes=[784, 512, 256, 10],
        hidden="relu",
        out="softmax",
        loss="cce",
        m=10_000,
        batch=256,
        lr=0.05,
    ),
}


def make_data(w: dict, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    n0, k = w["sizes"][0], w["sizes"][-1]
    X = rng.normal(size=(w["m"], n0))
    if w["loss"] == "cce":
        Y = np.eye(k)[rng.integers(0, k, w["m"])]
        problem = "multiclass"
    elif w["loss"] == "bce":
        Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
        problem = "binary"
    else:
        Y = np.sin(X[:, :1]) * np.cos(X[:, 1:2])
        problem = "regression"
    test = max(1, w["m"] // 5)
    return Dataset(
        X,
        Y,
        X[:test],
        Y[:test],
        problem,
        tuple(f"x{i}" for i in range(n0)),
        tuple(f"y{i}" for i in range(k)),
        name="bench",
    )


def experiment(w: dict) -> dict:
    layers = [{"units": n, "activation": w["hidden"]} for n in w["sizes"][1:-1]]
    layers.append({"units": w["sizes"][-1], "activation": w["out"]})
    init = "he_uniform" if w["hidden"] == "relu" else "xavier_uniform"
    return {
        "format": "playground-experiment",
        "version": 1,
        "data": {"dataset": "csv"},
        "model": {
            "inputs": w["sizes"][0],
            "layers": layers,
            "loss": w["loss"],
            "init": {"scheme": init},
            "seed": 0,
        },
        "training": {
            "optimizer": {"name": "sgd", "learning_rate": w["lr"]},
            "batch_size": w["batch"],
            "epochs": 1,
            "regularization": {"kind": "none"},
        },
        "weights": None,
    }


def run_playground(w: dict, ds: Dataset, seconds: float, live: bool, dtype) -> float:
    tr = Trainer(
        experiment(w), ds, dtype=dtype, stride=None if live else 10**9, grid_size=64 if live else 0
    )
    use_threads_for(tr.net, tr.batch_size)  # as `playground train` does
    tr.train_steps(20)
    n, t0 = 0, time.perf_counter()
    next_snap = t0 + 1 / 30
    chunk = 16
    while True:
        n += tr.train_steps(chunk)
        now = time.perf_counter()
        if live and now >= next_snap:
            tr.snapshot()
            next_snap = time.perf_counter() + 1 / 30
        if now - t0 >= seconds:
            break
        if now - t0 < 0.05:
            chunk = min(chunk * 2, 4096)
    return n / (time.perf_counter() - t0)


def run_torch(w: dict, ds: Dataset, seconds: float, dtype) -> float:
    import torch
    from torch import nn

    torch.manual_seed(0)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    acts = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}
    mods: list[nn.Module] = []
    sizes = w["sizes"]
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        mods.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(acts[w["hidden"]]())
    model = nn.Sequential(*mods).to(tdt)
    opt = torch.optim.SGD(model.parameters(), lr=w["lr"])
    X = torch.from_numpy(ds.x_train.astype(dtype))
    Y = torch.from_numpy(ds.y_train.astype(dtype))
    if w["loss"] == "mse":

        def loss_fn(out, y):
            return nn.functional.mse_loss(out, y, reduction="sum") / (2 * len(y))
    elif w["loss"] == "bce":
        loss_fn = nn.BCEWithLogitsLoss()
    else:
        Y = Y.argmax(dim=1)
        loss_fn = nn.CrossEntropyLoss()
    m, s = X.shape[0], w["batch"]
    gen = torch.Generator().manual_seed(0)
    n, t0 = 0, time.perf_counter()
    while True:
        perm = torch.randperm(m, generator=gen)
        Xs, Ys = X[perm], Y[perm]
        for i in range(0, m, s):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xs[i : i + s]), Ys[i : i + s])
            loss.backward()
            opt.step()
            n += 1
            if n % 16 == 0 and time.perf_counter() - t0 >= seconds:
                return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--workloads", default="W1,W2,W3,W4")
    ap.add_argument("--float32", action="store_true", help="also run W3/W4 in float32")
    ap.add_argument(
        "--torch-threads",
        type=int,
        default=os.cpu_count() or 1,
        help="PyTorch intra-op threads (default: all cores, its own default)",
    )
    args = ap.parse_args()
    try:
        import torch

        have_torch = True
        torch.set_num_threads(args.torch_threads)
        torch_info = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    except ImportError:
        have_torch = False
        torch_info = "PyTorch not installed"
    print(
        f"numpy {np.__version__}, BLAS threads: 1, or {os.cpu_count()} for W3/W4 (as "
        "`playground train` chooses), "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}; {torch_info}"
    )
    print(f"median of {args.rounds} rounds × {args.seconds:g} s, steps/s\n")
    header = (
        f"{'':10} {'bare':>10} {'live':>10} {'torch':>10} {'live/torch':>11} {'bare/torch':>11}"
    )
    print(header)
    cases = [(name, np.float64) for name in args.workloads.split(",")]
    if args.float32:
        cases += [(name, np.float32) for name in args.workloads.split(",") if name in ("W3", "W4")]
    for name, dtype in cases:
        w = WORKLOADS[name]
        ds = make_data(w)
        res: dict[str, list[float]] = {"bare": [], "live": [], "torch": []}
        for _ in range(args.rounds):
            res["bare"].append(run_playground(w, ds, args.seconds, False, dtype))
            res["live"].append(run_playground(w, ds, args.seconds, True, dtype))
            if have_torch:
                res["torch"].append(run_torch(w, ds, args.seconds, dtype))
        med = {k: statistics.median(v) if v else float("nan") for k, v in res.items()}
        label = name + ("" if dtype == np.float64 else " f32")
        print(
            f"{label:10} {med['bare']:>10,.0f} {med['live']:>10,.0f} {med['torch']:>10,.0f} "
            f"{med['live'] / med['torch']:>10.2f}× {med['bare'] / med['torch']:>10.2f}×",
            flush=True,
        )


if __name__ == "__main__":
    main()

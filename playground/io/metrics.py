"""``metrics.csv``: one row per epoch (DESIGN.md, "Command line").

Header: ``epoch,step,train_loss,test_loss,`` then ``train_accuracy,test_accuracy`` (classification)
or ``train_rmse,test_rmse`` (regression), then ``grad_norm_1,…,grad_norm_L``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

from playground.io.atomic import atomic_write_text


def metrics_header(problem: str, n_layers: int) -> list[str]:
    metric = "rmse" if problem == "regression" else "accuracy"
    return ["epoch", "step", "train_loss", "test_loss", f"train_{metric}", f"test_{metric}"] + [
        f"grad_norm_{l}" for l in range(1, n_layers + 1)
    ]


def metrics_csv_text(rows: Sequence[dict], problem: str, n_layers: int) -> str:
    """The CSV text for epoch rows (dicts keyed by the header names; missing values stay empty)."""
    header = metrics_header(problem, n_layers)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(row.get(k)) for k in header])
    return buf.getvalue()


def write_metrics_csv(
    path: str | os.PathLike[str], rows: Sequence[dict], problem: str, n_layers: int
) -> None:
    atomic_write_text(path, metrics_csv_text(rows, problem, n_layers))


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v) if v == v else "nan"
    return str(v)

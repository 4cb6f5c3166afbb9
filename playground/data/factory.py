"""Build a :class:`Dataset` from the experiment's ``"data"`` section."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from playground.data.config import DataSpec, parse_data_config
from playground.data.csv_loader import CsvTable, load_csv
from playground.data.dataset import Dataset
from playground.data.errors import DataError
from playground.data.features import feature_matrix
from playground.data.preprocess import Standardizer, shuffle_split
from playground.data.synthetic import DOMAIN, generate
from playground.resources import resource_path

#: the columns a two-feature CSV's plane points map to (identity features)
PLANE_IDENTITY: tuple[str, str] = ("x1", "x2")
#: padding of a planar CSV's plot range, as a fraction of the data's range
DOMAIN_PADDING = 0.05


def iris_path() -> Path:
    """The bundled ``iris.csv``."""
    return resource_path("iris.csv")


def make_dataset(data_cfg: Mapping[str, object], base_dir: Path | None = None) -> Dataset:
    """Generate or load the data set an experiment names, shuffle it, split it, scale it.

    One ``np.random.default_rng(seed)`` draws the points (synthetic sets) and then the shuffle,
    so the same section always gives identical arrays. The first ``round(train_fraction·m)``
    shuffled rows (at least one) are the training split; with ``standardize`` the inputs are
    scaled by the training split's mean and standard deviation.

    Args:
        data_cfg: the ``"data"`` section, e.g. ``{"dataset": "spiral", "samples": 500}``.
        base_dir: folder a relative csv ``path`` is resolved against (default: the working dir).

    Raises:
        DataError: a one-line message naming the key path or the file, line and column.
    """
    spec = parse_data_config(data_cfg, base_dir)
    rng = np.random.default_rng(spec.seed)
    if spec.synthetic:
        return _synthetic(spec, rng)
    path = iris_path() if spec.dataset == "iris" else spec.path
    assert path is not None and spec.target is not None
    return _from_table(spec, load_csv(path, spec.target, spec.features), rng)


def _synthetic(spec: DataSpec, rng: np.random.Generator) -> Dataset:
    assert spec.features is not None
    sample = generate(spec.dataset, spec.samples, spec.noise, rng, spec.classes)
    train, test = shuffle_split(spec.samples, spec.train_fraction, rng)
    x = feature_matrix(sample.points, spec.features)
    return _assemble(
        spec,
        x,
        sample.y,
        train,
        test,
        problem=sample.problem,
        feature_names=spec.features,
        target_names=sample.target_names,
        points=sample.points,
        domain=DOMAIN,
        plane_features=spec.features,
    )


def _from_table(spec: DataSpec, table: CsvTable, rng: np.random.Generator) -> Dataset:
    train, test = shuffle_split(table.x.shape[0], spec.train_fraction, rng)
    planar = table.x.shape[1] == 2
    domain = None
    if planar:
        lo, hi = float(table.x.min()), float(table.x.max())
        pad = DOMAIN_PADDING * (hi - lo) if hi > lo else 1.0
        domain = (lo - pad, hi + pad)
    return _assemble(
        spec,
        table.x,
        table.y,
        train,
        test,
        problem=table.problem,
        feature_names=table.feature_names,
        target_names=table.target_names,
        points=table.x if planar else None,
        domain=domain,
        plane_features=PLANE_IDENTITY if planar else None,
    )


def _assemble(
    spec: DataSpec,
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    problem: str,
    feature_names: tuple[str, ...],
    target_names: tuple[str, ...],
    points: np.ndarray | None,
    domain: tuple[float, float] | None,
    plane_features: tuple[str, ...] | None,
) -> Dataset:
    """Split rows by index, fit the scaler on the training rows, and freeze the result."""
    if problem not in ("binary", "multiclass", "multilabel", "regression"):
        raise DataError(f"data.dataset: {spec.dataset!r} produced an unknown problem {problem!r}")
    x_train, x_test = x[train], x[test]
    scaler = Standardizer.fit(x_train) if spec.standardize else None
    if scaler is not None:
        x_train, x_test = scaler.apply(x_train), scaler.apply(x_test)
    return Dataset(
        x_train=x_train,
        y_train=y[train],
        x_test=x_test,
        y_test=y[test],
        problem=problem,
        feature_names=feature_names,
        target_names=target_names,
        points_train=None if points is None else points[train],
        points_test=None if points is None else points[test],
        domain=domain,
        plane_features=plane_features,
        scaler=scaler,
        name=spec.dataset,
    )

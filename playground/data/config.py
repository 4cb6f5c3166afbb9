"""Validate the experiment's ``"data"`` section into a :class:`DataSpec`.

Only the values are checked here; unknown keys are the io layer's business and are ignored.
Every error names its key path, e.g. ``data.classes: 9 is outside 2..8``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from playground.data.errors import DataError, key_error
from playground.data.registry import DATA_DEFAULTS, DATASETS, FEATURES

MIN_SAMPLES = 4
MAX_SAMPLES = 1_000_000
#: data sets read from a file rather than generated
FILE_SETS = ("iris", "csv")
IRIS_TARGET = "species"


@dataclass(frozen=True)
class DataSpec:
    """A validated ``"data"`` section with every default filled in."""

    dataset: str
    #: number of points to generate (synthetic sets; file sets take their row count)
    samples: int
    noise: float
    train_fraction: float
    #: planar feature names (synthetic sets) or column names; None: every non-target column
    features: tuple[str, ...] | None
    seed: int
    classes: int | None
    #: resolved file path for ``csv`` (None otherwise; ``iris`` uses the bundled file)
    path: Path | None
    #: target column name(s) for file sets
    target: tuple[str, ...] | None
    standardize: bool

    @property
    def synthetic(self) -> bool:
        """True for the generated planar sets."""
        return self.dataset not in FILE_SETS


def _get(cfg: Mapping[str, object], key: str) -> object:
    """The value of ``key``, or its registry default when absent or None."""
    value = cfg.get(key)
    return DATA_DEFAULTS.get(key) if value is None else value


def _integer(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise key_error(key, f"expected an integer, got {value!r}")
    return int(value)


def _number(key: str, value: object) -> float:
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not real or not math.isfinite(value):
        raise key_error(key, f"expected a number, got {value!r}")
    return float(value)


def _names(key: str, value: object, allowed: Mapping[str, object] | None) -> tuple[str, ...]:
    """A non-empty list of distinct strings (from ``allowed`` when given)."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise key_error(key, f"expected a list of names, got {value!r}")
    if not value:
        raise key_error(key, "the list is empty; name at least one")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise key_error(key, f"expected names (strings), got {item!r}")
        if allowed is not None and item not in allowed:
            raise key_error(key, f"unknown feature {item!r}; allowed: {', '.join(allowed)}")
        if item in seen:
            raise key_error(key, f"{item!r} is listed twice")
        seen.add(item)
    return tuple(value)


def _target(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        if not value:
            raise key_error("target", "empty column name")
        return (value,)
    if value is None:
        raise key_error("target", "a csv data set needs a target column (a name or a list)")
    return _names("target", value, None)


def parse_data_config(cfg: Mapping[str, object], base_dir: Path | None = None) -> DataSpec:
    """Check the ``"data"`` section and fill in defaults.

    Args:
        cfg: the section, e.g. ``{"dataset": "spiral", "samples": 500, "noise": 0.1}``.
        base_dir: folder a relative ``path`` is resolved against (default: the working directory).

    Raises:
        DataError: naming the first offending key, e.g. ``data.noise: 2.0 is outside [0, 1]``.
    """
    if not isinstance(cfg, Mapping):
        raise DataError(f"data: expected an object, got {type(cfg).__name__}")
    name = _get(cfg, "dataset")
    if not isinstance(name, str) or name not in DATASETS:
        raise key_error("dataset", f"unknown data set {name!r}; allowed: {', '.join(DATASETS)}")
    info = DATASETS[name]
    synthetic = name not in FILE_SETS

    samples = _integer("samples", cfg["samples"]) if cfg.get("samples") is not None else None
    if samples is not None and not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise key_error("samples", f"{samples} is outside {MIN_SAMPLES}..{MAX_SAMPLES}")
    noise = _number("noise", _get(cfg, "noise"))
    if not 0.0 <= noise <= 1.0:
        raise key_error("noise", f"{noise:g} is outside [0, 1]")
    fraction = _number("train_fraction", _get(cfg, "train_fraction"))
    if not 0.0 < fraction <= 1.0:
        raise key_error("train_fraction", f"{fraction:g} is outside (0, 1]")
    seed = _integer("seed", _get(cfg, "seed"))
    if seed < 0:
        raise key_error("seed", f"{seed} is negative")

    classes = cfg.get("classes")
    if classes is not None:
        if info.classes_range is None:
            raise key_error("classes", f"data set {name!r} takes no classes")
        classes = _integer("classes", classes)
        lo, hi = info.classes_range
        if not lo <= classes <= hi:
            raise key_error("classes", f"{classes} is outside {lo}..{hi}")
    else:
        classes = info.classes

    if synthetic:
        features: tuple[str, ...] | None = _names("features", _get(cfg, "features"), FEATURES)
    else:
        raw = cfg.get("features")
        features = None if raw is None else _names("features", raw, None)

    standardize = cfg.get("standardize")
    if standardize is None:
        standardize = not synthetic
    elif not isinstance(standardize, bool):
        raise key_error("standardize", f"expected true or false, got {standardize!r}")

    path: Path | None = None
    target: tuple[str, ...] | None = None
    if name == "csv":
        raw_path = cfg.get("path")
        if not isinstance(raw_path, str | Path) or not str(raw_path):
            raise key_error("path", f"a csv data set needs a file path, got {raw_path!r}")
        path = Path(raw_path).expanduser()
        if not path.is_absolute():
            path = (Path.cwd() if base_dir is None else Path(base_dir)) / path
        target = _target(cfg.get("target"))
    elif name == "iris":
        target = (IRIS_TARGET,)

    return DataSpec(
        dataset=name,
        samples=info.samples if samples is None else samples,
        noise=noise,
        train_fraction=fraction,
        features=features,
        seed=seed,
        classes=classes,
        path=path,
        target=target,
        standardize=standardize,
    )

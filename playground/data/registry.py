"""The data sets and input features an experiment file may name (``"data"`` section).

This table is the vocabulary; the generators live in ``synthetic.py`` and the file loaders in
``csv_loader.py``. ``playground.io`` validates experiment files against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI and the validator need to know about one data set."""

    label: str
    #: "binary", "multiclass", "multilabel", "regression", or "file" (decided by the file's target)
    problem: str
    #: points live in the input plane (x1, x2), so features, decision boundary and neuron maps apply
    planar: bool
    samples: int = 500
    #: default number of classes for sets that take ``classes`` (None: the set has a fixed count)
    classes: int | None = None
    #: allowed range of ``classes`` (inclusive)
    classes_range: tuple[int, int] | None = None


DATASETS: dict[str, DatasetInfo] = {
    "circle": DatasetInfo("Circle", "binary", True),
    "xor": DatasetInfo("Exclusive or", "binary", True),
    "gauss": DatasetInfo("Two Gaussians", "binary", True),
    "spiral": DatasetInfo("Spiral", "binary", True, classes=2, classes_range=(2, 6)),
    "blobs": DatasetInfo("Gaussian blobs", "multiclass", True, classes=3, classes_range=(2, 8)),
    "multilabel": DatasetInfo("Multi-label quadrants", "multilabel", True),
    "reg_plane": DatasetInfo("Plane (regression)", "regression", True, samples=1200),
    "reg_gauss": DatasetInfo("Multi Gaussian (regression)", "regression", True, samples=1200),
    "iris": DatasetInfo("Iris (150 flowers)", "multiclass", False, samples=150),
    "csv": DatasetInfo("CSV file…", "file", False, samples=0),
}

#: input features for planar sets: name → label (TensorFlow Playground's seven)
FEATURES: dict[str, str] = {
    "x1": "X₁",
    "x2": "X₂",
    "x1^2": "X₁²",
    "x2^2": "X₂²",
    "x1*x2": "X₁X₂",
    "sin(x1)": "sin(X₁)",
    "sin(x2)": "sin(X₂)",
}

#: keys of the "data" section and their defaults (None: no default, depends on the set)
DATA_DEFAULTS: dict[str, object] = {
    "dataset": "circle",
    "samples": None,
    "noise": 0.0,
    "train_fraction": 0.5,
    "features": ["x1", "x2"],
    "seed": 0,
    "classes": None,
    "path": None,
    "target": None,
    "standardize": None,
}

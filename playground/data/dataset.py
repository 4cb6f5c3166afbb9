"""The :class:`Dataset` record: a train/test split ready for the network, plus what plots need."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data.encoding import PROBLEMS, class_indices
from playground.data.errors import DataError
from playground.data.features import feature_matrix
from playground.data.preprocess import Standardizer


def _frozen(a: np.ndarray | None, name: str, ndim: int = 2) -> np.ndarray | None:
    """A read-only float64 copy of ``a`` (None stays None)."""
    if a is None:
        return None
    arr = np.array(a, dtype=np.float64, order="C")
    if arr.ndim != ndim:
        raise DataError(f"Dataset.{name} must have {ndim} dimensions, got shape {arr.shape}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable train/test split (every array is a read-only float64 copy).

    Shapes (MATH.md notation): ``x_*`` are ``(m, n0)`` network inputs (features after
    standardization), ``y_*`` are ``(m, k)`` targets: 0/1 for ``"binary"`` (k = 1), one-hot for
    ``"multiclass"``, multi-hot for ``"multilabel"``, real for ``"regression"``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    #: ``(m_test, n0)``; ``(0, n0)`` when ``train_fraction == 1``
    x_test: np.ndarray
    y_test: np.ndarray
    #: ``"binary" | "multiclass" | "multilabel" | "regression"``
    problem: str
    #: names of the n0 input columns
    feature_names: tuple[str, ...]
    #: one per output column: class names, label names, or the target column(s) / ``("y",)``
    target_names: tuple[str, ...]
    #: ``(m_train, 2)`` raw plane coordinates for planar sets (scatter plots), else None
    points_train: np.ndarray | None = None
    points_test: np.ndarray | None = None
    #: plot range of both plane axes, e.g. ``(-6.0, 6.0)``; None when not planar
    domain: tuple[float, float] | None = None
    #: features evaluated at plane points by :meth:`features_at` (None: not planar)
    plane_features: tuple[str, ...] | None = None
    #: standardization fitted on the training split (None: inputs are not standardized)
    scaler: Standardizer | None = None
    #: the data set's name in the experiment file (``"spiral"``, ``"iris"``, ``"csv"``, …)
    name: str = ""

    def __post_init__(self) -> None:
        for field_name in ("x_train", "y_train", "x_test", "y_test", "points_train", "points_test"):
            object.__setattr__(self, field_name, _frozen(getattr(self, field_name), field_name))
        object.__setattr__(self, "feature_names", tuple(self.feature_names))
        object.__setattr__(self, "target_names", tuple(self.target_names))
        if self.plane_features is not None:
            object.__setattr__(self, "plane_features", tuple(self.plane_features))
        if self.domain is not None:
            object.__setattr__(self, "domain", (float(self.domain[0]), float(self.domain[1])))
        self._check_shapes()

    def _check_shapes(self) -> None:
        if self.problem not in PROBLEMS:
            raise DataError(
                f"Dataset.problem: {self.problem!r} is not one of {', '.join(PROBLEMS)}"
            )
        n0, k = self.x_train.shape[1], self.y_train.shape[1]
        expected = {
            "y_train": (self.x_train.shape[0], k),
            "x_test": (self.x_test.shape[0], n0),
            "y_test": (self.x_test.shape[0], k),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise DataError(
                    f"Dataset.{name}: shape {getattr(self, name).shape}, expected {shape}"
                )
        if len(self.feature_names) != n0 or len(self.target_names) != k:
            raise DataError("Dataset: feature_names/target_names do not match the array widths")
        for name, x in (("points_train", self.x_train), ("points_test", self.x_test)):
            pts = getattr(self, name)
            if pts is not None and pts.shape != (x.shape[0], 2):
                raise DataError(f"Dataset.{name}: shape {pts.shape}, expected ({x.shape[0]}, 2)")

    @property
    def n_inputs(self) -> int:
        """n0, the width of the network's input layer."""
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        """k = n_L, the width of the network's output layer."""
        return int(self.y_train.shape[1])

    @property
    def planar(self) -> bool:
        """True when inputs derive from points in a plane (boundary plots apply)."""
        return self.plane_features is not None and self.domain is not None

    def features_at(self, points: np.ndarray) -> np.ndarray:
        """Network inputs at plane points, with the same features and standardization.

        Args:
            points: ``(p, 2)`` plane coordinates (e.g. a grid over :attr:`domain`).

        Returns:
            ``(p, n0)`` float64 inputs; for the training points this reproduces ``x_train``.
        """
        if not self.planar:
            raise DataError(f"data set {self.name or '?'!r} is not planar: it has no input plane")
        x = feature_matrix(points, self.plane_features)
        return self.scaler.apply(x) if self.scaler is not None else x

    def labels(self, y: np.ndarray) -> np.ndarray:
        """Class of each row of targets or predictions ``y`` (see :func:`class_indices`)."""
        return class_indices(y, self.problem)

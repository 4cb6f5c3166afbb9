"""What an exported network takes as input: its feature columns and their standardization. No Qt.

The network never sees raw measurements: ``playground.data`` turns every example into the feature
vector the data set names — a CSV's numeric columns, iris's four measurements, or for the planar
sets the chosen features of the point (x1, x2), e.g. ``x1, x2, x1^2, sin(x1)`` — and, with
``data.standardize``, scales every column with the training split's mean and standard deviation:

    a^[0] = (x − x_mean) / x_scale        (x: the raw feature vector, one example per row)

An export carries both, so that the exported model takes the *raw* feature vector ``x`` (columns
``x_names``) and gives the same output as Playground:

* ``weights.npz``: arrays ``x_mean``, ``x_scale`` (n0,) float64 and ``x_names`` (n0,) strings
  when standardized (without them the file is exactly DESIGN.md's, and the input is ``x``);
* JSON weights: keys ``x_names``, ``standardized``, ``x_mean``, ``x_scale``;
* ONNX: ``Sub``/``Div`` nodes before the first ``Gemm`` and the names in ``metadata_props``;
* the PyTorch script: a ``Standardize`` module with buffers ``mean``/``scale`` first in the model.

Without standardization ``x_mean`` is 0 and ``x_scale`` 1. W^[l] and b^[l] are always exactly the
engine's (they act on standardized inputs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.data import DataError, Dataset, make_dataset
from playground.data.config import parse_data_config

#: the arrays of ``weights.npz`` (and keys of JSON weights) that describe the inputs
NAMES_KEY, MEAN_KEY, SCALE_KEY = "x_names", "x_mean", "x_scale"


class InputsError(ValueError):
    """The input description is missing, malformed, or cannot be computed (one line)."""


@dataclass(frozen=True, eq=False)
class Inputs:
    """The raw feature columns a network takes and the affine map ``x ↦ (x − mean) / scale`` that
    Playground applies before the first layer (identity when not standardized)."""

    #: the n0 feature names, in column order (None when unknown)
    names: tuple[str, ...] | None
    #: ``(n0,)`` training means (zeros when not standardized)
    mean: np.ndarray
    #: ``(n0,)`` training standard deviations, > 0 (ones when not standardized)
    scale: np.ndarray

    def __post_init__(self) -> None:
        for key in ("mean", "scale"):
            arr = np.array(getattr(self, key), dtype=np.float64)
            if arr.ndim != 1 or not np.isfinite(arr).all():
                raise InputsError(f"x_{key}: expected a vector of finite numbers")
            arr.setflags(write=False)
            object.__setattr__(self, key, arr)
        if self.mean.shape != self.scale.shape:
            raise InputsError(f"x_mean has {self.mean.size} entries but x_scale {self.scale.size}")
        if (self.scale <= 0).any():
            raise InputsError("x_scale: every entry must be positive")
        if self.names is not None:
            names = tuple(str(name) for name in self.names)
            if len(names) != self.mean.size:
                raise InputsError(f"x_names has {len(names)} names for {self.mean.size} inputs")
            object.__setattr__(self, "names", names)

    @property
    def n(self) -> int:
        """n0, the number of input columns."""
        return int(self.mean.size)

    @property
    def standardized(self) -> bool:
        """True when the map is not the identity."""
        return bool((self.mean != 0.0).any() or (self.scale != 1.0).any())

    @classmethod
    def identity(cls, n: int, names: Sequence[str] | None = None) -> Inputs:
        """``n`` inputs fed to the first layer as they are."""
        return cls(None if names is None else tuple(names), np.zeros(n), np.ones(n))

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Inputs:
        """The columns and standardization of a data set built by ``playground.data``."""
        if dataset.scaler is None:
            return cls.identity(dataset.n_inputs, dataset.feature_names)
        return cls(dataset.feature_names, dataset.scaler.mean, dataset.scaler.scale)

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``(m, n0)`` raw features → the network's input ``(x − mean) / scale`` (float64)."""
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.scale

    def describe(self) -> str:
        """One line for people: what to feed the exported model."""
        names = ", ".join(self.names) if self.names else f"{self.n} numbers"
        how = (
            "raw values: the model standardizes them itself, as (x - x_mean) / x_scale with the "
            "training split's mean and standard deviation"
            if self.standardized
            else "fed to the first layer as they are"
        )
        return f"one row per example with the columns {names} ({how})"

    # --- as stored in the files ---------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """The ``weights.npz`` arrays ``x_mean``, ``x_scale`` and (when known) ``x_names``."""
        out = {MEAN_KEY: self.mean.copy(), SCALE_KEY: self.scale.copy()}
        if self.names is not None:
            out[NAMES_KEY] = np.array(self.names, dtype=str)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Inputs | None:
        """Read :meth:`arrays` back (None when the file has no ``x_mean``: an older file)."""
        if MEAN_KEY not in arrays:
            return None
        if SCALE_KEY not in arrays:
            raise InputsError("x_mean without x_scale")
        names = arrays[NAMES_KEY] if NAMES_KEY in arrays else None
        if names is not None and names.dtype.kind != "U":
            raise InputsError("x_names: expected strings")
        mean, scale = arrays[MEAN_KEY], arrays[SCALE_KEY]
        for key, arr in ((MEAN_KEY, mean), (SCALE_KEY, scale)):
            if arr.dtype.kind not in "fiu":
                raise InputsError(f"{key}: expected numbers, found {arr.dtype}")
        return cls(None if names is None else tuple(names.tolist()), mean, scale)

    def document(self) -> dict[str, Any]:
        """The keys of JSON weights: ``x_names`` (or null), ``standardized``, ``x_mean``,
        ``x_scale``."""
        return {
            NAMES_KEY: None if self.names is None else list(self.names),
            "standardized": self.standardized,
            MEAN_KEY: self.mean.tolist(),
            SCALE_KEY: self.scale.tolist(),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Inputs | None:
        """Read :meth:`document`'s keys from a JSON weights document (None when absent)."""
        if MEAN_KEY not in doc:
            return None
        names = doc.get(NAMES_KEY)
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise InputsError("x_names: expected a list of strings or null")
        try:
            mean = np.asarray(doc[MEAN_KEY], dtype=np.float64)
            scale = np.asarray(doc.get(SCALE_KEY), dtype=np.float64)
        except (TypeError, ValueError):
            raise InputsError("x_mean and x_scale must be lists of numbers") from None
        return cls(names, mean, scale)


def inputs_of(experiment: Mapping[str, Any], n_inputs: int) -> Inputs:
    """The inputs of the experiment's network, from its ``data`` section.

    The statistics are those training used: the data set is built again exactly as the trainer
    builds it (same seed, same split). A non-standardized planar set needs no data; a
    non-standardized file set whose file cannot be read gets no names.

    Raises:
        InputsError: the data is standardized but cannot be built, or gives another number of
            inputs than ``n_inputs``.
    """
    data = experiment["data"]
    try:
        spec = parse_data_config(data)
    except DataError as exc:
        raise InputsError(f"the experiment's data section is invalid: {exc}") from None
    if spec.synthetic and not spec.standardize and spec.features is not None:
        if len(spec.features) == n_inputs:
            return Inputs.identity(n_inputs, spec.features)
    try:
        dataset = make_dataset(data)
    except DataError as exc:
        if spec.standardize:
            raise InputsError(
                "the network takes standardized inputs, but the data set they were "
                f"standardized with cannot be loaded to get their mean and scale: {exc}"
            ) from None
        names = spec.features if spec.features and len(spec.features) == n_inputs else None
        return Inputs.identity(n_inputs, names)
    if dataset.n_inputs != n_inputs:
        raise InputsError(
            f"the data set gives {dataset.n_inputs} input features, "
            f"but the network takes {n_inputs}"
        )
    return Inputs.from_dataset(dataset)

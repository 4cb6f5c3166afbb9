"""Frozen snapshots of a training run: what the GUI (or any observer) may read from another thread.

Everything here is immutable: dataclasses are frozen and every array is a private copy with
``writeable = False``. Norms follow MATH.md ("Statistics the app shows"):

* grad norm ‖∂J/∂W^[l]‖: Frobenius norm of the batch-mean gradient dW^[l];
* delta norm ‖δ^[l]‖: mean over the batch of the per-example L2 norms ‖δ_i^[l]‖₂;
* weight norm ‖W^[l]‖: Frobenius norm; update ratio ‖ΔW^[l]‖ / ‖W^[l]‖ for the step just taken;
* dead fraction: share of a ReLU-family layer's units that are inactive (a = 0 for ReLU, z < 0 for
  leaky ReLU) for every example of the batch; saturated fraction: share of sigmoid/tanh units with
  a < 0.01 or a > 0.99 (sigmoid) or |a| > 0.99 (tanh) for ≥ 90% of the batch's examples.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np


def frozen(a: np.ndarray | None, dtype=None) -> np.ndarray | None:
    """A read-only private copy of ``a`` (None stays None)."""
    if a is None:
        return None
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _concat(a, b):
    """A record of arrays (History, Evals) with b's rows after a's, field by field."""
    return type(a)(
        **{
            f.name: frozen(np.concatenate([getattr(a, f.name), getattr(b, f.name)]))
            for f in fields(a)
        }
    )


@dataclass(frozen=True)
class History:
    """Statistics recorded every ``stride``-th step since the previous snapshot (k rows).

    Per-layer columns are (k, L) arrays, column l−1 for layer l. Consecutive snapshots' histories
    tile the run without gaps (``Mailbox`` concatenates them when the reader falls behind).
    """

    step: np.ndarray  # (k,) int64: the step the row was recorded after (1-based count of steps)
    epoch: np.ndarray  # (k,) int64
    batch_loss: np.ndarray  # (k,) J on that step's batch (with regularization)
    grad_norm: np.ndarray  # (k, L)
    delta_norm: np.ndarray  # (k, L)
    weight_norm: np.ndarray  # (k, L)
    update_ratio: np.ndarray  # (k, L)
    dead_fraction: np.ndarray  # (k, L), NaN for layers outside the ReLU family
    saturated_fraction: np.ndarray  # (k, L), NaN for layers other than sigmoid/tanh

    def __len__(self) -> int:
        return int(self.step.shape[0])

    @staticmethod
    def empty(n_layers: int) -> History:
        z1 = np.zeros(0)
        z2 = np.zeros((0, n_layers))
        return History(*(frozen(z1, np.int64),) * 2, frozen(z1), *(frozen(z2),) * 6)

    def concat(self, other: History) -> History:
        """This history followed by ``other``."""
        return _concat(self, other)


#: History's per-layer series, in the order of its fields (and of ``stats.record_row``'s rows)
LAYER_SERIES: tuple[str, ...] = (
    "grad_norm",
    "delta_norm",
    "weight_norm",
    "update_ratio",
    "dead_fraction",
    "saturated_fraction",
)


@dataclass(frozen=True)
class Evals:
    """Losses and metrics on the training and test sets, one row per evaluation."""

    step: np.ndarray  # (k,) int64
    epoch: np.ndarray  # (k,) int64
    train_loss: np.ndarray  # (k,)
    test_loss: np.ndarray  # (k,) NaN when there is no test set
    train_metric: np.ndarray  # (k,) accuracy (classification) or RMSE (regression)
    test_metric: np.ndarray  # (k,)

    def __len__(self) -> int:
        return int(self.step.shape[0])

    @staticmethod
    def empty() -> Evals:
        z = np.zeros(0)
        return Evals(frozen(z, np.int64), frozen(z, np.int64), *(frozen(z),) * 4)

    def concat(self, other: Evals) -> Evals:
        """These rows followed by ``other``'s."""
        return _concat(self, other)


@dataclass(frozen=True)
class Histogram:
    """Counts over fixed bins: ``counts[i]`` values fell in [edges[i], edges[i+1]) (last closed)."""

    counts: np.ndarray
    edges: np.ndarray


@dataclass(frozen=True)
class LayerStats:
    """One layer l (1-based) at the snapshot's step."""

    index: int
    units: int
    activation: str
    grad_norm: float
    delta_norm: float
    weight_norm: float
    update_ratio: float
    dead_fraction: float  # NaN when not in the ReLU family
    saturated_fraction: float  # NaN when not sigmoid/tanh
    activation_mean: float
    activation_std: float
    activation_hist: Histogram  # over the training set sample, bins over the activation's range
    weight_hist: Histogram  # bins over a symmetric, slowly changing range
    weight_quantiles: np.ndarray  # (7,) at QUANTILES
    delta_sample: np.ndarray  # (n_l, s): δ^[l] of up to s examples of the last batch (columns)
    verdict: str  # health of this layer: healthy / vanishing / exploding / dead / saturated / nan


#: the weight quantiles a snapshot carries (TensorBoard's distribution bands)
QUANTILES = (0.0, 0.07, 0.31, 0.5, 0.69, 0.93, 1.0)


@dataclass(frozen=True)
class Health:
    """The health verdict of the whole network (MATH.md, "Health verdicts").

    ``verdict`` is the first that holds of nan, exploding, vanishing, dead, saturated, healthy
    ("warming up" until enough steps are recorded); ``others`` lists the further ones that hold;
    ``layers`` are the layers involved (1-based); ``message`` is the plain-language banner text.
    """

    verdict: str
    message: str
    layers: tuple[int, ...] = ()
    others: tuple[str, ...] = ()
    ratio: float = float("nan")  # median ‖dW^[1]‖ / ‖dW^[L]‖ over the window
    advice: str = ""


@dataclass(frozen=True)
class Divergence:
    """Where NaN/Inf first appeared: the step that produced it (not applied), layer l and what."""

    step: int
    layer: int
    quantity: str  # "z", "a", "delta", "gradient", "weights", "loss"

    def message(self) -> str:
        name = {
            "z": "net input z",
            "a": "activation a",
            "delta": "error δ",
            "gradient": "gradient ∂J/∂W",
            "weights": "updated weights",
            "loss": "loss",
        }
        return (
            f"NaN/Inf in layer {self.layer} ({name.get(self.quantity, self.quantity)}) at step "
            f"{self.step}; training stopped with the last finite weights"
        )


@dataclass(frozen=True)
class Snapshot:
    """Everything an observer may show about the run at one moment (immutable).

    ``boundary`` is the network output over a ``grid_size`` × ``grid_size`` grid of the input plane
    (rows follow x2 from ``domain[0]`` to ``domain[1]``, columns x1) with one channel per output
    unit; ``neuron_maps[l-1]`` is (n^[l], g, g): every neuron's activation over a coarser grid.
    Both are None for data that does not live in the plane.
    """

    step: int
    epoch: int
    reason: str  # "tick", "pause", "step", "end", "diverged", "start", "reset", "epoch"
    problem: str
    metric_name: str  # "accuracy" or "rmse"
    train_loss: float
    test_loss: float
    train_metric: float
    test_metric: float
    eval_subset: bool  # losses estimated on a fixed sample of a large data set
    layers: tuple[LayerStats, ...]
    history: History
    evals: Evals
    health: Health
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    grad_weights: tuple[np.ndarray, ...]  # ∂J/∂W^[l] of the last step
    boundary: np.ndarray | None = None
    neuron_maps: tuple[np.ndarray, ...] | None = None
    domain: tuple[float, float] | None = None
    divergence: Divergence | None = None
    steps_per_second: float = 0.0
    learning_rate: float = 0.0
    batch_size: int = 0
    #: which run (a reset starts a new one) the snapshot belongs to; set by whoever numbers runs
    run: int = 0

    def merged_after(self, older: Snapshot) -> Snapshot:
        """This snapshot with ``older``'s history and evaluations prepended (nothing is lost when a
        reader only takes the newest snapshot)."""
        return replace(
            self, history=older.history.concat(self.history), evals=older.evals.concat(self.evals)
        )

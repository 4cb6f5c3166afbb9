"""Statistics of a network during training (definitions in ``snapshot.py`` and MATH.md).

Cheap per-layer norms are recorded every ``stride``-th step (``record_row``); histograms, grids and
evaluations only when a snapshot is published. Histograms use ``np.bincount`` on precomputed bin
indices (one ``np.histogram`` costs ≈ 25 µs).
"""

from __future__ import annotations

import math

import numpy as np

from playground.engine import Network, Stepper
from playground.engine.names import RELU_FAMILY
from playground.training.snapshot import QUANTILES, Histogram, frozen

#: fixed activation ranges for the histograms of bounded activations
BOUNDED_RANGES = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "step": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "sine": (-1.0, 1.0),
}
HIST_BINS = 30


def record_row(stepper: Stepper) -> tuple[float, np.ndarray]:
    """Per-layer statistics of the step just taken (after ``apply``).

    Returns (batch loss J, array (6, L) with rows grad norm, delta norm, weight norm, update ratio,
    dead fraction, saturated fraction).
    """
    net = stepper.net
    buf = stepper.last
    assert buf is not None and stepper.last_y is not None
    L = net.n_layers
    out = np.zeros((6, L))  # row 1 is filled below; np.empty garbage made sqrt warn
    for row, mats in ((0, stepper.dW), (2, net.weights), (3, stepper.update_W)):
        o = out[row]
        for l, M in enumerate(mats):
            o[l] = np.einsum("ij,ij->", M, M)
    penalty = _penalty_before_update(net, stepper, out[2], out[3]) if net.reg_rate else 0.0
    np.sqrt(out[:4], out[:4])
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(out[3], out[2], out[3])
    for l in range(L):
        D = buf.D[l]
        out[1, l] = np.sqrt(np.einsum("ij,ij->i", D, D)).sum()  # Σ_i ‖δ_i/m‖ = mean_i ‖δ_i‖
        name = net.activations[l].name
        out[4, l] = dead_fraction(name, buf.Z[l], buf.A[l])
        out[5, l] = saturated_fraction(name, buf.A[l])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss = net.loss.cost(stepper.last_y, buf.A[-1], buf.Z[-1], net.activations[-1])
    return loss + penalty, out


def _penalty_before_update(net: Network, stepper: Stepper, w2: np.ndarray, u2: np.ndarray):
    """The regularization term at the weights the batch was evaluated with, W − ΔW (the step is
    already applied). L2 from the squared norms at hand: ‖W − ΔW‖² = ‖W‖² − 2⟨W, ΔW⟩ + ‖ΔW‖²."""
    if net.reg_kind == "l1":
        total = sum(
            float(np.abs(W - U).sum()) for W, U in zip(net.weights, stepper.update_W, strict=True)
        )
        return net.reg_rate * total
    cross = sum(
        float(np.einsum("ij,ij->", W, U))
        for W, U in zip(net.weights, stepper.update_W, strict=True)
    )
    return 0.5 * net.reg_rate * (float(w2.sum()) - 2.0 * cross + float(u2.sum()))


def dead_fraction(activation: str, Z: np.ndarray, A: np.ndarray) -> float:
    """Share of units inactive for every example (ReLU: a = 0; leaky ReLU: z < 0); NaN otherwise."""
    if activation not in RELU_FAMILY or Z.shape[0] == 0:
        return math.nan
    alive = (A > 0.0).any(axis=0) if activation == "relu" else (Z >= 0.0).any(axis=0)
    return 1.0 - np.count_nonzero(alive) / alive.size


def saturated_fraction(activation: str, A: np.ndarray, share: float = 0.9) -> float:
    """Share of sigmoid/tanh units at their limits (sigmoid a < 0.01 or > 0.99; tanh |a| > 0.99)
    for at least ``share`` of the batch's examples; NaN for other activations."""
    m = A.shape[0]
    if m == 0:
        return math.nan
    if activation == "sigmoid":
        sat = np.abs(A - 0.5) > 0.49
    elif activation == "tanh":
        sat = np.abs(A) > 0.99
    else:
        return math.nan
    counts = np.count_nonzero(sat, axis=0)
    return np.count_nonzero(counts >= share * m) / counts.size


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ x (x > 0), for stable histogram ranges."""
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    p = 10.0 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * p >= x * (1 - 1e-12):
            return m * p
    return 10.0 * p


def histogram(values: np.ndarray, lo: float, hi: float, bins: int = HIST_BINS) -> Histogram:
    """Counts of ``values`` in ``bins`` equal bins over [lo, hi]; values outside go to end bins."""
    v = values.ravel()
    idx = ((v - lo) * (bins / (hi - lo))).astype(np.intp) if v.size else np.zeros(0, np.intp)
    np.clip(idx, 0, bins - 1, out=idx)
    counts = np.bincount(idx, minlength=bins)
    return Histogram(frozen(counts), frozen(np.linspace(lo, hi, bins + 1)))


class RangeTracker:
    """Sticky symmetric ranges ±R per layer (R from 1-2-5 steps): grow at once, shrink only when
    the data use less than a tenth of the range, so histogram bins stay put for long stretches."""

    def __init__(self, n: int) -> None:
        self.r = [0.0] * n

    def update(self, l: int, peak: float) -> float:
        r = self.r[l]
        if not math.isfinite(peak):
            return r or 1.0
        if r == 0.0 or peak > r or peak < r / 10:  # r == 0: first call (peak may be 0)
            r = self.r[l] = nice_ceiling(max(peak, 1e-12))
        return r


def activation_range(name: str, values: np.ndarray, tracker: RangeTracker, l: int):
    """(lo, hi) of the activation histogram: fixed for bounded activations, sticky otherwise."""
    if name in BOUNDED_RANGES:
        return BOUNDED_RANGES[name]
    peak = float(np.abs(values).max()) if values.size else 1.0
    r = tracker.update(l, peak)
    lo = 0.0 if name == "relu" else -r
    return lo, r


def weight_summary(W: np.ndarray, tracker: RangeTracker, l: int, sample: np.ndarray | None):
    """(histogram over ±R, quantiles at QUANTILES) of a weight matrix; big layers are summarized
    by ``sample`` (fixed flat indices, so the picture is stable over time)."""
    flat = W.ravel()
    vals = flat[sample] if sample is not None else flat
    peak = float(np.abs(vals).max()) if vals.size else 1.0
    r = tracker.update(l, peak)
    return histogram(vals, -r, r), frozen(np.quantile(vals, QUANTILES))


class Evaluator:
    """Loss and metric (accuracy or RMSE) of a network on a fixed set of examples."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, problem: str) -> None:
        self.X, self.Y, self.problem = X, Y, problem

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def evaluate(self, net: Network):
        """(J, metric, trace) on the set; NaNs and None for an empty set."""
        if len(self) == 0:
            return math.nan, math.nan, None
        trace = net.forward(self.X)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            J = net.loss.cost(self.Y, trace.a[-1], trace.z[-1], net.activations[-1])
        J += net.regularization_loss()
        return J, metric(self.problem, trace.a[-1], self.Y), trace


def metric(problem: str, Yhat: np.ndarray, Y: np.ndarray) -> float:
    """Accuracy for classification (binary: ŷ > 0.5; multi-class: argmax; multi-label: share of
    labels right), RMSE √(mean (ŷ − y)²) for regression."""
    if Y.shape[0] == 0:
        return math.nan
    if problem == "regression":
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.sqrt(np.mean((Yhat - Y) ** 2)))
    if problem == "multiclass":
        return float(np.mean(Yhat.argmax(axis=1) == Y.argmax(axis=1)))
    return float(np.mean((Yhat > 0.5) == (Y > 0.5)))


def metric_name(problem: str) -> str:
    return "rmse" if problem == "regression" else "accuracy"


def plane_grid(domain: tuple[float, float], size: int) -> np.ndarray:
    """(size², 2) points of a size × size grid over the square domain, row-major with x2 slowest
    (row r has x2 = lo + (r + ½)·step), so a reshape to (size, size) is an image with rows along
    x2."""
    lo, hi = domain
    step = (hi - lo) / size
    c = lo + (np.arange(size) + 0.5) * step
    x1, x2 = np.meshgrid(c, c)
    return np.column_stack([x1.ravel(), x2.ravel()])

"""Synthetic data sets in the input plane, after TensorFlow Playground's ``src/dataset.ts``.

Each generator draws ``n`` points from one ``np.random.Generator`` and returns them with their
targets. TF's labels ±1 become 1/0 here (1 = TF's +1). ``noise`` is TF's internal value (the UI's
0..50 % is 0..0.5). Where TF loops ``i < n / 2`` for two classes (which yields n + 1 points for odd
n), the first class gets the extra point so that exactly ``n`` points come back. Points are in the
order the classes were generated; :func:`playground.data.make_dataset` shuffles and splits them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.data.encoding import one_hot

#: plot range of both plane axes for every synthetic set (TF's ``xDomain``)
DOMAIN: tuple[float, float] = (-6.0, 6.0)

#: the six Gaussians of ``reg_gauss``: centre x, centre y, sign
REG_GAUSSIANS: np.ndarray = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)

MULTILABEL_NAMES: tuple[str, ...] = ("x1 > 0", "x2 > 0", "inside r=3.5")


@dataclass(frozen=True)
class PlaneSample:
    """Points in the plane with their targets, before shuffling and splitting."""

    #: ``(n, 2)`` plane coordinates ``(x1, x2)``
    points: np.ndarray
    #: ``(n, k)`` float64 targets (0/1, one-hot, multi-hot or real)
    y: np.ndarray
    problem: str
    target_names: tuple[str, ...]


Generator = Callable[[int, float, np.random.Generator, int | None], PlaneSample]


def class_counts(n: int, k: int) -> list[int]:
    """Split ``n`` points into ``k`` classes as evenly as possible, the remainder to the first."""
    base, rest = divmod(n, k)
    return [base + (1 if c < rest else 0) for c in range(k)]


def _binary(points: np.ndarray, label: np.ndarray) -> PlaneSample:
    y = np.asarray(label, dtype=np.float64).reshape(-1, 1)
    return PlaneSample(points, y, "binary", ("y",))


def _regression(points: np.ndarray, value: np.ndarray) -> PlaneSample:
    y = np.asarray(value, dtype=np.float64).reshape(-1, 1)
    return PlaneSample(points, y, "regression", ("y",))


def _polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """TF's convention: ``x = r sin(angle)``, ``y = r cos(angle)``."""
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def circle(
    n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Disc of radius 2.5 (label 1) inside a ring 3.5 ≤ r < 5 (label 0).

    The label is taken at the noisy point ``p + U(-5, 5)·noise`` (``dist < 2.5`` → 1); the stored
    point is the noiseless one, so noise shows up as wrongly coloured points.
    """
    radius = 5.0
    n_pos, n_neg = class_counts(n, 2)
    r = np.concatenate(
        [rng.uniform(0.0, radius * 0.5, n_pos), rng.uniform(radius * 0.7, radius, n_neg)]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    points = _polar(r, angle)
    noisy = points + rng.uniform(-radius, radius, (n, 2)) * noise
    return _binary(points, np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5)


def xor(n: int, noise: float, rng: np.random.Generator, classes: int | None = None) -> PlaneSample:
    """Four quadrants: label 1 where ``x1·x2 ≥ 0`` (at the noisy point ``p + U(-5, 5)·noise``).

    Coordinates are ``U(-5, 5)`` pushed 0.3 away from the axes.
    """
    padding = 0.3
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, padding, -padding)
    noisy = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return _binary(points, noisy[:, 0] * noisy[:, 1] >= 0)


def gauss(
    n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Two Gaussian clouds: around (2, 2) label 1, around (-2, -2) label 0.

    TF maps noise [0, 0.5] linearly to a variance [0.5, 4] (extrapolated beyond) and its
    ``normalRandom(mean, variance)`` scales by ``sqrt(variance)``: std = √(0.5 + 7·noise).
    """
    variance = 0.5 + noise * (4.0 - 0.5) / 0.5
    std = np.sqrt(variance)
    n_pos, n_neg = class_counts(n, 2)
    points = np.concatenate(
        [rng.normal(2.0, std, (n_pos, 2)), rng.normal(-2.0, std, (n_neg, 2))], axis=0
    )
    label = np.concatenate([np.ones(n_pos), np.zeros(n_neg)])
    return _binary(points, label)


def spiral(n: int, noise: float, rng: np.random.Generator, classes: int | None = 2) -> PlaneSample:
    """Interleaved spiral arms.

    Arm c (``m_c`` points, i = 0..m_c-1): ``r = 5·i/m_c``, ``t = 1.75·2π·i/m_c + Δt_c``,
    ``p = (r sin t, r cos t) + U(-1, 1)·noise``, with ``Δt_c = 2π·c/k``. Two arms (TF's set):
    Δt = 0 is label 1, Δt = π is label 0 (binary). k ≥ 3 arms: one-hot class c (multiclass).
    """
    k = 2 if classes is None else classes
    counts = class_counts(n, k)
    arms = []
    for c, m in enumerate(counts):
        i = np.arange(m, dtype=np.float64)
        r = i / m * 5.0
        t = 1.75 * i / m * 2.0 * np.pi + 2.0 * np.pi * c / k
        arms.append(_polar(r, t) + rng.uniform(-1.0, 1.0, (m, 2)) * noise)
    points = np.concatenate(arms, axis=0)
    index = np.repeat(np.arange(k), counts)
    if k == 2:
        return _binary(points, index == 0)
    names = tuple(f"arm {c + 1}" for c in range(k))
    return PlaneSample(points, one_hot(index, k), "multiclass", names)


def reg_plane(
    n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Regression on a tilted plane: ``y = (x1 + x2)/10`` at the noisy point (not clamped).

    ``x1, x2 ~ U(-6, 6)``; noise ``U(-6, 6)·noise`` per coordinate enters only the target.
    """
    radius = 6.0
    points = rng.uniform(-radius, radius, (n, 2))
    noisy = points + rng.uniform(-radius, radius, (n, 2)) * noise
    return _regression(points, (noisy[:, 0] + noisy[:, 1]) / 10.0)


def reg_gauss(
    n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Regression on six signed bumps (:data:`REG_GAUSSIANS`).

    Bump value ``sign·clamp(1 - d/2, 0, 1)`` at distance d from its centre; the target is the
    bump value of largest magnitude (the first one on ties), taken at the noisy point.
    """
    radius = 6.0
    points = rng.uniform(-radius, radius, (n, 2))
    noisy = points + rng.uniform(-radius, radius, (n, 2)) * noise
    return _regression(points, reg_gauss_value(noisy))


def reg_gauss_value(points: np.ndarray) -> np.ndarray:
    """The noiseless ``reg_gauss`` target at ``(p, 2)`` points, shape ``(p,)``."""
    d = np.hypot(
        points[:, 0, None] - REG_GAUSSIANS[None, :, 0],
        points[:, 1, None] - REG_GAUSSIANS[None, :, 1],
    )
    values = REG_GAUSSIANS[None, :, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    best = np.argmax(np.abs(values), axis=1)
    return values[np.arange(points.shape[0]), best] + 0.0  # + 0.0 turns -0.0 into 0.0


def blobs(n: int, noise: float, rng: np.random.Generator, classes: int | None = 3) -> PlaneSample:
    """k Gaussian blobs (multiclass, ours): centres evenly on a circle of radius 3.5.

    Blob c is centred at ``3.5·(cos 2πc/k, sin 2πc/k)`` with std ``0.6 + 2·noise``.
    """
    k = 3 if classes is None else classes
    counts = class_counts(n, k)
    std = 0.6 + 2.0 * noise
    angles = 2.0 * np.pi * np.arange(k) / k
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    points = np.concatenate(
        [rng.normal(centres[c], std, (m, 2)) for c, m in enumerate(counts)], axis=0
    )
    index = np.repeat(np.arange(k), counts)
    names = tuple(f"blob {c + 1}" for c in range(k))
    return PlaneSample(points, one_hot(index, k), "multiclass", names)


def multilabel(
    n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Three overlapping labels (multilabel, ours): ``x1 > 0``, ``x2 > 0``, ``r < 3.5``.

    ``x1, x2 ~ U(-6, 6)``; labels are taken at the noisy point ``p + U(-6, 6)·noise``.
    """
    radius = 6.0
    points = rng.uniform(-radius, radius, (n, 2))
    noisy = points + rng.uniform(-radius, radius, (n, 2)) * noise
    flags = np.column_stack(
        [noisy[:, 0] > 0, noisy[:, 1] > 0, np.hypot(noisy[:, 0], noisy[:, 1]) < 3.5]
    )
    return PlaneSample(points, flags.astype(np.float64), "multilabel", MULTILABEL_NAMES)


#: dataset name → generator ``(n, noise, rng, classes) -> PlaneSample``
GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "reg_plane": reg_plane,
    "reg_gauss": reg_gauss,
    "blobs": blobs,
    "multilabel": multilabel,
}


def generate(
    name: str, n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> PlaneSample:
    """Draw the synthetic set ``name`` (a key of :data:`GENERATORS`)."""
    return GENERATORS[name](n, noise, rng, classes)

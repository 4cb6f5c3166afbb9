"""What the trainer records while it steps: per-layer statistics every k-th step, kept until a
snapshot takes them, and the window the health verdicts look at."""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from playground.engine import Network
from playground.training.snapshot import History, frozen


def stats_stride(net: Network, batch_size: int) -> int:
    """Record statistics every k-th step so that they cost ≈ 10% of the steps they describe.

    Cost model fitted on this machine (one NumPy call ≈ 0.8 µs, BLAS ≈ 80 GFLOP/s with AVX-512
    kernels, elementwise passes ≈ 0.5 ns per element): a step makes ≈ 10L + 6 calls and 6·m·P
    flops; a record ≈ 25L + 20 calls and ≈ 3P + 6·m·N element operations (P weights, N units,
    m batch size).
    """
    L, m = net.n_layers, batch_size
    P = sum(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:], strict=True))
    N = sum(net.sizes[1:])
    step = 0.8e-6 * (10 * L + 6) + 0.012e-9 * 6 * m * P
    record = 0.8e-6 * (25 * L + 20) + 0.5e-9 * (3 * P + 6 * m * N)
    return max(1, min(64, round(record / (0.1 * step))))


class Recorder:
    """Rows of statistics since the last snapshot (bounded), a window of the newest rows for the
    health verdicts, and the first and lowest window-median batch loss of the run.

    The loss medians are taken every ``MEDIAN_EVERY`` rows as rows arrive, so they depend on the
    steps taken, never on how often anyone looks.
    """

    CAP = 200_000
    MEDIAN_EVERY = 5

    def __init__(self, n_layers: int, window: int) -> None:
        self.L = n_layers
        self.rows: list[tuple[int, int, float, np.ndarray]] = []
        self.window_rows: deque[tuple[float, np.ndarray]] = deque(maxlen=window)
        self.first_loss = math.nan
        self.min_loss = math.inf
        self._count = 0

    def add(self, step: int, epoch: int, loss: float, row: np.ndarray) -> None:
        if len(self.rows) >= self.CAP:  # nobody drains (headless): keep the newer half
            del self.rows[: self.CAP // 2]
        self.rows.append((step, epoch, loss, row))
        self.window_rows.append((loss, row))
        self._count += 1
        if self._count % self.MEDIAN_EVERY == 0:
            med = float(np.median([r[0] for r in self.window_rows]))
            if math.isnan(self.first_loss):
                self.first_loss = med
            if med < self.min_loss:
                self.min_loss = med

    def drain(self) -> History:
        """The rows recorded since the last drain."""
        rows, self.rows = self.rows, []
        if not rows:
            return History.empty(self.L)
        st = np.array([r[0] for r in rows], dtype=np.int64)
        ep = np.array([r[1] for r in rows], dtype=np.int64)
        loss = np.array([r[2] for r in rows])
        m = np.stack([r[3] for r in rows])  # (k, 6, L)
        return History(
            frozen(st), frozen(ep), frozen(loss), *(frozen(m[:, i, :]) for i in range(6))
        )

    def window(self) -> tuple[np.ndarray, np.ndarray]:
        """(losses (k,), rows (k, 6, L)) of the window."""
        if not self.window_rows:
            return np.zeros(0), np.zeros((0, 6, self.L))
        loss = np.array([r[0] for r in self.window_rows])
        return loss, np.stack([r[1] for r in self.window_rows])

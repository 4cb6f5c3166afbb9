"""The training step without allocations: forward, backward and the optimizer's update written
into buffers that are allocated once per batch size.

A small network's step is bound by the number of NumPy calls (≈ 0.5–1 µs each), so the step

* appends a column of ones to every layer input, so Z^[l] = [A^[l-1] 1] [W^[l] b^[l]]ᵀ and
  [dW^[l] db^[l]] = (Δ^[l])ᵀ [A^[l-1] 1] / m are one matrix product each (``Network`` stores θ
  as these blocks);
* reuses ``out=`` buffers and transposed views made once;
* runs the optimizer once over the flat θ.

The math is ``Network.forward``/``backward`` exactly, with one difference in bookkeeping: the
buffers hold Δ^[l]/m (the batch-mean scaling applied once to δ^[L] and carried down by linearity),
so the products need no further scaling. ``delta(l)`` undoes it for per-example δ^[l].

Inputs come with the ones column already appended (``augment(X)``), so a trainer shuffles its
training set into one augmented buffer per epoch and feeds row slices of it.

Callers run steps under ``np.errstate(over="ignore", invalid="ignore")`` (once around many steps:
entering it costs more than a small step): overflow in ``exp`` gives the right limits, and NaN/Inf
are detected from the returned ‖Δθ‖² instead of through warnings.
"""

from __future__ import annotations

import numpy as np

from playground.engine.network import Network, Trace
from playground.engine.optimizers import Optimizer


def augment(X: np.ndarray, dtype=np.float64) -> np.ndarray:
    """[X 1]: X (m, n) with a column of ones appended (m, n + 1), C-contiguous."""
    out = np.ones((X.shape[0], X.shape[1] + 1), dtype=dtype)
    out[:, :-1] = X
    return out


class _Buffers:
    """Per batch size m: Z^[l] (m, n^[l]), [A^[l] 1] (m, n^[l] + 1) for hidden layers, Δ^[l]/m and
    scratch T; lists over l = 1..L."""

    def __init__(self, net: Network, m: int) -> None:
        dt, L = net.dtype, net.n_layers
        self.m = m
        self.inv_m = 1.0 / m
        self.Z = [np.empty((m, n), dt) for n in net.sizes[1:]]
        # hidden layers write g(Z) into the first n columns of an augmented buffer
        self.A_ext = [np.ones((m, n + 1), dt) for n in net.sizes[1:L]]
        self.A = [E[:, :-1] for E in self.A_ext]
        out_act = net.activations[-1]
        self.A.append(self.Z[-1] if out_act.aliases_input else np.empty((m, net.sizes[-1]), dt))
        self.D = [np.empty((m, n), dt) for n in net.sizes[1:]]
        self.T = [np.empty((m, n), dt) for n in net.sizes[1:]]
        self.DT = [d.T for d in self.D]


class Stepper:
    """Runs training steps of ``net`` with ``optimizer`` on batches (X_ext, Y), allocation-free.

    ``step(X_ext, Y)`` takes X with the ones column appended (see ``augment``), computes the
    gradient g = ∂J/∂θ (into ``grad``, regularization included) and the update Δθ (into
    ``update``), and returns ‖Δθ‖². The caller checks it and then calls ``apply()`` (θ ← θ + Δθ).
    After a step, ``trace()`` and ``delta(l)`` describe that batch.
    """

    def __init__(self, net: Network, optimizer: Optimizer) -> None:
        self.net = net
        self.optimizer = optimizer
        self.grad = np.zeros(net.n_params, dtype=net.dtype)
        self.update = np.zeros(net.n_params, dtype=net.dtype)
        self._tmp = np.zeros(net.n_params, dtype=net.dtype)
        self.dW, self.db = net.views(self.grad)
        self.update_W = net.views(self.update)[0]
        self._grad_blocks = net.block_views(self.grad)
        self._BT = [B.T for B in net.blocks]
        self._buffers: dict[int, _Buffers] = {}
        self.last: _Buffers | None = None
        self.last_x: np.ndarray | None = None
        self.last_y: np.ndarray | None = None

    def buffers(self, m: int) -> _Buffers:
        """The buffers for batch size m (made on first use)."""
        buf = self._buffers.get(m)
        if buf is None:
            buf = self._buffers[m] = _Buffers(self.net, m)
        return buf

    def step(self, X_ext: np.ndarray, Y: np.ndarray) -> float:
        """One forward/backward pass and optimizer update for the batch; returns ‖Δθ‖²."""
        net = self.net
        buf = self._buffers.get(X_ext.shape[0]) or self.buffers(X_ext.shape[0])
        Z, A, A_ext, D, T = buf.Z, buf.A, buf.A_ext, buf.D, buf.T
        acts, BT = net.activations, self._BT
        L = len(Z) - 1
        # forward: Z^[l] = [A^[l-1] 1] [W b]ᵀ, A^[l] = g(Z^[l])
        a = X_ext
        for l in range(L):
            a.dot(BT[l], Z[l])
            acts[l].forward(Z[l], A[l])
            a = A_ext[l]
        a.dot(BT[L], Z[L])
        if A[L] is not Z[L]:
            acts[L].forward(Z[L], A[L])
        # backward with Δ/m: δ^[L] from the loss, then δ^[l] = (δ^[l+1] W^[l+1]) ⊙ g'(Z^[l])
        net.loss.delta_into(D[L], Y, Z[L], A[L], acts[L], T[L])
        D[L] *= buf.inv_m
        G, DT, W = self._grad_blocks, buf.DT, net.weights
        for l in range(L, 0, -1):
            DT[l].dot(A_ext[l - 1], G[l])
            D[l].dot(W[l], D[l - 1])
            acts[l - 1].backprop(D[l - 1], Z[l - 1], A[l - 1], T[l - 1])
        DT[0].dot(X_ext, G[0])
        if net.reg_rate:
            net.add_regularization_gradient(self.grad, self._tmp)
        self.optimizer.compute_update(self.grad, self.update)
        self.last, self.last_x, self.last_y = buf, X_ext, Y
        u = self.update
        return float(u.dot(u))

    def apply(self) -> None:
        """θ ← θ + Δθ (the update computed by the last ``step``)."""
        self.net.params += self.update

    # -- views of the last step, for statistics ----------------------------------------------
    def trace(self) -> Trace:
        """The last batch's forward pass (views of the buffers: copy before keeping)."""
        assert self.last is not None and self.last_x is not None
        return Trace(self.last_x[:, :-1], list(self.last.Z), list(self.last.A))

    def delta(self, l: int, rows: int | None = None) -> np.ndarray:
        """δ^[l] per example (rows) for the last batch, l = 1..L (a new array); only the first
        ``rows`` examples when given."""
        assert self.last is not None
        return self.last.D[l - 1][:rows] * self.last.m

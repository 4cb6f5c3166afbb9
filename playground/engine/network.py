"""The fully connected network: parameters, forward pass, backpropagation (MATH.md).

Shapes follow the seeds: W^[l] is n^[l] × n^[l-1] (entry (i, j) connects neuron j of layer l−1 to
neuron i of layer l, as ``torch.nn.Linear.weight``), b^[l] has n^[l] entries. A batch is a matrix
with one example per **row**: Z^[l] = A^[l-1] W^[l]ᵀ + b^[l], A^[l] = g^[l](Z^[l]), A^[0] = X.

All parameters live in one flat vector θ (``Network.params``): per layer a row-major block
[W^[l] | b^[l]] of shape n^[l] × (n^[l-1] + 1). ``weights`` and ``biases`` are (strided) views into
it, so writing into them changes the network, the optimizers update every layer with a handful of
NumPy calls, and the training step gets Z and dW, db from single matrix products (``stepper.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.activations import Activation, get_activation
from playground.engine.initializers import init_params
from playground.engine.losses import Loss, get_loss


@dataclass
class Trace:
    """Forward pass of a batch: ``z[l-1]`` = Z^[l], ``a[l-1]`` = A^[l] (m, n^[l]) for l = 1..L.

    X itself is not in ``a``; ``a[-1]`` is ŷ.
    """

    x: np.ndarray
    z: list[np.ndarray]
    a: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass
class Gradients:
    """Result of backpropagation for one batch.

    ``loss``: J = (1/m) Σ_i L_i (+ the regularization term when the network has one);
    ``delta[l-1]``: (m, n^[l]), row i is δ^[l] = ∂L_i/∂z^[l] for example i (not divided by m);
    ``dW[l-1]``, ``db[l-1]``: ∂J/∂W^[l] = (1/m) Δ^[l]ᵀ A^[l-1] and ∂J/∂b^[l] (+ regularization),
    views into the flat gradient ``flat`` laid out like ``Network.params``.
    """

    loss: float
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    flat: np.ndarray


class Network:
    """A dense feed-forward network with one activation per layer and a loss on the output."""

    def __init__(
        self,
        sizes: list[int],
        activations: list[Activation],
        loss: Loss,
        *,
        regularization: dict | None = None,
        dtype: type | np.dtype = np.float64,
    ) -> None:
        if len(sizes) < 2 or len(activations) != len(sizes) - 1:
            raise ValueError("need sizes [n0, …, nL] and one activation per layer")
        if any(int(n) < 1 for n in sizes):
            raise ValueError(f"every layer needs at least one unit, got sizes {sizes}")
        if any(a.name == "softmax" for a in activations[:-1]):
            raise ValueError(
                "softmax couples a layer's units and is only allowed on the output layer"
            )
        self.sizes = [int(n) for n in sizes]
        self.activations = list(activations)
        self.loss = loss
        self.dtype = np.dtype(dtype)
        # θ holds one block [W^[l] | b^[l]] of shape n^[l] × (n^[l-1] + 1) per layer, row-major, so
        # that a batch with a column of ones appended gives Z = [A 1] [W b]ᵀ in one product
        self.block_slices: list[slice] = []
        pos = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            self.block_slices.append(slice(pos, pos + n_out * (n_in + 1)))
            pos += n_out * (n_in + 1)
        self.n_params = pos
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.blocks = self.block_views(self.params)
        self.weights, self.biases = self.views(self.params)
        self.weight_mask = np.zeros(self.n_params, dtype=self.dtype)
        for W in self.views(self.weight_mask)[0]:
            W[...] = 1.0
        self.reg_kind = "none"
        self.reg_rate = 0.0
        self.set_regularization(regularization)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_config(
        cls, model: dict, regularization: dict | None = None, *, dtype=np.float64
    ) -> Network:
        """Build from the experiment's ``model`` section; weights drawn with ``model.init`` and
        ``model.seed`` (an explicit ``np.random.default_rng(seed)``). ``regularization`` is the
        ``training.regularization`` section ({"kind": "l1"|"l2"|"none", "rate": λ})."""
        layers = model["layers"]
        sizes = [int(model["inputs"])] + [int(layer["units"]) for layer in layers]
        # every key but units/activation is a parameter of the activation: get_activation rejects
        # the ones it does not take (typos do not pass silently)
        acts = [
            get_activation(
                layer["activation"],
                **{k: v for k, v in layer.items() if k not in ("units", "activation")},
            )
            for layer in layers
        ]
        loss_name = model.get("loss") or _default_loss(acts[-1].name)
        net = cls(sizes, acts, get_loss(loss_name), regularization=regularization, dtype=dtype)
        Ws, bs = init_params(model.get("init", {}), sizes, int(model.get("seed", 0)), net.dtype)
        net.set_weights(Ws, bs)
        return net

    def block_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per-layer blocks [W^[l] | b^[l]] (n^[l] × (n^[l-1] + 1)) of a vector laid out like θ."""
        return [
            flat[sl].reshape(n_out, n_in + 1)
            for sl, n_in, n_out in zip(
                self.block_slices, self.sizes[:-1], self.sizes[1:], strict=True
            )
        ]

    def views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Split a vector laid out like θ into per-layer views W^[l] (n^[l] × n^[l-1]) and b^[l]."""
        blocks = self.block_views(flat)
        return [B[:, :-1] for B in blocks], [B[:, -1] for B in blocks]

    def set_weights(self, weights: list, biases: list) -> None:
        """Copy W^[l], b^[l] into the network (shapes must match)."""
        if len(weights) != self.n_layers or len(biases) != self.n_layers:
            raise ValueError(f"expected {self.n_layers} weight matrices and bias vectors")
        for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            W, b = np.asarray(W, dtype=self.dtype), np.asarray(b, dtype=self.dtype)
            if W.shape != self.weights[l - 1].shape or b.shape != self.biases[l - 1].shape:
                raise ValueError(
                    f"layer {l}: expected W {self.weights[l - 1].shape} and b "
                    f"{self.biases[l - 1].shape}, got {W.shape} and {b.shape}"
                )
            self.weights[l - 1][...] = W
            self.biases[l - 1][...] = b

    def set_regularization(self, regularization: dict | None) -> None:
        """Set L1/L2 regularization ({"kind", "rate"}) on the weights (never the biases)."""
        reg = regularization or {}
        kind = reg.get("kind", "none")
        if kind not in ("none", "l1", "l2"):
            raise ValueError(f"unknown regularization {kind!r} (allowed: none, l1, l2)")
        self.reg_kind = kind
        self.reg_rate = float(reg.get("rate", 0.0)) if kind != "none" else 0.0
        #: λ on the weight entries of θ, 0 on the biases
        self._reg_mask = self.weight_mask * self.reg_rate

    def copy(self) -> Network:
        """An independent network with the same architecture and parameters."""
        net = Network(
            self.sizes,
            self.activations,
            self.loss,
            dtype=self.dtype,
            regularization={"kind": self.reg_kind, "rate": self.reg_rate},
        )
        net.params[...] = self.params
        return net

    # -- facts ------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """L, the number of layers with weights (hidden layers + output)."""
        return len(self.sizes) - 1

    @property
    def output_activation(self) -> Activation:
        return self.activations[-1]

    # -- forward / backward -----------------------------------------------------------------
    def forward(self, X: np.ndarray) -> Trace:
        """Z^[l] = A^[l-1] W^[l]ᵀ + b^[l], A^[l] = g^[l](Z^[l]) for every layer; X is (m, n^[0])."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must be (m, {self.sizes[0]}), got {X.shape}")
        zs, As, a = [], [], X
        with np.errstate(over="ignore", invalid="ignore"):
            for W, b, act in zip(self.weights, self.biases, self.activations, strict=True):
                z = a @ W.T + b
                a = np.empty_like(z)
                act.forward(z, a)
                zs.append(z)
                As.append(a)
        return Trace(X, zs, As)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """ŷ = A^[L] for X (m, n^[0])."""
        return self.forward(X).output

    def backward(self, trace: Trace, Y: np.ndarray) -> Gradients:
        """Backpropagation (eq. 164, 172, 182, 188) for the batch in ``trace`` with targets Y.

        δ^[L] from the loss (ŷ − y for sigmoid + bce and softmax + cce); for l < L
        δ^[l] = (δ^[l+1] W^[l+1]) ⊙ g^[l]'(Z^[l]) (rows are examples);
        dW^[l] = (1/m) Δ^[l]ᵀ A^[l-1],
        db^[l] = mean of Δ^[l] over the batch; plus λ·sign(W) (L1) or λ·W (L2).
        """
        Y = np.asarray(Y, dtype=self.dtype)
        L, m = self.n_layers, trace.x.shape[0]
        if Y.shape != trace.output.shape:
            raise ValueError(f"Y must be {trace.output.shape}, got {Y.shape}")
        flat = np.zeros(self.n_params, dtype=self.dtype)
        dW, db = self.views(flat)
        deltas: list[np.ndarray] = [np.empty(0)] * L
        with np.errstate(over="ignore", invalid="ignore"):
            D = self.loss.delta(Y, trace.z[-1], trace.a[-1], self.activations[-1])
            for l in range(L - 1, -1, -1):
                deltas[l] = D
                a_prev = trace.x if l == 0 else trace.a[l - 1]
                dW[l][...] = D.T @ a_prev / m
                db[l][...] = D.sum(axis=0) / m
                if l > 0:
                    D = D @ self.weights[l]
                    self.activations[l - 1].backprop(
                        D, trace.z[l - 1], trace.a[l - 1], np.empty_like(D)
                    )
            self.add_regularization_gradient(flat, np.empty_like(flat))
            loss = self.loss.cost(Y, trace.a[-1], trace.z[-1], self.activations[-1])
        return Gradients(loss + self.regularization_loss(), deltas, dW, db, flat)

    def regularization_loss(self) -> float:
        """λ Σ|w| (L1) or (λ/2) Σ w² (L2) over all weights (not biases); 0 when unregularized."""
        if self.reg_kind == "none" or self.reg_rate == 0.0:
            return 0.0
        if self.reg_kind == "l1":
            return self.reg_rate * sum(float(np.abs(W).sum()) for W in self.weights)
        return 0.5 * self.reg_rate * sum(float(np.einsum("ij,ij->", W, W)) for W in self.weights)

    def add_regularization_gradient(self, g: np.ndarray, tmp: np.ndarray) -> None:
        """g += λ·sign(W) (L1, 0 at W = 0) or λ·W (L2) on the weight entries of flat gradient g."""
        if self.reg_kind == "none" or self.reg_rate == 0.0:
            return
        if self.reg_kind == "l1":
            np.sign(self.params, out=tmp)
            tmp *= self._reg_mask
        else:
            np.multiply(self.params, self._reg_mask, out=tmp)
        g += tmp

    def cost(self, X: np.ndarray, Y: np.ndarray) -> float:
        """J on (X, Y), including the regularization term."""
        t = self.forward(X)
        with np.errstate(over="ignore", invalid="ignore"):
            J = self.loss.cost(np.asarray(Y, self.dtype), t.a[-1], t.z[-1], self.activations[-1])
        return J + self.regularization_loss()

    def layer_config(self) -> list[dict]:
        """The ``model.layers`` list describing this architecture."""
        return [
            {"units": n, "activation": act.name, **act.params()}
            for n, act in zip(self.sizes[1:], self.activations, strict=True)
        ]

    def weights_config(self) -> list[dict]:
        """The experiment file's ``weights`` list: one {"W": rows, "b": list} per layer."""
        return weights_config(self.weights, self.biases)


def weights_config(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> list[dict]:
    """The experiment file's ``weights`` list for W^[1..L], b^[1..L]: one {"W": n_l rows of
    n_{l-1} floats, "b": n_l floats} per layer."""
    return [
        {"W": np.asarray(W, dtype=float).tolist(), "b": np.asarray(b, dtype=float).tolist()}
        for W, b in zip(weights, biases, strict=True)
    ]


def _default_loss(output_activation: str) -> str:
    return {"softmax": "cce", "sigmoid": "bce"}.get(output_activation, "mse")

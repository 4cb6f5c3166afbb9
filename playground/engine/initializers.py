"""Weight initialization schemes, drawn from an explicit ``np.random.Generator``.

For W^[l] of shape n^[l] × n^[l-1], fan_in = n^[l-1] and fan_out = n^[l] (PyTorch's convention):

* ``zeros``: 0;  ``normal``: N(0, std²);  ``uniform``: U(−limit, limit);
* ``xavier_normal``: N(0, 2/(fan_in + fan_out));  ``xavier_uniform``: U(±√(6/(fan_in + fan_out)));
* ``he_normal``: N(0, 2/fan_in);  ``he_uniform``: U(±√(6/fan_in));
* ``lecun_normal``: N(0, 1/fan_in).

``scale`` multiplies the drawn weights (for vanishing/exploding demos); biases start at ``bias``.
"""

from __future__ import annotations

import math

import numpy as np

from playground.engine.names import INIT_COMMON, INITS


def init_weights(
    scheme: str,
    n_out: int,
    n_in: int,
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
    std: float | None = None,
    limit: float | None = None,
    dtype: np.dtype | type = np.float64,
) -> np.ndarray:
    """Draw W^[l] (n_out × n_in) with the named scheme, times ``scale``."""
    shape = (n_out, n_in)
    if scheme == "zeros":
        W = np.zeros(shape)
    elif scheme == "normal":
        W = rng.normal(0.0, INITS["normal"][1]["std"] if std is None else std, shape)
    elif scheme == "uniform":
        a = INITS["uniform"][1]["limit"] if limit is None else limit
        W = rng.uniform(-a, a, shape)
    elif scheme == "xavier_normal":
        W = rng.normal(0.0, math.sqrt(2.0 / (n_in + n_out)), shape)
    elif scheme == "xavier_uniform":
        a = math.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-a, a, shape)
    elif scheme == "he_normal":
        W = rng.normal(0.0, math.sqrt(2.0 / n_in), shape)
    elif scheme == "he_uniform":
        a = math.sqrt(6.0 / n_in)
        W = rng.uniform(-a, a, shape)
    elif scheme == "lecun_normal":
        W = rng.normal(0.0, math.sqrt(1.0 / n_in), shape)
    else:
        raise ValueError(f"unknown init scheme {scheme!r} (allowed: {', '.join(INITS)})")
    return (W * scale).astype(dtype, copy=False)


def init_params(
    init: dict, sizes: list[int], seed: int, dtype: np.dtype | type = np.float64
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights and biases for layer sizes [n^[0], …, n^[L]] from the "init" section of a model.

    The generator is ``np.random.default_rng(seed)``; layers draw in order 1..L, so the same
    seed always gives the same network.
    """
    scheme = init.get("scheme", "xavier_uniform")
    known = set(INIT_COMMON) | {"scheme"} | {k for _, p in INITS.values() for k in p}
    extra = set(init) - known
    if extra:
        raise ValueError(f"init: unknown key {sorted(extra)[0]!r}")
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        Ws.append(
            init_weights(
                scheme,
                n_out,
                n_in,
                rng,
                scale=float(init.get("scale", 1.0)),
                std=init.get("std"),
                limit=init.get("limit"),
                dtype=dtype,
            )
        )
        bs.append(np.full(n_out, float(init.get("bias", 0.0)), dtype=dtype))
    return Ws, bs

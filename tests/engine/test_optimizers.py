"""Optimizers: the MATH.md update rules written out, PyTorch's torch.optim on the same gradients,
state save/restore, and the configuration surface."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import ReferenceOptimizer, require

from playground.engine import make_optimizer
from playground.engine.names import DEFAULT_LEARNING_RATE, OPTIMIZERS

SIZE, STEPS = 13, 6

CONFIGS = [
    {"name": "sgd", "learning_rate": 0.1},
    {"name": "momentum", "learning_rate": 0.05},
    {"name": "momentum", "learning_rate": 0.05, "momentum": 0.6},
    {"name": "momentum", "learning_rate": 0.05, "nesterov": True},
    {"name": "momentum", "learning_rate": 0.02, "momentum": 0.5, "nesterov": True},
    {"name": "rmsprop", "learning_rate": 0.01},
    {"name": "rmsprop", "learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-3},
    {"name": "adam", "learning_rate": 0.01},
    {"name": "adam", "learning_rate": 0.003, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-4},
]
IDS = ["-".join(f"{k}={v}" for k, v in c.items() if k != "learning_rate") for c in CONFIGS]


def _gradients(seed: int = 0) -> list[np.ndarray]:
    """A gradient sequence with entries over several orders of magnitude (incl. exact zeros)."""
    rng = np.random.default_rng(seed)
    gs = [rng.normal(size=SIZE) * 10.0 ** rng.integers(-4, 2, SIZE) for _ in range(STEPS)]
    gs[1][0] = 0.0
    return gs


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_updates_follow_the_math(config: dict) -> None:
    opt = make_optimizer(config, SIZE)
    ref = ReferenceOptimizer(config, SIZE)
    out = np.full(SIZE, np.nan)
    for t, g in enumerate(_gradients(), start=1):
        g_before = g.copy()
        opt.compute_update(g, out)
        np.testing.assert_allclose(out, ref.update(g), rtol=1e-12, atol=1e-300)
        np.testing.assert_array_equal(g, g_before)  # the gradient is not modified
        assert opt.t == t


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_parameters_match_torch_optim(config: dict) -> None:
    torch = require("torch")
    h = {**OPTIMIZERS[config["name"]][1], **config}
    lr = config["learning_rate"]
    theta0 = np.random.default_rng(1).normal(size=SIZE)
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    if h["name"] == "sgd":
        topt = torch.optim.SGD([p], lr=lr)
    elif h["name"] == "momentum":
        topt = torch.optim.SGD([p], lr=lr, momentum=h["momentum"], nesterov=h["nesterov"])
    elif h["name"] == "rmsprop":
        topt = torch.optim.RMSprop([p], lr=lr, alpha=h["rho"], eps=h["epsilon"])
    else:
        topt = torch.optim.Adam([p], lr=lr, betas=(h["beta1"], h["beta2"]), eps=h["epsilon"])

    opt = make_optimizer(config, SIZE)
    theta, out = theta0.copy(), np.empty(SIZE)
    for g in _gradients(2):
        p.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        opt.compute_update(g, out)
        theta += out
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-13)
    assert not np.allclose(theta, theta0)  # the steps did something


def test_defaults_are_pytorchs() -> None:
    torch = require("torch")
    rms = torch.optim.RMSprop([torch.nn.Parameter(torch.zeros(1))]).defaults
    adam = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))]).defaults
    assert OPTIMIZERS["rmsprop"][1] == {"rho": rms["alpha"], "epsilon": rms["eps"]}
    assert OPTIMIZERS["adam"][1] == {
        "beta1": adam["betas"][0],
        "beta2": adam["betas"][1],
        "epsilon": adam["eps"],
    }
    opt = make_optimizer({"name": "adam"}, 3)
    assert opt.learning_rate == DEFAULT_LEARNING_RATE
    assert opt.hyper == OPTIMIZERS["adam"][1]


def test_adam_first_step_is_the_learning_rate_times_the_sign() -> None:
    """Bias correction: at t = 1, m̂ = g and v̂ = g², so Δθ = −α g / (|g| + ε)."""
    opt = make_optimizer({"name": "adam", "learning_rate": 0.1, "epsilon": 0.0}, 4)
    out = np.empty(4)
    opt.compute_update(np.array([3.0, -0.5, 1e-3, -7.0]), out)
    np.testing.assert_allclose(out, [-0.1, 0.1, -0.1, 0.1], rtol=1e-14)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_state_round_trip_continues_identically(config: dict) -> None:
    gs = _gradients(3)
    a = make_optimizer(config, SIZE)
    out_a, out_b = np.empty(SIZE), np.empty(SIZE)
    for g in gs[:3]:
        a.compute_update(g, out_a)
    t, slots = a.state()
    assert t == 3 and set(slots) == set(a.slot_names)
    b = make_optimizer(config, SIZE)
    b.load_state(t, slots)
    for k in slots:  # state() returns copies
        slots[k] += 1.0
    for g in gs[3:]:
        a.compute_update(g, out_a)
        b.compute_update(g, out_b)
        np.testing.assert_array_equal(out_a, out_b)


def test_load_state_rejects_wrong_slots_and_shapes() -> None:
    opt = make_optimizer({"name": "adam"}, 4)
    with pytest.raises(ValueError, match="slots"):
        opt.load_state(1, {"m": np.zeros(4)})
    with pytest.raises(ValueError, match="slot 'v'"):
        opt.load_state(1, {"m": np.zeros(4), "v": np.zeros(5)})


def test_config_and_unknown_names() -> None:
    opt = make_optimizer({"name": "momentum", "learning_rate": 0.2, "rho": 0.5, "momentum": 0.7}, 3)
    # parameters of other optimizers (kept by the GUI when switching) are ignored
    assert opt.config() == {
        "name": "momentum",
        "learning_rate": 0.2,
        "momentum": 0.7,
        "nesterov": False,
    }
    assert make_optimizer({}, 2).name == "sgd"
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer({"name": "adagrad"}, 2)
    cls = type(make_optimizer({"name": "sgd"}, 2))
    with pytest.raises(ValueError, match="momentum"):
        cls(2, momentum=0.9)


@pytest.mark.parametrize(
    ("name", "first"), [("sgd", -0.1), ("momentum", -0.1), ("rmsprop", -1.0), ("adam", -0.1)]
)
def test_float32_state_stays_float32(name: str, first: float) -> None:
    """First update for g = 1 (rmsprop: s = 1 − ρ = 0.01, so −α / √0.01 = −1)."""
    assert set(OPTIMIZERS) == {"sgd", "momentum", "rmsprop", "adam"}
    opt = make_optimizer({"name": name, "learning_rate": 0.1}, 5, dtype=np.float32)
    out = np.empty(5, dtype=np.float32)
    opt.compute_update(np.ones(5, dtype=np.float32), out)
    assert all(s.dtype == np.float32 for s in opt.slots.values())
    np.testing.assert_allclose(out, first, rtol=1e-5)

"""``assess`` on synthetic windows: every verdict, its message, the order, and the thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.training import Divergence, Thresholds, assess
from playground.training.health import ADVICE, DEFAULT_THRESHOLDS, advice, superscript_power

NAN = math.nan


def window(g, *, k=20, loss=0.7, dead=None, sat=None, noise=0.0, seed=0):
    """k identical rows (optionally with multiplicative noise) of per-layer gradient norms ``g``."""
    g = np.asarray(g, dtype=float)
    L = g.size
    rng = np.random.default_rng(seed)
    G = np.tile(g, (k, 1)) * (1 + noise * rng.standard_normal((k, L)))
    D = np.tile(np.asarray(dead if dead is not None else [NAN] * L, float), (k, 1))
    S = np.tile(np.asarray(sat if sat is not None else [NAN] * L, float), (k, 1))
    return G, np.full(k, loss), D, S


def run(
    g, acts, *, first_loss=0.7, min_loss=0.6, divergence=None, t=DEFAULT_THRESHOLDS, init=None, **kw
):
    G, loss, D, S = window(g, **kw)
    return assess(G, loss, D, S, list(acts), first_loss, min_loss, divergence, t, init=init)


RELU4 = ["relu", "relu", "relu", "sigmoid"]
SIG10 = ["sigmoid"] * 10


def test_healthy():
    h, per_layer = run([0.3, 0.2, 0.1, 0.1], RELU4, dead=[0.1, 0.2, 0.0, NAN])
    assert h.verdict == "healthy"
    assert h.message.startswith("Healthy: gradients reach every layer")
    assert h.layers == () and h.others == ()
    assert per_layer == ("healthy",) * 4
    assert h.ratio == pytest.approx(3.0)


def test_warming_up_before_min_records():
    h, _ = run([0.3, 0.2, 0.1], ["tanh", "tanh", "sigmoid"], k=DEFAULT_THRESHOLDS.min_records - 1)
    assert h.verdict == "warming up"
    G, loss, D, S = window([0.3, 0.2, 0.1], k=0)
    assert assess(G, loss, D, S, ["tanh"] * 3, NAN, math.inf)[0].verdict == "warming up"


def test_nan_names_layer_and_step_and_wins_over_everything():
    d = Divergence(step=57, layer=3, quantity="z")
    h, per_layer = run([1e9] * 4, RELU4, divergence=d, dead=[1, 1, 1, NAN])
    assert h.verdict == "nan"
    assert h.layers == (3,)
    assert "layer 3" in h.message and "step 57" in h.message and "net input z" in h.message
    assert "Reset" in h.message
    assert per_layer == ("healthy", "healthy", "nan", "healthy")


def test_exploding_by_norm_names_the_layers():
    h, per_layer = run([2e3, 5e3, 1e2, 10], RELU4)
    assert h.verdict == "exploding"
    assert h.layers == (1, 2)
    assert "layer 2 is about 10⁴ (above 10³ in layers 1, 2)" in h.message
    assert per_layer[:2] == ("exploding", "exploding")


def test_exploding_numbers_read_as_powers_of_ten():
    """Like the other messages: "about 10⁵", not "7.8e+04"."""
    h, _ = run([7.8e4, 1e2, 10, 1], RELU4)
    assert "layer 1 is about 10⁵ (above 10³)" in h.message
    assert "e+" not in h.message and "e-" not in h.message
    h, _ = run([1.0] * 4, RELU4, loss=5e3, min_loss=0.5)
    assert "the loss grew about 10⁴× over its minimum" in h.message


def test_exploding_by_ratio():
    h, per_layer = run([50.0, 1.0, 0.1, 0.02], RELU4)
    assert h.verdict == "exploding"
    assert "layer 1 receives 10³× layer 4's gradient" in h.message
    # highlighted: the layers far above the output layer's gradient, which the message is about
    assert h.layers == (1, 2)
    assert per_layer == ("exploding", "exploding", "healthy", "healthy")


def test_exploding_by_loss_growth():
    h, per_layer = run([1.0, 1.0, 1.0, 1.0], RELU4, loss=80.0, min_loss=0.5)
    assert h.verdict == "exploding"
    assert "the loss grew 160× over its minimum" in h.message
    # the message names no layer, so none is highlighted (not layer 1 by default)
    assert h.layers == ()
    assert per_layer == ("healthy",) * 4


def test_exploding_is_flagged_from_the_first_row():
    h, _ = run([1e4] * 4, RELU4, k=1)
    assert h.verdict == "exploding"
    h, _ = run([1.0] * 4, RELU4, k=1)
    assert h.verdict == "warming up"


def test_vanishing_by_ratio_gives_power_of_ten_and_cause():
    g = [10.0 ** (-6 + 5 * l / 9) for l in range(10)]  # 1e-6 … 1e-1
    h, per_layer = run(g, SIG10, sat=[0.0] * 10)
    assert h.verdict == "vanishing"
    assert h.message.startswith("Vanishing gradients: layer 1 receives 10⁻⁵ of layer 10's gradient")
    assert "sigmoid's slope is at most ¼" in h.message
    assert "ReLU" in h.message  # the suggested fix
    assert 1 in h.layers and 10 not in h.layers
    assert per_layer[0] == "vanishing" and per_layer[-1] == "healthy"


def test_vanishing_with_saturated_units_says_so():
    g = [1e-7] * 3 + [1e-2] * 3
    sat = [0.9, 0.82, 0.6, 0.1, 0.1, 0.0]
    h, _ = run(g, ["sigmoid"] * 6, sat=sat)
    assert h.verdict == "vanishing"
    assert "— sigmoid units are saturated (90% in layer 1)" in h.message
    assert h.others == ("saturated",)


def test_vanishing_by_tiny_norm_only_while_far_from_the_minimum():
    g = [1e-9, 1e-5, 1e-5, 1e-9]  # ratio 1: only the tiny norms
    h, _ = run(g, ["tanh"] * 4, loss=0.7, first_loss=0.7)
    assert h.verdict == "vanishing"
    assert "layer 1 is below 10⁻⁸" in h.message
    # converged: a tiny gradient is just a minimum
    h, _ = run(g, ["tanh"] * 4, loss=1e-5, first_loss=0.7, min_loss=1e-5)
    assert h.verdict == "healthy"


def test_vanishing_needs_three_layers():
    h, _ = run([1e-7, 1.0], ["sigmoid", "sigmoid"])
    assert h.verdict == "healthy"


def test_dead():
    h, per_layer = run([0.3, 0.2, 0.1, 0.1], RELU4, dead=[0.0, 0.75, 0.6, NAN])
    assert h.verdict == "dead"
    assert h.layers == (2, 3)
    assert h.message.startswith("Dead ReLUs: 75% of layer 2's units output 0 for every example")
    assert "(also layer 3)" in h.message and "leaky ReLU" in h.message
    assert per_layer == ("healthy", "dead", "dead", "healthy")


def test_dead_output_layer_is_not_counted():
    h, _ = run([0.3, 0.2, 0.1], ["relu", "relu", "relu"], dead=[0.0, 0.0, 1.0])
    assert h.verdict == "healthy"


def test_saturated():
    h, per_layer = run(
        [0.3, 0.2, 0.1, 0.1], ["tanh", "tanh", "tanh", "sigmoid"], sat=[0.2, 0.7, 0.55, 1.0]
    )
    assert h.verdict == "saturated"
    assert h.layers == (2, 3)
    assert "70% of layer 2's tanh units sit at their limits" in h.message
    assert per_layer == ("healthy", "saturated", "saturated", "healthy")  # output not counted


def test_order_exploding_before_vanishing_before_dead_before_saturated():
    acts = ["relu", "tanh", "relu", "tanh", "sigmoid"]
    dead = [0.0, NAN, 0.8, NAN, NAN]
    sat = [NAN, 0.9, NAN, 0.0, 0.0]
    # dead and saturated: dead first
    h, _ = run([0.3, 0.2, 0.2, 0.1, 0.1], acts, dead=dead, sat=sat)
    assert (h.verdict, h.others) == ("dead", ("saturated",))
    # plus vanishing (a ratio, no exact zeros): vanishing first
    h, _ = run([1e-6, 1e-4, 1e-3, 1e-2, 1e-1], acts, dead=dead, sat=sat)
    assert (h.verdict, h.others) == ("vanishing", ("dead", "saturated"))
    # plus exploding: exploding first
    h, _ = run([1e4, 1e-4, 1e-3, 1e-2, 1e-1], acts, dead=dead, sat=sat)
    assert h.verdict == "exploding"
    assert set(h.others) == {"dead", "saturated"}


def test_a_completely_dead_layer_is_reported_as_dead_not_vanishing():
    h, per_layer = run([0.0, 0.0, 0.0, 0.2], RELU4, dead=[0.1, 0.3, 1.0, NAN])
    assert h.verdict == "dead"
    assert (
        "every unit of layer 3 outputs 0 for every example, so layers 1–3 receive no gradient"
        in h.message
    )
    assert "vanishing" in h.others
    assert per_layer[:3] == ("dead", "dead", "dead") or per_layer[2] == "dead"


def test_exact_zero_gradients_with_dead_units_count_as_dead():
    """A gradient that is exactly 0 in part of the window (dead units block every path)."""
    G, loss, D, S = window([1e-3, 1e-3, 1e-3, 0.2], dead=[0.4, 0.6, 0.8, NAN])
    G[::2, :3] = 0.0  # half of the rows: no gradient at all below layer 4
    h, _ = assess(G, loss, D, S, RELU4, 0.7, 0.6)
    assert h.verdict == "dead"


def test_one_noisy_row_does_not_flip_the_verdict():
    G, loss, D, S = window([0.3, 0.2, 0.1, 0.1], noise=0.1)
    G[-1] = [1e-9, 1e-9, 1e-9, 1.0]  # one freak row
    h, _ = assess(G, loss, D, S, RELU4, 0.7, 0.6)
    assert h.verdict == "healthy"


def test_thresholds_are_configurable_and_described():
    g = [1e-2, 1e-1, 0.5, 1.0]
    assert run(g, ["tanh"] * 4)[0].verdict == "healthy"
    strict = Thresholds(vanish_ratio=0.05)
    assert run(g, ["tanh"] * 4, t=strict)[0].verdict == "vanishing"
    text = DEFAULT_THRESHOLDS.describe()
    for part in ("1000", "0.001", "50%", "100×", "20 recorded steps"):
        assert part in text


def test_superscript_power():
    assert superscript_power(3e-6) == "10⁻⁵" or superscript_power(3e-6) == "10⁻⁶"
    assert superscript_power(1e-6) == "10⁻⁶"
    assert superscript_power(2e3) == "10³"


SIG_NORMAL = {"scheme": "normal", "std": 0.5, "scale": 1.0, "bias": 0.0}
RELU5 = ["relu"] * 4 + ["sigmoid"]


def test_vanishing_advice_fits_the_activations():
    g = [10.0 ** (-6 + 5 * l / 9) for l in range(10)]
    h, _ = run(g, SIG10, init=SIG_NORMAL)
    assert "Try ReLU/leaky ReLU units with He initialization" in h.advice
    assert h.message.endswith(h.advice)
    # a ReLU net with He initialization is not told to try ReLU or He
    h, _ = run([1e-6, 1e-4, 1e-3, 1e-2, 1e-1], RELU5, init={"scheme": "he_normal"})
    assert h.verdict == "vanishing"
    assert "ReLU/leaky" not in h.advice and "He initialization" not in h.advice
    assert "fewer layers" in h.advice
    # a ReLU net with a too small init is told to use He (and without an init, not told ReLU)
    assert "Use He initialization" in advice("vanishing", RELU5, {"scheme": "normal", "std": 0.01})
    assert "ReLU/leaky" not in advice("vanishing", RELU5)
    assert "init scale back to 1 (now ×0.1)" in advice(
        "vanishing", RELU5, {"scheme": "he_normal", "scale": 0.1}
    )


def test_saturated_advice_fits_the_init():
    sat = [0.2, 0.7, 0.55, 1.0]
    acts = ["sigmoid"] * 4
    h, _ = run([0.3, 0.2, 0.1, 0.1], acts, sat=sat, init={"scheme": "normal", "std": 10.0})
    assert h.verdict == "saturated" and "Use Xavier initialization" in h.advice
    # already Xavier: the weights grew while training; Xavier is no news
    h, _ = run([0.3, 0.2, 0.1, 0.1], acts, sat=sat, init={"scheme": "xavier_normal"})
    assert "Xavier" not in h.advice and "learning rate" in h.advice
    assert "init scale back to 1 (now ×3)" in advice(
        "saturated", acts, {"scheme": "xavier_uniform", "scale": 3.0}
    )
    assert "He's is √2× larger" in advice("saturated", acts, "he_normal")
    assert advice("saturated", acts) == ADVICE["saturated"]  # init unknown: the general advice


def test_other_advice():
    assert "set the init scale back to 1 (now ×3)" in advice(
        "exploding", ["linear"] * 8 + ["sigmoid"], {"scheme": "he_normal", "scale": 3.0}
    )
    assert "random initialization" in advice("vanishing", SIG10, {"scheme": "zeros"})
    leaky = ["leaky_relu"] * 3 + ["sigmoid"]
    assert "leaky ReLU" not in advice("dead", leaky, {"scheme": "he_normal"})
    assert "leaky ReLU" in advice("dead", RELU4, {"scheme": "he_normal"})
    for verdict in ("exploding", "vanishing", "dead", "saturated"):
        assert advice(verdict, SIG10).endswith(".")

"""Health of a training run: healthy, vanishing, exploding, dead or saturated (MATH.md).

Verdicts use the median over a short window of recorded steps (``window``), so one noisy step does
not flip the banner. Checked in this order; the first that holds is the verdict, the others that
hold are listed:

1. ``nan``: NaN/Inf in any z, a, δ, gradient or weight (found by the trainer within the step).
2. ``exploding``: some ‖∂J/∂W^[l]‖ > ``explode_norm`` (1e3), or ‖dW^[1]‖ / ‖dW^[L]‖ >
   ``explode_ratio`` (1e3), or the batch loss grew ``loss_growth`` (100×) over its lowest value.
3. ``vanishing`` (L ≥ 3): ‖dW^[1]‖ / ‖dW^[L]‖ < ``vanish_ratio`` (1e-3), or some ‖dW^[l]‖ <
   ``vanish_norm`` (1e-8) while the loss is still far from its minimum (above ``loss_floor`` and
   above ``far_fraction`` (5%) of the first recorded loss).
4. ``dead``: more than ``dead_fraction`` (50%) of a hidden ReLU-family layer's units dead.
5. ``saturated``: more than ``saturated_fraction`` (50%) of a hidden sigmoid/tanh layer's units
   saturated (the output layer is left out: a confident classifier saturates its outputs).
6. ``healthy``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.engine.names import RELU_FAMILY, SATURATING
from playground.training.snapshot import Divergence, Health


@dataclass(frozen=True)
class Thresholds:
    """The documented defaults of the health verdicts (shown in tooltips and the README)."""

    window: int = 20
    min_records: int = 5
    explode_norm: float = 1e3
    explode_ratio: float = 1e3
    loss_growth: float = 100.0
    vanish_ratio: float = 1e-3
    vanish_norm: float = 1e-8
    loss_floor: float = 1e-3
    far_fraction: float = 0.05
    dead_fraction: float = 0.5
    saturated_fraction: float = 0.5

    def describe(self) -> str:
        """The thresholds in one paragraph (tooltips)."""
        return (
            f"Medians over the last {self.window} recorded steps. Exploding: a layer's ‖∂J/∂W‖ > "
            f"{self.explode_norm:g}, or ‖dW¹‖/‖dWᴸ‖ > {self.explode_ratio:g}, or the loss grew "
            f"{self.loss_growth:g}× over its minimum. Vanishing (3+ layers): ‖dW¹‖/‖dWᴸ‖ < "
            f"{self.vanish_ratio:g}, or a layer's ‖∂J/∂W‖ < {self.vanish_norm:g} while the loss is "
            f"far from its minimum. Dead: > {self.dead_fraction:.0%} of a ReLU layer's units never "
            f"active on the batch. Saturated: > {self.saturated_fraction:.0%} of a sigmoid/tanh "
            f"layer's units stuck near their limits for ≥ 90% of the batch."
        )


DEFAULT_THRESHOLDS = Thresholds()

ADVICE = {
    "nan": "Press Reset; lower the learning rate or the init scale, or add regularization.",
    "exploding": "Lower the learning rate or the init scale (try Xavier/He), or add L2.",
    "vanishing": "Try ReLU/leaky ReLU, or Xavier/He initialization, or fewer layers.",
    "dead": "Lower the learning rate, use leaky ReLU, or start biases slightly positive.",
    "saturated": "Use Xavier initialization or a smaller init scale, or ReLU units.",
    "healthy": "",
}


def superscript_power(x: float) -> str:
    """10 to the nearest integer power of x, as text: 3e-6 → "10⁻⁶" (for banners)."""
    if not (x > 0 and math.isfinite(x)):
        return str(x)
    p = round(math.log10(x))
    sup = str(p).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"10{sup}"


def assess(
    grad_norm: np.ndarray,
    batch_loss: np.ndarray,
    dead: np.ndarray,
    saturated: np.ndarray,
    activations: list[str],
    first_loss: float,
    min_loss: float,
    divergence: Divergence | None = None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[Health, tuple[str, ...]]:
    """Verdict for the whole net and per layer from the last recorded rows.

    ``grad_norm``, ``dead``, ``saturated``: (k, L) rows of the window; ``batch_loss``: (k,);
    ``first_loss``/``min_loss``: first and lowest window-median loss of the run.
    Returns (Health, per-layer verdicts).
    """
    L = len(activations)
    if divergence is not None:
        verdicts = tuple("nan" if l == divergence.layer else "healthy" for l in range(1, L + 1))
        return Health("nan", f"⚠ {divergence.message()}.", (divergence.layer,),
                      advice=ADVICE["nan"]), verdicts
    if grad_norm.shape[0] < t.min_records:
        return Health("warming up", "Collecting statistics…"), ("healthy",) * L
    g = np.median(grad_norm[-t.window :], axis=0)
    loss = float(np.median(batch_loss[-t.window :]))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(g[0] / g[-1]) if L >= 2 else float("nan")
    per_layer = ["healthy"] * L
    found: dict[str, tuple[tuple[int, ...], str]] = {}

    # 2. exploding
    big = [l + 1 for l in range(L) if g[l] > t.explode_norm]
    grew = math.isfinite(min_loss) and min_loss > 0 and loss > t.loss_growth * min_loss
    if big or (L >= 2 and ratio > t.explode_ratio) or grew:
        layers = tuple(big) or (1,)
        for l in layers:
            per_layer[l - 1] = "exploding"
        if big:
            why = f"‖∂J/∂W‖ of layer {big[0]} is {g[big[0] - 1]:.3g}"
        elif L >= 2 and ratio > t.explode_ratio:
            why = f"layer 1 receives {superscript_power(ratio)}× layer {L}'s gradient"
        else:
            why = f"the loss grew {loss / min_loss:.0f}× over its minimum"
        found["exploding"] = (layers, f"Exploding gradients: {why}.")

    # 3. vanishing
    far = loss > max(t.loss_floor, t.far_fraction * first_loss) if math.isfinite(first_loss) else True
    tiny = [l + 1 for l in range(L) if g[l] < t.vanish_norm] if far else []
    if L >= 3 and ((ratio < t.vanish_ratio) or tiny):
        cutoff = g[-1] * math.sqrt(t.vanish_ratio)
        layers = tuple(l + 1 for l in range(L - 1) if g[l] < cutoff or g[l] < t.vanish_norm)
        layers = layers or tuple(tiny) or (1,)
        for l in layers:
            if per_layer[l - 1] == "healthy":
                per_layer[l - 1] = "vanishing"
        why = (f"layer 1 receives {superscript_power(ratio)} of layer {L}'s gradient"
               if ratio < t.vanish_ratio else f"‖∂J/∂W‖ of layer {tiny[0]} is below {t.vanish_norm:g}")
        found["vanishing"] = (layers, f"Vanishing gradients: {why}")

    # 4. dead and 5. saturated
    d = np.median(dead[-t.window :], axis=0) if dead.size else np.full(L, np.nan)
    s = np.median(saturated[-t.window :], axis=0) if saturated.size else np.full(L, np.nan)
    # hidden layers only: a confident classifier's output units are meant to saturate
    dead_layers = tuple(l + 1 for l in range(L - 1)
                        if activations[l] in RELU_FAMILY and d[l] > t.dead_fraction)
    sat_layers = tuple(l + 1 for l in range(L - 1)
                       if activations[l] in SATURATING and s[l] > t.saturated_fraction)
    for l in dead_layers:
        if per_layer[l - 1] == "healthy":
            per_layer[l - 1] = "dead"
    for l in sat_layers:
        if per_layer[l - 1] == "healthy":
            per_layer[l - 1] = "saturated"
    if dead_layers:
        worst = max(dead_layers, key=lambda l: d[l - 1])
        found["dead"] = (dead_layers, f"Dead ReLUs: {d[worst - 1]:.0%} of layer {worst}'s units "
                                      "output 0 for every example, so they pass no gradient.")
    if sat_layers:
        worst = max(sat_layers, key=lambda l: s[l - 1])
        found["saturated"] = (sat_layers, f"Saturated units: {s[worst - 1]:.0%} of layer {worst}'s "
                                          f"{activations[worst - 1]} units sit at their limits, "
                                          "where g′ ≈ 0.")

    order = [v for v in ("exploding", "vanishing", "dead", "saturated") if v in found]
    if not order:
        msg = "Healthy: gradients reach every layer."
        if L >= 2 and math.isfinite(ratio):
            msg += f" ‖dW¹‖/‖dWᴸ‖ ≈ {ratio:.2g}."
        return Health("healthy", msg, ratio=ratio), tuple(per_layer)
    verdict = order[0]
    layers, message = found[verdict]
    if verdict == "vanishing" and "saturated" in found:
        layer = found["saturated"][0][0]
        message += (f" — {activations[layer - 1]} units are saturated "
                    f"({s[layer - 1]:.0%} in layer {layer}).")
    elif verdict == "vanishing":
        message += "."
    message = f"{message} {ADVICE[verdict]}"
    return Health(verdict, message, layers, tuple(order[1:]), ratio, ADVICE[verdict]), tuple(per_layer)

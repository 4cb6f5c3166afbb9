"""Health of a training run: healthy, vanishing, exploding, dead or saturated (MATH.md).

This module is the single source of the verdicts and of the plain-language banner messages (the
GUI's ``health_label`` shows ``Health.message``). Verdicts use the median over a short window of
recorded steps (``window`` = 20 rows; rows are recorded every ``Trainer.stride``-th step), so one
noisy step does not flip the banner. Checked in this order; the first that holds is the verdict,
the others that hold are listed in ``Health.others``:

1. ``nan``: NaN/Inf in any z, a, δ, gradient or weight (found by the trainer within the step);
   training stops, the message names the layer, the quantity and the step.
2. ``exploding``: some ‖∂J/∂W^[l]‖ > ``explode_norm`` (1e3), or ‖dW^[1]‖ / ‖dW^[L]‖ >
   ``explode_ratio`` (1e3), or the batch loss grew ``loss_growth`` (100×) over its lowest value.
   Judged from the first recorded row on (``min_records`` does not apply): a deep net with
   oversized weights can reach NaN within a few dozen steps, and the alarm must come first.
3. ``vanishing`` (L ≥ 3): ‖dW^[1]‖ / ‖dW^[L]‖ < ``vanish_ratio`` (1e-3), or some ‖dW^[l]‖ <
   ``vanish_norm`` (1e-8) while the loss is still far from its minimum (above ``loss_floor`` and
   above ``far_fraction`` (5%) of the first recorded loss). The message gives the ratio as a power
   of ten and its likely cause (saturated units, sigmoid's slope ≤ ¼, or small weights).
4. ``dead``: more than ``dead_fraction`` (50%) of a hidden ReLU-family layer's units dead.
5. ``saturated``: more than ``saturated_fraction`` (50%) of a hidden sigmoid/tanh layer's units
   saturated (the output layer is left out: a confident classifier saturates its outputs).
6. ``healthy``.

Before ``min_records`` (5) rows are recorded the verdict is ``warming up`` (unless exploding).

One refinement of the order (documented in ``docs/health.md``): when a hidden ReLU layer is
*completely* dead (every unit outputs 0 for every example of the batch), the gradient of every
layer below it is exactly 0. That is not a gradient fading away but being cut, so ``dead`` comes
before ``vanishing`` then, and the message says which layer cut the flow. The same holds when
some layer's gradient is exactly 0 (in at least a quarter of the window) while ReLU layers are
dead: dead units block every path.
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
            f"layer's units stuck near their limits for ≥ 90% of the batch. Checked in this "
            f"order after {self.min_records} recorded steps (exploding at once); a completely "
            f"dead ReLU layer is reported as dead, not vanishing."
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

    ``grad_norm``, ``dead``, ``saturated``: (k, L) rows of the window (``dead``/``saturated`` NaN
    for layers they do not apply to); ``batch_loss``: (k,); ``activations``: the L activation
    names; ``first_loss``/``min_loss``: first and lowest window-median loss of the run.
    Returns (Health, per-layer verdicts).
    """
    L = len(activations)
    if divergence is not None:
        verdicts = tuple("nan" if l == divergence.layer else "healthy" for l in range(1, L + 1))
        return Health(
            "nan",
            f"⚠ {divergence.message()}. {ADVICE['nan']}",
            (divergence.layer,),
            advice=ADVICE["nan"],
        ), verdicts
    k = grad_norm.shape[0]
    if k == 0:
        return Health("warming up", "Collecting statistics…"), ("healthy",) * L
    with np.errstate(all="ignore"):
        g = np.median(grad_norm[-t.window :], axis=0)
        loss = float(np.median(batch_loss[-t.window :])) if len(batch_loss) else math.nan
        ratio = float(g[0] / g[-1]) if L >= 2 else float("nan")
    per_layer = ["healthy"] * L
    found: dict[str, tuple[tuple[int, ...], str]] = {}

    # 2. exploding (from the first row on)
    big = [l + 1 for l in range(L) if g[l] > t.explode_norm]
    grew = (
        math.isfinite(min_loss)
        and min_loss > 0
        and math.isfinite(loss)
        and loss > t.loss_growth * min_loss
    )
    if big or (L >= 2 and ratio > t.explode_ratio) or grew:
        layers = tuple(big) or (1,)
        for l in layers:
            per_layer[l - 1] = "exploding"
        if big:
            top = max(big, key=lambda l: g[l - 1])
            why = f"‖∂J/∂W‖ of layer {top} is {g[top - 1]:.2g} (above {t.explode_norm:g}"
            why += f" in layers {_span(big)})" if len(big) > 1 else ")"
        elif L >= 2 and ratio > t.explode_ratio:
            why = f"layer 1 receives {superscript_power(ratio)}× layer {L}'s gradient"
        else:
            why = f"the loss grew {loss / min_loss:.0f}× over its minimum"
        found["exploding"] = (
            layers,
            f"Exploding gradients: {why} — the error grows at every "
            "layer on its way back, so the updates overshoot.",
        )
    if k < t.min_records and not found:
        return Health("warming up", "Collecting statistics…", ratio=ratio), ("healthy",) * L

    # 4. dead and 5. saturated (hidden layers only: a confident classifier's output units are
    # meant to saturate)
    with np.errstate(all="ignore"):
        d = np.median(dead[-t.window :], axis=0) if dead.size else np.full(L, np.nan)
        s = np.median(saturated[-t.window :], axis=0) if saturated.size else np.full(L, np.nan)
    dead_layers = tuple(
        l + 1 for l in range(L - 1) if activations[l] in RELU_FAMILY and d[l] > t.dead_fraction
    )
    sat_layers = tuple(
        l + 1 for l in range(L - 1) if activations[l] in SATURATING and s[l] > t.saturated_fraction
    )
    #: completely dead layers cut the gradient of every layer below them; a gradient that is
    #: exactly 0 (in at least a quarter of the window's rows) while ReLU layers are dead was cut
    #: the same way, by dead units on every path
    cut = tuple(l for l in dead_layers if d[l - 1] >= 1.0)
    zero_rows = (grad_norm[-t.window :, :-1] == 0.0).any(axis=1) if L >= 2 else np.zeros(0)
    zero_cut = bool(dead_layers) and zero_rows.size > 0 and zero_rows.mean() >= 0.25
    if dead_layers:
        if cut:
            top = max(cut)
            reach = "layer 1 receives" if top == 1 else f"layers 1–{top} receive"
            msg = (
                f"Dead ReLUs: every unit of layer {top} outputs 0 for every example, so "
                f"{reach} no gradient at all."
            )
        else:
            worst = max(dead_layers, key=lambda l: d[l - 1])
            msg = (
                f"Dead ReLUs: {d[worst - 1]:.0%} of layer {worst}'s units output 0 for every "
                "example, so they pass no gradient"
            )
            others = [l for l in dead_layers if l != worst]
            msg += (
                f" (also layer{'s' if len(others) > 1 else ''} {_list(others)})." if others else "."
            )
        found["dead"] = (dead_layers, msg)
    if sat_layers:
        worst = max(sat_layers, key=lambda l: s[l - 1])
        msg = (
            f"Saturated units: {s[worst - 1]:.0%} of layer {worst}'s {activations[worst - 1]} "
            "units sit at their limits, where g′ ≈ 0, so they barely learn"
        )
        others = [l for l in sat_layers if l != worst]
        msg += f" (also layer{'s' if len(others) > 1 else ''} {_list(others)})." if others else "."
        found["saturated"] = (sat_layers, msg)

    # 3. vanishing
    far = (
        loss > max(t.loss_floor, t.far_fraction * first_loss)
        if math.isfinite(first_loss) and math.isfinite(loss)
        else True
    )
    tiny = [l + 1 for l in range(L) if g[l] < t.vanish_norm] if far else []
    if L >= 3 and ((ratio < t.vanish_ratio) or tiny):
        cutoff = g[-1] * math.sqrt(t.vanish_ratio)
        layers = tuple(l + 1 for l in range(L - 1) if g[l] < cutoff or g[l] < t.vanish_norm)
        layers = layers or tuple(tiny) or (1,)
        if ratio == 0.0:
            why = "layer 1 receives no gradient at all"
        elif ratio < t.vanish_ratio:
            why = f"layer 1 receives {superscript_power(ratio)} of layer {L}'s gradient"
        else:
            why = f"‖∂J/∂W‖ of layer {tiny[0]} is below {t.vanish_norm:g}"
        cause = (
            " — the error does not get back past some layer (zero weights or dead units)"
            if ratio == 0.0
            else _vanishing_cause(activations, sat_layers, s)
        )
        found["vanishing"] = (layers, f"Vanishing gradients: {why}{cause}.")

    order = [v for v in ("exploding", "vanishing", "dead", "saturated") if v in found]
    if (cut or zero_cut) and "vanishing" in order and "exploding" not in order:
        order.remove("dead")
        order.insert(0, "dead")
    for v in reversed(order):  # the first verdict wins a layer
        for l in found[v][0]:
            per_layer[l - 1] = v
    if not order:
        msg = "Healthy: gradients reach every layer"
        if L >= 2 and math.isfinite(ratio) and ratio > 0:
            msg += f" (‖∂J/∂W‖ of layer 1 is {_ratio_text(ratio)} that of layer {L})"
        msg += "."
        return Health("healthy", msg, ratio=ratio), tuple(per_layer)
    verdict = order[0]
    layers, message = found[verdict]
    message = f"{message} {ADVICE[verdict]}"
    return Health(verdict, message, layers, tuple(order[1:]), ratio, ADVICE[verdict]), tuple(
        per_layer
    )


def _vanishing_cause(activations: list[str], sat_layers: tuple[int, ...], s: np.ndarray) -> str:
    """ " — why": saturated units, sigmoid's slope ≤ ¼, or small weights."""
    hidden = activations[:-1]
    if sat_layers:
        worst = max(sat_layers, key=lambda l: s[l - 1])
        return (
            f" — {activations[worst - 1]} units are saturated ({s[worst - 1]:.0%} in layer {worst})"
        )
    if hidden and sum(a == "sigmoid" for a in hidden) * 2 > len(hidden):
        return " — sigmoid's slope is at most ¼, so δ shrinks at every layer on its way back"
    return " — the error shrinks at every layer on its way back (small weights or slopes)"


def _ratio_text(r: float) -> str:
    return f"{r:.2g}×" if 0.01 <= r < 100 else f"{superscript_power(r)}×"


def _list(layers: list[int]) -> str:
    return ", ".join(map(str, layers))


def _span(layers: list[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5"."""
    out, run = [], [layers[0]]
    for l in layers[1:]:
        if l == run[-1] + 1:
            run.append(l)
        else:
            out.append(run)
            run = [l]
    out.append(run)
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else _list(r) for r in out)

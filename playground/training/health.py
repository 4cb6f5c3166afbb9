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
   The layers named (and highlighted) are the big ones, or by ratio those more than
   √``explode_ratio`` × the output layer's; none when only the loss grew.
3. ``vanishing`` (L ≥ 3): ‖dW^[1]‖ / ‖dW^[L]‖ < ``vanish_ratio`` (1e-3), or some ‖dW^[l]‖ <
   ``vanish_norm`` (1e-8) while the loss is still far from its minimum (above ``loss_floor`` and
   above ``far_fraction`` (5%) of the first recorded loss). The message gives the ratio as a power
   of ten and its likely cause (saturated units, sigmoid's slope ≤ ¼, or small weights).
4. ``dead``: more than ``dead_fraction`` (50%) of a hidden ReLU-family layer's units dead.
5. ``saturated``: more than ``saturated_fraction`` (50%) of a hidden sigmoid/tanh layer's units
   saturated (the output layer is left out: a confident classifier saturates its outputs).
6. ``healthy``.

Before ``min_records`` (5) rows are recorded the verdict is ``warming up`` (unless exploding).

Numbers read as powers of ten with superscripts ("about 10⁵", "below 10⁻⁸"). The advice after
the message (``advice``) fits the hidden activations and, when ``assess`` gets the experiment's
``model.init``, the initialization: a ReLU net is not told to try ReLU, nor a Xavier init to use
Xavier.

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

#: the general advice per verdict (``advice`` tailors it to the network's activations and init)
ADVICE = {
    "nan": "Press Reset; lower the learning rate or the init scale, or add regularization.",
    "exploding": "Lower the learning rate or the init scale (try Xavier/He), or add L2.",
    "vanishing": "Try ReLU/leaky ReLU, or Xavier/He initialization, or fewer layers.",
    "dead": "Lower the learning rate, use leaky ReLU, or start biases slightly positive.",
    "saturated": "Use a smaller init scale (Xavier's suits sigmoid/tanh), or ReLU units.",
    "healthy": "",
}
#: init schemes that scale the weights to each layer's size
SCALED_INITS = ("xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "lecun_normal")


def advice(verdict: str, activations: list[str], init: dict | str | None = None) -> str:
    """The suggested fix for ``verdict``, tailored to the hidden activations and, when given, the
    init (the experiment's ``model.init`` dict or its scheme name): a ReLU net is not told to try
    ReLU, an init that is already Xavier is not told to use Xavier. Without ``init`` the advice
    about the initialization stays general."""
    spec = {"scheme": init} if isinstance(init, str) else dict(init or {})
    scheme = str(spec.get("scheme", ""))
    scale = float(spec.get("scale", 1.0))
    known = init is not None
    hidden = set(activations[:-1])
    relu_only = bool(hidden) and hidden <= set(RELU_FAMILY)
    he, xavier = scheme.startswith("he_"), scheme.startswith("xavier_")
    rescale = f"set the init scale back to 1 (now ×{scale:g})"
    if verdict in ("nan", "healthy") or (not known and verdict in ("exploding", "saturated")):
        return ADVICE.get(verdict, "")
    if scheme == "zeros" and verdict in ("vanishing", "dead", "saturated"):
        return (
            "Use a random initialization (He for ReLU, Xavier for sigmoid/tanh): zero weights "
            "send no error back."
        )
    if verdict == "exploding":
        fix = ["Lower the learning rate"]
        if scale > 1:
            fix.append(rescale)
        elif scheme not in SCALED_INITS:
            fix.append("use He initialization" if relu_only else "use Xavier/He initialization")
        return _either([*fix, "add L2"])
    if verdict == "saturated":
        if scale > 1:
            fix = [rescale.capitalize()]
        elif xavier or scheme == "lecun_normal":  # a good start: the weights grew in training
            fix = ["Lower the learning rate", "add L2 to keep the weights small"]
        elif he:
            fix = ["Use Xavier initialization (He's is √2× larger, made for ReLU)"]
        else:
            fix = ["Use Xavier initialization (it scales the weights to each layer's size)"]
        return _either([*fix, "use ReLU units"])
    if verdict == "vanishing":
        if relu_only:
            if known and scale < 1:
                fix = [rescale.capitalize()]
            elif not known:
                fix = ["Use He initialization (made for ReLU) if it is not in use"]
            elif not he:
                fix = ["Use He initialization (made for ReLU)"]
            else:  # already He at full scale
                fix = ["Use leaky ReLU units"] if "relu" in hidden else []
            return _either([*fix, "use fewer layers"] if fix else ["Use fewer layers"])
        fix = ["Try ReLU/leaky ReLU units with He initialization"]
        if "tanh" in hidden and known and xavier and scale < 1:
            fix.append(rescale)
        elif "tanh" in hidden and not xavier:
            fix.append("Xavier initialization (for tanh)")
        return _either([*fix, "fewer layers"])
    if verdict == "dead":
        fix = ["Lower the learning rate"]
        if "relu" in hidden:
            fix.append("use leaky ReLU")
        if float(spec.get("bias", 0.0)) <= 0:
            fix.append("start biases slightly positive")
        return _either(fix)
    return ADVICE.get(verdict, "")


def _either(parts: list[str]) -> str:
    """["Lower x", "add y", "use z"] → "Lower x, add y, or use z." """
    if len(parts) == 1:
        return parts[0] + "."
    return ", ".join(parts[:-1]) + ", or " + parts[-1] + "."


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
    *,
    init: dict | str | None = None,
) -> tuple[Health, tuple[str, ...]]:
    """Verdict for the whole net and per layer from the last recorded rows.

    ``grad_norm``, ``dead``, ``saturated``: (k, L) rows of the window (``dead``/``saturated`` NaN
    for layers they do not apply to); ``batch_loss``: (k,); ``activations``: the L activation
    names; ``first_loss``/``min_loss``: first and lowest window-median loss of the run; ``init``:
    the experiment's ``model.init`` (or its scheme name), which tailors the advice (``advice``).
    Returns (Health, per-layer verdicts).
    """
    L = len(activations)
    if divergence is not None:
        verdicts = tuple("nan" if l == divergence.layer else "healthy" for l in range(1, L + 1))
        fix = advice("nan", activations, init)
        return Health(
            "nan", f"⚠ {divergence.message()}. {fix}", (divergence.layer,), advice=fix
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
        # the layers the message names: the big ones, or those far above the output layer's
        # gradient; none when only the loss grew (no layer stands out)
        if big:
            layers = tuple(big)
            top = max(big, key=lambda l: g[l - 1])
            why = (
                f"‖∂J/∂W‖ of layer {top} is about {superscript_power(g[top - 1])} (above "
                f"{superscript_power(t.explode_norm)}"
            )
            why += f" in layers {_span(big)})" if len(big) > 1 else ")"
        elif L >= 2 and ratio > t.explode_ratio:
            cut = g[-1] * math.sqrt(t.explode_ratio)
            layers = tuple(l + 1 for l in range(L - 1) if g[l] > cut) or (1,)
            why = f"layer 1 receives {superscript_power(ratio)}× layer {L}'s gradient"
        else:
            layers = ()
            why = f"the loss grew {_ratio_text(loss / min_loss)} over its minimum"
        for l in layers:
            per_layer[l - 1] = "exploding"
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
            why = f"‖∂J/∂W‖ of layer {tiny[0]} is below {superscript_power(t.vanish_norm)}"
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
    fix = advice(verdict, activations, init)
    message = f"{message} {fix}"
    return Health(verdict, message, layers, tuple(order[1:]), ratio, fix), tuple(per_layer)


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
    """A factor in words: 3.2×, 160×; about 10⁵× beyond 10³ (10⁻²× below 0.01)."""
    if 0.01 <= r < 100:
        return f"{r:.2g}×"
    if 100 <= r < 1000:
        return f"{r:.0f}×"
    return f"about {superscript_power(r)}×" if r >= 1000 else f"{superscript_power(r)}×"


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

"""``PowerAxis``: a log axis over log10 values, labelled 10⁻⁶ … 1 … 10³, and 0.7, 0.8 … zoomed in.

The inside views draw log10 of their data on a linear view box (see ``common``); this axis labels
the integer ticks as powers of ten and, when fewer than ``FINE_SPAN`` decades are in view, round
values between them, so a loss curve sitting between 0.6 and 0.8 still has numbers on its axis.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

_SUPERSCRIPT = str.maketrans("-0123456789.", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹·")


def power_label(k: float) -> str:
    """10^k as text with a superscript exponent: -6 → "10⁻⁶"."""
    if k == 0:
        return "1"
    if k == 1:
        return "10"
    return "10" + (f"{k:g}").translate(_SUPERSCRIPT)


#: mantissas of the fine ticks within a decade, coarse to fine (axes spanning < ``FINE_SPAN``)
FINE_MANTISSAS = (
    (1, 2, 5),
    (1, 2, 3, 5),
    (1, 1.5, 2, 3, 4, 5, 7),
    (1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9),
)
#: below this many decades in view an axis labels values between the powers of ten
FINE_SPAN = 1.5


def plain_value(x: float, sig: int) -> str:
    """A tick label with ``sig`` significant digits: 0.7, 2, 150; 2·10⁻⁵ outside [10⁻³, 10⁴)."""
    if 1e-3 <= abs(x) < 1e4:
        return np.format_float_positional(x, precision=sig, fractional=False, trim="-")
    k = math.floor(math.log10(abs(x)))
    m = f"{x / 10.0**k:.{sig}g}"
    return f"{m}·{power_label(k)}" if m != "1" else power_label(k)


def fine_labels(values: list[float]) -> list[str]:
    """Labels of log10 tick values as plain numbers, with as few digits as keep them distinct and
    true to the tick (0.7, 0.75, 0.8 rather than 0.7000000001)."""
    xs = [10.0**v for v in values]
    for sig in range(1, 7):
        labels = [plain_value(x, sig) for x in xs]
        if len(set(labels)) == len(labels) and all(
            abs(float(f"{x:.{sig}g}") - x) <= 1e-6 * abs(x) for x in xs
        ):
            return labels
    return [plain_value(x, 6) for x in xs]


def fine_ticks(min_val: float, max_val: float, n_max: int) -> list[float]:
    """log10 of round numbers inside [min_val, max_val] (log10 units, powers of ten included):
    as many as fit in ``n_max`` of 1, 2, 5 per decade, then 1, 2, 3, 5 …; plain linear steps
    (0.68, 0.69, 0.70) when fewer than 3 of those fall in a narrow range."""
    best: list[float] = []
    for mantissas in FINE_MANTISSAS:
        ticks = [
            k + math.log10(m)
            for k in range(math.floor(min_val), math.ceil(max_val) + 1)
            for m in mantissas
            if min_val <= k + math.log10(m) <= max_val
        ]
        if len(ticks) > n_max:
            break
        best = ticks
    if len(best) >= 3:
        return best
    # a narrow range: round steps in value space (nearly even on the log axis at this zoom)
    lo, hi = 10.0**min_val, 10.0**max_val
    raw = (hi - lo) / max(2, min(n_max, 5) - 1)
    if not raw > 0:
        return best
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    values = np.arange(math.ceil(lo / step) * step, hi + step * 1e-9, step)
    values = values[values > 0]
    linear = [math.log10(v) for v in values]
    return linear if len(linear) > len(best) else best


class PowerAxis(pg.AxisItem):
    """An axis over log10 values that labels integer ticks as powers of ten (10⁻⁶, 10⁻³, 1, 10³).

    Zoomed in to less than ``FINE_SPAN`` decades it also labels round values between them (2, 5,
    then 0.7, 0.8 …), so a loss curve between 0.6 and 0.8 still has numbers on its axis.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)
        self._span = 10.0

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - Qt/pyqtgraph override
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal:
            return []
        span = maxVal - minVal
        self._span = span
        # major ticks every 1, 2, 3, 5 or 10 decades so labels do not crowd
        n_max = max(2, int(size / 28))
        step = next((s for s in (1, 2, 3, 5, 10, 20, 50) if span / s <= n_max), 100)
        start = math.ceil(minVal / step) * step
        major = [float(v) for v in np.arange(start, maxVal + 1e-9, step)]
        minor: list[float] = []
        if span < FINE_SPAN:
            minor = [v for v in fine_ticks(minVal, maxVal, n_max) if abs(v - round(v)) > 1e-9]
        elif step == 1 and span <= 4:  # 2× and 5× within each decade, unlabelled
            for k in range(math.floor(minVal), math.ceil(maxVal) + 1):
                for m in (2, 5):
                    v = k + math.log10(m)
                    if minVal <= v <= maxVal:
                        minor.append(v)
        return [(step, major), (0.5, minor)] if minor else [(step, major)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - Qt/pyqtgraph override
        values = list(values)
        fine = [v for v in values if abs(v - round(v)) >= 1e-6]
        labels = dict(zip(fine, fine_labels(fine), strict=True)) if self._span < FINE_SPAN else {}
        out = []
        for v in values:
            r = round(v)
            if abs(v - r) < 1e-6:
                out.append(power_label(r))
            else:  # between the powers of ten: labelled only when zoomed in
                out.append(labels.get(v, ""))
        return out

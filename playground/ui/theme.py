"""Colours shared by the network editor and the plots (TensorFlow Playground's palette).

Negative values are orange, positive blue, zero a light grey; classes get distinct calm colours.
Lookup tables are (256, 4) uint8 RGBA arrays for ``lut[index]`` colouring of whole images at once.
"""

from __future__ import annotations

import numpy as np

ORANGE = (245, 147, 34)
BLUE = (8, 119, 189)
NEUTRAL = (232, 234, 235)
INK = (60, 64, 67)  # text and outlines
MUTED = (128, 134, 139)
BACKGROUND = (255, 255, 255)
PANEL = (248, 249, 250)

#: class colours: class 0 orange and class 1 blue as in TF Playground, then further calm colours
CLASS_COLORS: tuple[tuple[int, int, int], ...] = (
    ORANGE,
    BLUE,
    (46, 160, 67),
    (171, 71, 188),
    (229, 57, 53),
    (0, 150, 136),
    (121, 85, 72),
    (96, 125, 139),
)


def class_color(c: int) -> tuple[int, int, int]:
    return CLASS_COLORS[c % len(CLASS_COLORS)]


def hex_color(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def diverging_lut(n: int = 256, alpha: int = 255) -> np.ndarray:
    """(n, 4) uint8: orange (index 0, value −1) → light grey (middle, 0) → blue (n−1, +1)."""
    t = np.linspace(-1.0, 1.0, n)[:, None]
    neg = np.array(NEUTRAL) + (np.array(ORANGE) - np.array(NEUTRAL)) * (-t).clip(0, 1)
    pos = np.array(NEUTRAL) + (np.array(BLUE) - np.array(NEUTRAL)) * t.clip(0, 1)
    rgb = np.where(t < 0, neg, pos)
    out = np.empty((n, 4), dtype=np.uint8)
    out[:, :3] = np.round(rgb).astype(np.uint8)
    out[:, 3] = alpha
    return out


#: the shared 256-entry diverging table
DIVERGING = diverging_lut()


def to_index(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map ``values`` linearly from [lo, hi] to lut indices 0..255 (NaN → middle)."""
    span = hi - lo if hi > lo else 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # huge values of a diverging run
        idx = (np.asarray(values, dtype=np.float64) - lo) * (255.0 / span)
    idx = np.nan_to_num(idx, nan=127.5, posinf=255.0, neginf=0.0)
    return np.clip(idx, 0, 255).astype(np.uint8)


def activation_range(name: str) -> tuple[float, float] | None:
    """The fixed colour range of a neuron map for activation ``name`` (None: symmetric, from the
    data)."""
    if name in ("sigmoid", "softmax", "step"):
        return (0.0, 1.0)
    if name in ("tanh", "sine"):
        return (-1.0, 1.0)
    return None

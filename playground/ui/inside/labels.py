"""Text that fits: titles chosen by the room they get, and a label that never widens its layout.

Docked views at the default window size (1280 × 800) get about 420 × 120–230 pixels; a title or a
summary written for a full-screen view would overlap its neighbours or push the dock wider. The
views give several variants, longest first, and show the longest that fits.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy

_TAGS = re.compile(r"<[^>]+>")
_BOLD = re.compile(r"(<b>.*?</b>)")
_METRICS: dict[tuple[float, bool], QFontMetrics] = {}


def _metrics(point_size: float, bold: bool) -> QFontMetrics:
    key = (point_size, bold)
    if key not in _METRICS:
        font = QFont()
        font.setPointSizeF(point_size)
        font.setBold(bold)
        _METRICS[key] = QFontMetrics(font)
    return _METRICS[key]


def text_width(html: str, point_size: float = 8.0) -> int:
    """Pixel width of the widest line of a title's HTML (``<br>`` breaks lines, ``<b>`` parts
    measured bold, other tags dropped)."""
    widest = 0
    for line in html.split("<br>"):
        width = 0
        for part in _BOLD.split(line):
            bold = part.startswith("<b>")
            plain = _TAGS.sub("", part).replace("&lt;", "<").replace("&gt;", ">")
            width += _metrics(point_size, bold).horizontalAdvance(plain)
        widest = max(widest, width)
    return widest


def fitting(variants: list[str], width: float, point_size: float = 8.0) -> str:
    """The first (longest) of ``variants`` whose text fits in ``width`` pixels, else the last
    ("" for none)."""
    if not variants:
        return ""
    for v in variants:
        if text_width(v, point_size) <= width:
            return v
    return variants[-1]


class FittingLabel(QLabel):
    """A one-line label that never widens its layout: it shows the longest of its variants that
    fits its width, elided with "…" when even the shortest does not; the full text is the
    tooltip."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._variants: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_variants(self, variants: list[str]) -> None:
        """Longest first; ``[]`` clears."""
        if variants == self._variants:
            return
        self._variants = list(variants)
        self.setToolTip(variants[0] if variants else "")
        self._fit()

    @property
    def full_text(self) -> str:
        return self._variants[0] if self._variants else ""

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self._variants:
            self.setText("")
            return
        metrics = self.fontMetrics()
        room = max(0, self.width() - 4)
        text = next((v for v in self._variants if metrics.horizontalAdvance(v) <= room), None)
        if text is None:
            text = metrics.elidedText(self._variants[-1], Qt.TextElideMode.ElideRight, room)
        if text != self.text():
            self.setText(text)

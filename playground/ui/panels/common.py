"""Small helpers shared by the panels: captioned controls, combos with values, signal blocking."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget


def combo(
    name: str, items: Iterable[tuple[str, str]], tooltip: str = "", min_chars: int = 0
) -> QComboBox:
    """A combo box named ``name`` whose items are (label for people, value in the file);
    ``min_chars`` > 0 lets it shrink to that many characters (long labels are elided)."""
    box = QComboBox()
    if min_chars:
        box.setMinimumContentsLength(min_chars)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setObjectName(name)
    for label, value in items:
        box.addItem(label, value)
    if tooltip:
        box.setToolTip(tooltip)
    return box


def select(box: QComboBox, value: object) -> None:
    """Select the item whose data is ``value`` (no-op when absent)."""
    i = box.findData(value)
    if i >= 0:
        box.setCurrentIndex(i)


def captioned(caption: str, *widgets: QWidget, tooltip: str = "") -> QWidget:
    """``widgets`` under a small grey caption (TF Playground's top-bar style)."""
    from PySide6.QtWidgets import QHBoxLayout

    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel(caption)
    label.setProperty("role", "caption")
    if tooltip:
        label.setToolTip(tooltip)
    layout.addWidget(label)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for w in widgets:
        row.addWidget(w)
    layout.addLayout(row)
    return box


@contextmanager
def blocked(*widgets: QWidget) -> Iterator[None]:
    """Block the widgets' signals while syncing them to the model (no feedback loops)."""
    old = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, old, strict=True):
            w.blockSignals(was)

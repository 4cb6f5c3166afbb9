"""The health banner (``health_label``): the run's verdict in plain language, coloured by severity.

Fed by ``Snapshot.health`` (``playground.training.health``, the single source of the messages):
calm green while healthy, amber for dead or saturated units, red for vanishing or exploding
gradients and NaN/Inf. The tooltip lists the thresholds (``Thresholds.describe()``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from playground.training import DEFAULT_THRESHOLDS, Health, Snapshot, Thresholds

#: verdict → severity ("ok", "warn", "alarm", "idle")
SEVERITY = {
    "healthy": "ok",
    "dead": "warn",
    "saturated": "warn",
    "vanishing": "alarm",
    "exploding": "alarm",
    "nan": "alarm",
    "warming up": "idle",
}
#: severity → (text colour, background, border)
COLOURS = {
    "ok": ("#1b5e20", "#e8f5e9", "#81c784"),
    "warn": ("#6d4c00", "#fff4d6", "#f0b429"),
    "alarm": ("#8e0000", "#ffe5e5", "#e53935"),
    "idle": ("#37474f", "#eceff1", "#b0bec5"),
}
#: verdict → short name used when listing the other verdicts that hold
NAMES = {
    "exploding": "exploding gradients",
    "vanishing": "vanishing gradients",
    "dead": "dead ReLUs",
    "saturated": "saturated units",
    "nan": "NaN/Inf",
}


def severity(verdict: str) -> str:
    return SEVERITY.get(verdict, "warn")


def banner_text(health: Health) -> str:
    """The banner line: the message, then the other verdicts that also hold."""
    text = health.message
    if health.others:
        text += "  Also: " + ", ".join(NAMES.get(v, v) for v in health.others) + "."
    return text


#: the dynamic property the banner's style sheet selects on, so that a banner keeps its colours
#: under any ``objectName`` (the Compare window names its banners ``compare_health_k``)
STYLE_PROPERTY = "healthBanner"


class HealthBanner(QLabel):
    """``health_label``: word-wrapped, always visible, colour by verdict.

    The colours come from a style sheet that selects on the dynamic property ``healthBanner``
    (not on the ``objectName``), so a renamed banner is coloured the same way.
    """

    def __init__(
        self, parent: QWidget | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("health_label")
        self.setProperty(STYLE_PROPERTY, True)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setToolTip("Health of the training run. " + thresholds.describe())
        self.verdict = ""
        self._severity = ""
        self.show_health(Health("warming up", "Press play to start training."))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.show_health(snapshot.health)

    def show_health(self, health: Health) -> None:
        text = banner_text(health)
        if text != self.text():
            self.setText(text)
        self.verdict = health.verdict
        sev = severity(health.verdict)
        if sev != self._severity:
            self._severity = sev
            fg, bg, border = COLOURS[sev]
            self.setProperty("severity", sev)
            self.setStyleSheet(
                f'QLabel[{STYLE_PROPERTY}="true"] {{ color: {fg}; background: {bg}; '
                f"border: 1px solid {border}; border-radius: 4px; padding: 6px 10px; "
                f"font-weight: 600; }}"
            )

    @property
    def colour(self) -> str:
        """The current text colour (``#rrggbb``), for tests and exports."""
        return COLOURS[self._severity][0]

    def clear(self) -> None:  # type: ignore[override]
        self.show_health(Health("warming up", "Press play to start training."))

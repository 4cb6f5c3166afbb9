"""What an experiment is about: its name and description in a bar under the health banner.

Presets say what to watch ("press play and watch the gradient plot: …"); the status bar cuts such
texts off and forgets them. The bar shows the beginning of the text on up to two lines with
"More" for the whole of it, until the user closes it (×) or another experiment replaces it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

#: lines of text shown before "More"
COLLAPSED_LINES = 2


class DescriptionBar(QFrame):
    """``description_bar``: the experiment's name and description, collapsible and closable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("description_bar")
        self._name = ""
        self._text = ""
        self._expanded = False
        self.text_label = QLabel()
        self.text_label.setObjectName("description_label")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.more_button = QToolButton(text="More")
        self.more_button.setObjectName("description_more_button")
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(self._toggle)
        self.close_button = QToolButton(text="×")
        self.close_button.setObjectName("description_close_button")
        self.close_button.setToolTip("Hide the description")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 3, 4, 3)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def expanded(self) -> bool:
        return self._expanded

    def show_description(self, name: str | None, description: str | None) -> None:
        """Show ``name — description``, collapsed (hidden when there is no description)."""
        self._name, self._text = name or "", description or ""
        self._expanded = False
        if not self._text:
            self.text_label.clear()
            self.hide()
            return
        self._render()
        self.show()

    def full_text(self) -> str:
        """The whole text as shown when expanded (plain)."""
        return f"{self._name} — {self._text}" if self._name else self._text

    def _toggle(self) -> None:
        self._expanded = not self._expanded
        self._render()

    def _render(self) -> None:
        head = f"<b>{html.escape(self._name)}</b> — " if self._name else ""
        body = self._text
        fits = True
        if not self._expanded:
            metrics = self.text_label.fontMetrics()
            room = COLLAPSED_LINES * max(200, self.text_label.width()) - 40
            room -= metrics.horizontalAdvance(self._name + " — ") if self._name else 0
            body = metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, room)
            fits = body == self._text
        self.text_label.setText(head + html.escape(body))
        self.more_button.setVisible(self._expanded or not fits)
        self.more_button.setText("Less" if self._expanded else "More")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._text:
            self._render()

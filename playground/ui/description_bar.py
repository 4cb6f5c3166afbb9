"""What an experiment is about: its name and description in a bar under the health banner.

Presets say what to watch ("press play and watch layer 1's gradient fall behind…"); the status bar
cuts such texts off and forgets them. The bar shows the whole text, wrapped, until the user closes
it (×) or another experiment replaces it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class DescriptionBar(QFrame):
    """``description_bar``: the experiment's name and description, closable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("description_bar")
        self.text_label = QLabel()
        self.text_label.setObjectName("description_label")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.close_button = QToolButton(text="×")
        self.close_button.setObjectName("description_close_button")
        self.close_button.setToolTip("Hide the description")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_description(self, name: str | None, description: str | None) -> None:
        """Show ``name: description`` (hidden when there is no description)."""
        if not description:
            self.text_label.clear()
            self.hide()
            return
        head = f"<b>{html.escape(name)}</b> — " if name else ""
        self.text_label.setText(head + html.escape(description))
        self.show()

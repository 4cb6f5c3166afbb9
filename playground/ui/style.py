"""The window's look: a calm light palette, readable sizes, grey captions (Fusion style)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLESHEET = """
QMainWindow, QWidget#central { background: #f8f9fa; }
QToolBar { background: #ffffff; border: none; border-bottom: 1px solid #e1e4e8; spacing: 6px;
           padding: 4px 8px; }
QToolBar QToolButton { padding: 4px 10px; border-radius: 4px; font-weight: 600; }
QToolButton#play_button { background: #0877bd; color: white; min-width: 72px; }
QToolButton#play_button:hover { background: #0a6aa6; }
QWidget#hyperparameter_panel { background: #ffffff; border-bottom: 1px solid #e1e4e8; }
QLabel[role="caption"] { color: #6b7280; font-size: 8.5pt; }
QLabel[role="subtitle"] { color: #374151; font-weight: 600; margin-top: 4px; }
QLabel[role="columnTitle"] { color: #6b7280; font-size: 8.5pt; font-weight: 600; }
QLabel[role="note"] { color: #8a5300; background: #fff7e6; border: 1px solid #f5c26b;
                      border-radius: 4px; padding: 4px 6px; }
QFrame#description_bar { background: #eef4fb; border: 1px solid #c6dbef; border-radius: 4px; }
QLabel#description_label { color: #1f2937; }
QLabel#step_label { font-size: 11pt; font-weight: 600; color: #1f2937; padding: 0 8px; }
QLabel#rate_label { color: #6b7280; padding-right: 8px; }
QLabel#units_label { font-weight: 600; color: #1f2937; }
QGroupBox { background: #ffffff; border: 1px solid #e1e4e8; border-radius: 6px; margin-top: 14px;
            padding: 10px 8px 8px 8px; font-weight: 600; color: #374151; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QGroupBox QLabel, QGroupBox QCheckBox { font-weight: normal; }
QToolButton[round="true"] { min-width: 22px; max-width: 22px; min-height: 22px; max-height: 22px;
    border: 1px solid #cfd4da; border-radius: 11px; background: #ffffff; font-weight: 700; }
QToolButton[round="true"]:hover { background: #eef4fb; border-color: #0877bd; }
QToolButton[round="true"]:disabled { color: #c0c4c8; border-color: #e5e7eb; }
QWidget#network_panel { background: #ffffff; border: 1px solid #e1e4e8; border-radius: 6px; }
QDockWidget { font-weight: 600; color: #374151; }
QStatusBar { background: #ffffff; border-top: 1px solid #e1e4e8; color: #374151; }
QSplitter::handle { background: #f0f2f4; }
"""


def apply_palette(app: QApplication) -> None:
    """Fusion with a light palette (independent of the desktop's dark mode)."""
    app.setStyle("Fusion")
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#f8f9fa"))
    pal.setColor(QPalette.ColorRole.WindowText, QColor("#1f2937"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f3f4f6"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#1f2937"))
    pal.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor("#1f2937"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#0877bd"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor("#1f2937"))
    app.setPalette(pal)

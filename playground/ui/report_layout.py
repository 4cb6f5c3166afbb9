"""Plots laid out for a report: every exported figure has the same size whatever the window's.

A view docked in a 1280×800 window may be 350×200 pixels: exported as it is, its axis labels,
legends and titles are the first things dropped. :func:`report_layout` lifts a view out of its
dock or layout for the time of an export (a placeholder keeps its place), lays it out offscreen at
the report size of :func:`report_size` in *export mode* (``set_export_mode(True)`` where a view
has it: e.g. a legend inside the loss plot, axis titles on the boundary), and puts it back as it
was. ``playground train --plots`` renders its views at the same sizes, so the window's and the
command line's figures look alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

#: view objectName → (width, height) in pixels of its report figure (0 height: from the number of
#: layers, ``ROW_HEIGHT`` each, at least ``MIN_HEIGHT``); PNGs have ``PNG_SCALE`` × the pixels
REPORT_SIZES = {
    "boundary_plot": (520, 560),
    "loss_plot": (760, 440),
    "gradient_plot": (980, 460),
    "activation_plot": (900, 0),
    "error_plot": (900, 0),
    "weight_plot": (900, 0),
}
ROW_HEIGHT, MIN_HEIGHT = 170, 360
#: the size of a view with no entry in ``REPORT_SIZES``
DEFAULT_SIZE = (800, 500)


def report_size(name: str, n_layers: int) -> tuple[int, int]:
    """(width, height) of the report figure of the view called ``name`` for L = ``n_layers``."""
    width, height = REPORT_SIZES.get(name, DEFAULT_SIZE)
    return width, height or max(MIN_HEIGHT, ROW_HEIGHT * n_layers + 60)


def settle() -> None:
    """Let pending layout requests and resizes run (pyqtgraph lays out on resize events)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    app = QApplication.instance()
    if app is not None:
        app.processEvents()


def set_export_mode(view: QWidget, on: bool) -> None:
    """Call the view's ``set_export_mode`` when it has one."""
    hook = getattr(view, "set_export_mode", None)
    if callable(hook):
        hook(on)


@contextmanager
def report_layout(view: QWidget, size: tuple[int, int]) -> Iterator[QWidget]:
    """``view`` laid out at ``size`` (offscreen) and in export mode inside the block; afterwards
    back in its place at its size. A view in a container this does not know stays in place."""
    parent = view.parentWidget()
    window = view.window()
    # lifting a docked view lets the main window re-balance its docks: keep their sizes
    dock_state = window.saveState() if isinstance(window, QMainWindow) else None
    put_back = _lift(view, parent) if parent is not None else None
    old_size = view.size()
    lifted = put_back is not None
    if lifted:
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    if lifted or parent is None:
        view.resize(*size)
        view.show()
    set_export_mode(view, True)
    settle()
    try:
        yield view
    finally:
        set_export_mode(view, False)
        if put_back is not None:
            view.hide()
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
            put_back()
            view.show()
            if dock_state is not None:
                settle()
                window.restoreState(dock_state)
        elif parent is None:
            view.resize(old_size)
        settle()


def _lift(view: QWidget, parent: QWidget) -> Callable[[], None] | None:
    """Take ``view`` out of its dock widget or layout, a placeholder in its place; returns the
    function that puts it back (None: a container not handled here, the view stays)."""
    placeholder = QWidget()
    placeholder.setMinimumSize(view.size())
    if isinstance(parent, QDockWidget) and parent.widget() is view:
        parent.setWidget(placeholder)
        view.setParent(None)

        def put_back() -> None:
            parent.setWidget(view)
            placeholder.deleteLater()

        return put_back
    layout = parent.layout()
    if layout is not None and layout.indexOf(view) >= 0:
        layout.replaceWidget(view, placeholder)
        view.setParent(None)

        def put_back_in_layout() -> None:
            layout.replaceWidget(placeholder, view)
            placeholder.setParent(None)
            placeholder.deleteLater()

        return put_back_in_layout
    placeholder.deleteLater()
    return None

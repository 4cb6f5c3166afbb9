"""Plot files: a view to ``<objectName>.png``, ``.svg`` and ``.csv`` (DESIGN.md, ``export_plots``).

A view (``playground.ui.views``) offers ``export_target()`` — the pyqtgraph item to export, or
None — and ``table()`` — (header, rows), the data behind it. :func:`export_view` writes

* PNG with pyqtgraph's ``ImageExporter`` on the target (``QWidget.grab()`` when there is none);
* SVG with pyqtgraph's ``SVGExporter`` on the target (Qt's ``QSvgGenerator`` painting the widget
  when there is none);
* CSV of ``table()`` with the csv module (no CSV for a widget without ``table``),

laid out at the report size of ``report_layout`` (the same for every window size), each
atomically (``playground.io.atomic``): a temporary file renamed onto the target, so a failed export
leaves no half-written or temporary file.

SVG on Qt ≥ 6.11 (pyqtgraph issue #3495): pyqtgraph's exporter lets Qt's ``QSvgGenerator`` draw each
item, then rewrites every ``<path d="…">`` into scene coordinates in ``correctCoordinates``, reading
the path token by token as ``x,y`` with an optional command letter (``M0,0 L5,0``). Since Qt 6.11,
QtSvg closes subpaths with a bare ``Z`` token (``M0,0 L5,0 L5,5 Z``); ``x, y = c.split(',')`` then
raises ``ValueError`` and every SVG export fails. pyqtgraph fixed this in PR #3458 (not in a release
as of 0.14.0). :func:`install_svg_closepath_fix` wraps ``correctCoordinates`` in the module
``pyqtgraph.exporters.SVGExporter`` (which ``_generateItemSvg`` calls by that global name): before
the original runs, it takes the close-path tokens (``Z``/``z``) out of every ``<path d>`` of the
item's SVG fragment and remembers where they were; after it, it puts them back between the
transformed coordinates. Nothing else changes. It is installed only if a probe — the original
function run on a tiny closed path — raises ``ValueError``, so it is a no-op on a pyqtgraph that
handles ``Z`` itself (and on a Qt that does not emit it), and it is installed at most once.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import sys
import xml.dom.minidom as minidom
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers the exporters)
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from playground.io.atomic import atomic_write_bytes, atomic_write_text
from playground.ui.report_layout import report_layout, report_size

#: PNG pixels per view pixel (2 gives crisp figures in reports and on high-DPI screens)
PNG_SCALE = 2.0

_SVG_MODULE = "pyqtgraph.exporters.SVGExporter"
_CLOSE_TOKEN = re.compile(r"[Zz]|[^\sZz]+")


# --- the SVG close-path fix (pyqtgraph #3495) -----------------------------------------------------


def _with_closepaths_restored(correct_coordinates: Callable) -> Callable:
    """Wrap pyqtgraph's ``correctCoordinates(node, defs, item, options)`` so that paths closed
    with ``Z`` pass through it (see the module docstring)."""

    @functools.wraps(correct_coordinates)
    def correct(node, defs, item, options):
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = _CLOSE_TOKEN.findall(path.getAttribute("d"))
            where = [k for k, token in enumerate(tokens) if token in ("Z", "z")]
            if where:
                kept = [token for token in tokens if token not in ("Z", "z")]
                path.setAttribute("d", " ".join(kept))
                closed.append((path, tokens, len(kept)))
        result = correct_coordinates(node, defs, item, options)
        for path, tokens, n_kept in closed:
            moved = iter(path.getAttribute("d").split())
            if len(path.getAttribute("d").split()) != n_kept:
                continue  # not rewritten token for token: leave it open rather than garble it
            path.setAttribute("d", " ".join(t if t in ("Z", "z") else next(moved) for t in tokens))
        return result

    correct.playground_closepath_fix = True  # type: ignore[attr-defined]
    return correct


def _fails_on_closed_paths(correct_coordinates: Callable) -> bool:
    """Does this ``correctCoordinates`` raise ValueError on a path closed with ``Z``?"""
    doc = minidom.parseString(
        '<g><g transform="matrix(1,0,0,1,0,0)"><path d="M0,0 L1,0 L1,1 Z"/></g></g>'
    )
    try:
        correct_coordinates(doc.documentElement, [], None, {})
    except ValueError:
        return True
    except Exception:  # some other change in pyqtgraph: do not touch what we do not understand
        return False
    return False


def install_svg_closepath_fix() -> bool:
    """Make pyqtgraph's SVGExporter work with Qt ≥ 6.11's closed paths; True when the wrapper is
    (now or already) in place, False when this pyqtgraph needs no fix."""
    module = sys.modules.get(_SVG_MODULE)
    if module is None:  # pragma: no cover - imported with pyqtgraph.exporters above
        return False
    current = module.correctCoordinates
    if getattr(current, "playground_closepath_fix", False):
        return True
    if not _fails_on_closed_paths(current):
        return False
    module.correctCoordinates = _with_closepaths_restored(current)
    return True


# --- writing the files ----------------------------------------------------------------------------


def export_view(
    view: QWidget,
    directory: str | Path,
    name: str | None = None,
    size: tuple[int, int] | None = None,
) -> list[Path]:
    """Write ``<name>.png``, ``<name>.svg`` and (when the view has ``table``) ``<name>.csv`` into
    ``directory`` (created if needed); ``name`` defaults to the view's ``objectName``; ``size``:
    lay the view out at that size (``report_layout``) for the export. Returns the files written.

    Raises:
        ValueError: no name (an empty ``objectName``) or nothing to draw (a zero-size view).
        OSError: a file or the folder cannot be written; the message names it. Files already
            written stay; none is half-written.
    """
    name = name or view.objectName()
    if not name:
        raise ValueError("the view has no objectName to name its plot files after")
    folder = _make_folder(directory)
    if size is None:
        return _write_view(view, folder, name)
    with report_layout(view, size):
        return _write_view(view, folder, name)


def _write_view(view: QWidget, folder: Path, name: str) -> list[Path]:
    target = view.export_target() if hasattr(view, "export_target") else None
    png, svg, table = (folder / f"{name}{suffix}" for suffix in (".png", ".svg", ".csv"))
    _write_png(view, target, png)
    written = [png]
    _write_svg(view, target, svg, name)
    written.append(svg)
    if hasattr(view, "table"):
        header, rows = view.table()
        atomic_write_text(table, table_csv_text(header, rows))
        written.append(table)
    return written


def export_views(
    views: Mapping[str, QWidget], directory: str | Path, n_layers: int | None = None
) -> list[Path]:
    """:func:`export_view` for each (name → view), laid out at ``report_size(name, n_layers)``
    (as they are when ``n_layers`` is None); returns every file written, in order."""
    written: list[Path] = []
    for name, view in views.items():
        size = report_size(name, n_layers) if n_layers is not None else None
        written += export_view(view, directory, name, size)
    return written


def table_csv_text(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """CSV text: the header, then one line per row; floats in round-trip form, None empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def _make_folder(directory: str | Path) -> Path:
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
        raise OSError(exc.errno, f"cannot create the folder {folder}: {reason or exc}") from None
    return folder


def _write_png(view: QWidget, target: object | None, path: Path) -> None:
    if target is not None:
        exporter = pg.exporters.ImageExporter(target)
        width = int(exporter.parameters()["width"])
        if width <= 0:
            raise ValueError(f"{path.stem}: nothing to draw (the plot has zero size)")
        exporter.parameters()["width"] = max(1, round(width * PNG_SCALE))
        image = exporter.export(toBytes=True)
    else:
        image = view.grab().toImage()
    if not isinstance(image, QImage) or image.isNull():
        raise ValueError(f"{path.stem}: nothing to draw (the view has zero size)")
    # encoded in memory, written by atomic_write_bytes: a full disk is reported with its reason
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"{path.stem}: Qt could not encode the image as PNG")
    buffer.close()
    atomic_write_bytes(path, bytes(array.data()))


def _write_svg(view: QWidget, target: object | None, path: Path, title: str) -> None:
    if target is not None:
        install_svg_closepath_fix()
        data = pg.exporters.SVGExporter(target).export(toBytes=True)
    else:
        data = _widget_svg(view, title)
    atomic_write_bytes(path, data)


def _widget_svg(view: QWidget, title: str) -> bytes:
    """SVG of a plain widget, painted by Qt's own SVG generator."""
    size = view.size()
    if size.isEmpty():
        raise ValueError(f"{title}: nothing to draw (the view has zero size)")
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRect(QPoint(0, 0), size))
    generator.setTitle(title)
    generator.setDescription("Exported by Playground")
    painter = QPainter(generator)
    try:
        view.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    buffer.close()
    return bytes(array.data())

"""Plot files (playground.ui.plot_export): PNG, SVG (also on Qt ≥ 6.11, pyqtgraph #3495) and CSV."""

from __future__ import annotations

import os
import sys
import xml.dom.minidom as minidom
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from playground.ui import plot_export
from playground.ui.plot_export import export_view, export_views, install_svg_closepath_fix

SVG = "{http://www.w3.org/2000/svg}"


class LossView(pg.PlotWidget):
    """A minimal view: a PlotItem with a curve (log y, like the gradient plot) and its table."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("loss_plot")
        self.steps = np.arange(1, 41)
        self.loss = 1.0 / self.steps + 0.05
        self.plotItem.plot(
            self.steps, self.loss, pen=pg.mkPen("y", width=1), symbol="o", symbolSize=5
        )
        self.plotItem.setLogMode(False, True)
        self.plotItem.setLabel("bottom", "step")

    def export_target(self):
        return self.plotItem

    def table(self):
        return ["step", "loss"], [
            [int(s), float(v)] for s, v in zip(self.steps, self.loss, strict=True)
        ]


class BoundaryView(pg.GraphicsLayoutWidget):
    """A GraphicsLayout target with a heatmap (ImageItem) and a second plot, like the boundary."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("boundary_plot")
        grid = np.add.outer(np.linspace(-1, 1, 20), np.linspace(-1, 1, 20))
        self.grid = grid
        left = self.addPlot()
        left.addItem(pg.ImageItem(grid, levels=(-2, 2)))
        right = self.addPlot()
        right.addItem(pg.BarGraphItem(x=[1, 2, 3], height=[3, 1, 2], width=0.6, brush="b"))

    def export_target(self):
        return self.ci

    def table(self):
        return ["i", "j", "value"], [[i, j, self.grid[i, j]] for i in range(2) for j in range(2)]


class HealthView(QLabel):
    """A plain widget view: no pyqtgraph item (export_target() is None)."""

    def __init__(self) -> None:
        super().__init__("gradients healthy")
        self.setObjectName("health_label")
        self.setStyleSheet("background: white; color: black; border: 2px solid red")

    def export_target(self):
        return None

    def table(self):
        return ["status"], [["healthy"]]


@pytest.fixture
def views(qtbot) -> dict:
    made = {"loss": LossView(), "boundary": BoundaryView(), "health": HealthView()}
    for view in made.values():
        qtbot.addWidget(view)
        view.resize(420, 300)
        view.show()
        qtbot.waitExposed(view)
    return made


def assert_png_drawn(path: Path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull(), path
    pixels = np.frombuffer(
        image.convertToFormat(QImage.Format.Format_RGB32).constBits(), dtype=np.uint32
    )[: image.width() * image.height()]
    values, counts = np.unique(pixels, return_counts=True)
    assert len(values) > 2 and counts.max() < 0.99 * pixels.size, "blank image"
    return image


def assert_svg_drawn(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    drawn = [
        e
        for tag in ("path", "polyline", "line", "rect", "image", "text")
        for e in root.iter(f"{SVG}{tag}")
    ]
    assert drawn, "no drawn content"
    return root


def test_plot_item_view_to_png_svg_csv(views, tmp_path: Path) -> None:
    written = export_view(views["loss"], tmp_path)
    assert written == [
        tmp_path / "loss_plot.png",
        tmp_path / "loss_plot.svg",
        tmp_path / "loss_plot.csv",
    ]
    image = assert_png_drawn(written[0])
    assert image.width() >= 2 * 400  # rendered at PNG_SCALE for reports
    root = assert_svg_drawn(written[1])
    paths = [p.get("d", "") for p in root.iter(f"{SVG}path")]
    assert any(" Z" in d for d in paths)  # closed paths kept closed (axes frame, markers)
    assert len(list(root.iter(f"{SVG}polyline"))) + len(paths) > 10
    lines = written[2].read_text(encoding="utf-8").splitlines()
    assert lines[0] == "step,loss" and lines[1] == f"1,{1.0 + 0.05!r}" and len(lines) == 41
    assert sorted(os.listdir(tmp_path)) == ["loss_plot.csv", "loss_plot.png", "loss_plot.svg"]


def test_graphics_layout_view(views, tmp_path: Path) -> None:
    png, svg, csv = export_view(views["boundary"], tmp_path)
    assert_png_drawn(png)
    root = assert_svg_drawn(svg)
    assert list(root.iter(f"{SVG}image")), "the heatmap is embedded as an image"
    assert csv.read_text().splitlines()[0] == "i,j,value"


def test_widget_without_plot_item_is_grabbed_and_painted_by_qt(views, tmp_path: Path) -> None:
    png, svg, csv = export_view(views["health"], tmp_path, name="health")
    assert png.name == "health.png" and svg.name == "health.svg"
    image = assert_png_drawn(png)
    assert image.width() == views["health"].width()
    root = assert_svg_drawn(svg)
    assert root.findtext(f"{SVG}title") == "health"
    assert csv.read_text() == "status\nhealthy\n"


def test_export_views_writes_every_view_under_its_name(views, tmp_path: Path) -> None:
    folder = tmp_path / "plots" / "run1"  # created as needed
    written = export_views(
        {
            "loss_plot": views["loss"],
            "boundary_plot": views["boundary"],
            "health_label": views["health"],
        },
        folder,
    )
    assert len(written) == 9 and all(p.parent == folder and p.stat().st_size > 0 for p in written)
    for svg in folder.glob("*.svg"):
        assert_svg_drawn(svg)
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]


def test_csv_cells(tmp_path: Path) -> None:
    text = plot_export.table_csv_text(
        ["a", "b, c", "d"], [[np.float64(0.1), None, np.int64(3)], [float("nan"), 'x"y', True]]
    )
    assert text == 'a,"b, c",d\n0.1,,3\nnan,"x""y",True\n'


def test_errors_name_the_file_and_leave_nothing_half_written(views, tmp_path: Path) -> None:
    unnamed = QLabel("x")
    with pytest.raises(ValueError, match="no objectName"):
        export_view(unnamed, tmp_path)
    unnamed.deleteLater()
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file")
    with pytest.raises(OSError, match="cannot create the folder .*file.txt"):
        export_view(views["loss"], blocker / "plots")
    (tmp_path / "loss_plot.svg").mkdir()  # a folder where the SVG should go
    with pytest.raises(OSError, match=r"loss_plot\.svg: it is a folder"):
        export_view(views["loss"], tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["file.txt", "loss_plot.png", "loss_plot.svg"]
    assert os.listdir(tmp_path / "loss_plot.svg") == []


# --- the SVGExporter close-path fix (pyqtgraph issue #3495) --------------------------------------


def _fragment(d: str) -> minidom.Element:
    doc = minidom.parseString(f'<g><g transform="matrix(2,0,0,2,10,20)"><path d="{d}"/></g></g>')
    return doc.documentElement


def _original():
    install_svg_closepath_fix()
    current = sys.modules["pyqtgraph.exporters.SVGExporter"].correctCoordinates
    return getattr(current, "__wrapped__", current)


def test_fix_keeps_close_commands_where_they_were() -> None:
    wrapped = plot_export._with_closepaths_restored(_original())
    node = _fragment("M0,0 L1,0 L1,1 Z M2,2 Z M3,3 L4,4Z")
    wrapped(node, [], None, {})
    (path,) = node.getElementsByTagName("path")
    assert path.getAttribute("d") == (
        "M10.0,20.0 L12.0,20.0 L12.0,22.0 Z M14.0,24.0 Z M16.0,26.0 L18.0,28.0 Z"
    )
    assert not node.getElementsByTagName("g")[0].hasAttribute("transform")  # applied to points


def test_fix_is_installed_only_where_needed_and_once() -> None:
    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    original = _original()
    needed = plot_export._fails_on_closed_paths(original)
    assert install_svg_closepath_fix() is needed
    assert install_svg_closepath_fix() is needed  # idempotent: never wrapped twice
    if needed:
        assert module.correctCoordinates.__wrapped__ is original
        with pytest.raises(ValueError):  # the bug the fix works around, on this Qt/pyqtgraph
            original(_fragment("M0,0 L1,0 Z"), [], None, {})
    else:  # a pyqtgraph that handles Z itself: left untouched
        assert module.correctCoordinates is original
    assert not plot_export._fails_on_closed_paths(module.correctCoordinates)

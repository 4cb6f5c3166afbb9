"""Inside the network: live views of backpropagation and the health alarm.

``InsideViews`` bundles what the main window docks: the ``health_label`` banner and four views
(``gradient_plot``, ``activation_plot``, ``error_plot``, ``weight_plot``), each a
``playground.ui.views.SnapshotView``. The main window calls ``show_snapshot`` with the newest
snapshot (≈ 30 Hz) and ``clear`` when a new run starts.

Each view also runs standalone on a preset, e.g. ``python -m playground.ui.inside.gradient_plot
vanishing``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from playground.training import Snapshot
from playground.ui.inside.banner import HealthBanner

VIEW_NAMES = ("gradient_plot", "activation_plot", "error_plot", "weight_plot")


class InsideViews(QObject):
    """The banner and the four inside views, fed together.

    * ``banner``: the ``health_label`` (``HealthBanner``, a ``QLabel``);
    * ``views()``: objectName → view widget (its ``windowTitle()`` is the dock title);
    * ``show_snapshot(snapshot)``: feeds the banner and every view; ``clear()``: forgets the run.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        # imported here so that ``python -m playground.ui.inside.<view>`` runs without a
        # "found in sys.modules" warning
        from playground.ui.inside.activation_plot import ActivationPlot
        from playground.ui.inside.error_plot import ErrorPlot
        from playground.ui.inside.gradient_plot import GradientPlot
        from playground.ui.inside.weight_plot import WeightPlot

        self.banner = HealthBanner(parent)
        self._views: dict[str, QWidget] = {
            "gradient_plot": GradientPlot(parent),
            "activation_plot": ActivationPlot(parent),
            "error_plot": ErrorPlot(parent),
            "weight_plot": WeightPlot(parent),
        }

    def views(self) -> dict[str, QWidget]:
        return dict(self._views)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.banner.show_snapshot(snapshot)
        for view in self._views.values():
            view.show_snapshot(snapshot)  # type: ignore[attr-defined]

    def clear(self) -> None:
        self.banner.clear()
        for view in self._views.values():
            view.clear()  # type: ignore[attr-defined]


__all__ = ["VIEW_NAMES", "HealthBanner", "InsideViews"]

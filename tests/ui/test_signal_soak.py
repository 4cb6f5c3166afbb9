"""Guard against PySide6 6.12.0 on CPython 3.11 (``Fatal Python error: bool_dealloc`` after a
few hundred ``Signal.emit()`` calls, DESIGN.md): emit thousands of signals and pyqtgraph updates in
a subprocess, where an interpreter abort is an exit code instead of a dead test run."""

from __future__ import annotations

import os
import subprocess
import sys

SOAK = r"""
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QCheckBox

app = QApplication([])

class Source(QObject):
    value = Signal(object)
    flag = Signal(bool)

source = Source()
got = []
source.value.connect(got.append)
check = QCheckBox()
source.flag.connect(check.setChecked)
plot = pg.PlotWidget()
curve = plot.plot()
plot.show()
x = np.arange(200.0)
for i in range(6000):
    source.value.emit({"step": i, "loss": 1.0 / (i + 1)})
    source.flag.emit(i % 2 == 0)
    curve.setData(x, np.sin(x / 10 + i / 50))
    if i % 500 == 0:
        app.processEvents()
assert len(got) == 6000, len(got)
QTimer.singleShot(0, app.quit)
app.exec()
print("soak ok")
"""


def test_five_thousand_signals_do_not_abort_the_interpreter() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SOAK], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "soak ok" in result.stdout

"""The public surface of playground.data, and that it stays free of Qt."""

from __future__ import annotations

import subprocess
import sys

import playground.data as data


def test_public_names_are_exported() -> None:
    for name in (
        "Dataset",
        "DataError",
        "make_dataset",
        "DATASETS",
        "FEATURES",
        "DATA_DEFAULTS",
        "one_hot",
        "multi_hot",
        "feature_matrix",
        "load_csv",
    ):
        assert hasattr(data, name), name
    assert set(data.__all__) <= set(dir(data))


def test_building_every_kind_of_set_imports_no_qt() -> None:
    code = (
        "import sys\n"
        "from playground.data import make_dataset\n"
        "for name in ('circle', 'spiral', 'blobs', 'multilabel', 'reg_gauss', 'iris'):\n"
        "    make_dataset({'dataset': name, 'samples': 20})\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in qt]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)

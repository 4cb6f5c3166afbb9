"""The core never imports Qt (STYLE.md, issue 2): at run time (the CLI trains without loading
PySide6), statically (no Qt import under engine/data/training/io), and by ruff's banned-api rule."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "pyqtgraph", "shiboken6"}
CORE = ("engine", "data", "training", "io")

SCRIPT = """
import sys
from playground.app import main
code = main(["train", sys.argv[1], "--epochs", "2", "--out", sys.argv[2], "--quiet"])
print(sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'pyqtgraph', 'shiboken6'}))
print(sorted(m for m in sys.modules if m.startswith('playground.ui')))
sys.exit(code)
"""


def test_headless_training_never_imports_qt(tmp_path: Path) -> None:
    exp = {
        "format": "playground-experiment",
        "version": 1,
        "data": {"dataset": "circle", "samples": 40, "noise": 0.1, "seed": 0},
        "model": {
            "inputs": 2,
            "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "training": {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "batch_size": 8},
        "weights": None,
    }
    (tmp_path / "tiny.json").write_text(json.dumps(exp), encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT, "tiny.json", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert res.returncode == 0, res.stderr
    qt_modules, ui_modules = res.stdout.strip().splitlines()
    assert qt_modules == "[]"
    assert ui_modules == "[]"
    assert (tmp_path / "out" / "weights.npz").exists()  # it really trained


def test_python_m_playground_train_imports_no_qt(tmp_path: Path) -> None:
    """The real entry point (``python -m playground train``), watched with ``-X importtime``."""
    exp = {
        "format": "playground-experiment",
        "version": 1,
        "data": {"dataset": "xor", "samples": 30, "noise": 0.0, "seed": 0},
        "model": {
            "inputs": 2,
            "layers": [{"units": 2, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}],
        },
        "training": {"optimizer": {"name": "adam", "learning_rate": 0.01}, "batch_size": 5},
        "weights": None,
    }
    (tmp_path / "x.json").write_text(json.dumps(exp), encoding="utf-8")
    res = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "playground",
            "train",
            "x.json",
            "--epochs",
            "1",
            "--quiet",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert res.returncode == 0, res.stderr[-2000:]
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in res.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "playground.training.trainer" in imported  # the log is what we think it is
    assert [m for m in imported if m.split(".")[0] in QT] == []


def _qt_imports(source: str, name: str) -> list[str]:
    """``name:line: module`` for every absolute import of Qt or of playground.ui in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [
            f"{name}:{node.lineno}: {m}"
            for m in modules
            if m.split(".")[0] in QT or m == "playground.ui" or m.startswith("playground.ui.")
        ]
    return found


def test_core_packages_do_not_import_qt_or_the_ui() -> None:
    files = [p for pkg in CORE for p in sorted((ROOT / "playground" / pkg).rglob("*.py"))]
    assert len(files) > 10
    bad = [
        hit
        for f in files
        for hit in _qt_imports(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))
    ]
    assert bad == []


def test_the_static_check_sees_every_kind_of_qt_import() -> None:
    src = (
        "import numpy\n"
        "from PySide6.QtCore import QObject\n"
        "def f():\n"
        "    import pyqtgraph as pg\n"  # lazy imports count too
        "import shiboken6, os\n"
        "from playground.ui.views import X\n"
        "from . import ui\n"  # relative: a sibling module named ui, not playground.ui
        "from playground.uikit import Y\n"
    )
    hits = _qt_imports(src, "x.py")
    assert sorted(h.split(": ")[1] for h in hits) == [
        "PySide6.QtCore",
        "playground.ui.views",
        "pyqtgraph",
        "shiboken6",
    ]


def _ruff() -> str:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        if os.environ.get("CI"):
            raise AssertionError("ruff is missing (pip install -e '.[dev]')")
        pytest.skip("ruff is not installed here (it is in the dev extra)")
    return ruff


def test_ruff_banned_api_rule_is_configured(tmp_path: Path) -> None:
    bad = tmp_path / "core_module.py"
    bad.write_text("import pyqtgraph\nfrom PySide6 import QtCore\n", encoding="utf-8")
    res = subprocess.run(
        [
            _ruff(),
            "check",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--select",
            "TID251",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1 and res.stdout.count("TID251") == 2, res.stdout + res.stderr


def test_ruff_banned_api_rule_passes() -> None:
    res = subprocess.run(
        [_ruff(), "check", "--no-cache", "--select", "TID251", "playground"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stdout + res.stderr

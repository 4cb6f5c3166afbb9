"""The data panel: which data set, its noise, split and size, the input features, a CSV file.

Every change is a new data set (and fresh weights); the panel emits ``data_changed`` with the
changed keys of the experiment's ``"data"`` section, e.g. ``{"noise": 0.2}``.
"""

from __future__ import annotations

import csv
import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.data import Dataset
from playground.data.registry import DATASETS, FEATURES
from playground.engine.names import PROBLEMS
from playground.ui.panels.common import blocked, combo, select


def feature_object_name(feature: str) -> str:
    """``x1^2`` → ``feature_x1_sq``, ``sin(x1)`` → ``feature_sin_x1``, ``x1*x2`` →
    ``feature_x1_x2``."""
    clean = feature.replace("^2", "_sq").replace("*", "_").replace("(", "_").replace(")", "")
    return f"feature_{clean}"


def csv_columns(path: str) -> list[str]:
    """The header row of a CSV file."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), [])
    columns = [c.strip() for c in header if c.strip()]
    if not columns:
        raise ValueError(f"{path}: no header row with column names")
    return columns


class DataPanel(QWidget):
    data_changed = Signal(dict)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("data_panel")
        self._data: dict = {}
        sets = [(info.label, name) for name, info in DATASETS.items() if name != "csv"]
        self.dataset_combo = combo(
            "dataset_combo", sets, "Which data to learn (fresh weights)", min_chars=12
        )
        self.classes_spin = QSpinBox()
        self.classes_spin.setObjectName("classes_spin")
        self.classes_spin.setToolTip("Number of classes (spiral arms, blobs)")
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setObjectName("noise_spin")
        self.noise_spin.setRange(0.0, 1.0)
        self.noise_spin.setSingleStep(0.05)
        self.noise_spin.setDecimals(3)
        self.noise_spin.setToolTip("How much the points scatter (0 … 1)")
        self.train_fraction_spin = QDoubleSpinBox()
        self.train_fraction_spin.setObjectName("train_fraction_spin")
        self.train_fraction_spin.setRange(0.01, 1.0)
        self.train_fraction_spin.setSingleStep(0.05)
        self.train_fraction_spin.setDecimals(3)
        self.train_fraction_spin.setToolTip(
            "Share of the points used for training; the rest is "
            "the test set (1 = train on everything)"
        )
        self.samples_spin = QSpinBox()
        self.samples_spin.setObjectName("samples_spin")
        self.samples_spin.setRange(10, 100_000)
        self.samples_spin.setSingleStep(100)
        self.samples_spin.setToolTip("Number of points generated")
        for w in (self.classes_spin, self.noise_spin, self.train_fraction_spin, self.samples_spin):
            w.setKeyboardTracking(False)
        self.standardize_check = QCheckBox("Standardize features")
        self.standardize_check.setObjectName("standardize_check")
        self.standardize_check.setToolTip(
            "Scale each feature to mean 0 and variance 1 (fitted on the training split)"
        )
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setObjectName("regenerate_button")
        self.regenerate_button.setToolTip("New random points (next data seed)")
        self.load_csv_button = QPushButton("Load CSV…")
        self.load_csv_button.setObjectName("load_csv_button")
        self.load_csv_button.setToolTip(
            "Your own data: a CSV file with a header row; you pick "
            "the target column, the other numeric columns are inputs"
        )
        self.feature_checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for i, (name, label) in enumerate(FEATURES.items()):
            check = QCheckBox(label)
            check.setObjectName(feature_object_name(name))
            check.setToolTip(f"Use {label} as an input feature (fresh weights)")
            check.toggled.connect(self._on_features)
            self.feature_checks[name] = check
            grid.addWidget(check, i // 2, i % 2)
        self.features_box = QWidget()
        self.features_box.setLayout(grid)
        self.summary = QLabel()
        self.summary.setObjectName("data_summary_label")
        self.summary.setWordWrap(True)
        self.summary.setProperty("role", "caption")

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(5)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Data set", self.dataset_combo)
        form.addRow("Classes", self.classes_spin)
        form.addRow("Noise", self.noise_spin)
        form.addRow("Training share", self.train_fraction_spin)
        form.addRow("Points", self.samples_spin)
        self._form = form
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.regenerate_button)
        buttons.addWidget(self.load_csv_button)
        self.features_title = QLabel("Input features")
        self.features_title.setProperty("role", "subtitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.features_title)
        layout.addWidget(self.features_box)
        layout.addWidget(self.standardize_check)
        layout.addWidget(self.summary)
        layout.addStretch(1)

        self.dataset_combo.currentIndexChanged.connect(self._on_dataset)
        self.classes_spin.valueChanged.connect(lambda v: self.data_changed.emit({"classes": v}))
        self.noise_spin.valueChanged.connect(lambda v: self.data_changed.emit({"noise": v}))
        self.train_fraction_spin.valueChanged.connect(
            lambda v: self.data_changed.emit({"train_fraction": v})
        )
        self.samples_spin.valueChanged.connect(lambda v: self.data_changed.emit({"samples": v}))
        self.standardize_check.toggled.connect(
            lambda on: self.data_changed.emit({"standardize": on})
        )
        self.regenerate_button.clicked.connect(
            lambda: self.data_changed.emit({"seed": int(self._data.get("seed", 0)) + 1})
        )
        self.load_csv_button.clicked.connect(self._on_load_csv)

    def _controls(self) -> list[QWidget]:
        return [
            self.dataset_combo,
            self.classes_spin,
            self.noise_spin,
            self.train_fraction_spin,
            self.samples_spin,
            self.standardize_check,
            *self.feature_checks.values(),
        ]

    def set_experiment(self, experiment: dict, dataset: Dataset) -> None:
        """Show the experiment's data settings and a summary of the data (no signals)."""
        data = self._data = dict(experiment["data"])
        name = data["dataset"]
        info = DATASETS[name]
        with blocked(*self._controls()):
            csv_index = self.dataset_combo.findData("csv")
            if name == "csv":
                label = f"CSV: {os.path.basename(str(data.get('path', '')))}"
                if csv_index < 0:
                    self.dataset_combo.addItem(label, "csv")
                else:
                    self.dataset_combo.setItemText(csv_index, label)
            elif csv_index >= 0:
                self.dataset_combo.removeItem(csv_index)
            select(self.dataset_combo, name)
            if info.classes_range is not None:
                self.classes_spin.setRange(*info.classes_range)
                self.classes_spin.setValue(int(data.get("classes", info.classes or 2)))
            self.noise_spin.setValue(data["noise"])
            self.train_fraction_spin.setValue(data["train_fraction"])
            if "samples" in data:
                self.samples_spin.setValue(int(data["samples"]))
            chosen = set(data.get("features", ())) if info.planar else set()
            for feature, check in self.feature_checks.items():
                check.setChecked(feature in chosen)
            self.standardize_check.setChecked(bool(data.get("standardize", False)))
        self._form.setRowVisible(self.classes_spin, info.classes_range is not None)
        self._form.setRowVisible(self.samples_spin, info.planar)
        self.features_box.setVisible(info.planar)
        self.features_title.setVisible(info.planar)
        self.noise_spin.setEnabled(info.planar)
        self.regenerate_button.setEnabled(info.planar)
        m_train, m_test = dataset.x_train.shape[0], dataset.x_test.shape[0]
        kind = PROBLEMS.get(dataset.problem, dataset.problem)
        self.summary.setText(
            f"{m_train} training and {m_test} test examples · {dataset.n_inputs} input"
            f"{'s' if dataset.n_inputs != 1 else ''} → {dataset.n_outputs} output"
            f"{'s' if dataset.n_outputs != 1 else ''} · {kind.lower()}"
        )

    def _on_dataset(self) -> None:
        name = self.dataset_combo.currentData()
        if name != "csv":
            self.data_changed.emit({"dataset": name})

    def _on_features(self) -> None:
        chosen = [f for f, check in self.feature_checks.items() if check.isChecked()]
        if not chosen:
            with blocked(*self.feature_checks.values()):
                for f in self._data.get("features", ["x1"]):
                    self.feature_checks[f].setChecked(True)
            self.message.emit("The network needs at least one input feature.")
            return
        self.data_changed.emit({"features": chosen})

    def _on_load_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Load a CSV file", "", "CSV files (*.csv);;All files (*)"
        )
        if not path:
            return
        try:
            columns = csv_columns(path)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            self.message.emit(f"Cannot read {os.path.basename(path)}: {exc}")
            return
        target, ok = QInputDialog.getItem(
            self,
            "Target column",
            "Which column should the network predict?",
            columns,
            len(columns) - 1,
            False,
        )
        if ok and target:
            self.data_changed.emit(self.csv_changes(path, target))

    @staticmethod
    def csv_changes(path: str, target: str | list[str]) -> dict:
        """The ``data`` changes that load ``path`` with ``target`` column(s)."""
        return {
            "dataset": "csv",
            "path": os.path.abspath(path),
            "target": target,
            "standardize": True,
        }

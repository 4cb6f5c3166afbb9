"""The hyperparameter strip: learning rate, optimizer (and its parameters), batch size,
initialization (and scale), regularization (and rate).

Learning rate, optimizer, batch size and regularization apply live to the running trainer;
initialization is structural (fresh weights). The panel only emits requests; the window passes
them to the controller and syncs the panel back with ``set_experiment``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QSpinBox, QWidget

from playground.data import Dataset
from playground.engine.names import INITS, OPTIMIZERS, REGULARIZATIONS
from playground.ui.panels.common import blocked, captioned, combo, select
from playground.ui.panels.spin_boxes import LEARNING_RATES, REGULARIZATION_RATES, LogSpinBox

EPSILONS = (1e-10, 1e-8, 1e-6, 1e-4, 1e-2)


def _spin(name: str, lo: float, hi: float, step: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


class HyperparameterPanel(QWidget):
    learning_rate_changed = Signal(float)
    optimizer_changed = Signal(dict)  # {"name": …, parameters …}
    batch_size_changed = Signal(int)
    regularization_changed = Signal(str, float)
    init_changed = Signal(str, float)  # scheme, scale

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hyperparameter_panel")
        self.learning_rate_spin = LogSpinBox(LEARNING_RATES, 1e-7, 1e3)
        self.learning_rate_spin.setObjectName("learning_rate_spin")
        self.learning_rate_spin.setToolTip(
            "Step size η of gradient descent (applies at once). The arrows step through 1e-5 … 10 "
            "like TF Playground; any value can be typed."
        )
        self.optimizer_combo = combo(
            "optimizer_combo",
            ((label, name) for name, (label, _p) in OPTIMIZERS.items()),
            "Update rule (applies at once; a new optimizer starts with empty moments)",
        )
        self.momentum_spin = _spin("momentum_spin", 0.0, 0.999, 0.05, 3, "Momentum μ")
        self.nesterov_check = QCheckBox("Nesterov")
        self.nesterov_check.setObjectName("nesterov_check")
        self.rho_spin = _spin("rho_spin", 0.0, 0.9999, 0.01, 4, "RMSprop decay ρ")
        self.beta1_spin = _spin("beta1_spin", 0.0, 0.9999, 0.01, 4, "Adam β₁ (first moment decay)")
        self.beta2_spin = _spin(
            "beta2_spin", 0.0, 0.99999, 0.001, 5, "Adam β₂ (second moment decay)"
        )
        self.epsilon_spin = LogSpinBox(EPSILONS, 1e-12, 1.0)
        self.epsilon_spin.setObjectName("epsilon_spin")
        self.epsilon_spin.setToolTip("ε added to the denominator")
        self._params = {
            "momentum": self.momentum_spin,
            "nesterov": self.nesterov_check,
            "rho": self.rho_spin,
            "beta1": self.beta1_spin,
            "beta2": self.beta2_spin,
            "epsilon": self.epsilon_spin,
        }
        self._param_boxes = {
            "momentum": captioned("Momentum", self.momentum_spin, self.nesterov_check),
            "rho": captioned("ρ", self.rho_spin),
            "beta1": captioned("β₁", self.beta1_spin),
            "beta2": captioned("β₂", self.beta2_spin),
            "epsilon": captioned("ε", self.epsilon_spin),
        }
        self.batch_size_spin = QSpinBox()
        self.batch_size_spin.setObjectName("batch_size_spin")
        self.batch_size_spin.setKeyboardTracking(False)
        self.batch_size_spin.setToolTip(
            "Examples per gradient step, 1 … training set size (applies at once)"
        )
        self.init_combo = combo(
            "init_combo",
            ((label, name) for name, (label, _p) in INITS.items()),
            "How the weights start (a change starts over with fresh weights)",
        )
        self.init_scale_spin = _spin(
            "init_scale_spin",
            0.01,
            100.0,
            0.1,
            2,
            "Multiplies the initial weights (try 3 or 0.1 to see exploding or vanishing gradients)",
        )
        self.regularization_combo = combo(
            "regularization_combo",
            ((label, name) for name, label in REGULARIZATIONS.items()),
            "Penalty on large weights added to the loss (applies at once)",
        )
        self.regularization_rate_spin = LogSpinBox(REGULARIZATION_RATES, 0.0, 10.0)
        self.regularization_rate_spin.setObjectName("regularization_rate_spin")
        self.regularization_rate_spin.setToolTip("Regularization rate λ")

        for w in (self.learning_rate_spin, self.regularization_rate_spin):
            w.setMinimumWidth(84)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 6)
        layout.setSpacing(18)
        layout.addWidget(captioned("Learning rate", self.learning_rate_spin))
        layout.addWidget(captioned("Optimizer", self.optimizer_combo))
        for box in self._param_boxes.values():
            layout.addWidget(box)
        layout.addWidget(captioned("Batch size", self.batch_size_spin))
        layout.addWidget(captioned("Initialization", self.init_combo))
        layout.addWidget(captioned("× scale", self.init_scale_spin))
        layout.addWidget(
            captioned("Regularization", self.regularization_combo, self.regularization_rate_spin)
        )
        layout.addStretch(1)

        self.learning_rate_spin.valueChanged.connect(self.learning_rate_changed)
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer)
        for name, w in self._params.items():
            signal = w.toggled if isinstance(w, QCheckBox) else w.valueChanged
            signal.connect(lambda _v, name=name: self._on_param(name))
        self.batch_size_spin.valueChanged.connect(self.batch_size_changed)
        self.init_combo.currentIndexChanged.connect(self._on_init)
        self.init_scale_spin.valueChanged.connect(self._on_init)
        self.regularization_combo.currentIndexChanged.connect(self._on_regularization)
        self.regularization_rate_spin.valueChanged.connect(self._on_regularization)

    def _controls(self) -> list[QWidget]:
        return [
            self.learning_rate_spin,
            self.optimizer_combo,
            *self._params.values(),
            self.batch_size_spin,
            self.init_combo,
            self.init_scale_spin,
            self.regularization_combo,
            self.regularization_rate_spin,
        ]

    def set_experiment(self, experiment: dict, dataset: Dataset) -> None:
        """Show the experiment's values (no signals are emitted)."""
        training, init = experiment["training"], experiment["model"]["init"]
        opt = training["optimizer"]
        with blocked(*self._controls()):
            self.learning_rate_spin.setValue(opt["learning_rate"])
            select(self.optimizer_combo, opt["name"])
            for name, w in self._params.items():
                default = OPTIMIZERS.get(opt["name"], ("", {}))[1].get(name)
                value = opt.get(name, default)
                if value is None:
                    value = next((p[name] for _l, p in OPTIMIZERS.values() if name in p), 0)
                if isinstance(w, QCheckBox):
                    w.setChecked(bool(value))
                else:
                    w.setValue(float(value))
            self.batch_size_spin.setRange(1, max(1, dataset.x_train.shape[0]))
            self.batch_size_spin.setValue(training["batch_size"])
            select(self.init_combo, init["scheme"])
            self.init_scale_spin.setValue(init.get("scale", 1.0))
            reg = training["regularization"]
            select(self.regularization_combo, reg["kind"])
            self.regularization_rate_spin.setValue(reg["rate"])
            self.regularization_rate_spin.setEnabled(reg["kind"] != "none")
        self._show_params(opt["name"])

    def _show_params(self, optimizer: str) -> None:
        own = OPTIMIZERS[optimizer][1]
        for name, box in self._param_boxes.items():
            box.setVisible(name in own)

    def optimizer_config(self) -> dict:
        name = self.optimizer_combo.currentData()
        config: dict = {"name": name}
        for key in OPTIMIZERS[name][1]:
            w = self._params[key]
            config[key] = w.isChecked() if isinstance(w, QCheckBox) else w.value()
        return config

    def _on_optimizer(self) -> None:
        self._show_params(self.optimizer_combo.currentData())
        self.optimizer_changed.emit(self.optimizer_config())

    def _on_param(self, _name: str) -> None:
        self.optimizer_changed.emit(self.optimizer_config())

    def _on_init(self) -> None:
        self.init_changed.emit(self.init_combo.currentData(), self.init_scale_spin.value())

    def _on_regularization(self) -> None:
        kind = self.regularization_combo.currentData()
        self.regularization_rate_spin.setEnabled(kind != "none")
        if kind != "none" and self.regularization_rate_spin.value() == 0:
            with blocked(self.regularization_rate_spin):  # a penalty that does something
                self.regularization_rate_spin.setValue(1e-3)
        self.regularization_changed.emit(kind, self.regularization_rate_spin.value())

"""The main window: the objectNames of DESIGN.md, building a network by clicking, shortcuts."""

from __future__ import annotations

import html
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGraphicsView, QLabel, QWidget
from window_helpers import widget

from playground.engine.names import ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, REGULARIZATIONS
from playground.ui.views import SnapshotView

CONTROLS = [
    "loss_combo",
    "optimizer_combo",
    "learning_rate_spin",
    "batch_size_spin",
    "init_combo",
    "regularization_combo",
    "dataset_combo",
    "noise_spin",
    "train_fraction_spin",
    "output_activation_combo",
]
BUTTONS = [
    "play_button",
    "step_button",
    "reset_button",
    "add_layer_button",
    "remove_layer_button",
    "add_neuron_button_1",
    "remove_neuron_button_1",
    "add_neuron_button_2",
    "remove_neuron_button_2",
]
VIEWS = [
    "network_editor",
    "boundary_plot",
    "loss_plot",
    "step_label",
    "gradient_plot",
    "activation_plot",
    "error_plot",
    "weight_plot",
    "health_label",
]


def test_every_contract_name_is_a_widget(make_window) -> None:
    window = make_window()
    for name in CONTROLS + BUTTONS + VIEWS + ["activation_combo_1", "activation_combo_2"]:
        assert isinstance(widget(window, name), QWidget), name
    for name in BUTTONS:
        assert isinstance(widget(window, name), QAbstractButton), name
    assert isinstance(widget(window, "network_editor"), QGraphicsView)
    assert isinstance(widget(window, "step_label"), QLabel)
    tb = window.toolbar
    for action, name in (
        (window.play_action, "play_button"),
        (window.step_action, "step_button"),
        (window.reset_action, "reset_button"),
    ):
        assert tb.widgetForAction(action).objectName() == name
    for name in (
        "boundary_plot",
        "loss_plot",
        "gradient_plot",
        "activation_plot",
        "error_plot",
        "weight_plot",
    ):
        assert isinstance(widget(window, name), SnapshotView), name


def test_combos_carry_file_names_as_data(make_window) -> None:
    window = make_window(show=False)

    def data(name: str) -> set:
        box = widget(window, name)
        assert isinstance(box, QComboBox)
        return {box.itemData(i) for i in range(box.count())}

    assert data("optimizer_combo") == set(OPTIMIZERS)
    assert data("loss_combo") == set(LOSSES)
    assert data("init_combo") == set(INITS)
    assert data("regularization_combo") == set(REGULARIZATIONS)
    assert data("output_activation_combo") == set(ACTIVATIONS)
    assert data("activation_combo_1") == set(ACTIVATIONS) - {"softmax"}
    assert "spiral" in data("dataset_combo")
    exp = window.experiment()
    assert (
        widget(window, "activation_combo_1").currentData()
        == exp["model"]["layers"][0]["activation"]
    )
    assert widget(window, "learning_rate_spin").value() == pytest.approx(
        exp["training"]["optimizer"]["learning_rate"]
    )


def test_clicking_builds_the_network_the_experiment_says(make_window, qtbot) -> None:
    window = make_window()
    before = window.experiment()["model"]
    hidden = [layer["units"] for layer in before["layers"][:-1]]

    qtbot.mouseClick(widget(window, "add_layer_button"), Qt.MouseButton.LeftButton)
    model = window.experiment()["model"]
    assert len(model["layers"]) == len(before["layers"]) + 1
    k = len(model["layers"]) - 1  # the new hidden layer
    assert isinstance(widget(window, f"add_neuron_button_{k}"), QAbstractButton)

    qtbot.mouseClick(widget(window, "add_neuron_button_1"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(widget(window, "add_neuron_button_1"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(widget(window, "remove_neuron_button_2"), Qt.MouseButton.LeftButton)
    combo = widget(window, "activation_combo_1")
    combo.setCurrentIndex(combo.findData("leaky_relu"))
    combo = widget(window, f"activation_combo_{k}")
    combo.setCurrentIndex(combo.findData("relu"))

    model = window.experiment()["model"]
    units = [layer["units"] for layer in model["layers"][:-1]]
    acts = [layer["activation"] for layer in model["layers"][:-1]]
    assert units == [hidden[0] + 2, hidden[1] - 1, hidden[1]]
    assert acts[0] == "leaky_relu" and acts[-1] == "relu"
    assert model["layers"][0]["alpha"] == pytest.approx(0.01)
    assert model["layers"][-1] == {"units": 1, "activation": "sigmoid"}
    assert window.experiment()["weights"] is not None  # a fresh network, with its weights

    qtbot.mouseClick(widget(window, "remove_layer_button"), Qt.MouseButton.LeftButton)
    assert len(window.experiment()["model"]["layers"]) == len(before["layers"])
    assert window.findChild(QWidget, f"add_neuron_button_{k}") is None


def test_the_last_neuron_cannot_be_removed(make_window, qtbot) -> None:
    window = make_window()
    button = widget(window, "remove_neuron_button_1")
    for _ in range(12):
        if button.isEnabled():
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.experiment()["model"]["layers"][0]["units"] == 1
    assert not button.isEnabled()


def test_space_toggles_play_and_s_steps(make_window, qtbot) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    widget(window, "network_editor").setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controller.playing
    assert widget(window, "play_button").text() == "Pause"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.controller.playing
    assert widget(window, "play_button").text() == "Play"
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.controller.step_count >= 1, timeout=3000)


def test_compare_opens_its_own_window_and_closes_with_the_main_one(make_window, qtbot) -> None:
    window = make_window()
    if not hasattr(window.menus, "compare") or not window.menus.run_menu.actions():
        pytest.skip("no compare window in this build")
    window.menus.compare()
    compare = window.findChild(QWidget, "compare_window")
    assert compare is not None and compare.isWindow() and compare.isVisible()
    window.close()
    assert not compare.isVisible()


def test_an_experiments_description_is_shown_whole_until_closed(make_window, qtbot) -> None:
    from playground.resources import resource_path

    window = make_window()
    bar = widget(window, "description_bar")
    preset = resource_path("presets/vanishing.json")
    doc = json.loads(preset.read_text(encoding="utf-8"))
    window.load_experiment(preset)
    label = widget(window, "description_label")
    assert bar.isVisible() and doc["name"] in label.text()
    lines = label.heightForWidth(label.width()) / label.fontMetrics().lineSpacing()
    assert lines < 2.6  # collapsed: the beginning, on two lines
    assert html.escape(doc["description"]) not in label.text()
    qtbot.mouseClick(widget(window, "description_more_button"), Qt.MouseButton.LeftButton)
    assert html.escape(doc["description"]) in label.text()  # "More": the whole text
    qtbot.mouseClick(widget(window, "description_close_button"), Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    window.load_experiment(preset)  # a new experiment brings its description back
    assert bar.isVisible()

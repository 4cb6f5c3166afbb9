"""The network editor: dense networks stay drawable, edges and nodes are found under the mouse,
weights and biases edited by clicking reach the running trainer, layers can be outlined."""

from __future__ import annotations

import copy

import numpy as np
from PySide6.QtCore import QPointF
from window_helpers import last_snapshot, widget

from playground.data import make_dataset
from playground.io import load_experiment
from playground.resources import resource_path
from playground.training import Trainer
from playground.ui.editor_items import EdgeLayer, NodeLayer
from playground.ui.network_view import NetworkView


def test_a_deep_wide_network_builds_and_draws(make_window, qtbot, experiment) -> None:
    exp = copy.deepcopy(experiment)
    exp["model"]["layers"] = [{"units": 32, "activation": "relu"}] * 10 + [
        {"units": 1, "activation": "sigmoid"}
    ]
    exp["model"]["init"] = {"scheme": "he_normal"}
    window = make_window(exp)
    view = widget(window, "network_editor")
    for k in range(1, 11):
        assert widget(window, f"activation_combo_{k}").currentData() == "relu"
    window.controller.step(3)
    last_snapshot(window, qtbot, lambda s: s.step == 3)
    image = view.grab().toImage()
    assert not image.isNull() and image.width() > 100
    edges = [item for item in view.scene().items() if isinstance(item, EdgeLayer)]
    assert (
        len(edges) == 11
        and sum(e.shape_[0] * e.shape_[1] for e in edges) == 6 * 32 + 9 * 32 * 32 + 32
    )
    # controls sit above their columns, left to right, without overlapping
    xs = [widget(window, f"activation_combo_{k}").parentWidget().geometry() for k in range(1, 11)]
    assert all(a.right() < b.left() for a, b in zip(xs, xs[1:], strict=False))


def test_hit_testing_finds_edges_and_nodes() -> None:
    edges = EdgeLayer(1, 0.0, np.array([-10.0, 10.0]), 100.0, np.array([-20.0, 0.0, 20.0]))
    # the edge from input j=1 (y=10) to output i=2 (y=20), at its middle
    assert edges.hit(QPointF(50.0, 15.0), 2.0) == (2, 1)
    assert edges.hit(QPointF(50.0, 40.0), 2.0) is None
    nodes = NodeLayer(1, 0.0, np.array([-30.0, 0.0, 30.0]), 20.0)
    assert nodes.hit(QPointF(3.0, 28.0)) == 2
    assert nodes.hit(QPointF(3.0, 15.0)) is None


def test_weight_and_bias_edits_reach_the_trainer(make_window, qtbot) -> None:
    window = make_window()
    window.editor.weight_edited.emit(2, 1, 3, 1.25)
    window.editor.bias_edited.emit(1, 0, -0.5)
    # each edit publishes a snapshot: wait for the one that has both
    s = last_snapshot(
        window, qtbot, lambda s: s.weights[1][1, 3] == 1.25 and s.biases[0][0] == -0.5
    )
    assert s.weights[1][1, 3] == 1.25 and s.biases[0][0] == -0.5
    exp = window.experiment()
    assert exp["weights"][1]["W"][1][3] == 1.25 and exp["weights"][0]["b"][0] == -0.5
    # the tooltip text tells the value
    view = widget(window, "network_editor")
    assert "w = 1.25" in view.describe(("edge", 2, 1, 3))
    assert "b = -0.5" in view.describe(("node", 1, 0, 0))


def test_gradient_edges_and_layer_highlight(make_window, qtbot) -> None:
    window = make_window()
    window.controller.step(4)
    last_snapshot(window, qtbot, lambda s: s.step == 4)
    widget(window, "edge_gradient_check").setChecked(True)
    view = widget(window, "network_editor")
    assert view._edge_mode == "gradient"
    view.grab()
    window.editor.highlight_layers([1, 2])
    nodes = [i for i in view.scene().items() if isinstance(i, NodeLayer)]
    lit = sorted(n.layer for n in nodes if n._highlight)
    assert lit == [1, 2]
    window.editor.highlight_layers(())
    assert not any(n._highlight for n in nodes)


def test_zoom_and_fit(make_window) -> None:
    window = make_window()
    view = widget(window, "network_editor")
    scale = view.transform().m11()
    view.zoom(1.25)
    assert view.transform().m11() > scale
    view.fit()
    assert view.transform().m11() <= 1.0


def test_gradient_edges_show_vanishing_across_the_network(no_leaks, qtbot) -> None:
    """Gradient mode scales every layer by the whole network's largest |∂J/∂w| (log scale over
    eight decades): on the vanishing preset layer 1's edges are much paler and thinner than the
    last layer's, instead of each layer reaching full strength at its own maximum."""
    exp = load_experiment(resource_path("presets", "vanishing.json"))
    tr = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
    tr.train_steps(500)
    snap = tr.snapshot()
    g = [float(np.abs(dW).max()) for dW in snap.grad_weights]
    assert g[0] < 1e-3 * g[-1]  # the premise: layer 1 gets a tiny fraction of the gradient
    view = NetworkView()
    qtbot.addWidget(view)
    sizes = [exp["model"]["inputs"]] + [layer["units"] for layer in exp["model"]["layers"]]
    acts = [layer["activation"] for layer in exp["model"]["layers"]]
    view.set_structure(sizes, acts, ["x1", "x2"], None)
    view.show_snapshot(snap)
    view.set_edge_mode("gradient")
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    edges = sorted(
        (i for i in view.scene().items() if isinstance(i, EdgeLayer)), key=lambda e: e.layer
    )
    first, last = edges[0].edge_pens(), edges[-1].edge_pens()
    width_first = float(np.median([p.widthF() for p in first]))
    width_last = float(np.median([p.widthF() for p in last]))
    light_first = float(np.median([p.color().lightness() for p in first]))
    light_last = float(np.median([p.color().lightness() for p in last]))
    assert width_first < 0.5 * width_last
    assert light_first > light_last + 40  # paler: closer to the light grey of "no gradient"
    # the strongest edge of the network gets the strongest pen; one scale for all layers
    assert max(p.widthF() for p in last) == max(p.widthF() for p in edges[-1]._grad_pens)
    assert all(e.network_max() == edges[0].network_max() for e in edges)

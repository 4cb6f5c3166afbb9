"""Network: the Python API contract of DESIGN.md, the forward pass, and backpropagation against
finite differences of ``Network.cost`` and against PyTorch autograd."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import (
    assert_grad_close,
    keep_weights_away_from_zero,
    model,
    network_fd,
    numeric_grad,
    require,
    targets,
)

from playground.engine import Network, get_activation, get_loss
from playground.engine.names import ACTIVATIONS

HIDDEN = [name for name in ACTIVATIONS if name != "softmax"]
KINKED = {"relu", "leaky_relu", "step"}


def _data(net: Network, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (m, net.sizes[0]))
    return X, targets(net.loss.name, m, net.sizes[-1], rng)


def _assert_away_from_kinks(net: Network, X: np.ndarray, gap: float = 1e-4) -> None:
    """Finite differences need every z of a kinked activation farther than h from its kink."""
    t = net.forward(X)
    for z, act in zip(t.z, net.activations, strict=True):
        if act.name in KINKED:
            assert np.abs(z).min() > gap, f"{act.name}: a z within {gap} of 0; change the seed"


def _check_backward(net: Network, X: np.ndarray, Y: np.ndarray) -> None:
    grads = net.backward(net.forward(X), Y)
    assert_grad_close(grads.flat, network_fd(net, X, Y))
    # dW/db are views of ``flat`` in the layout of net.weights / net.biases
    dW, db = net.views(grads.flat)
    for l in range(net.n_layers):
        assert grads.dW[l].shape == net.weights[l].shape
        assert grads.db[l].shape == net.biases[l].shape
        np.testing.assert_array_equal(grads.dW[l], dW[l])
        np.testing.assert_array_equal(grads.db[l], db[l])
    assert grads.loss == pytest.approx(net.cost(X, Y), rel=1e-14)


# -- API contract (DESIGN.md "Python API") -------------------------------------------------------
def test_shapes_of_weights_biases_and_trace() -> None:
    net = Network.from_config(model(3, [(5, "tanh"), (4, "relu"), (2, "sigmoid")], "bce"))
    assert net.n_layers == 3 and net.sizes == [3, 5, 4, 2]
    assert [W.shape for W in net.weights] == [(5, 3), (4, 5), (2, 4)]
    assert [b.shape for b in net.biases] == [(5,), (4,), (2,)]
    assert net.n_params == 5 * 4 + 4 * 6 + 2 * 5
    X = np.random.default_rng(0).normal(size=(7, 3))
    t = net.forward(X)
    assert len(t.z) == len(t.a) == 3  # X itself is not in trace.a
    assert [a.shape for a in t.a] == [(7, 5), (7, 4), (7, 2)]
    assert [z.shape for z in t.z] == [(7, 5), (7, 4), (7, 2)]
    assert t.output is t.a[-1]
    np.testing.assert_array_equal(t.x, X)
    np.testing.assert_array_equal(net.predict(X), t.a[-1])


def test_forward_is_the_math() -> None:
    """Z^[l] = A^[l-1] W^[l]ᵀ + b^[l], A^[l] = g(Z^[l]), written out per example."""
    net = Network.from_config(
        model(2, [(4, "leaky_relu", {"alpha": 0.2}), (3, "elu"), (3, "softmax")], "cce")
    )
    rng = np.random.default_rng(1)
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    X = rng.normal(size=(5, 2))
    t = net.forward(X)
    for i in range(5):
        a = X[i]
        for l, act in enumerate(net.activations):
            z = net.weights[l] @ a + net.biases[l]
            np.testing.assert_allclose(t.z[l][i], z, rtol=1e-14, atol=1e-15)
            a = act(z)
            np.testing.assert_allclose(t.a[l][i], a, rtol=1e-14, atol=1e-15)


def test_weights_and_biases_are_live_views() -> None:
    net = Network.from_config(model(2, [(3, "tanh"), (1, "linear")], "mse"))
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    before = net.predict(X).copy()
    A = np.arange(6.0).reshape(3, 2) / 10
    net.weights[0][...] = A
    np.testing.assert_array_equal(net.weights[0], A)
    after = net.predict(X)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(
        after, np.tanh(X @ A.T + net.biases[0]) @ net.weights[1].T + net.biases[1], rtol=1e-14
    )
    net.biases[1][...] = 3.0
    np.testing.assert_allclose(
        net.predict(X), np.tanh(X @ A.T + net.biases[0]) @ net.weights[1].T + 3.0, rtol=1e-14
    )
    # ... and views into the flat parameter vector θ
    assert np.shares_memory(net.weights[0], net.params)
    assert np.shares_memory(net.biases[1], net.params)
    net.params[...] = 0.0
    assert np.all(net.predict(X) == 0.0)


def test_set_weights_copies_and_checks_shapes() -> None:
    net = Network.from_config(model(2, [(3, "tanh"), (1, "sigmoid")], "bce"))
    Ws = [np.ones((3, 2)), np.full((1, 3), 2.0)]
    bs = [np.zeros(3), np.array([-1.0])]
    net.set_weights(Ws, bs)
    Ws[0][...] = 5.0  # the network holds a copy
    np.testing.assert_array_equal(net.weights[0], 1.0)
    np.testing.assert_array_equal(net.biases[1], [-1.0])
    with pytest.raises(ValueError, match="layer 1"):
        net.set_weights([np.ones((2, 3)), Ws[1]], bs)
    with pytest.raises(ValueError, match="layer 2"):
        net.set_weights(Ws, [bs[0], np.zeros(2)])
    with pytest.raises(ValueError, match="expected 2"):
        net.set_weights(Ws[:1], bs[:1])
    net.set_weights([[[1, 2], [3, 4], [5, 6]], [[1, 1, 1]]], [[0, 0, 0], [0]])  # nested lists
    np.testing.assert_array_equal(net.weights[0], [[1, 2], [3, 4], [5, 6]])


def test_invalid_architectures_and_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="softmax"):
        Network.from_config(model(2, [(3, "softmax"), (2, "softmax")], "cce"))
    with pytest.raises(ValueError, match="softmax"):
        Network([2, 3, 1], [get_activation("softmax"), get_activation("linear")], get_loss("mse"))
    with pytest.raises(ValueError):
        Network([2, 0, 1], [get_activation("tanh")] * 2, get_loss("mse"))
    with pytest.raises(ValueError):
        Network([2, 3, 1], [get_activation("tanh")], get_loss("mse"))
    with pytest.raises(ValueError, match="unknown regularization"):
        Network.from_config(model(2, [(1, "linear")]), {"kind": "l3", "rate": 0.1})
    net = Network.from_config(model(2, [(3, "tanh"), (2, "linear")], "mse"))
    with pytest.raises(ValueError, match=r"X must be \(m, 2\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X must be"):
        net.forward(np.zeros(2))
    with pytest.raises(ValueError, match="Y must be"):
        net.backward(net.forward(np.zeros((4, 2))), np.zeros((4, 1)))


def test_softmax_output_is_allowed() -> None:
    net = Network.from_config(model(2, [(4, "relu"), (3, "softmax")]))
    assert net.loss.name == "cce"  # default loss for softmax
    np.testing.assert_allclose(net.predict(np.ones((2, 2))).sum(axis=1), 1.0)


@pytest.mark.parametrize("loss", ["mse", "bce", "cce"])
def test_softmax_over_one_unit_is_constant_and_passes_no_gradient(loss: str) -> None:
    """ŷ = e^z / e^z ≡ 1, so δ^[L] = 0 and every gradient but the loss's own is zero (allowed
    with a warning in the GUI: pairing_note)."""
    net = Network.from_config(model(2, [(4, "tanh"), (1, "softmax")], loss))
    X, Y = _data(net, 6)
    Y = (Y > Y.mean()).astype(float)
    trace = net.forward(X)
    np.testing.assert_array_equal(trace.a[-1], 1.0)
    grads = net.backward(trace, Y)
    assert np.isfinite(grads.loss)
    for d in grads.delta:
        np.testing.assert_array_equal(d, 0.0)
    for g in (*grads.dW, *grads.db):
        np.testing.assert_array_equal(g, 0.0)


def test_default_losses() -> None:
    assert Network.from_config(model(2, [(1, "sigmoid")])).loss.name == "bce"
    assert Network.from_config(model(2, [(1, "linear")])).loss.name == "mse"
    assert Network.from_config(model(2, [(1, "tanh")])).loss.name == "mse"


def test_from_config_uses_init_and_seed() -> None:
    cfg = model(
        2, [(6, "tanh"), (1, "sigmoid")], "bce", seed=5, init={"scheme": "zeros", "bias": 0.5}
    )
    net = Network.from_config(cfg)
    assert all(np.all(W == 0) for W in net.weights) and all(np.all(b == 0.5) for b in net.biases)
    a = Network.from_config(model(2, [(6, "tanh"), (1, "sigmoid")], seed=5))
    b = Network.from_config(model(2, [(6, "tanh"), (1, "sigmoid")], seed=5))
    c = Network.from_config(model(2, [(6, "tanh"), (1, "sigmoid")], seed=6))
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_from_config_with_regularization() -> None:
    cfg = model(2, [(4, "tanh"), (1, "linear")], "mse")
    X, Y = np.ones((3, 2)), np.zeros((3, 1))
    plain = Network.from_config(cfg)
    for kind, rate in (("l1", 0.1), ("l2", 0.3)):
        net = Network.from_config(cfg, {"kind": kind, "rate": rate})
        assert (net.reg_kind, net.reg_rate) == (kind, rate)
        w = np.concatenate([W.ravel() for W in net.weights])
        expected = rate * np.abs(w).sum() if kind == "l1" else 0.5 * rate * (w @ w)
        assert net.regularization_loss() == pytest.approx(expected, rel=1e-14)
        assert net.cost(X, Y) == pytest.approx(plain.cost(X, Y) + expected, rel=1e-14)
    # biases are not regularized
    net = Network.from_config(cfg, {"kind": "l2", "rate": 0.3})
    before = net.regularization_loss()
    for b in net.biases:
        b[...] = 100.0
    assert net.regularization_loss() == before
    assert Network.from_config(cfg, {"kind": "none", "rate": 5.0}).regularization_loss() == 0.0


def test_copy_is_independent() -> None:
    net = Network.from_config(
        model(2, [(4, "relu"), (2, "softmax")], "cce"), {"kind": "l2", "rate": 0.1}
    )
    twin = net.copy()
    X = np.random.default_rng(2).normal(size=(5, 2))
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    assert (twin.reg_kind, twin.reg_rate, twin.sizes) == ("l2", 0.1, net.sizes)
    twin.weights[0][...] = 0.0
    assert not np.all(net.weights[0] == 0.0)
    net.biases[1][...] = 7.0
    assert not np.any(twin.biases[1] == 7.0)
    assert not np.shares_memory(twin.params, net.params)


def test_layer_config_round_trips_every_activation_and_its_parameters() -> None:
    layers = [
        (3, "leaky_relu", {"alpha": 0.2}),
        (3, "elu", {"alpha": 0.5}),
        (3, "linear", {"slope": 2.0}),
        *[(2, name) for name in HIDDEN if name not in ("leaky_relu", "elu", "linear")],
        (2, "softmax"),
    ]
    cfg = model(2, layers, "cce")
    net = Network.from_config(cfg)
    full = [
        {"units": s[0], "activation": s[1], **ACTIVATIONS[s[1]][1], **(s[2] if len(s) > 2 else {})}
        for s in layers
    ]
    assert net.layer_config() == full
    again = Network.from_config({**cfg, "layers": net.layer_config()})
    X = np.random.default_rng(3).normal(size=(4, 2))
    np.testing.assert_array_equal(again.predict(X), net.predict(X))


def test_weights_config_round_trips() -> None:
    net = Network.from_config(model(2, [(3, "tanh"), (1, "sigmoid")]))
    cfg = net.weights_config()
    assert [len(d["W"]) for d in cfg] == [3, 1] and [len(d["W"][0]) for d in cfg] == [2, 3]
    other = Network.from_config(model(2, [(3, "tanh"), (1, "sigmoid")], seed=99))
    other.set_weights([d["W"] for d in cfg], [d["b"] for d in cfg])
    np.testing.assert_array_equal(other.params, net.params)


# -- backpropagation against finite differences -------------------------------------------------
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("depth", [2, 3])
def test_backward_every_hidden_activation(hidden: str, depth: int) -> None:
    layers = [(4, hidden)] * depth + [(2, "linear")]
    net = Network.from_config(
        model(3, layers, "mse", seed=depth, init={"scheme": "xavier_normal", "bias": 0.1})
    )
    X, Y = _data(net, 6, seed=depth)
    _assert_away_from_kinks(net, X)
    _check_backward(net, X, Y)


#: loss × output activation pairings where the loss is defined on the activation's range
PAIRINGS = (
    [("mse", act) for act in ACTIVATIONS]
    + [("bce", "sigmoid"), ("bce", "softmax")]
    + [("cce", "softmax"), ("cce", "sigmoid"), ("cce", "softplus")]
)


@pytest.mark.parametrize(("loss", "output"), PAIRINGS, ids=[f"{lo}-{a}" for lo, a in PAIRINGS])
def test_backward_every_loss_and_output_pairing(loss: str, output: str) -> None:
    net = Network.from_config(model(3, [(5, "tanh"), (4, "sigmoid"), (3, output)], loss, seed=1))
    for b in net.biases:
        b[...] = 0.3
    X, Y = _data(net, 5, seed=1)
    _assert_away_from_kinks(net, X)
    _check_backward(net, X, Y)


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "leaky_relu", "gelu"])
def test_backward_deep_network(hidden: str) -> None:
    layers = [(3, hidden)] * 7 + [(2, "softmax")]  # 8 layers with weights
    net = Network.from_config(
        model(2, layers, "cce", seed=4, init={"scheme": "he_normal", "bias": 0.05})
    )
    X, Y = _data(net, 4, seed=4)
    _assert_away_from_kinks(net, X)
    _check_backward(net, X, Y)


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("m", [1, 7])
def test_backward_with_regularization_and_batch_size(kind: str, m: int) -> None:
    net = Network.from_config(
        model(2, [(4, "tanh"), (3, "relu"), (1, "sigmoid")], "bce", seed=7),
        {"kind": kind, "rate": 0.05},
    )
    keep_weights_away_from_zero(net)
    for b in net.biases:
        b[...] = 0.2
    X, Y = _data(net, m, seed=7)
    _assert_away_from_kinks(net, X)
    _check_backward(net, X, Y)
    # the regularization gradient is λ·sign(W) or λ·W on top of the data gradient
    plain = net.copy()
    plain.set_regularization(None)
    g, g0 = net.backward(net.forward(X), Y), plain.backward(plain.forward(X), Y)
    for l in range(net.n_layers):
        extra = 0.05 * (np.sign(net.weights[l]) if kind == "l1" else net.weights[l])
        np.testing.assert_allclose(g.dW[l] - g0.dW[l], extra, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(g.db[l], g0.db[l])


@pytest.mark.parametrize("m", [1, 7])
def test_backward_batch_sizes(m: int) -> None:
    net = Network.from_config(model(3, [(5, "elu"), (4, "swish"), (2, "linear")], "mse", seed=8))
    X, Y = _data(net, m, seed=8)
    _check_backward(net, X, Y)


def test_l1_gradient_is_zero_at_zero_weights() -> None:
    net = Network.from_config(
        model(2, [(2, "linear")], "mse", init={"scheme": "zeros"}), {"kind": "l1", "rate": 1.0}
    )
    X, Y = np.zeros((3, 2)), np.zeros((3, 2))
    g = net.backward(net.forward(X), Y)
    assert np.all(g.flat == 0.0)


# -- δ per example --------------------------------------------------------------------------------
def test_delta_is_per_example_and_not_divided_by_m() -> None:
    """grads.delta[l] row i = δ_i^[l] of example i alone; dW = mean_i δ_i a_iᵀ, db = mean_i δ_i;
    δ^[L] = the loss's δ of (y, z^[L])."""
    net = Network.from_config(model(3, [(5, "tanh"), (4, "elu"), (3, "softmax")], "mse", seed=9))
    X, Y = _data(net, 6, seed=9)
    t = net.forward(X)
    g = net.backward(t, Y)
    assert [d.shape for d in g.delta] == [(6, 5), (6, 4), (6, 3)]
    np.testing.assert_array_equal(
        g.delta[-1], net.loss.delta(Y, t.z[-1], t.a[-1], net.activations[-1])
    )
    for l in range(net.n_layers):
        a_prev = X if l == 0 else t.a[l - 1]
        outer = np.einsum("mi,mj->mij", g.delta[l], a_prev)  # δ_i a_iᵀ per example
        np.testing.assert_allclose(g.dW[l], outer.mean(axis=0), rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(g.db[l], g.delta[l].mean(axis=0), rtol=1e-12, atol=1e-16)
    for i in range(6):
        gi = net.backward(net.forward(X[i : i + 1]), Y[i : i + 1])
        for l in range(net.n_layers):
            np.testing.assert_allclose(gi.delta[l][0], g.delta[l][i], rtol=1e-13, atol=1e-16)
    # δ^[l-1] = (δ^[l] W^[l]) ⊙ g'(z^[l-1]) for the elementwise hidden layers
    for l in (1, 2):
        act = net.activations[l - 1]
        np.testing.assert_allclose(
            g.delta[l - 1],
            (g.delta[l] @ net.weights[l]) * act.derivative(t.z[l - 1], t.a[l - 1]),
            rtol=1e-13,
            atol=1e-16,
        )


@pytest.mark.parametrize(
    ("loss", "output"), [("mse", "tanh"), ("bce", "sigmoid"), ("cce", "softmax")]
)
def test_delta_of_one_example_is_the_bias_gradient(loss: str, output: str) -> None:
    """For m = 1, ∂L/∂b^[l] = δ^[l]: compare every layer's δ with FD of the loss w.r.t. b^[l]."""
    net = Network.from_config(
        model(2, [(4, "tanh"), (3, "leaky_relu"), (3, "sigmoid"), (2, output)], loss, seed=10),
        {"kind": "l2", "rate": 0.2},  # regularization does not touch biases
    )
    X, Y = _data(net, 1, seed=10)
    _assert_away_from_kinks(net, X)
    g = net.backward(net.forward(X), Y)
    for l in range(net.n_layers):
        numeric = numeric_grad(lambda: net.cost(X, Y), net.biases[l])
        assert_grad_close(g.delta[l][0], numeric)


# -- PyTorch autograd -----------------------------------------------------------------------------
def _torch_module(act):
    nn = require("torch").nn
    return {
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "linear": nn.Identity,
        "softmax": lambda: nn.Softmax(dim=1),
        "leaky_relu": lambda: nn.LeakyReLU(act.alpha),
        "elu": lambda: nn.ELU(act.alpha),
        "gelu": lambda: nn.GELU(approximate="tanh"),
        "swish": nn.SiLU,
        "softplus": nn.Softplus,
    }[act.name]()


TORCH_NETS = [
    ([(6, "tanh"), (5, "tanh"), (1, "sigmoid")], "bce", None),
    ([(6, "relu"), (5, "relu"), (3, "softmax")], "cce", None),
    ([(6, "sigmoid"), (4, "sigmoid"), (2, "linear")], "mse", None),
    ([(6, "tanh"), (3, "softmax")], "mse", None),
    (
        [(5, "leaky_relu"), (5, "gelu"), (4, "swish"), (2, "sigmoid")],
        "bce",
        {"kind": "l2", "rate": 0.1},
    ),
    (
        [(5, "elu", {"alpha": 0.7}), (5, "softplus"), (3, "softmax")],
        "cce",
        {"kind": "l1", "rate": 0.01},
    ),
]


@pytest.mark.parametrize(
    ("layers", "loss", "reg"),
    TORCH_NETS,
    ids=[
        f"{n[0][0][1]}-{n[0][-1][1]}-{n[1]}-{(n[2] or {}).get('kind', 'none')}" for n in TORCH_NETS
    ],
)
def test_gradients_match_torch_autograd(layers, loss, reg) -> None:
    torch = require("torch")
    nn = torch.nn
    net = Network.from_config(
        model(3, layers, loss, seed=11, init={"scheme": "he_uniform", "bias": 0.1}), reg
    )
    m = 8
    X, Y = _data(net, m, seed=11)
    g = net.backward(net.forward(X), Y)

    mods = []
    for W, b, act in zip(net.weights, net.biases, net.activations, strict=True):
        lin = nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W))
            lin.bias.copy_(torch.tensor(b))
        mods += [lin, _torch_module(act)]
    seq = nn.Sequential(*mods)
    yhat = seq(torch.tensor(X))
    Yt = torch.tensor(Y)
    if loss == "mse":
        J = nn.MSELoss(reduction="sum")(yhat, Yt) / (2 * m)
    elif loss == "bce":
        J = nn.BCELoss(reduction="sum")(yhat, Yt) / m
    else:
        J = nn.NLLLoss()(torch.log(yhat), Yt.argmax(dim=1))
    linears = [mod for mod in seq if isinstance(mod, nn.Linear)]
    if reg is not None:
        ws = [lin.weight for lin in linears]
        if reg["kind"] == "l2":
            J = J + 0.5 * reg["rate"] * sum((w * w).sum() for w in ws)
        else:
            J = J + reg["rate"] * sum(w.abs().sum() for w in ws)
    J.backward()

    np.testing.assert_allclose(net.predict(X), yhat.detach().numpy(), rtol=1e-13, atol=1e-15)
    assert g.loss == pytest.approx(J.item(), rel=1e-12)
    for l, lin in enumerate(linears):
        np.testing.assert_allclose(g.dW[l], lin.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(g.db[l], lin.bias.grad.numpy(), rtol=1e-10, atol=1e-14)


# -- numerical safety -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "loss", "logits", "Y", "expected"),
    [
        ("sigmoid", "bce", [800.0, -800.0], [[0.0, 1.0]], 1600.0),
        ("sigmoid", "bce", [800.0, -800.0], [[1.0, 0.0]], 0.0),
        ("softmax", "cce", [1000.0, -1000.0], [[0.0, 1.0]], 2000.0),
        ("softmax", "cce", [1000.0, -1000.0], [[1.0, 0.0]], 0.0),
    ],
)
def test_saturated_outputs_give_exact_finite_costs_and_gradients(output, loss, logits, Y, expected):
    """z^[L] = ±800 (sigmoid) or ±1000 (softmax): the cost is the analytic limit, the gradients are
    finite (no warnings: pytest turns them into errors)."""
    net = Network.from_config(model(2, [(3, "tanh"), (2, output)], loss))
    net.weights[1][...] = 0.0
    net.biases[1][...] = logits
    X, Y = np.array([[0.3, -0.2]]), np.array(Y)
    assert net.cost(X, Y) == pytest.approx(expected, abs=1e-12)
    g = net.backward(net.forward(X), Y)
    assert g.loss == pytest.approx(expected, abs=1e-12)
    assert np.all(np.isfinite(g.flat))
    np.testing.assert_array_equal(g.delta[-1], net.predict(X) - Y)


def test_from_config_rejects_unknown_layer_keys() -> None:
    base = {"inputs": 2, "init": {"scheme": "xavier_uniform"}, "seed": 0, "loss": "bce"}
    typo = [
        {"units": 3, "activation": "leaky_relu", "alpah": 0.2},
        {"units": 1, "activation": "sigmoid"},
    ]
    with pytest.raises(ValueError, match="alpah"):
        Network.from_config({**base, "layers": typo})
    stray = [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid", "unit": 5}]
    with pytest.raises(ValueError, match="unit"):
        Network.from_config({**base, "layers": stray})
    ok = [
        {"units": 3, "activation": "leaky_relu", "alpha": 0.2},
        {"units": 1, "activation": "sigmoid"},
    ]
    assert Network.from_config({**base, "layers": ok}).activations[0].alpha == 0.2

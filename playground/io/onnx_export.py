"""The network as an ONNX model (``playground export --format onnx``). No Qt.

Built with the ``onnx`` package's helper API (an optional extra: ``pip install 'playground[onnx]'``,
imported only when a model is exported). The graph, per layer l = 1..L::

    z{l} = Gemm(a{l-1}, W{l}, b{l}, transB=1)      # z = a Wᵀ + b with W as stored (n_l, n_{l-1})
    a{l} = activation(z{l})                        # one node, or a few primitive ones (below)

with ``a0`` = the input ``"input"`` [batch, n0] and the last tensor named ``"output"`` [batch, nL];
``batch`` is a symbolic (dynamic) dimension. When the data was standardized (``inputs.py``), the
input is the *raw* feature vector and the graph starts with ``a0 = Div(Sub(input, x_mean),
x_scale)``, the training split's statistics, so the model reproduces Playground on raw rows.
Activations: Sigmoid, Tanh, Relu, LeakyRelu(alpha), Elu(alpha), Softplus, Gelu(approximate="tanh"),
Sin, Softmax(axis=-1); swish as z·Sigmoid(z), a linear slope c ≠ 1 as Mul(z, c) (nothing when
c = 1), step as Cast(Greater(z, 0)) (inference only: it has no gradient in any framework).

Precision: float32 (the default) or float64. onnxruntime has no float64 kernels for LeakyRelu, Elu
and Softplus, so in a float64 model they are written with primitive ops that it does run:
LeakyRelu = Where(z > 0, z, αz); Elu = Relu(z) + α(Exp(Min(z, 0)) − 1);
Softplus = Relu(z) + Log(1 + Exp(−|z|)) (= ln(1 + e^z), stable for large |z|).

The opset is 20 when a GELU layer needs the ``Gelu`` op, else 17 (readable by older runtimes); the
IR version is the lowest one that opset allows. The model's producer is "playground", its doc string
names the experiment, and its metadata (``metadata_props``) holds the experiment (without weights)
as JSON, ``playground.precision``, and what to feed it: ``playground.x_names`` (the input columns
as a JSON list, e.g. ``["x1", "x2", "x1^2"]`` or iris's measurements), ``playground.x_mean``,
``playground.x_scale`` (JSON lists) and ``playground.input`` (the same in words; also the input's
doc string). Every model passes ``onnx.checker.check_model(full_check=True)`` before it is
returned.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

import playground
from playground.engine import Network
from playground.io.export import ExportError, require_activations
from playground.io.inputs import Inputs

#: activations this exporter writes (by experiment-file name)
SUPPORTED = frozenset({
    "step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "swish",
    "sine", "softmax",
})  # fmt: skip
OPSET = 17
OPSET_GELU = 20
INSTALL_HINT = "ONNX export needs the 'onnx' package: pip install 'playground[onnx]'"


def check_supported(net: Network) -> None:
    """Raise ``ExportError`` naming the first layer ONNX export cannot express."""
    require_activations(net, SUPPORTED, "ONNX")


def _import_onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise ExportError(INSTALL_HINT) from None
    return onnx, helper, numpy_helper


class _Graph:
    """Collects nodes and initializers; every method returns the name of the tensor it makes."""

    def __init__(self, helper, numpy_helper, dtype: np.dtype, elem_type: int) -> None:
        self.helper, self.numpy_helper = helper, numpy_helper
        self.dtype, self.elem_type = dtype, elem_type
        self.nodes: list = []
        self.initializers: list = []
        self._consts: dict[str, str] = {}

    def tensor(self, name: str, value: np.ndarray) -> str:
        array = np.ascontiguousarray(value, dtype=self.dtype)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def scalar(self, value: float, name: str | None = None) -> str:
        """A scalar constant; equal values share one initializer."""
        key = repr(float(value))
        if key not in self._consts:
            self._consts[key] = self.tensor(name or f"const_{len(self._consts)}", np.array(value))
        return self._consts[key]

    def op(self, op_type: str, inputs: list[str], prefix: str, **attrs: Any) -> str:
        """Append one node named e.g. ``layer2/Tanh`` (its output tensor has the same name)."""
        out, k = f"{prefix}/{op_type}", 1
        while any(node.name == out for node in self.nodes):
            k += 1
            out = f"{prefix}/{op_type}_{k}"
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out


def _activation(g: _Graph, name: str, params: Mapping[str, float], z: str, prefix: str) -> str:
    """Nodes computing a = g(z); returns a's tensor name (z itself for the identity)."""
    double = g.dtype == np.float64
    if name == "step":
        return g.op(
            "Cast", [g.op("Greater", [z, g.scalar(0.0, "zero")], prefix)], prefix, to=g.elem_type
        )
    if name == "linear":
        slope = float(params.get("slope", 1.0))
        return z if slope == 1.0 else g.op("Mul", [z, g.scalar(slope)], prefix)
    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "sine": "Sin"}
    if name in simple:
        return g.op(simple[name], [z], prefix)
    if name == "softmax":
        return g.op("Softmax", [z], prefix, axis=-1)
    if name == "swish":
        return g.op("Mul", [z, g.op("Sigmoid", [z], prefix)], prefix)
    if name == "gelu":
        return g.op("Gelu", [z], prefix, approximate="tanh")
    alpha = float(params.get("alpha", 0.0))
    if name == "leaky_relu":
        if not double:
            return g.op("LeakyRelu", [z], prefix, alpha=alpha)
        positive = g.op("Greater", [z, g.scalar(0.0, "zero")], prefix)
        return g.op("Where", [positive, z, g.op("Mul", [z, g.scalar(alpha)], prefix)], prefix)
    if name == "elu":
        if not double:
            return g.op("Elu", [z], prefix, alpha=alpha)
        em1 = g.op(
            "Sub",
            [
                g.op("Exp", [g.op("Min", [z, g.scalar(0.0, "zero")], prefix)], prefix),
                g.scalar(1.0, "one"),
            ],
            prefix,
        )
        return g.op(
            "Add", [g.op("Relu", [z], prefix), g.op("Mul", [em1, g.scalar(alpha)], prefix)], prefix
        )
    if name == "softplus":
        if not double:
            return g.op("Softplus", [z], prefix)
        tail = g.op("Exp", [g.op("Neg", [g.op("Abs", [z], prefix)], prefix)], prefix)
        log1p = g.op("Log", [g.op("Add", [tail, g.scalar(1.0, "one")], prefix)], prefix)
        return g.op("Add", [g.op("Relu", [z], prefix), log1p], prefix)
    raise ExportError(f"ONNX export cannot express activation {name!r}")


def build_onnx_model(
    net: Network,
    experiment: Mapping[str, Any] | None = None,
    precision: str = "float32",
    inputs: Inputs | None = None,
):
    """The ``onnx.ModelProto`` computing ``net.predict(inputs.apply(x))`` for raw feature rows
    ``x`` (``net.predict(x)`` when ``inputs`` is None or not standardized; see the module
    docstring).

    Raises:
        ExportError: the ``onnx`` package is missing, an activation cannot be expressed, or the
            model fails ``onnx.checker`` (a bug: please report it).
    """
    check_supported(net)
    onnx, helper, numpy_helper = _import_onnx()
    if precision not in ("float32", "float64"):
        raise ExportError(f"unknown precision {precision!r} (allowed: float32, float64)")
    dtype = np.dtype(precision)
    elem = onnx.TensorProto.FLOAT if precision == "float32" else onnx.TensorProto.DOUBLE
    g = _Graph(helper, numpy_helper, dtype, elem)
    inputs = inputs if inputs is not None else Inputs.identity(net.sizes[0])
    if inputs.n != net.sizes[0]:
        raise ExportError(f"{inputs.n} input statistics for a network with {net.sizes[0]} inputs")
    a = "input"
    if inputs.standardized:  # a0 = (x - x_mean) / x_scale
        centred = g.op("Sub", [a, g.tensor("x_mean", inputs.mean)], "standardize")
        a = g.op("Div", [centred, g.tensor("x_scale", inputs.scale)], "standardize")
    layers = zip(net.weights, net.biases, net.activations, strict=True)
    for l, (W, b, act) in enumerate(layers, start=1):
        prefix = f"layer{l}"
        z = g.op("Gemm", [a, g.tensor(f"W{l}", W), g.tensor(f"b{l}", b)], prefix, transB=1)
        a = _activation(g, act.name, act.params(), z, prefix)
    g.nodes[-1].output[0] = "output"  # the last node made the last tensor; give it its name

    exp = dict(experiment or {})
    title = str(exp.get("name") or "untitled")
    sizes = "-".join(map(str, net.sizes))
    acts = ", ".join(act.name for act in net.activations)
    graph = helper.make_graph(
        g.nodes,
        "playground",
        [
            helper.make_tensor_value_info(
                "input", elem, ["batch", net.sizes[0]], doc_string=inputs.describe()
            )
        ],
        [helper.make_tensor_value_info("output", elem, ["batch", net.sizes[-1]])],
        g.initializers,
        doc_string=f"{sizes} network ({acts}); input rows are examples",
    )
    opset = OPSET_GELU if any(act.name == "gelu" for act in net.activations) else OPSET
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(
        graph,
        opset_imports=opsets,
        producer_name="playground",
        producer_version=playground.__version__,
        doc_string=f"Playground experiment {title!r}: a {sizes} network ({acts}), loss "
        f"{net.loss.name}, {precision}.",
    )
    model.ir_version = helper.find_min_ir_version_for(opsets)
    meta = {
        "playground.experiment": _experiment_json(exp),
        "playground.precision": precision,
        "playground.input": inputs.describe(),
        "playground.x_names": json.dumps(list(inputs.names or []), ensure_ascii=False),
        "playground.x_mean": json.dumps(inputs.mean.tolist()),
        "playground.x_scale": json.dumps(inputs.scale.tolist()),
    }
    if inputs.names is None:
        del meta["playground.x_names"]
    helper.set_model_props(model, {k: v for k, v in meta.items() if v})
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        message = " ".join(str(exc).split())
        raise ExportError(
            f"the ONNX model failed onnx.checker (please report): {message}"
        ) from None
    except ValueError as exc:  # protobuf's 2 GB limit
        size = f"{net.n_params:,} parameters"
        raise ExportError(f"the network is too large for one ONNX file ({size}): {exc}") from None
    return model


def onnx_model_bytes(
    net: Network,
    experiment: Mapping[str, Any] | None = None,
    precision: str = "float32",
    inputs: Inputs | None = None,
) -> bytes:
    """The serialized model (the bytes of a ``.onnx`` file)."""
    return build_onnx_model(net, experiment, precision, inputs).SerializeToString()


def _experiment_json(exp: Mapping[str, Any]) -> str:
    """The experiment without weights or training state, as compact JSON ("" when empty)."""
    slim = {k: v for k, v in exp.items() if k not in ("weights", "state")}
    return json.dumps(slim, ensure_ascii=False, allow_nan=False) if slim else ""

"""The network as PyTorch code (``playground export --format torch``). No Qt, and no torch here.

Writes two files with one stem, together (both or neither): ``NAME.py``, a self-contained script
(it imports only numpy and torch, never playground) that defines ``build_model()`` returning the
same ``nn.Sequential`` — ``nn.Linear`` per layer followed by its activation module — with the
weights loaded, and ``NAME.npz`` beside it: the ``weights.npz`` of DESIGN.md (``W1..WL``,
``b1..bL``, ``experiment``, ``x_mean``, ``x_scale``, ``x_names``), which the script reads with
``np.load(..., allow_pickle=False)`` and copies into the layers with ``torch.from_numpy``.
``W^[l]`` is (n_l, n_{l-1}), exactly ``nn.Linear.weight``. Given the name of a ``weights.npz``
written beside it (``weights_file``), only the script is written and it loads that file.

Inputs (``inputs.py``): the model takes the raw feature rows named in the script's docstring and
``X_NAMES``; when the data was standardized, the ``nn.Sequential`` starts with a ``Standardize``
module computing ``(x - mean) / scale`` from registered buffers loaded from ``x_mean``/``x_scale``.

Activations: nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU(α), nn.ELU(α), nn.Softplus (threshold 40,
so that it equals ln(1 + e^z) to float64 precision; PyTorch's default 20 is off by ~2e-9),
nn.GELU(approximate="tanh"), nn.SiLU (swish), nn.Softmax(dim=-1), and three small modules defined in
the script: ``Sine``, ``Scale`` (a linear slope c ≠ 1) and ``Step`` (1 where z > 0, else 0; its
gradient is 0, as in Playground, so nothing flows back through it).

Running ``python NAME.py`` prints the output for a random batch (around the training data's mean
when standardized); ``python NAME.py X.npy [Y.npy]`` runs the model on the raw rows of X.npy
(m, n0) and prints (and saves) the outputs. Precision float32 (PyTorch's default) or float64 (then
the outputs match Playground's engine to ~1e-12).
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from playground.engine import Network
from playground.io.atomic import atomic_files
from playground.io.export import ExportError, require_activations
from playground.io.inputs import Inputs
from playground.io.weights import write_weights_npz

SUPPORTED = frozenset({
    "step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "swish",
    "sine", "softmax",
})  # fmt: skip

#: how the engine's losses are written in PyTorch (DESIGN.md's conventions), for the docstring
_LOSS_NOTE = {
    "mse": "nn.MSELoss(reduction='sum')(y_hat, y) / (2 * m)",
    "bce": "nn.BCELoss(reduction='sum')(y_hat, y) / m",
    "cce": "nn.NLLLoss()(torch.log(y_hat), y.argmax(dim=1))",
}


def check_supported(net: Network) -> None:
    """Raise ``ExportError`` naming the first layer PyTorch export cannot express."""
    require_activations(net, SUPPORTED, "PyTorch")


def torch_paths(out: str | os.PathLike[str]) -> tuple[Path, Path]:
    """(script, weights): ``out`` itself when it ends in ``.py`` (else ``out`` + ``.py``), and the
    ``.npz`` with the same stem beside it."""
    out = Path(out)
    script = out if out.suffix == ".py" else out.with_name(out.name + ".py")
    return script, script.with_suffix(".npz")


def _module(name: str, params: Mapping[str, float]) -> str | None:
    """The activation module's constructor call (None for the identity)."""
    if name == "linear":
        slope = float(params.get("slope", 1.0))
        return None if slope == 1.0 else f"Scale({slope!r})"
    if name in ("leaky_relu", "elu"):
        cls = "LeakyReLU(negative_slope=" if name == "leaky_relu" else "ELU(alpha="
        return f"nn.{cls}{float(params['alpha'])!r})"
    fixed = {
        "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
        "softplus": "nn.Softplus(beta=1.0, threshold=40.0)",
        "gelu": 'nn.GELU(approximate="tanh")', "swish": "nn.SiLU()", "sine": "Sine()",
        "softmax": "nn.Softmax(dim=-1)", "step": "Step()",
    }  # fmt: skip
    if name not in fixed:
        raise ExportError(f"PyTorch export cannot express activation {name!r}")
    return fixed[name]


def torch_script_text(
    net: Network,
    experiment: Mapping[str, Any],
    weights_file: str,
    precision: str = "float32",
    inputs: Inputs | None = None,
) -> str:
    """The script's source (see the module docstring); ``weights_file`` is the ``.npz`` name,
    looked up in the script's own folder (with ``x_mean``/``x_scale`` when ``inputs`` are
    standardized)."""
    check_supported(net)
    if precision not in ("float32", "float64"):
        raise ExportError(f"unknown precision {precision!r} (allowed: float32, float64)")
    inputs = inputs if inputs is not None else Inputs.identity(net.sizes[0])
    if inputs.n != net.sizes[0]:
        raise ExportError(f"{inputs.n} input statistics for a network with {net.sizes[0]} inputs")
    lines = []
    if inputs.standardized:
        lines.append(f"        Standardize({net.sizes[0]}),  # (x - x_mean) / x_scale")
    layers = zip(net.sizes[:-1], net.sizes[1:], net.activations, strict=True)
    for l, (n_in, n_out, act) in enumerate(layers, start=1):
        lines.append(f"        nn.Linear({n_in}, {n_out}),  # layer {l}: W{l}, b{l}")
        module = _module(act.name, act.params())
        if module is not None:
            lines.append(f"        {module},")
    title = str(experiment.get("name") or "untitled")
    sizes = "-".join(map(str, net.sizes))
    how = (
        "the raw values: the first module, Standardize, computes (x - x_mean) / x_scale with the "
        "training split's mean and standard deviation (x_mean, x_scale in the weights file)"
        if inputs.standardized
        else "fed to the first layer as they are (the data was not standardized)"
    )
    names = ", ".join(inputs.names) if inputs.names else "(not recorded)"
    return _TEMPLATE.format(
        input_doc=_docstring_safe(
            "\n".join(textwrap.wrap(f"Columns of x, in order: {names}; {how}.", 96))
        ),
        x_names=repr(list(inputs.names)) if inputs.names is not None else "None",
        title=_docstring_safe(title),
        weights_doc=_docstring_safe(weights_file),
        weights_literal=repr(weights_file),
        sizes=sizes,
        loss=net.loss.name,
        loss_note=_LOSS_NOTE.get(net.loss.name, "see Playground's MATH.md"),
        dtype=f"torch.{precision}",
        n_inputs=net.sizes[0],
        modules="\n".join(lines),
    )


def _docstring_safe(text: str) -> str:
    """``text`` escaped for a place inside a (non-raw) docstring between double quotes (line
    breaks kept)."""
    return "\n".join(json.dumps(line, ensure_ascii=False)[1:-1] for line in text.split("\n"))


def write_torch_export(
    net: Network,
    experiment: Mapping[str, Any],
    out: str | os.PathLike[str],
    precision: str = "float32",
    inputs: Inputs | None = None,
    *,
    weights_file: str | None = None,
) -> list[Path]:
    """Write the script and its ``.npz`` together (see :func:`torch_paths`): both appear, or
    neither (an existing pair keeps its old content).

    ``weights_file``: the name of a ``weights.npz`` (of this network, with the same ``inputs``)
    in the script's folder that the script loads instead; then only the script is written.
    Returns the paths written (script first). OSError names the file the caller asked for,
    never a temporary one.
    """
    script, weights = torch_paths(out)
    if weights_file is not None:
        text = torch_script_text(net, experiment, weights_file, precision, inputs)
        with atomic_files() as batch, batch.file(script) as temp_script:
            temp_script.write_text(text, encoding="utf-8")
        return [script]
    text = torch_script_text(net, experiment, weights.name, precision, inputs)
    with atomic_files() as batch:
        with batch.file(weights) as temp_weights:
            write_weights_npz(temp_weights, net.weights, net.biases, experiment, inputs)
        with batch.file(script) as temp_script:
            temp_script.write_text(text, encoding="utf-8")
    return [script, weights]


_TEMPLATE = '''\
"""PyTorch model exported by Playground: "{title}" ({sizes} network, loss {loss}).

build_model() returns the network as torch.nn.Sequential with Playground's weights, loaded from
"{weights_doc}" beside this file (arrays W1..WL, b1..bL; W{{l}} is (n_l, n_(l-1)) like
nn.Linear.weight). Rows of the input are examples: model(x) with x of shape (m, {n_inputs}).
{input_doc}
In Playground the loss "{loss}" is {loss_note}.

    python this_file.py                   # print the output for a random batch
    python this_file.py X.npy [Y.npy]     # outputs for the rows of X.npy (saved to Y.npy if given)

Generated code: it needs only numpy and torch.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import torch
from torch import nn

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), {weights_literal})
DTYPE = {dtype}
N_INPUTS = {n_inputs}
X_NAMES = {x_names}  # the input columns, in order (None: not recorded)


class Standardize(nn.Module):
    """The data's standardization: x -> (x - mean) / scale, per input column (buffers)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(n, dtype=torch.float64))
        self.register_buffer("scale", torch.ones(n, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.scale


class Sine(nn.Module):
    """g(z) = sin z."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(x)


class Scale(nn.Module):
    """Linear activation with slope c: g(z) = c z."""

    def __init__(self, slope: float) -> None:
        super().__init__()
        self.slope = slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.slope

    def extra_repr(self) -> str:
        return f"slope={{self.slope}}"


class _StepFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(grad)


class Step(nn.Module):
    """Binary step: g(z) = 1 if z > 0 else 0, with derivative 0 everywhere (as in Playground)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _StepFunction.apply(x)


def build_model(weights: str = WEIGHTS, dtype: torch.dtype = DTYPE) -> nn.Sequential:
    """The network with Playground's weights, in evaluation mode."""
    model = nn.Sequential(
{modules}
    ).to(dtype)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with np.load(weights, allow_pickle=False) as npz, torch.no_grad():
        for l, linear in enumerate(linears, start=1):
            linear.weight.copy_(torch.from_numpy(npz[f"W{{l}}"]))
            linear.bias.copy_(torch.from_numpy(npz[f"b{{l}}"]))
        for standardize in (m for m in model if isinstance(m, Standardize)):
            standardize.mean.copy_(torch.from_numpy(npz["x_mean"]))
            standardize.scale.copy_(torch.from_numpy(npz["x_scale"]))
    return model.eval()


def main(argv: list[str]) -> int:
    model = build_model()
    if argv:
        x = torch.from_numpy(np.load(argv[0], allow_pickle=False)).to(DTYPE)
    else:
        x = torch.randn(5, N_INPUTS, dtype=DTYPE, generator=torch.Generator().manual_seed(0))
        if isinstance(model[0], Standardize):  # raw inputs around the training data
            x = model[0].mean + model[0].scale * x
    with torch.no_grad():
        y = model(x)
    if len(argv) > 1:
        np.save(argv[1], y.numpy())
    torch.set_printoptions(precision=6)
    print(model)
    print("input:", x, sep="\\n")
    print("output:", y, sep="\\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''

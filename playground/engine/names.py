"""The names the experiment file uses for the engine's building blocks, with their parameters.

One table shared by the engine (which implements them), ``playground.io`` (which validates files
against it) and the UI (which offers them in combo boxes with the labels below).
"""

from __future__ import annotations

#: activation name → (label for people, {parameter: default})
ACTIVATIONS: dict[str, tuple[str, dict[str, float]]] = {
    "step": ("Step (binary)", {}),
    "linear": ("Linear", {"slope": 1.0}),
    "sigmoid": ("Sigmoid", {}),
    "tanh": ("Tanh", {}),
    "relu": ("ReLU", {}),
    "leaky_relu": ("Leaky ReLU", {"alpha": 0.01}),
    "elu": ("ELU", {"alpha": 1.0}),
    "softplus": ("Softplus", {}),
    "gelu": ("GELU (tanh approx.)", {}),
    "swish": ("Swish / SiLU", {}),
    "sine": ("Sine", {}),
    "softmax": ("Softmax (output)", {}),
}

#: loss name → label
LOSSES: dict[str, str] = {
    "mse": "Mean squared error (½ Σ)",
    "bce": "Binary cross-entropy",
    "cce": "Categorical cross-entropy",
}

#: init scheme → (label, {parameter: default}); every scheme also takes "scale" (1.0) and
#: "bias" (0.0)
INITS: dict[str, tuple[str, dict[str, float]]] = {
    "zeros": ("Zeros", {}),
    "normal": ("Normal N(0, σ²)", {"std": 1.0}),
    "uniform": ("Uniform U(−a, a)", {"limit": 0.5}),
    "xavier_normal": ("Xavier / Glorot normal", {}),
    "xavier_uniform": ("Xavier / Glorot uniform", {}),
    "he_normal": ("He / Kaiming normal", {}),
    "he_uniform": ("He / Kaiming uniform", {}),
    "lecun_normal": ("LeCun normal", {}),
}
INIT_COMMON: dict[str, float] = {"scale": 1.0, "bias": 0.0}

#: optimizer → (label, {parameter: default}) — PyTorch's defaults; all take "learning_rate"
OPTIMIZERS: dict[str, tuple[str, dict[str, float | bool]]] = {
    "sgd": ("SGD", {}),
    "momentum": ("Momentum", {"momentum": 0.9, "nesterov": False}),
    "rmsprop": ("RMSprop", {"rho": 0.99, "epsilon": 1e-8}),
    "adam": ("Adam", {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
}
DEFAULT_LEARNING_RATE = 0.03

#: regularization kind → label
REGULARIZATIONS: dict[str, str] = {"none": "None", "l1": "L1", "l2": "L2"}

#: problem type → label
PROBLEMS: dict[str, str] = {
    "binary": "Binary classification",
    "multiclass": "Multi-class classification",
    "multilabel": "Multi-label classification",
    "regression": "Regression",
}

RELU_FAMILY = frozenset({"relu", "leaky_relu"})
SATURATING = frozenset({"sigmoid", "tanh"})


def problem_of(output_activation: str, loss: str, units: int) -> str:
    """Problem type implied by the output layer and loss (DESIGN.md): 1 sigmoid + bce → binary,
    k sigmoid + bce → multilabel, softmax + cce → multiclass, anything else → regression."""
    if output_activation == "sigmoid" and loss == "bce":
        return "binary" if units == 1 else "multilabel"
    if output_activation == "softmax" and loss == "cce":
        return "multiclass"
    return "regression"


def model_problem(model: dict) -> str:
    """The problem type of an experiment's ``model`` section: its stored ``problem`` hint (the GUI
    keeps it in step with the output layer), else what the output layer and loss imply."""
    if model.get("problem"):
        return model["problem"]
    out = model["layers"][-1]
    loss = model.get("loss") or {"softmax": "cce", "sigmoid": "bce"}.get(out["activation"], "mse")
    return problem_of(out["activation"], loss, int(out["units"]))

"""Export ▸ Everything…: one folder with all a report needs, written all or nothing.

:func:`export_everything` writes, for the window's current run:

* ``experiment.json`` — the experiment with weights and training state (reopens where it was);
* ``data/<name>.csv`` — for a CSV data set, a copy of the file, which ``experiment.json`` (and the
  weight files) point to by a relative path, so the folder can be moved or sent as a whole;
* ``weights.npz`` (DESIGN.md, with the input standardization ``x_mean``, ``x_scale`` and the input
  names ``x_names``), ``weights.json`` (human-readable);
* ``model.onnx`` (float32) when the ``onnx`` package is installed — else README.txt says how to
  get it; ``model.py``, a PyTorch script that loads ``weights.npz`` (no second copy of the
  weights); a network a format cannot express gets a note instead of a file. Both models take the
  raw feature rows and standardize them as training did;
* ``plots/<objectName>.png``, ``.svg``, ``.csv`` for every plot (``MainWindow.export_plots``): the
  CSVs are the data behind the curves (loss, gradient norms, weight percentiles over time, …);
* ``README.txt`` and ``index.html``: what is there, one line each, the run's summary (including
  what the models take as input), and (in the HTML) thumbnails of the plots.

Everything is first written into a temporary folder beside the target, then renamed onto it (or,
when the target folder already holds files, moved in file by file after checking that nothing is
in the way; ``playground.io.atomic.atomic_files``), so a failure leaves the target as it was and
no temporary files behind, and error messages name the files in the target, not the temporary
ones. No dialogs: the menu action (``menus.py``) picks the folder and shows errors.
"""

from __future__ import annotations

import html
import importlib.util
import math
import os
import re
import shutil
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import playground
from playground.io import atomic_files, atomic_path, atomic_write_text, save_experiment
from playground.io.export import ExportError, export_network
from playground.io.inputs import Inputs
from playground.ui import files

if TYPE_CHECKING:
    from playground.training import Snapshot
    from playground.ui.main_window import MainWindow

#: plot objectName → (title, what the picture shows, what its CSV holds)
PLOTS = {
    "boundary_plot": (
        "Decision boundary",
        "the network's output over the input plane, with the training points",
        "the boundary grid: x1, x2 and each network output",
    ),
    "loss_plot": (
        "Loss",
        "train and test loss (and accuracy or RMSE, right axis) over the training steps",
        "the loss curve: step, train/test loss and accuracy or RMSE",
    ),
    "gradient_plot": (
        "Gradients per layer",
        "gradient magnitude ‖∂J/∂W‖ of each layer over the steps (log axis), and now",
        "the plotted quantity of each layer over the steps (the header names it)",
    ),
    "activation_plot": (
        "Activations per layer",
        "the distribution of each layer's activations now",
        "histogram bins of each layer's activations",
    ),
    "error_plot": (
        "Error vectors δ",
        "δ = ∂L/∂z of each layer for a few examples of the last batch",
        "δ per layer, neuron and example",
    ),
    "weight_plot": (
        "Weights per layer",
        "percentile bands of each layer's weights over the steps, and their histogram now",
        "weight percentiles of each layer over the steps",
    ),
}
ONNX_HINT = (
    "model.onnx is not here: ONNX export needs the 'onnx' package. Install it with\n"
    "    pip install 'playground[onnx]'     (or: pip install onnx)\n"
    "then export again, or write it from this folder with\n"
    "    playground export experiment.json --format onnx --out model.onnx"
)


def default_folder_name(experiment: dict, when: float | None = None) -> str:
    """``<name>-<YYYY-mm-dd-HHMMSS>``: a new folder per export, named after the experiment."""
    name = experiment.get("name") or experiment["data"].get("dataset", "experiment")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(name)).strip("-").lower() or "experiment"
    return f"{slug}-{time.strftime('%Y-%m-%d-%H%M%S', time.localtime(when))}"


def export_everything(window: MainWindow, directory: str | os.PathLike[str]) -> list[Path]:
    """Write the whole run into ``directory`` (module docstring); returns the files written.

    Raises:
        OSError: the folder cannot be made or written (a file in the way, no permission, disk
            full); the message names the path in ``directory``. ``directory`` is then left as
            it was.
        ExportError / ValueError: the weights cannot be exported (e.g. NaN after divergence).
    """
    target = Path(directory)
    with atomic_files() as batch, batch.folder(target) as temp:
        written = write_bundle(window, temp)
    return [target / path.relative_to(temp) for path in written]


def write_bundle(window: MainWindow, folder: Path) -> list[Path]:
    """Write every file of the export into the (new, empty) ``folder``."""
    exp = window.experiment()
    inputs = Inputs.from_dataset(window.controller.dataset)
    notes: list[str] = []
    written = _copy_data(exp, folder)
    save_experiment(exp, folder / "experiment.json")
    written.append(folder / "experiment.json")
    net = files.network_of(exp)
    for name, fmt in (("weights.npz", "npz"), ("weights.json", "json")):
        written += export_network(net, exp, fmt, folder / name, inputs=inputs)
    if importlib.util.find_spec("onnx") is None:
        notes.append(ONNX_HINT)
    elif _supported("onnx", net, notes):
        written += export_network(net, exp, "onnx", folder / "model.onnx", inputs=inputs)
    if _supported("torch", net, notes):
        written += export_network(
            net, exp, "torch", folder / "model.py", inputs=inputs, weights_file="weights.npz"
        )
    window.export_plots(folder / "plots")
    written += sorted((folder / "plots").iterdir())
    summary = run_summary(exp, window.controller.last, inputs)
    present = {path.relative_to(folder).as_posix() for path in written}
    atomic_write_text(folder / "README.txt", readme_text(summary, present, notes))
    atomic_write_text(folder / "index.html", index_html(summary, present, notes))
    return [*written, folder / "README.txt", folder / "index.html"]


def _copy_data(exp: dict, folder: Path) -> list[Path]:
    """Copy a CSV data set into ``folder/data/`` and point ``exp`` (changed in place) to the
    copy, so the exported files do not depend on where the original lies. Returns the copy."""
    data = exp["data"]
    if "path" not in data:
        return []
    source = Path(os.path.expanduser(data["path"]))
    try:
        with open(source, "rb"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise type(exc)(f"cannot copy the data set {source}: {reason}") from None
    copy = folder / "data" / source.name
    copy.parent.mkdir()
    with atomic_path(copy) as temp:  # a write error names the copy (in the target folder)
        shutil.copyfile(source, temp)
    data["path"] = str(copy)
    return [copy]


def _supported(fmt: str, net: Any, notes: list[str]) -> bool:
    """Can ``fmt`` ("onnx" or "torch") express the network? If not, say why in ``notes``."""
    from playground.io import onnx_export, torch_export

    module = onnx_export if fmt == "onnx" else torch_export
    try:
        module.check_supported(net)
    except ExportError as exc:
        name = "model.onnx" if fmt == "onnx" else "model.py"
        notes.append(f"{name} is not here: {exc}")
        return False
    return True


# --- the summary, README.txt and index.html -------------------------------------------------------


def run_summary(
    exp: dict, snapshot: Snapshot | None, inputs: Inputs | None = None
) -> dict[str, Any]:
    """Title, description and "label: text" lines describing the run, for README and index;
    ``inputs`` adds what the exported models take as input."""
    model, training, data = exp["model"], exp["training"], exp["data"]
    layers = " → ".join(f"{layer['units']} {layer['activation']}" for layer in model["layers"])
    opt = training["optimizer"]
    reg = training.get("regularization") or {"kind": "none"}
    reg_text = "none" if reg["kind"] == "none" else f"{reg['kind']} ({reg['rate']:g})"
    state = exp.get("state") or {}
    split = data.get("train_fraction")
    lines = [
        ("Network", f"{model['inputs']} inputs → {layers} · loss {model['loss']}"),
        (
            "Training",
            f"{opt['name']}, learning rate {opt['learning_rate']:g} · batch size "
            f"{training['batch_size']} · regularization {reg_text}",
        ),
        (
            "Data",
            " · ".join(
                part
                for part in (
                    str(data.get("dataset")),
                    f"{data['samples']} samples" if "samples" in data else "",
                    f"noise {data['noise']:g}" if "noise" in data else "",
                    f"{split:.0%} for training" if isinstance(split, float) else "",
                )
                if part
            ),
        ),
        ("State", f"epoch {state.get('epoch', 0):,} · step {state.get('step', 0):,}"),
    ]
    if inputs is not None:
        lines.append(("Inputs", f"the models take {inputs.describe()}"))
    if snapshot is not None:
        lines.append(("Results", _results(snapshot)))
        if snapshot.health.message:
            lines.append(("Health", snapshot.health.message))
    return {
        "title": exp.get("name") or "Untitled experiment",
        "description": exp.get("description") or "",
        "exported": time.strftime("%d %b %Y, %H:%M"),
        "lines": lines,
    }


def _results(s: Snapshot) -> str:
    def num(v: float, pct: bool = False) -> str:
        if not math.isfinite(v):
            return "–"
        return f"{v:.1%}" if pct else f"{v:.4g}"

    acc = s.metric_name == "accuracy"
    name = "accuracy" if acc else "RMSE"
    text = (
        f"at step {s.step:,}: train loss {num(s.train_loss)} · test loss {num(s.test_loss)} · "
        f"train {name} {num(s.train_metric, acc)} · test {name} {num(s.test_metric, acc)}"
    )
    return text + (" (on a sample of the data)" if s.eval_subset else "")


def file_entries(present: set[str]) -> list[tuple[str, str]]:
    """(file or files, description) for everything in the folder, in reading order."""
    entries = [
        (
            "experiment.json",
            "the experiment with its weights and training state: File ▸ Open in Playground "
            "continues the run; `playground train experiment.json` trains it headless",
        ),
        (
            "weights.npz",
            "NumPy arrays W1..WL, b1..bL and the experiment (W as n_l × n_(l-1)), the input "
            "names x_names and the standardization x_mean, x_scale (the network's input is "
            '(x - x_mean) / x_scale): np.load("weights.npz", allow_pickle=False)',
        ),
        (
            "weights.json",
            "the same weights, human-readable: layer by layer with shapes and activations",
        ),
        (
            "model.onnx",
            'the network as an ONNX model (float32; input "input": raw feature rows, output '
            '"output", with a dynamic batch size): open it in Netron, run it with onnxruntime',
        ),
        (
            "model.py",
            "PyTorch: `python model.py` builds the same nn.Sequential, loads weights.npz and runs "
            "it on a random batch; build_model() gives it to your code",
        ),
    ]
    data = sorted(name for name in present if name.startswith("data/"))
    out = [(name, text) for name, text in entries if name.split(",")[0] in present]
    out[1:1] = [
        (
            name,
            "a copy of the experiment's CSV data set; experiment.json points to it, so the "
            "folder can be moved as a whole",
        )
        for name in data
    ]
    for view, (title, picture, table) in PLOTS.items():
        if f"plots/{view}.png" in present:
            out.append((f"plots/{view}.png, .svg", f"{title}: {picture}"))
        if f"plots/{view}.csv" in present:
            out.append((f"plots/{view}.csv", table))
    out.append(("README.txt, index.html", "this list (index.html with the plots)"))
    return out


def _hanging(head: str, text: str, width: int = 100) -> list[str]:
    """``head`` then ``text`` wrapped to ``width``, continuation lines indented under the text."""
    lines = textwrap.wrap(text, width - len(head)) or [""]
    return [head + lines[0], *(" " * len(head) + line for line in lines[1:])]


def readme_text(summary: dict[str, Any], present: set[str], notes: list[str]) -> str:
    width = max(len(name) for name, _ in file_entries(present)) + 2
    parts = [
        f"Playground export — {summary['title']}",
        f"Exported {summary['exported']} by Playground {playground.__version__}",
        "",
    ]
    if summary["description"]:
        parts += [*textwrap.wrap(summary["description"], 100), ""]
    for label, text in summary["lines"]:
        parts += _hanging(f"{label + ':':<10}", text)
    parts += ["", "Files", ""]
    for name, text in file_entries(present):
        parts += _hanging(f"  {name:<{width}}", text)
    if notes:
        parts += ["", "Notes", ""]
        for note in notes:
            first, *rest = note.splitlines()
            parts += [f"  - {first}", *(f"    {line}" for line in rest)]
    return "\n".join(parts) + "\n"


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { margin-bottom: 0.1em; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { text-align: left; vertical-align: top; padding: 0.25em 1em 0.25em 0; }
th { color: #555; font-weight: 600; white-space: nowrap; }
code, .file { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.92em; }
.file { white-space: nowrap; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1.2em; }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: 0.6em; background: #fff; }
figure img { width: 100%; height: 220px; object-fit: contain; display: block; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.4em; }
.notes { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.6em 1em; }
.notes pre { margin: 0.3em 0; white-space: pre-wrap; }
"""


def _linked(name: str, present: set[str]) -> str:
    """``a.png, .svg`` → links to each file that is there."""
    first, *others = [part.strip() for part in name.split(",")]
    folder = first.rsplit("/", 1)[0] + "/" if "/" in first else ""
    stem = first.rsplit(".", 1)[0]
    paths = [first] + [stem + o if o.startswith(".") else folder + o for o in others]
    return ", ".join(
        f'<a href="{html.escape(p)}">{html.escape(p.split("/")[-1] if i else p)}</a>'
        for i, p in enumerate(paths)
        if p in present or p in ("README.txt", "index.html")
    )


def index_html(summary: dict[str, Any], present: set[str], notes: list[str]) -> str:
    e = html.escape
    rows = "\n".join(
        f"<tr><th>{e(label)}</th><td>{e(text)}</td></tr>" for label, text in summary["lines"]
    )
    figures = []
    for view, (title, picture, _table) in PLOTS.items():
        png = f"plots/{view}.png"
        if png not in present:
            continue
        links = " · ".join(
            f'<a href="plots/{view}{suffix}">{suffix[1:].upper()}</a>'
            for suffix in (".png", ".svg", ".csv")
            if f"plots/{view}{suffix}" in present
        )
        figures.append(
            f'<figure><a href="{png}"><img src="{png}" alt="{e(title)}"></a>'
            f"<figcaption><b>{e(title)}</b> — {e(picture)}<br>{links}</figcaption></figure>"
        )
    listing = "\n".join(
        f'<tr><td class="file">{_linked(name, present)}</td><td>{e(text)}</td></tr>'
        for name, text in file_entries(present)
    )
    notes_html = (
        '<div class="notes"><b>Notes</b>'
        + "".join(f"<pre>{e(note)}</pre>" for note in notes)
        + "</div>"
        if notes
        else ""
    )
    description = f"<p>{e(summary['description'])}</p>" if summary["description"] else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(summary["title"])} — Playground export</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{e(summary["title"])}</h1>
<p class="sub">Exported {e(summary["exported"])} by Playground {e(playground.__version__)}</p>
{description}
<table>
{rows}
</table>
<h2>Plots</h2>
<div class="plots">
{chr(10).join(figures)}
</div>
<h2>Files</h2>
<table>
{listing}
</table>
{notes_html}
</body>
</html>
"""

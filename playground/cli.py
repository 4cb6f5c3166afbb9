"""The headless command line: ``playground train`` and ``playground export`` (no Qt unless
``--plots`` asks for plot files).

Exit codes (DESIGN.md): 0 success; 2 bad input (one line on stderr, no traceback); 3 training
diverged (NaN/Inf) — the outputs of the last finite state are still written.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_BAD_INPUT, EXIT_DIVERGED = 0, 2, 3


class CliError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        """Exit 2 with one line on stderr (DESIGN.md), pointing at the help instead of the usage."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground", description="Neural Network Playground (headless commands).")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train an experiment file headless")
    t.add_argument("file", help="experiment JSON")
    t.add_argument(
        "--epochs",
        type=int,
        help="epochs to train (default: until the file's training.epochs is reached)",
    )
    t.add_argument("--out", help="output folder (default: FILE-run/ in the current directory)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument(
        "--plots",
        action="store_true",
        help="also render the plot files (PNG, SVG, CSV) into OUT/plots, offscreen",
    )
    e = sub.add_parser("export", help="export an experiment's weights or model")
    e.add_argument(
        "file",
        help="experiment JSON (its weights, or the initial ones when null), "
        "weights.npz or JSON weights",
    )
    e.add_argument("--format", required=True, choices=["npz", "json", "onnx", "torch"])
    e.add_argument("--out", required=True, help="output file (torch: OUT.py and OUT.npz beside it)")
    e.add_argument(
        "--precision",
        choices=["float32", "float64"],
        default="float32",
        help="number type of the ONNX / PyTorch model (default: float32)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return train(args)
        return export(args)
    except CliError as exc:
        print(f"playground {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"playground {args.command}: interrupted", file=sys.stderr)
        return 130


def _load(path: str):
    """(experiment, dataset) from a file, or CliError with the reason."""
    from playground.data import DataError, make_dataset
    from playground.io import ExperimentError, load_experiment

    try:
        exp = load_experiment(path)
        ds = make_dataset(exp["data"], base_dir=Path(path).resolve().parent)
    except (ExperimentError, DataError) as exc:
        raise CliError(str(exc)) from None
    return exp, ds


def _progress_line(tr, target_epochs: int, started: float) -> str:
    done = tr.epoch
    frac = min(1.0, done / target_epochs) if target_epochs else 1.0
    bar = "#" * int(frac * 24) + "." * (24 - int(frac * 24))
    tl, sl, tm, sm = tr.last_eval
    metric = "rmse" if tr.problem == "regression" else "acc"
    mtxt = (f"{tm:.4f}" if metric == "rmse" else f"{tm:.1%}") if not math.isnan(tm) else "—"
    rate = tr.step_count / max(time.perf_counter() - started, 1e-9)
    return (
        f"epoch {done}/{target_epochs} [{bar}] loss {tl:.4f} test {sl:.4f} "
        f"{metric} {mtxt} · {rate:,.0f} steps/s"
    )


def train(args: argparse.Namespace) -> int:
    from playground.blas import use_threads_for
    from playground.training import Trainer
    from playground.training.session import run_headless

    exp, ds = _load(args.file)
    if args.epochs is not None and args.epochs < 0:
        raise CliError("--epochs must be ≥ 0")
    try:  # statistics and the boundary grid only when --plots draws them
        if args.plots:
            tr = Trainer(exp, ds)
        else:
            tr = Trainer(exp, ds, grid_size=0, record_stats=False)
        use_threads_for(tr.net, tr.batch_size)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    epochs = (
        args.epochs if args.epochs is not None else max(0, exp["training"]["epochs"] - tr.epoch)
    )
    target = tr.epoch + epochs
    out = Path(args.out) if args.out else Path.cwd() / f"{Path(args.file).stem}-run"
    made = [folder for folder in (out, *out.parents) if not folder.exists()]  # deepest first
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    plots = _plot_recorder(exp, tr, epochs) if args.plots else None

    tty = sys.stderr.isatty()
    started = time.perf_counter()
    shown = [0.0, -1]  # time and step of the last line printed

    def progress(trainer) -> None:
        if plots is not None:  # called after every epoch with --plots
            plots.take(trainer)
        if args.quiet:
            return
        now = time.perf_counter()
        at_end = trainer.epoch >= target and trainer.step_count != shown[1]
        if now - shown[0] < (0.1 if tty else 2.0) and not at_end:
            return
        shown[:] = [now, trainer.step_count]
        line = _progress_line(trainer, target, started)
        if tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    diverged = run_headless(tr, epochs, progress, progress_interval=0.0 if plots else 0.1)
    if tty and not args.quiet:
        print(file=sys.stderr)
    try:
        write_outputs(out, tr, ds, plots)
    except CliError:
        for folder in made:  # a failure leaves nothing new behind, not even the folder
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    if diverged is not None:
        print(f"playground train: diverged: {diverged}", file=sys.stderr)
        return EXIT_DIVERGED
    if not args.quiet:
        extra = ", plots/" if plots is not None else ""
        print(f"wrote {out}/experiment.json, weights.npz, metrics.csv{extra}", file=sys.stderr)
    return EXIT_OK


def write_outputs(out: Path, tr, ds, plots=None) -> None:  # noqa: ANN001 - Trainer, Dataset, …
    """Write ``experiment.json``, ``weights.npz`` (with the data's input standardization),
    ``metrics.csv`` and, with a plot recorder, ``plots/`` into ``out``, all or nothing: every file
    goes to a temporary name first and all are renamed into place at the end, so a failure (a
    full disk, say) leaves nothing new in ``out`` and the files there as they were."""
    from playground.io import ExperimentError, atomic_files
    from playground.io.experiment import experiment_file_text
    from playground.io.inputs import Inputs
    from playground.io.metrics import metrics_csv_text
    from playground.io.weights import write_weights_npz

    final = tr.current_experiment()
    writing_plots = False
    try:
        with atomic_files() as batch:
            with batch.file(out / "experiment.json") as temp:
                temp.write_text(experiment_file_text(final, temp), encoding="utf-8", newline="")
            with batch.file(out / "weights.npz") as temp:
                inputs = Inputs.from_dataset(ds)
                write_weights_npz(temp, tr.net.weights, tr.net.biases, final, inputs)
            with batch.file(out / "metrics.csv") as temp:
                text = metrics_csv_text(tr.epoch_rows, tr.problem, tr.net.n_layers)
                temp.write_text(text, encoding="utf-8", newline="")
            if plots is not None:
                from playground.ui.headless import render_plots

                writing_plots = True
                with batch.folder(out / "plots") as folder:
                    render_plots(final, tr, folder, recorder=plots)
                writing_plots = False
    except ExperimentError as exc:
        raise CliError(str(exc)) from None
    except (OSError, ValueError) as exc:
        reason = _reason(exc)
        raise CliError(f"cannot write the plots: {reason}" if writing_plots else reason) from None


def _reason(exc: Exception) -> str:
    """An exception as one readable line (no ``[Errno n]`` prefix)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _plot_recorder(exp: dict, tr, epochs: int):  # noqa: ANN202 - a ui.headless.PlotRecorder
    """The plot views of ``--plots`` (imports Qt, offscreen), fed after every epoch."""
    try:
        from playground.ui.headless import PlotRecorder
    except ImportError as exc:
        raise CliError(f"--plots needs the GUI packages (PySide6, pyqtgraph): {exc}") from None
    return PlotRecorder(exp, tr, epochs)


def export(args: argparse.Namespace) -> int:
    from playground.io.export import ExportError, export_model

    try:
        written = export_model(args.file, args.format, args.out, precision=args.precision)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {', '.join(str(path) for path in written)}", file=sys.stderr)
    return EXIT_OK

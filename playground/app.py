"""Entry point: ``playground`` opens the window, ``playground train|export …`` runs headless."""

from __future__ import annotations

import sys

from playground.blas import configure_environment

USAGE = """usage: playground [FILE.json]     open the window (on FILE or the default experiment)
       playground train FILE.json [--epochs N] [--out DIR] [--quiet] [--plots]
       playground export FILE --format npz|json|onnx|torch [--precision float32|float64] --out PATH
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    headless = bool(argv) and argv[0] in ("train", "export")
    # BLAS starts single-threaded; `train` raises it for big nets (blas.use_threads_for)
    configure_environment(threads=1)
    if headless:
        from playground.cli import main as cli_main

        return cli_main(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(USAGE, end="", file=sys.stderr)
        return 2
    from playground.ui.launch import run_gui

    return run_gui(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())

"""Responsiveness benchmark of the window (offscreen): not a test, prints figures for the README.

Trains the default experiment flat out with the window open and reports

* redraws per second (snapshots drawn by the window) and the time one redraw takes;
* the p50 / p99 gap between ticks of a 5 ms QTimer (event-loop latency while training);
* training steps/s with the window open versus headless (the same experiment in a
  ``TrainingSession`` with no window), measured in the same run in alternating rounds;
* the time from process start to the window's first paint (a subprocess, median of 3).

Targets (issue 3): p99 gap < 50 ms, ≥ 25 redraws/s, training ≥ 70% of headless, window < 1.5 s.
The machines are VMs that stall: medians over rounds.

    python scripts/bench_gui.py [--seconds 10] [--rounds 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from playground.blas import configure_environment  # noqa: E402

configure_environment()

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def run_loop(app: QApplication, seconds: float) -> None:
    QTimer.singleShot(int(seconds * 1000), lambda: app.exit(0))  # quit() would close the window
    app.exec()


def startup_seconds(repeats: int = 3) -> list[float]:
    """Process start → first paint of the window, in a fresh interpreter each time."""
    out = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAYGROUND_REPORT_SHOWN="1")
    code = "import sys; from playground.app import main; sys.exit(main([]))"
    for _ in range(repeats):
        t0 = time.time()
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
        shown = [line for line in res.stdout.splitlines() if line.startswith("playground-shown")]
        if res.returncode != 0 or not shown:
            raise SystemExit(f"start-up run failed: {res.stderr[-1500:]}")
        out.append(float(shown[0].split()[1]) - t0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="seconds of training with the window open (split into rounds)",
    )
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--worker",
        choices=("process", "thread"),
        default="process",
        help="where the window trains (the app's default: a process)",
    )
    args = parser.parse_args()
    per_round = args.seconds / args.rounds

    app = QApplication.instance() or QApplication([])
    sys.setswitchinterval(0.002)  # as launch.py does
    from playground.io import default_experiment
    from playground.training import Trainer
    from playground.training.session import TrainingSession
    from playground.ui.controller import build_run
    from playground.ui.main_window import MainWindow
    from playground.ui.style import apply_palette

    apply_palette(app)
    redraw_ms: list[float] = []
    original = MainWindow._on_snapshot

    def timed(self, snapshot) -> None:  # noqa: ANN001
        t = time.perf_counter()
        original(self, snapshot)
        redraw_ms.append((time.perf_counter() - t) * 1000)

    MainWindow._on_snapshot = timed  # type: ignore[method-assign]
    os.environ["PLAYGROUND_WORKER"] = args.worker
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    run_loop(app, 0.5)
    window.controller.set_speed("max")

    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(5)
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if last[0]:
            gaps.append((now - last[0]) / 1e6)
        last[0] = now

    ticker.timeout.connect(tick)
    window_rates, headless_rates, redraw_rates, gap_p50, gap_p99 = [], [], [], [], []
    for _ in range(args.rounds):
        # -- window open, training flat out
        ctrl = window.controller
        gaps.clear()
        last[0] = 0
        clock.start()
        ticker.start()
        ctrl.play()
        run_loop(app, 0.3)  # warm up
        frames0, steps0, t0 = ctrl.frames, ctrl.step_count, time.perf_counter()
        gaps.clear()
        run_loop(app, per_round)
        dt = time.perf_counter() - t0
        window_rates.append((ctrl.step_count - steps0) / dt)  # from the newest snapshot
        redraw_rates.append((ctrl.frames - frames0) / dt)
        gap_p50.append(float(np.percentile(gaps, 50)))
        gap_p99.append(float(np.percentile(gaps, 99)))
        ticker.stop()
        ctrl.pause()
        run_loop(app, 0.2)
        # -- headless: the same experiment in a session with no window
        trainer = Trainer(*build_run(default_experiment()))
        session = TrainingSession(trainer, publish_hz=30.0)
        session.start()
        session.play()
        deadline = time.perf_counter() + 0.3
        while time.perf_counter() < deadline:
            session.mailbox.take()
            time.sleep(1 / 30)
        steps0, t0 = trainer.step_count, time.perf_counter()
        deadline = t0 + per_round
        while time.perf_counter() < deadline:
            session.mailbox.take()  # a reader at the GUI's rate, drawing nothing
            time.sleep(1 / 30)
        headless_rates.append((session.trainer.step_count - steps0) / (time.perf_counter() - t0))
        session.stop()

    window.close()
    startup = startup_seconds()

    med = statistics.median
    ratio = med(window_rates) / med(headless_rates)
    print(
        f"rounds: {args.rounds} × {per_round:.1f} s with the window open (1280×800, offscreen, "
        f"training in a {args.worker}), alternating with headless rounds (a thread, no window)"
    )
    print(
        f"redraws per second: {med(redraw_rates):.1f} (rounds: "
        f"{', '.join(f'{r:.1f}' for r in redraw_rates)})"
    )
    print(
        f"one redraw: p50 {np.percentile(redraw_ms, 50):.1f} ms, "
        f"p99 {np.percentile(redraw_ms, 99):.1f} ms"
    )
    print(
        f"5 ms timer gap: p50 {med(gap_p50):.1f} ms, p99 {med(gap_p99):.1f} ms (median of rounds)"
    )
    print(
        f"training steps/s: window open {med(window_rates):,.0f}, headless "
        f"{med(headless_rates):,.0f} -> {ratio:.0%} of headless"
    )
    print(
        f"process start -> window shown: median {med(startup):.2f} s "
        f"(runs: {', '.join(f'{s:.2f}' for s in startup)})"
    )
    ok = med(gap_p99) < 50 and med(redraw_rates) >= 25 and ratio >= 0.7 and med(startup) < 1.5
    print(
        "targets (p99 < 50 ms, >= 25 redraws/s, >= 70% of headless, window < 1.5 s):",
        "met" if ok else "NOT met",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

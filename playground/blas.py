"""BLAS setup for training (measured on these machines, see DESIGN.md):

* OpenBLAS with 2 threads on small matrices thrashes (256² fell from 35 to 3–6 steps/s; a
  2-256-256-1 net at batch 10 ran 2–7× slower): BLAS starts single-threaded, which also leaves
  the second core to the GUI. Headless training of big nets (≥ ``THREADS_FROM_FLOPS`` per step,
  e.g. 784-512-256-10 at batch 256: +30–40%) raises it to every core with ``use_threads_for``;
* OpenBLAS picks (or is told, by ``OPENBLAS_CORETYPE=Haswell`` in these machines' environment)
  AVX2 kernels on CPUs that have AVX-512; ``OPENBLAS_CORETYPE=SkylakeX`` selects the AVX-512 ones:
  +35–45% steps/s on the 784-512-256-10 benchmark (``scripts/bench.py``). It must be set before
  NumPy loads, so the entry points call ``configure_environment()`` first thing.

``PLAYGROUND_BLAS_CORETYPE`` overrides the choice: ``auto`` (default: SkylakeX where the CPU has
the AVX-512 subsets those kernels use, else leave OpenBLAS alone), ``keep`` (never touch
``OPENBLAS_CORETYPE``), or a core type name passed through as is.
"""

from __future__ import annotations

import os
import sys

#: the AVX-512 subsets OpenBLAS's SkylakeX kernels need
SKYLAKEX_FLAGS = frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"})


def cpu_flags() -> frozenset[str]:
    """The CPU feature flags from /proc/cpuinfo (empty where it is unavailable)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def chosen_coretype(environ: dict | None = None, flags: frozenset[str] | None = None) -> str | None:
    """The OpenBLAS core type to set, or None to leave ``OPENBLAS_CORETYPE`` as it is."""
    env = os.environ if environ is None else environ
    choice = env.get("PLAYGROUND_BLAS_CORETYPE", "auto")
    if choice == "keep":
        return None
    if choice != "auto":
        return choice
    flags = cpu_flags() if flags is None else flags
    return "SkylakeX" if SKYLAKEX_FLAGS <= flags else None


#: per-step work (6·m·Σ n_l n_{l-1} flops) from which more BLAS threads pay off here
THREADS_FROM_FLOPS = 2e7


def configure_environment(threads: int = 1) -> None:
    """Set BLAS environment variables before NumPy is imported: ``threads`` BLAS threads (unless
    the user set a count) and the OpenBLAS core type (see the module docstring).

    Without effect when NumPy is already loaded.
    """
    if "numpy" in sys.modules:
        return
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    core = chosen_coretype()
    if core:
        os.environ["OPENBLAS_CORETYPE"] = core


def use_threads_for(net, batch_size: int) -> int:
    """Give BLAS every core when the network's per-step work is big enough to gain from it (one
    thread otherwise); returns the thread count set. Needs ``threadpoolctl`` (a dependency)."""
    weights = sum(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:], strict=True))
    flops = 6 * batch_size * weights
    threads = (os.cpu_count() or 1) if flops >= THREADS_FROM_FLOPS else 1
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads, user_api="blas")
    return threads

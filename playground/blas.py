"""BLAS setup for the training thread (measured on these machines, see DESIGN.md):

* OpenBLAS with 2 threads on small matrices thrashes (256² fell from 35 to 3–6 steps/s): the
  engine runs BLAS single-threaded, which also leaves the second core to the GUI;
* OpenBLAS picks AVX2 kernels on AVX-512 CPUs; ``OPENBLAS_CORETYPE=SkylakeX`` selects the AVX-512
  ones. It must be set before NumPy loads, so the entry points call ``configure_environment()``
  first thing.
"""

from __future__ import annotations

import os
import sys


def _has_avx512() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return " avx512f " in f" {line.split(':', 1)[1].strip()} "
    except OSError:
        pass
    return False


def configure_environment(threads: int = 1) -> None:
    """Set BLAS environment variables (only those the user has not set) before NumPy is imported.

    Without effect when NumPy is already loaded (then ``limit_threads`` still works).
    """
    if "numpy" in sys.modules:
        limit_threads(threads)
        return
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    if _has_avx512():
        os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")


def limit_threads(threads: int = 1) -> None:
    """Limit the BLAS thread pool of an already-loaded NumPy (via threadpoolctl when present)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(threads, user_api="blas")

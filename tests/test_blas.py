"""BLAS setup: the OpenBLAS core type chosen before NumPy loads, and the thread count for a net."""

from __future__ import annotations

import subprocess
import sys

from playground.blas import SKYLAKEX_FLAGS, THREADS_FROM_FLOPS, chosen_coretype


def test_coretype_is_skylakex_only_where_the_cpu_has_the_avx512_subsets() -> None:
    assert chosen_coretype({}, SKYLAKEX_FLAGS | {"sse2"}) == "SkylakeX"
    assert chosen_coretype({}, frozenset({"avx2", "avx512f"})) is None  # not all subsets
    # the user decides: keep the environment's value, or name a core type
    assert chosen_coretype({"PLAYGROUND_BLAS_CORETYPE": "keep"}, SKYLAKEX_FLAGS) is None
    assert chosen_coretype({"PLAYGROUND_BLAS_CORETYPE": "Zen"}, frozenset()) == "Zen"


def test_threads_follow_the_work_per_step() -> None:
    # in a subprocess: the thread count is global to the interpreter
    code = """
import os
from playground.blas import configure_environment
configure_environment(threads=1)
from threadpoolctl import threadpool_info
from playground.blas import use_threads_for
from playground.engine import Network
def net(sizes):
    layers = [{"units": n, "activation": "relu"} for n in sizes[1:-1]]
    layers.append({"units": sizes[-1], "activation": "softmax"})
    return Network.from_config({"inputs": sizes[0], "layers": layers, "loss": "cce"})
def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
print(repr((blas_threads(), use_threads_for(net([2, 8, 8, 2]), 10), blas_threads(),
      use_threads_for(net([784, 512, 256, 10]), 256), blas_threads(), os.cpu_count())))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    start, small, after_small, big, after_big, cores = eval(out.stdout)  # noqa: S307 - our own output
    assert start == [1] and small == 1 and after_small == [1]
    assert 6 * 256 * (784 * 512 + 512 * 256 + 256 * 10) >= THREADS_FROM_FLOPS
    assert big == cores and after_big == [cores]

"""Experiment files and atomic writes — no Qt.

``load_experiment`` / ``save_experiment`` read and write the JSON experiment file of DESIGN.md;
``validate_experiment`` checks and normalizes one in memory; the ``atomic_*`` helpers write any
file so that it is never left half-written (``atomic_files``: several files, all or nothing).
"""

from playground.io.atomic import atomic_files, atomic_path, atomic_write_bytes, atomic_write_text
from playground.io.experiment import (
    default_experiment,
    experiment_to_json,
    load_experiment,
    save_experiment,
)
from playground.io.schema import FORMAT, VERSION, ExperimentError, validate_experiment

__all__ = [
    "FORMAT",
    "VERSION",
    "ExperimentError",
    "atomic_files",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "default_experiment",
    "experiment_to_json",
    "load_experiment",
    "save_experiment",
    "validate_experiment",
]

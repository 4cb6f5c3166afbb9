"""The training loop, live statistics, health verdicts and a thread to run them in (no Qt).

``Trainer`` advances an experiment step by step; ``Snapshot`` is the frozen picture it publishes;
``TrainingSession`` runs a trainer in a worker thread and leaves the newest snapshot in a
``Mailbox`` for the GUI to take.
"""

from playground.training.health import DEFAULT_THRESHOLDS, Thresholds, assess
from playground.training.snapshot import (
    Divergence,
    Evals,
    Health,
    Histogram,
    History,
    LayerStats,
    Snapshot,
)
from playground.training.trainer import Diverged, Trainer

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Diverged",
    "Divergence",
    "Evals",
    "Health",
    "Histogram",
    "History",
    "LayerStats",
    "Snapshot",
    "Thresholds",
    "Trainer",
    "assess",
]

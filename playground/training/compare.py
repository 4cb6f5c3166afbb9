"""Side-by-side runs: the same experiment with 2–4 initializations or hidden activations, trained
round-robin in one worker thread (no Qt).

Every variant shares the data set (one ``Dataset`` object, so the same points and split), the
data seed and the model seed (so the same batch order and, for the same init scheme, the same
draws); only the changed part of the model differs. ``CompareRunner`` steps the trainers in turn,
the same number of steps each (a ``TrainerGroup`` in a ``TrainingSession``), and leaves their
newest snapshots in the session's ``Mailbox`` for the GUI to poll.

>>> variants = init_variants(experiment, ["zeros", "normal", "he_normal"])
>>> runner = CompareRunner([v.experiment for v in variants])
>>> runner.start(); runner.play()   # … later: runner.take(); runner.stop()
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.data import make_dataset
from playground.engine.names import ACTIVATIONS, INITS
from playground.io import validate_experiment
from playground.training.session import TrainingSession
from playground.training.snapshot import Divergence, Snapshot
from playground.training.trainer import Diverged, Trainer

#: initialization choices offered for comparison: key → (label, "init" section)
INIT_CHOICES: dict[str, tuple[str, dict]] = {
    "zeros": ("Zeros", {"scheme": "zeros"}),
    "small": ("Small N(0, 0.01²)", {"scheme": "normal", "std": 0.01}),
    "normal": ("Large N(0, 1)", {"scheme": "normal", "std": 1.0}),
    "xavier_normal": ("Xavier normal", {"scheme": "xavier_normal"}),
    "xavier_uniform": ("Xavier uniform", {"scheme": "xavier_uniform"}),
    "he_normal": ("He normal", {"scheme": "he_normal"}),
    "he_uniform": ("He uniform", {"scheme": "he_uniform"}),
    "lecun_normal": ("LeCun normal", {"scheme": "lecun_normal"}),
    "he_x3": ("He ×3 (too large)", {"scheme": "he_normal", "scale": 3.0}),
}
#: hidden activations offered for comparison (output layer unchanged)
ACTIVATION_CHOICES: tuple[str, ...] = tuple(a for a in ACTIVATIONS if a not in ("softmax",))
MAX_VARIANTS = 4


@dataclass(frozen=True)
class Variant:
    """One side of a comparison: a label and the full (validated) experiment it trains."""

    label: str
    experiment: dict


def with_init(experiment: dict, init: dict) -> dict:
    """The experiment with another ``model.init`` (the bias default of the original is kept)."""
    exp = copy.deepcopy(experiment)
    scheme = init["scheme"]
    if scheme not in INITS:
        raise ValueError(f"unknown init scheme {scheme!r}")
    exp["model"]["init"] = {"bias": exp["model"]["init"].get("bias", 0.0), **init}
    exp["weights"] = None
    exp.pop("state", None)
    return validate_experiment(exp)


def with_hidden_activation(experiment: dict, activation: str) -> dict:
    """The experiment with every hidden layer's activation replaced (the output layer is kept)."""
    if activation not in ACTIVATION_CHOICES:
        raise ValueError(f"unknown hidden activation {activation!r}")
    exp = copy.deepcopy(experiment)
    layers = exp["model"]["layers"]
    exp["model"]["layers"] = [
        {"units": layer["units"], "activation": activation} for layer in layers[:-1]
    ] + [layers[-1]]
    exp["weights"] = None
    exp.pop("state", None)
    return validate_experiment(exp)


def init_variants(experiment: dict, keys: Sequence[str]) -> list[Variant]:
    """Variants of ``experiment`` with the named ``INIT_CHOICES``."""
    return [Variant(INIT_CHOICES[k][0], with_init(experiment, INIT_CHOICES[k][1])) for k in keys]


def activation_variants(experiment: dict, names: Sequence[str]) -> list[Variant]:
    """Variants of ``experiment`` with the named hidden activations."""
    return [Variant(ACTIVATIONS[a][0], with_hidden_activation(experiment, a)) for a in names]


@dataclass(frozen=True)
class GroupSnapshot:
    """The snapshots of all variants at one moment (variant order)."""

    snapshots: tuple[Snapshot, ...]
    reason: str
    #: one comparison is one run (``Mailbox`` merges within a run only)
    run: int = 0

    def merged_after(self, older: GroupSnapshot) -> GroupSnapshot:
        """Each variant's snapshot with ``older``'s history prepended (see ``Mailbox``)."""
        return GroupSnapshot(
            tuple(s.merged_after(o) for s, o in zip(self.snapshots, older.snapshots, strict=True)),
            self.reason,
            self.run,
        )


class TrainerGroup:
    """Several trainers stepped together, round-robin, the same number of steps each.

    It offers what ``TrainingSession`` uses of a ``Trainer`` (``train_steps``, ``snapshot``,
    ``divergence``, ``epoch``, …), so one session thread runs a whole comparison. A variant that
    diverges stops; the group counts as diverged only when all have.
    """

    def __init__(self, trainers: Sequence[Trainer]) -> None:
        self.trainers = list(trainers)
        self._reported: set[int] = set()  # diverged variants whose "diverged" snapshot went out

    def _live(self) -> list[Trainer]:
        return [t for t in self.trainers if t.divergence is None]

    @property
    def divergence(self) -> Divergence | None:
        return None if self._live() else self.trainers[0].divergence

    @property
    def epoch(self) -> int:
        return min(t.epoch for t in (self._live() or self.trainers))

    @property
    def step_count(self) -> int:
        return min(t.step_count for t in self.trainers)

    @property
    def steps_left_in_epoch(self) -> int:
        return min(t.steps_left_in_epoch for t in (self._live() or self.trainers))

    @property
    def batches_per_epoch(self) -> int:
        return max(t.batches_per_epoch for t in self.trainers)

    def train_steps(self, n: int, *, epoch_metrics: bool = False) -> int:
        for trainer in self._live():
            try:
                trainer.train_steps(n, epoch_metrics=epoch_metrics)
            except Diverged:
                pass
        if not self._live():
            raise Diverged(self.trainers[0].divergence)  # type: ignore[arg-type]
        return n

    def snapshot(self, reason: str = "tick") -> GroupSnapshot:
        """Every variant's snapshot; a diverged one says "diverged" once, then cheap "tick"s
        that reuse its last picture (no new evaluations of weights that no longer change)."""
        snaps = []
        for i, trainer in enumerate(self.trainers):
            why = reason
            if trainer.divergence is not None:
                why = "tick" if i in self._reported else "diverged"
                self._reported.add(i)
            snaps.append(trainer.snapshot(why))
        return GroupSnapshot(tuple(snaps), reason)


class CompareRunner:
    """Trains several experiments on the same data in one worker thread (a ``TrainingSession``
    running a ``TrainerGroup``).

    * ``start()``, ``play()``, ``pause()``, ``step(n)`` (n steps of every variant), ``stop()``;
    * ``take()``: the newest snapshot of every variant (each with its history since the last
      take), or None when nothing is new;
    * a variant that diverges (NaN/Inf) stops; the others go on;
    * ``epochs``: stop playing when every variant has trained this many epochs (0: no limit).
    """

    def __init__(
        self,
        experiments: Sequence[dict],
        *,
        publish_hz: float = 30.0,
        epochs: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if not 1 <= len(experiments) <= MAX_VARIANTS:
            raise ValueError(f"compare 1 to {MAX_VARIANTS} variants, got {len(experiments)}")
        data = experiments[0]["data"]
        if any(e["data"] != data for e in experiments):
            raise ValueError("the variants must share the same data section")
        dataset = make_dataset(data)
        # no decision-boundary grids: the comparison shows gradients and losses only
        self.trainers = [Trainer(e, dataset, grid_size=0) for e in experiments]
        self.session = TrainingSession(
            TrainerGroup(self.trainers), publish_hz=publish_hz, epochs=epochs, on_error=on_error
        )
        self.mailbox = self.session.mailbox
        self.start, self.play, self.pause = (
            self.session.start,
            self.session.play,
            self.session.pause,
        )
        self.step, self.stop = self.session.step, self.session.stop

    def take(self) -> tuple[Snapshot, ...] | None:
        group = self.mailbox.take()
        return None if group is None else group.snapshots

    @property
    def error(self) -> BaseException | None:
        return self.session.error

    @property
    def playing(self) -> bool:
        return self.session.playing

    @property
    def alive(self) -> bool:
        return self.session.alive

    @property
    def steps(self) -> int:
        """Steps every variant has taken (the slowest one's count)."""
        return min(t.step_count for t in self.trainers)

"""Feed snapshots to many views within a frame budget, without losing any history.

Every view must see every recorded row (``Snapshot.history``/``evals`` since its previous call),
but not every view must redraw every frame: each visible view earns an equal share of a per-frame
time budget and redraws when it has earned its (measured) cost, so a cheap view redraws every
frame and a costly one every few frames; a view that skips frames gets the snapshots it missed
merged into one (``Snapshot.merged_after``). Hidden views (a background tab, a closed dock) are
fed only every ``hidden_every`` frames, so their pending history stays small.

On a fast machine every visible view redraws every frame; on a slow one the heavy views drop to
every second or third frame while the window keeps its frame rate and the event loop stays free.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable

from playground.training import Snapshot

#: drawing a view on screen costs about this many times its ``show_snapshot`` (measured on
#: pyqtgraph views: the paint that follows an update is the larger part of the frame)
PAINT_FACTOR = 3.0
#: a visible view waits at most this many frames for its turn
MAX_WAIT = 6


class ViewFeeder:
    """Delivery of snapshots to ``views`` (name → object with ``show_snapshot``) within a budget."""

    def __init__(
        self,
        views: dict[str, object],
        is_visible: Callable[[object], bool],
        *,
        budget_ms: float = 10.0,
        hidden_every: int = 15,
    ) -> None:
        """``budget_ms``: estimated milliseconds (update and paint) all views may take per frame;
        at least one view is drawn each frame."""
        self.views = dict(views)
        self.is_visible = is_visible
        self.budget = budget_ms / 1000.0
        self.hidden_every = hidden_every
        self._pending: dict[str, Snapshot] = {}
        self._age: dict[str, int] = dict.fromkeys(self.views, 0)
        self._times: dict[str, deque[float]] = {n: deque([0.002], maxlen=5) for n in self.views}
        self.delivered: dict[str, int] = dict.fromkeys(self.views, 0)
        self._tokens: dict[str, float] = dict.fromkeys(self.views, 0.0)

    def feed(self, snapshot: Snapshot) -> list[str]:
        """Queue ``snapshot`` for every view and draw those whose turn it is (their names)."""
        for name in self.views:
            old = self._pending.get(name)
            self._pending[name] = snapshot if old is None else snapshot.merged_after(old)
            self._age[name] += 1
        visible = [n for n in self.views if self.is_visible(self.views[n])]
        due = [n for n in self.views if n not in visible and self._age[n] >= self.hidden_every]
        # each visible view earns an equal share of the budget per frame and draws when it has
        # earned its estimated cost: cheap views draw every frame, a view costlier than its
        # share every few frames (at most MAX_WAIT), so all together stay within the budget
        share = self.budget / max(1, len(visible))
        chosen: list[str] = []
        for name in visible:
            cost = self.cost(name)
            self._tokens[name] = min(self._tokens[name] + share, max(share, cost))
            if self._tokens[name] >= cost or self._age[name] >= MAX_WAIT:
                chosen.append(name)
                self._tokens[name] = max(self._tokens[name] - cost, -cost)
        for name in chosen + due:
            self._deliver(name)
        return chosen + due

    def cost(self, name: str) -> float:
        """Estimated seconds to update and paint view ``name``: the median of its last updates
        (one slow frame, e.g. a stall of the machine, does not count) times the paint factor."""
        return statistics.median(self._times[name]) * (1 + PAINT_FACTOR)

    def _deliver(self, name: str) -> None:
        snapshot = self._pending.pop(name, None)
        if snapshot is None:
            return
        t = time.perf_counter()
        self.views[name].show_snapshot(snapshot)  # type: ignore[attr-defined]
        self._times[name].append(time.perf_counter() - t)
        self._age[name] = 0
        self.delivered[name] += 1

    def flush(self) -> None:
        """Deliver everything pending (before an export, or when the run pauses)."""
        for name in list(self._pending):
            self._deliver(name)

    def clear(self) -> None:
        """Forget pending snapshots (a new run starts)."""
        self._pending.clear()
        self._age = dict.fromkeys(self.views, 0)

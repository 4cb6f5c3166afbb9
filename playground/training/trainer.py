"""The training loop: mini-batch gradient descent on an experiment, with live statistics.

``Trainer`` owns a network, its optimizer and a data set, and advances step by step (one update
per mini-batch; an epoch is one pass over the shuffled training set, the last batch may be
smaller). It is usable headless (``playground train``) and from a GUI worker thread
(``session.py``); it never touches Qt.

Determinism: weights come from ``model.seed``; epoch e visits the training set in the order
``np.random.default_rng((model.seed, e)).permutation(m)``. So the same experiment file gives the
same numbers, and a run continued from a saved ``state`` continues exactly.

NaN/Inf: every step returns ‖Δθ‖²; when it is not finite (or overflows) the trainer looks for the
first non-finite z, a, δ, gradient or weight, does not apply the update, and raises ``Diverged``:
the network keeps its last finite weights.
"""

from __future__ import annotations

import copy
import math
import sys
import time

import numpy as np

from playground.data import Dataset
from playground.engine import Network, Stepper, make_optimizer, weights_config
from playground.engine.names import model_problem
from playground.engine.stepper import augment
from playground.training import stats
from playground.training.health import DEFAULT_THRESHOLDS, Thresholds, assess
from playground.training.recorder import Recorder, stats_stride
from playground.training.snapshot import (
    LAYER_SERIES,
    Divergence,
    Evals,
    Health,
    LayerStats,
    Snapshot,
    frozen,
)

#: larger evaluation sets are estimated on a fixed sample of this many examples at snapshots
EVAL_CAP = 2048
#: activation histograms use at most this many training examples
HIST_CAP = 512
#: δ sample columns in a snapshot
DELTA_SAMPLE = 16


class Diverged(RuntimeError):
    """NaN/Inf appeared; ``divergence`` says where. The update was not applied."""

    def __init__(self, divergence: Divergence) -> None:
        super().__init__(divergence.message())
        self.divergence = divergence


class Trainer:
    """Trains the network of a (validated) experiment on a data set.

    ``experiment``: a normalized experiment dict (``playground.io.validate_experiment``);
    ``dataset``: the matching ``Dataset`` (``playground.data.make_dataset(experiment["data"])``).
    """

    def __init__(
        self,
        experiment: dict,
        dataset: Dataset,
        *,
        dtype=np.float64,
        record_stats: bool = True,
        grid_size: int = 64,
        neuron_grid: int = 24,
        stride: int | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
    ) -> None:
        self.experiment = copy.deepcopy(experiment)
        self.dataset = dataset
        model, training = self.experiment["model"], self.experiment["training"]
        self.net = Network.from_config(model, training.get("regularization"), dtype=dtype)
        if model["inputs"] != dataset.n_inputs:
            raise ValueError(
                f"model.inputs is {model['inputs']} but the data set has "
                f"{dataset.n_inputs} input features"
            )
        if self.net.sizes[-1] != dataset.n_outputs:
            raise ValueError(
                f"the output layer has {self.net.sizes[-1]} units but the data set "
                f"has {dataset.n_outputs} target column(s)"
            )
        if dataset.x_train.shape[0] == 0:
            raise ValueError("the training set is empty")
        if self.experiment.get("weights"):
            ws = self.experiment["weights"]
            self.net.set_weights([w["W"] for w in ws], [w["b"] for w in ws])
        if self.net.loss.name == "cce":
            # one-hot (or probability) targets: the fused δ^[L] = ŷ − y needs no row sums
            self.net.loss.targets_sum_to_one = bool(np.all(dataset.y_train.sum(axis=1) == 1.0))
        self.optimizer = make_optimizer(training["optimizer"], self.net.n_params, self.net.dtype)
        self.stepper = Stepper(self.net, self.optimizer)
        self.thresholds = thresholds
        self.seed = int(model.get("seed", 0))
        # the problem type follows the output layer and loss (DESIGN.md), not the data set
        self.problem = model_problem(model)
        # data, augmented with the ones column; shuffled into X_sh/Y_sh every epoch
        self._X = augment(dataset.x_train, self.net.dtype)
        self._Y = np.ascontiguousarray(dataset.y_train, dtype=self.net.dtype)
        self._X_sh = np.empty_like(self._X)
        self._Y_sh = np.empty_like(self._Y)
        self.m = self._X.shape[0]
        self.step_count = 0
        self.epoch = 0
        self._batches: list[tuple[np.ndarray, np.ndarray]] = []
        self._bi = 0
        self._shuffled_epoch = -1
        self.batch_size = min(int(training["batch_size"]), self.m)
        state = self.experiment.get("state") or {}
        if state:
            self._restore(state)
        #: statistics every ``stride`` steps; 0: none (headless runs that show nothing)
        self.stride = (stride or stats_stride(self.net, self.batch_size)) if record_stats else 0
        self._since_record = 0
        self._recorder = Recorder(self.net.n_layers, thresholds.window)
        self.divergence: Divergence | None = None
        self.last_health = Health("warming up", "Press play to start training.")
        self._layer_verdicts = ("healthy",) * self.net.n_layers
        # evaluation sets (fixed samples of big sets for snapshots)
        rng = np.random.default_rng((self.seed, 7919))
        self._eval_train = self._evaluator(dataset.x_train, dataset.y_train, rng, EVAL_CAP)
        self._eval_test = self._evaluator(dataset.x_test, dataset.y_test, rng, EVAL_CAP)
        self._full_train = stats.Evaluator(dataset.x_train, dataset.y_train, self.problem)
        self._full_test = stats.Evaluator(dataset.x_test, dataset.y_test, self.problem)
        self.last_eval = (math.nan, math.nan, math.nan, math.nan)
        self.epoch_rows: list[dict] = []
        self._act_ranges = stats.RangeTracker(self.net.n_layers)
        self._w_ranges = stats.RangeTracker(self.net.n_layers)
        self._w_samples = [
            rng.choice(W.size, 4096, replace=False) if W.size > 8192 else None
            for W in self.net.weights
        ]
        self.grid_size, self.neuron_grid = grid_size, neuron_grid
        self._grid = self._neuron_grid_x = None
        if dataset.planar and grid_size:
            self._grid = dataset.features_at(stats.plane_grid(dataset.domain, grid_size))
            self._neuron_grid_x = dataset.features_at(stats.plane_grid(dataset.domain, neuron_grid))
        self._t0 = time.perf_counter()
        self._rate = (time.perf_counter(), self.step_count, 0.0)
        #: shares of the time the expensive parts of "tick" snapshots may take: the evaluation
        #: (the loss curve's points) and the rest (histograms, grids, parameter copies)
        self.eval_budget = 0.03
        self.heavy_budget = 0.05
        self._heavy_cache: dict | None = None
        self._heavy_at = self._eval_at = 0.0
        self._heavy_cost = self._eval_cost = 0.0
        self._eval_trace = None
        self._snap_eval = self.last_eval  # the evaluation snapshots show (sampled sets)
        nan = np.full(self.net.n_layers, np.nan)
        self._last_norms = dict.fromkeys(LAYER_SERIES, nan)

    def _evaluator(self, X, Y, rng, cap) -> stats.Evaluator:
        if X.shape[0] > cap:
            idx = np.sort(rng.choice(X.shape[0], cap, replace=False))
            X, Y = X[idx], Y[idx]
        return stats.Evaluator(X, Y, self.problem)

    # -- state -------------------------------------------------------------------------------
    def _restore(self, state: dict) -> None:
        self.step_count = int(state.get("step", 0))
        self.epoch = int(state.get("epoch", 0))
        opt = state.get("optimizer")
        if opt and opt.get("name") == self.optimizer.name:
            slots = {}
            for name, layers in opt.get("slots", {}).items():
                flat = np.zeros(self.net.n_params, dtype=self.net.dtype)
                Ws, bs = self.net.views(flat)
                for l, entry in enumerate(layers):
                    Ws[l][...] = entry["W"]
                    bs[l][...] = entry["b"]
                slots[name] = flat
            self.optimizer.load_state(int(opt.get("t", 0)), slots)
        # position inside the epoch: examples of this epoch already used
        offset = int(state.get("offset", 0))
        if 0 < offset < self.m:
            self._shuffle(self.epoch)
            self._batches = self._slices(offset)

    def state(self) -> dict:
        """The experiment's ``state`` section: epoch, step, batch within the epoch, optimizer.

        After a divergence the optimizer's moments already took in the rejected step (they may be
        NaN), so they are left out: a continued run starts them from zero.
        """
        t, slots = self.optimizer.state()
        out: dict = {"epoch": self.epoch, "step": self.step_count}
        if self.offset:
            out["offset"] = self.offset
        if self.divergence is not None:
            return out
        out["optimizer"] = {
            "name": self.optimizer.name,
            "t": t,
            "slots": {name: weights_config(*self.net.views(flat)) for name, flat in slots.items()},
        }
        return out

    def current_experiment(self) -> dict:
        """The experiment with the current hyperparameters, weights and state."""
        exp = copy.deepcopy(self.experiment)
        exp["training"]["optimizer"] = {**exp["training"]["optimizer"], **self.optimizer.config()}
        exp["training"]["regularization"] = {"kind": self.net.reg_kind, "rate": self.net.reg_rate}
        exp["weights"] = self.net.weights_config()
        exp["state"] = self.state()
        return exp

    # -- live changes ------------------------------------------------------------------------
    def set_learning_rate(self, lr: float) -> None:
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        self.optimizer.learning_rate = float(lr)
        self.experiment["training"]["optimizer"]["learning_rate"] = float(lr)

    def set_optimizer(self, config: dict) -> None:
        """Switch optimizer (its moments start from zero) or change its parameters."""
        config = {**self.experiment["training"]["optimizer"], **config}
        if config["name"] == self.optimizer.name:
            t, slots = self.optimizer.state()
            new = make_optimizer(config, self.net.n_params, self.net.dtype)
            new.load_state(t, slots)
        else:
            new = make_optimizer(config, self.net.n_params, self.net.dtype)
        self.optimizer = self.stepper.optimizer = new
        self.experiment["training"]["optimizer"] = config

    def set_batch_size(self, batch_size: int) -> None:
        """New batch size from the next step on (the rest of this epoch is re-sliced)."""
        s = max(1, min(int(batch_size), self.m))
        self.experiment["training"]["batch_size"] = int(batch_size)
        if s == self.batch_size:
            return
        offset = self.offset
        self.batch_size = s
        if self._shuffled_epoch == self.epoch:
            self._batches = self._slices(offset)
            self._bi = 0
        if self.stride:
            self.stride = stats_stride(self.net, s)

    @property
    def offset(self) -> int:
        """How many training examples of the current epoch have been used."""
        if self._shuffled_epoch != self.epoch or not self._batches:
            return 0
        start = self.m - sum(len(x) for x, _ in self._batches)
        return start + sum(len(x) for x, _ in self._batches[: self._bi])

    def set_regularization(self, regularization: dict) -> None:
        self.net.set_regularization(regularization)
        self.experiment["training"]["regularization"] = dict(regularization)

    # -- stepping ----------------------------------------------------------------------------
    def _slices(self, start: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
        s = self.batch_size
        return [(self._X_sh[i : i + s], self._Y_sh[i : i + s]) for i in range(start, self.m, s)]

    def _shuffle(self, epoch: int) -> None:
        perm = np.random.default_rng((self.seed, epoch)).permutation(self.m)
        np.take(self._X, perm, axis=0, out=self._X_sh, mode="clip")  # unbuffered
        np.take(self._Y, perm, axis=0, out=self._Y_sh, mode="clip")
        self._batches = self._slices()
        self._bi = 0
        self._shuffled_epoch = epoch

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.m // self.batch_size)

    @property
    def steps_left_in_epoch(self) -> int:
        """Steps until the current epoch ends."""
        if self._shuffled_epoch != self.epoch:
            return self.batches_per_epoch
        return len(self._batches) - self._bi

    def train_steps(self, n: int, *, epoch_metrics: bool = False) -> int:
        """Run up to n steps; returns how many were taken. Raises ``Diverged`` on NaN/Inf (the
        offending update is not applied). With ``epoch_metrics`` every finished epoch appends a
        row to ``epoch_rows`` (full-set losses and metrics, per-layer gradient norms)."""
        if self.divergence is not None:
            raise Diverged(self.divergence)
        stepper, recorder = self.stepper, self._recorder
        stride = self.stride or sys.maxsize
        done = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            while done < n:
                if self._shuffled_epoch != self.epoch:
                    self._shuffle(self.epoch)
                batches, bi = self._batches, self._bi
                # run to the end of the epoch or n steps, whichever comes first
                stop = min(len(batches), bi + (n - done))
                start = bi
                while bi < stop:
                    X, Y = batches[bi]
                    q = stepper.step(X, Y)
                    if not q < 1e300:
                        self._bi = bi
                        self._check_finite()
                    stepper.apply()
                    bi += 1
                    self.step_count += 1
                    self._since_record += 1
                    if self._since_record >= stride:
                        self._since_record = 0
                        loss, row = stats.record_row(stepper)
                        recorder.add(self.step_count, self.epoch, loss, row)
                done += bi - start
                self._bi = bi
                if bi >= len(batches):
                    self.epoch += 1
                    self._bi = 0
                    if epoch_metrics:
                        self.epoch_rows.append(self._epoch_row())
        return done

    def _check_finite(self) -> None:
        """Find the first non-finite quantity of the last step; raise ``Diverged`` if any."""
        st, net = self.stepper, self.net
        buf = st.last
        L = net.n_layers
        step = self.step_count + 1
        checks: list[tuple[int, str, np.ndarray]] = []
        for l in range(L):
            checks += [(l + 1, "z", buf.Z[l]), (l + 1, "a", buf.A[l])]
        for l in range(L - 1, -1, -1):
            checks.append((l + 1, "delta", buf.D[l]))
        for l in range(L):
            checks.append((l + 1, "gradient", st.dW[l]))
            checks.append((l + 1, "gradient", st.db[l]))
        new = net.params + st.update
        for l, B in enumerate(net.block_views(new)):  # [W b]: an overflowing bias counts too
            checks.append((l + 1, "weights", B))
        for layer, what, arr in checks:
            if not np.isfinite(arr).all():
                self.divergence = Divergence(step, layer, what)
                raise Diverged(self.divergence)

    def _epoch_row(self) -> dict:
        tr_loss, tr_metric, _ = self._full_train.evaluate(self.net)
        te_loss, te_metric, _ = self._full_test.evaluate(self.net)
        self.last_eval = (tr_loss, te_loss, tr_metric, te_metric)
        name = stats.metric_name(self.problem)
        row = {
            "epoch": self.epoch,
            "step": self.step_count,
            "train_loss": tr_loss,
            "test_loss": te_loss,
            f"train_{name}": tr_metric,
            f"test_{name}": te_metric,
        }
        for l, dW in enumerate(self.stepper.dW, start=1):
            row[f"grad_norm_{l}"] = float(np.sqrt(np.einsum("ij,ij->", dW, dW)))
        return row

    def evaluate(self, full: bool = False) -> tuple[float, float, float, float]:
        """(train loss, test loss, train metric, test metric); full sets or the snapshot samples."""
        tr, te = (
            (self._full_train, self._full_test) if full else (self._eval_train, self._eval_test)
        )
        tl, tm, _ = tr.evaluate(self.net)
        sl, sm, _ = te.evaluate(self.net)
        return tl, sl, tm, sm

    # -- snapshots ---------------------------------------------------------------------------
    def health(self) -> Health:
        """Verdict over the recorded window (also updates per-layer verdicts)."""
        loss, rows = self._recorder.window()
        acts = [a.name for a in self.net.activations]
        h, per_layer = assess(
            rows[:, 0, :],
            loss,
            rows[:, 4, :],
            rows[:, 5, :],
            acts,
            self._recorder.first_loss,
            self._recorder.min_loss,
            self.divergence,
            self.thresholds,
            init=self.experiment["model"].get("init"),
        )
        if h.verdict == "warming up" and not len(rows):
            h = Health("warming up", "Ready: press Play (Space) or Step (S) to start training.")
        self.last_health, self._layer_verdicts = h, per_layer
        return h

    def _evaluate(self) -> tuple[float, float, float, float]:
        """Loss and metric on the (sampled) training and test sets; keeps the training trace for
        the activation summaries of ``_heavy``."""
        tl, tm, self._eval_trace = self._eval_train.evaluate(self.net)
        sl, sm, _ = self._eval_test.evaluate(self.net)
        self.last_eval = self._snap_eval = (tl, sl, tm, sm)
        return self._snap_eval

    def _heavy(self) -> dict:
        """The expensive parts of a snapshot: activation and weight summaries (from the newest
        evaluation's trace), parameter copies, the boundary grid and neuron maps."""
        net, L = self.net, self.net.n_layers
        trace = self._eval_trace
        layers = []
        for l in range(L):
            name = net.activations[l].name
            # the first HIST_CAP rows of the evaluation sample (make_dataset shuffled the data)
            A = trace.a[l][:HIST_CAP] if trace is not None else np.zeros((0, net.sizes[l + 1]))
            finite = A[np.isfinite(A)]
            lo, hi = stats.activation_range(name, finite, self._act_ranges, l)
            whist, wq = stats.weight_summary(net.weights[l], self._w_ranges, l, self._w_samples[l])
            layers.append(
                dict(
                    activation_mean=float(finite.mean()) if finite.size else math.nan,
                    activation_std=float(finite.std()) if finite.size else math.nan,
                    activation_hist=stats.histogram(finite, lo, hi),
                    weight_hist=whist,
                    weight_quantiles=wq,
                )
            )
        boundary = maps = None
        if self._grid is not None:
            g, n = self.grid_size, self.neuron_grid
            boundary = frozen(net.predict(self._grid).reshape(g, g, -1), np.float32)
            ntrace = net.forward(self._neuron_grid_x)
            maps = tuple(frozen(a.T.reshape(-1, n, n), np.float32) for a in ntrace.a)
        return dict(
            layers=layers,
            boundary=boundary,
            neuron_maps=maps,
            weights=tuple(frozen(W) for W in net.weights),
            biases=tuple(frozen(b) for b in net.biases),
            grad_weights=tuple(frozen(dW) for dW in self.stepper.dW),
        )

    def snapshot(self, reason: str = "tick") -> Snapshot:
        """A frozen picture of the run now, with the history recorded since the last snapshot.

        The expensive parts are recomputed for every non-"tick" snapshot, and for "tick" snapshots
        only as often as keeps them under their share of the time: the evaluation (a new point of
        the loss curve) ``eval_budget`` (3%), histograms, grids and parameter copies
        ``heavy_budget`` (5%; always with an evaluation). In between, ticks reuse the last ones
        (they are immutable) and carry no new evaluation rows. On small nets both fit every tick;
        on big ones the loss curve still moves at the snapshot rate while the grids slow down.
        """
        net, st = self.net, self.stepper
        L = net.n_layers
        if st.last is not None and self._since_record and self.divergence is None:
            # make sure the newest step is in the history
            self._since_record = 0
            loss, row = stats.record_row(st)
            self._recorder.add(self.step_count, self.epoch, loss, row)
        health = self.health()
        now = time.perf_counter()
        heavy = self._heavy_cache
        always = heavy is None or reason != "tick"
        running = self.divergence is None  # a stopped run has nothing new to show
        fresh = always or (
            running and (now - self._heavy_at) * self.heavy_budget >= self._heavy_cost
        )
        fresh_eval = fresh or (
            running and (now - self._eval_at) * self.eval_budget >= self._eval_cost
        )
        # an exploding (still finite) net overflows std, losses and grids: no warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if fresh_eval:
                self._evaluate()
                self._eval_at = time.perf_counter()
                self._eval_cost = self._eval_at - now
            if fresh:
                heavy = self._heavy_cache = self._heavy()
                self._heavy_at = time.perf_counter()
                self._heavy_cost = self._heavy_at - self._eval_at
        tl, sl, tm, sm = self._snap_eval
        if fresh_eval:
            evals = Evals(
                *(
                    frozen(np.array([v]), dt)
                    for v, dt in (
                        (self.step_count, np.int64),
                        (self.epoch, np.int64),
                        (tl, None),
                        (sl, None),
                        (tm, None),
                        (sm, None),
                    )
                )
            )
        else:
            evals = Evals.empty()
        history = self._recorder.drain()
        last = {
            f: (getattr(history, f)[-1] if len(history) else self._last_norms[f])
            for f in LAYER_SERIES
        }
        self._last_norms = last
        layers = []
        for l in range(L):
            D = st.delta(l + 1, DELTA_SAMPLE).T if st.last is not None else np.zeros((0, 0))
            layers.append(
                LayerStats(
                    index=l + 1,
                    units=net.sizes[l + 1],
                    activation=net.activations[l].name,
                    grad_norm=float(last["grad_norm"][l]),
                    delta_norm=float(last["delta_norm"][l]),
                    weight_norm=float(last["weight_norm"][l]),
                    update_ratio=float(last["update_ratio"][l]),
                    dead_fraction=float(last["dead_fraction"][l]),
                    saturated_fraction=float(last["saturated_fraction"][l]),
                    delta_sample=frozen(D),
                    verdict=self._layer_verdicts[l],
                    **heavy["layers"][l],
                )
            )
        t_prev, s_prev, rate = self._rate
        if now - t_prev > 0.25:
            rate = (self.step_count - s_prev) / (now - t_prev)
            self._rate = (now, self.step_count, rate)
        return Snapshot(
            step=self.step_count,
            epoch=self.epoch,
            reason=reason,
            problem=self.problem,
            metric_name=stats.metric_name(self.problem),
            train_loss=tl,
            test_loss=sl,
            train_metric=tm,
            test_metric=sm,
            eval_subset=len(self._eval_train) < self.m,
            layers=tuple(layers),
            history=history,
            evals=evals,
            health=health,
            weights=heavy["weights"],
            biases=heavy["biases"],
            grad_weights=heavy["grad_weights"],
            boundary=heavy["boundary"],
            neuron_maps=heavy["neuron_maps"],
            domain=self.dataset.domain,
            divergence=self.divergence,
            steps_per_second=rate,
            learning_rate=self.optimizer.learning_rate,
            batch_size=self.batch_size,
        )

"""The master LP over schedules, grown by column generation, and its Lagrangian bound.

Rows: tier 1's rules outside the worker blocks (testing, isolation) as they are, the
linking rules (shortfall cover, site capacity) with each schedule's shifts and test as
its coefficients, and one convexity row per block, ``sum_k lambda[b,k] <= |b|`` (``= 1``
for a worker who must work). The LP stays alive between rounds (GLOP, warm-started from
its last basis) and only gains columns.

The bound: for any row prices pi, relaxing every row into the objective gives

    L(pi) = sum_i pi_i rhs_i + sum_j min_{lb_j <= x_j <= ub_j} (c_j - pi A_j) x_j
            - sum_b |b| best_b(pi)

where best_b is the most valuable schedule of block b at pi (the DP's, exact), and the
empty schedule is worth 0 to a block that need not work. L(pi) <= the best plan's value for
every pi (weak duality), computed from the row prices as the LP reports them, so a bound
holds whether or not the LP had converged or was accurate: it never trusts the LP.

Over 400 lines because column generation, the bound and the dive all read one LP's rows.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from constraints.model import Constraint, Model, Terms, Var
from scheduler.solve.lp import rounded_binaries, set_parameters
from scheduler.solve.patterns.blocks import Split
from scheduler.solve.patterns.pricing import Pricer, Schedule

SCHEDULES_PER_BLOCK = 5
"""Schedules a block may gain per round (the best pairs first, one per home)."""

SEED_PER_BLOCK = 3
"""Schedules per block priced at face value before the first LP: the first LP then holds
sensible schedules, and column generation needs fewer rounds."""


_Coo = tuple[np.ndarray, np.ndarray, np.ndarray]
"""A sparse matrix as (row, column, coefficient) arrays."""


GROWING = "use_preprocessing: false"
"""GLOP's parameters while columns are added: presolve pays once per solve, and the master
is re-solved warm dozens of times, so without it column generation is faster; a new
column leaves the last basis primal feasible, so the primal simplex goes on from it."""

DIVING = "use_preprocessing: false use_dual_simplex: true"
"""GLOP's parameters in a dive: raising a schedule's lower bound leaves the last basis
dual feasible but not primal, which is the dual simplex's start."""


def _glop() -> pywraplp.Solver:
    """A GLOP solver for a master that is re-solved warm dozens of times."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        raise RuntimeError("OR-Tools has no GLOP")
    set_parameters(solver, GROWING)
    return solver


@dataclass
class ColumnPool:
    """Every schedule generated so far, each once."""

    schedules: list[Schedule] = field(default_factory=list)
    _index: dict[tuple[object, ...], int] = field(default_factory=dict)

    def add(self, schedule: Schedule) -> bool:
        identity = _identity(schedule)
        if identity in self._index:
            return False
        self._index[identity] = len(self.schedules)
        self.schedules.append(schedule)
        return True

    def __contains__(self, schedule: Schedule) -> bool:
        return _identity(schedule) in self._index

    def index(self, schedule: Schedule) -> int:
        """Its position in `schedules`, which is its column in the master."""
        return self._index[_identity(schedule)]


def _identity(schedule: Schedule) -> tuple[object, ...]:
    return (schedule.block, schedule.home, schedule.shifts, schedule.test)


@dataclass
class MasterResult:
    bound: float
    """The best Lagrangian bound of any round (a valid lower bound on tier 1)."""
    lp_value: float | None
    """The last restricted master LP's value."""
    converged: bool
    rounds: int
    seconds: float
    pricing_seconds: float


class Master:
    """The restricted master LP of `split` over `model`'s tier-1 objective `terms`."""

    def __init__(
        self,
        model: Model,
        split: Split,
        terms: Terms,
        pricer: Pricer,
        stop: threading.Event | None = None,
    ) -> None:
        self.model = model
        self.stop = stop or threading.Event()
        """Set (by Ctrl-C) to end column generation and dives at their next step."""
        self.split = split
        self.pricer = pricer
        self.pool = ColumnPool()
        self.solver = solver = _glop()
        rows = [model.constraints[i] for i in split.rest + split.linking]
        used = sorted(
            {v for c in rows for v, _ in c.terms if v not in split.block_vars}
            | {v for v, _ in terms if v not in split.block_vars}
        )
        self.columns_of: dict[Var, int] = {v: j for j, v in enumerate(used)}
        self.rest_vars = used
        self.x = [solver.NumVar(model.variables[v].lb, model.variables[v].ub, "") for v in used]
        self.rows, self.lo, self.hi, self.coo = self._add_rows(rows)
        self.first_linking = len(split.rest)
        self.lb = np.array([model.variables[v].lb for v in used], float)
        self.ub = np.array([model.variables[v].ub for v in used], float)
        self.c = self._set_objective(terms)
        self.convexity = [
            solver.Constraint(b.size if b.must_work else 0, b.size) for b in split.blocks
        ]
        self.sizes = np.array([b.size for b in split.blocks], float)
        self.lambdas: list[pywraplp.Variable] = []
        self.coefficients: list[tuple[np.ndarray, np.ndarray]] = []
        """Each schedule's (linking row positions, coefficients)."""
        self.rest_least, self.linking_hi = self._linking_room()
        self._last_batch: list[tuple[int, float, float]] = []
        """The dive's last rounding: (schedule, its lower bound before, its LP value)."""
        self.rest_values: list[float] = []
        """The non-block variables' values in the dive's last LP."""
        self.costs: list[int] = []
        """Each schedule's tier-1 cost."""
        self.nudge: Callable[[Schedule], float] | None = None
        """Added to each schedule's cost in the dives (`prefer`)."""

    def _add_rows(
        self, rows: list[Constraint]
    ) -> tuple[list[pywraplp.Constraint], np.ndarray, np.ndarray, _Coo]:
        """The LP's rows over the non-block variables, and the same rows as arrays
        (bounds, and the matrix as (row, column, coefficient) triples) for the bound and
        the dive, which read them far more often than GLOP could answer."""
        inf = self.solver.infinity()
        lp_rows = []
        lo, hi = [], []
        coo_r, coo_c, coo_k = [], [], []
        for i, c in enumerate(rows):
            row = self.solver.Constraint(
                -inf if c.lb is None else c.lb, inf if c.ub is None else c.ub
            )
            for v, k in c.terms:
                j = self.columns_of.get(v)
                if j is not None:
                    row.SetCoefficient(self.x[j], k)
                    coo_r.append(i)
                    coo_c.append(j)
                    coo_k.append(k)
            lp_rows.append(row)
            lo.append(-math.inf if c.lb is None else c.lb)
            hi.append(math.inf if c.ub is None else c.ub)
        coo = (np.array(coo_r, int), np.array(coo_c, int), np.array(coo_k, float))
        return lp_rows, np.array(lo), np.array(hi), coo

    def _set_objective(self, terms: Terms) -> np.ndarray:
        """Tier 1's objective over the non-block variables (block variables are priced
        in the schedules), as the LP's and as an array."""
        c = np.zeros(len(self.rest_vars))
        objective = self.solver.Objective()
        for v, k in terms:
            j = self.columns_of.get(v)
            if j is not None:
                c[j] += k
                objective.SetCoefficient(self.x[j], c[j])
        objective.SetMinimization()
        return c

    def _linking_room(self) -> tuple[np.ndarray, np.ndarray]:
        """The least each linking row's other terms can add up to, and its upper bound:
        what the dive rounds schedules up against."""
        linking = slice(self.first_linking, None)
        r, j, k = self.coo
        least = np.where(k > 0, k * self.lb[j], k * self.ub[j])
        rest_least = np.bincount(r, weights=least, minlength=len(self.rows))[linking]
        return rest_least, self.hi[linking]

    # ------------------------------------------------------------------ columns

    def add(self, schedule: Schedule) -> bool:
        if not schedule.shifts or not self.pool.add(schedule):
            return False
        size = self.split.blocks[schedule.block].size
        var = self.solver.NumVar(0, size, "")
        cost = 0
        coefficients: dict[int, int] = {}
        for v in schedule.variables:
            cost += self.split.cost.get(v, 0)
            for pos, k in self.split.var_rows.get(v, ()):
                coefficients[pos] = coefficients.get(pos, 0) + k
        for pos, k in coefficients.items():
            self.rows[self.first_linking + pos].SetCoefficient(var, k)
        self.coefficients.append(
            (
                np.array(list(coefficients), dtype=np.int64),
                np.array(list(coefficients.values()), float),
            )
        )
        self.convexity[schedule.block].SetCoefficient(var, 1)
        self.costs.append(cost)
        nudge = self.nudge(schedule) if self.nudge is not None else 0.0
        self.solver.Objective().SetCoefficient(var, cost + nudge)
        self.lambdas.append(var)
        return True

    def prefer(self, nudge: Callable[[Schedule], float]) -> None:
        """From now on each schedule's LP cost is its tier-1 cost plus its `nudge`. Given
        nudges too small to trade a unit of tier 1, the dives take, among equally good
        schedules, the ones with the least (a re-plan's previous ones); the bound is
        column generation's, found before and unaffected."""
        self.nudge = nudge
        objective = self.solver.Objective()
        for k, schedule in enumerate(self.pool.schedules):
            objective.SetCoefficient(self.lambdas[k], self.costs[k] + nudge(schedule))

    # ------------------------------------------------------------------ rounds

    def lagrangian(self, duals: np.ndarray, best: np.ndarray) -> float:
        """L(pi) of the module docstring, with each price clamped to its row's sign."""
        pi = np.where(np.isfinite(self.lo), np.maximum(duals, 0.0), 0.0) + np.where(
            np.isfinite(self.hi), np.minimum(duals, 0.0), 0.0
        )
        rhs = float(
            np.dot(np.where(pi > 0, pi, 0.0), np.where(pi > 0, self.lo, 0.0))
            + np.dot(np.where(pi < 0, pi, 0.0), np.where(pi < 0, self.hi, 0.0))
        )
        r, j, k = self.coo
        reduced = self.c - np.bincount(j, weights=k * pi[r], minlength=len(self.c))
        rest = float(np.sum(np.where(reduced >= 0, reduced * self.lb, reduced * self.ub)))
        blocks = -float(np.dot(self.sizes, best))
        return rhs + rest + blocks

    def run(self, deadline: float, scale: float, most_rounds: int | None = None) -> MasterResult:
        """Column generation from the schedules in the pool until no schedule prices out,
        `deadline` (perf_counter) passes or `most_rounds` are done; the bound is the best
        L(pi) of any round."""
        started = time.perf_counter()
        pricing = 0.0
        bound = -math.inf
        lp_value = None
        converged = False
        rounds = 0
        self._seed_must_work()
        self._seed_at_face_value(scale)
        while time.perf_counter() < deadline and not self.stop.is_set():
            if most_rounds is not None and rounds >= most_rounds:
                break
            self.solver.SetTimeLimit(max(1, int(1000 * (deadline - time.perf_counter()))))
            if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                break
            rounds += 1
            lp_value = self.solver.Objective().Value()
            duals = np.array([row.dual_value() for row in self.rows])
            mu = np.array([row.dual_value() for row in self.convexity])
            t0 = time.perf_counter()
            # A schedule enters when its reduced cost, -value - mu, is below -eps.
            priced = self.pricer.price(
                duals[self.first_linking :], -mu + 1e-9 * scale, SCHEDULES_PER_BLOCK
            )
            pricing += time.perf_counter() - t0
            if not np.all(np.isfinite(priced.best)):
                raise InfeasibleBlock
            bound = max(bound, self.lagrangian(duals, priced.best))
            if not sum(self.add(schedule) for _value, schedule in priced.schedules):
                converged = True
                break
        return MasterResult(
            bound=bound,
            lp_value=lp_value,
            converged=converged,
            rounds=rounds,
            seconds=time.perf_counter() - started,
            pricing_seconds=pricing,
        )

    def _seed_at_face_value(self, scale: float) -> None:
        """Each block's best schedules as if every need were still open: linking rows
        priced at what leaving them short costs (the objective of their own slack, per
        unit of the row), so the first LP already holds sensible schedules."""
        duals = np.zeros(len(self.split.linking))
        r, j, k = self.coo
        linking = r >= self.first_linking
        face = np.where(k[linking] != 0, self.c[j[linking]] / k[linking], 0.0)
        np.maximum.at(duals, r[linking] - self.first_linking, face)
        thresholds = np.full(len(self.split.blocks), 1e-9 * scale)
        priced = self.pricer.price(duals, thresholds, SEED_PER_BLOCK)
        for _value, schedule in priced.schedules:
            self.add(schedule)

    def _seed_must_work(self) -> None:
        """A schedule for every block that must work and has none, so the first LP is
        feasible: the best at prices of zero."""
        have = {s.block for s in self.pool.schedules}
        lacking = [b for b, block in enumerate(self.split.blocks) if block.must_work]
        lacking = [b for b in lacking if b not in have]
        if not lacking:
            return
        thresholds = np.full(len(self.split.blocks), np.inf)
        thresholds[lacking] = -np.inf
        priced = self.pricer.price(np.zeros(len(self.split.linking)), thresholds, 1)
        if not np.all(np.isfinite(priced.best[lacking])):
            raise InfeasibleBlock
        for _value, schedule in priced.schedules:
            self.add(schedule)

    # ------------------------------------------------------------------ diving

    def dive(
        self,
        deadline: float,
        scale: float,
        share: float,
        hurry: float | None = None,
        held: np.ndarray | None = None,
    ) -> list[tuple[Schedule, int]] | None:
        """An integer deployment by diving: fix the schedules the LP takes whole, else
        round up a `share` of the fractional ones closest to whole (one per block, never
        over-covering a row), price once where the fixings moved the duals, re-solve,
        until every schedule is whole. A rounding the LP cannot carry is undone and its
        schedule held at its floor instead. From `hurry` on, every fractional schedule
        that fits is rounded at once: a few re-solves then finish the dive, where a
        dive cut off has nothing to show. The blocks `held` (a mask) keep the bounds
        `hold` gave their schedules and gain none. Fixings are undone after; None if the
        time ran out first."""
        set_parameters(self.solver, DIVING)
        priced = False
        try:
            while time.perf_counter() < deadline and not self.stop.is_set():
                if hurry is not None and time.perf_counter() >= hurry:
                    share = 1.0
                self.solver.SetTimeLimit(max(1, int(1000 * (deadline - time.perf_counter()))))
                if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                    if not self._last_batch:
                        return None
                    self._branch_down()
                    continue
                taken = np.array([var.solution_value() for var in self.lambdas])
                part = taken - np.floor(taken + INTEGRAL)
                fractional = np.flatnonzero(part > INTEGRAL)
                if not len(fractional):
                    self.rest_values = [x.solution_value() for x in self.x]
                    return [
                        (s, round(x))
                        for s, x in zip(self.pool.schedules, taken, strict=True)
                        if round(x)
                    ]
                if not priced and self._price_once(scale, held):
                    # New schedules where the fixings moved the duals: re-solved before
                    # rounding, by the primal simplex (the basis is still primal feasible).
                    set_parameters(self.solver, GROWING)
                    priced = True
                    continue
                priced = False
                set_parameters(self.solver, DIVING)
                low = np.array([var.lb() for var in self.lambdas])
                whole = np.flatnonzero((taken > low + 1 - INTEGRAL) & (part <= INTEGRAL))
                pick = [int(k) for k in whole] or self._round_up(fractional, part, taken, share)
                if not pick:
                    # No schedule can be rounded up without over-covering: round one down.
                    k = int(fractional[np.argmin(part[fractional])])
                    self.lambdas[k].SetUb(float(np.floor(taken[k] + INTEGRAL)))
                    continue
                self._last_batch = [(k, self.lambdas[k].lb(), taken[k]) for k in pick]
                for k in pick:
                    self.lambdas[k].SetLb(float(np.ceil(taken[k] - INTEGRAL)))
            return None
        finally:
            self._release()
            self._last_batch = []

    def _release(self) -> None:
        """Every schedule free again, and the LP back to growing."""
        for k, var in enumerate(self.lambdas):
            var.SetBounds(0.0, float(self.sizes[self.pool.schedules[k].block]))
        set_parameters(self.solver, GROWING)

    def whole_rest(
        self, taken: list[tuple[Schedule, int]], time_limit: float
    ) -> list[float] | None:
        """The non-block variables' values in the LP with every schedule held where
        `taken` has it and the fractional yes/no ones among them rounded
        (`rounded_binaries`): a dive's tests and beds made whole on this small LP, where
        completing the deployment would build the whole model's LP again. None if the LP
        does not solve in time or the rounding does not settle."""
        deadline = time.perf_counter() + time_limit
        self.hold(self.counts(taken), np.zeros(len(self.split.blocks), dtype=bool))
        set_parameters(self.solver, DIVING)
        self.solver.SetTimeLimit(max(1, int(1000 * time_limit)))
        try:
            if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                return None
            solved = [x.solution_value() for x in self.x]
            bounds = [(int(lo), int(hi)) for lo, hi in zip(self.lb, self.ub, strict=True)]
            binaries = sum(hi - lo == 1 for lo, hi in bounds)
            return rounded_binaries(self.solver, self.x, bounds, solved, binaries, deadline)
        finally:
            self._release()

    def _price_once(self, scale: float, held: np.ndarray | None) -> bool:
        """One pricing round at the current duals, for the blocks with a worker not yet
        fixed to a schedule and not `held`; whether it added any."""
        duals = np.array([row.dual_value() for row in self.rows])
        mu = np.array([row.dual_value() for row in self.convexity])
        fixed = np.zeros(len(self.split.blocks))
        for k, var in enumerate(self.lambdas):
            fixed[self.pool.schedules[k].block] += var.lb()
        done = fixed >= self.sizes if held is None else (fixed >= self.sizes) | held
        thresholds = np.where(done, np.inf, -mu + 1e-9 * scale)
        priced = self.pricer.price(duals[self.first_linking :], thresholds, 1)
        return bool(sum(self.add(schedule) for _value, schedule in priced.schedules))

    def hold(self, counts: np.ndarray, free: np.ndarray) -> None:
        """Fix every schedule of the blocks not `free` (a mask) at `counts` (workers on
        each schedule, by pool index; schedules past its end at none), and let the free
        blocks' schedules take any number again: the start of a dive over the free ones."""
        for k, var in enumerate(self.lambdas):
            b = self.pool.schedules[k].block
            n = float(counts[k]) if k < len(counts) else 0.0
            var.SetBounds(*((0.0, float(self.sizes[b])) if free[b] else (n, n)))

    def counts(self, taken: list[tuple[Schedule, int]]) -> np.ndarray:
        """Workers on each schedule of the pool, by pool index."""
        counts = np.zeros(len(self.lambdas))
        for schedule, n in taken:
            counts[self.pool.index(schedule)] += n
        return counts

    def value(self, counts: np.ndarray) -> float:
        """Tier 1 of a deployment given by `counts`, with the non-block variables at their
        values in the last dive's LP (`rest_values`)."""
        cost = float(np.dot(self.costs, counts[: len(self.costs)]))
        return cost + float(np.dot(self.c, self.rest_values))

    def _branch_down(self) -> None:
        """Undo the last rounding, and hold its first schedule at its floor instead."""
        for k, lb, _x in self._last_batch:
            self.lambdas[k].SetLb(lb)
        k, lb, x = self._last_batch[0]
        self.lambdas[k].SetUb(float(np.floor(x + INTEGRAL)))
        self._last_batch = []

    def _round_up(
        self, fractional: np.ndarray, part: np.ndarray, taken: np.ndarray, share: float
    ) -> list[int]:
        """The fractional schedules closest to whole, a share of them at once, where the
        block has a worker left and no linking row would go over its upper limit."""
        used = np.zeros(len(self.split.blocks))
        activity = self.rest_least.copy()
        for k, var in enumerate(self.lambdas):
            lb = var.lb()
            if lb:
                used[self.pool.schedules[k].block] += lb
                positions, coefs = self.coefficients[k]
                activity[positions] += lb * coefs
        want = max(1, int(share * len(fractional)))
        pick: list[int] = []
        for k in fractional[np.argsort(-part[fractional], kind="stable")]:
            k = int(k)
            b = self.pool.schedules[k].block
            more = np.ceil(taken[k] - INTEGRAL) - self.lambdas[k].lb()
            positions, coefs = self.coefficients[k]
            after = activity[positions] + more * coefs
            if used[b] + more > self.sizes[b] or np.any(after > self.linking_hi[positions]):
                continue
            used[b] += more
            activity[positions] = after
            pick.append(k)
            if len(pick) == want:
                break
        return pick


INTEGRAL = 1e-6
"""How far from a whole number an LP value may be and still count as whole."""


class InfeasibleBlock(Exception):
    """A worker who must work (a pin, a kept decision) has no schedule keeping every rule."""

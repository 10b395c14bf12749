"""The CP-SAT backend: compiles a neutral `Model` into a CP-SAT proto and solves it.

The proto is written directly (not through CpModel's expression API) because city-scale
models have ~10^5 constraints and building expressions would dominate the run time.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from scheduler.interrupt import INTERRUPTION
from scheduler.model import Model, Terms, Var
from scheduler.settings import SolverSettings, StageOutcome

INT_MIN = -(2**62)
INT_MAX = 2**62

_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


class CpSatBackend:
    name = "cp-sat"

    def __init__(self, model: Model, settings: SolverSettings) -> None:
        self.settings = settings
        self._cp = cp_model.CpModel()
        self._proto = self._cp.proto
        for v in model.variables:
            pv = self._proto.variables.add()
            pv.name = v.name
            pv.domain.extend([v.lb, v.ub])
        self._n = len(model.variables)
        self._model = model
        self._tier = 0
        self.include_tier(1)
        if model.hints:
            self.set_hint(model.hints)

    # ------------------------------------------------------------------ building

    def _add_linear(
        self, terms: Terms, lb: int | None, ub: int | None, name: str, enforce: int | None = None
    ) -> None:
        pc = self._proto.constraints.add()
        pc.name = name
        if enforce is not None:
            pc.enforcement_literal.append(enforce)
        pc.linear.vars.extend([v for v, _ in terms])
        pc.linear.coeffs.extend([c for _, c in terms])
        pc.linear.domain.extend([INT_MIN if lb is None else lb, INT_MAX if ub is None else ub])

    def include_tier(self, tier: int) -> None:
        """Add the constraints first needed by objective tiers up to `tier`."""
        for c in self._model.constraints:
            if self._tier < c.tier <= tier:
                self._add_linear(c.terms, c.lb, c.ub, c.name)
        self._tier = max(self._tier, tier)

    def minimize(self, terms: Terms) -> None:
        self._proto.clear_objective()
        self._proto.objective.vars.extend([v for v, _ in terms])
        self._proto.objective.coeffs.extend([c for _, c in terms])

    def bound_objective(self, terms: Terms, ub: int, name: str) -> None:
        """Keep a solved tier at (or below) its value while later tiers are optimised."""
        self._add_linear(terms, None, ub, name)

    def set_hint(self, values: dict[Var, int]) -> None:
        self._proto.clear_solution_hint()
        self._proto.solution_hint.vars.extend(values.keys())
        self._proto.solution_hint.values.extend(values.values())

    # ------------------------------------------------------------------ solving

    def _solver(self, time_limit: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.05, time_limit)
        p.num_workers = self.settings.workers
        p.random_seed = self.settings.seed
        p.log_search_progress = self.settings.log
        # Ctrl-C is ours (scheduler.interrupt): CP-SAT's own SIGINT handler, installed from
        # a solver thread, aborted the process with std::bad_function_call.
        p.catch_sigint_signal = False
        # Probing took 3.5 of 4.5 presolve seconds on the Plymouth model and found nothing.
        p.cp_model_probing_level = 0
        # Parallel workers otherwise race each other; interleaving them in lockstep batches
        # makes the search depend on seed and worker count only. Measured on Plymouth with a
        # complete hint: same plan quality, and a proven bound of 482k instead of 141k.
        p.interleave_search = self.settings.workers > 1
        if self.settings.relative_gap > 0:
            p.relative_gap_limit = self.settings.relative_gap
        if self.settings.deterministic_time is not None:
            p.max_deterministic_time = self.settings.deterministic_time
        return solver

    def solve(self, time_limit: float) -> StageOutcome:
        solver = self._solver(time_limit)
        started = time.perf_counter()
        code = INTERRUPTION.run(lambda: solver.solve(self._cp), solver.stop_search)
        seconds = time.perf_counter() - started
        status = _STATUS.get(code, "UNKNOWN")
        if status not in ("OPTIMAL", "FEASIBLE"):
            return StageOutcome(status=status, seconds=seconds)
        values = list(solver.response_proto.solution)[: self._n]
        return StageOutcome(
            status=status,
            objective=round(solver.objective_value),
            best_bound=float(solver.best_objective_bound),
            values=values,
            seconds=seconds,
        )

    def complete(self, partial: dict[Var, int], time_limit: float) -> StageOutcome:
        """The best solution of the current objective with `partial` fixed: turns a
        heuristic's values for some variables into a complete, feasible hint."""
        probe = cp_model.CpModel()
        probe.proto.copy_from(self._proto)
        probe.proto.clear_solution_hint()
        for var, value in partial.items():
            domain = probe.proto.variables[var].domain
            domain.clear()
            domain.extend([value, value])
        solver = self._solver(time_limit)
        started = time.perf_counter()
        code = INTERRUPTION.run(lambda: solver.solve(probe), solver.stop_search)
        status = _STATUS.get(code, "UNKNOWN")
        values = (
            list(solver.response_proto.solution)[: self._n]
            if status in ("OPTIMAL", "FEASIBLE")
            else None
        )
        return StageOutcome(status=status, values=values, seconds=time.perf_counter() - started)

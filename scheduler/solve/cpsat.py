"""The CP-SAT backend: compiles a neutral `Model` into a CP-SAT proto and solves it.

The searches run in a separate process (`scheduler.solve.search_process`), which holds the
proto: this side keeps only the variables and constraints it has not sent yet, the
objective and the hint. The proto is written directly (not through CpModel's expression
API) because city-scale models have ~10^5 constraints and building expressions would
dominate the run time.
"""

from __future__ import annotations

import itertools
import os
import time
import weakref

from ortools.sat import sat_parameters_pb2

from constraints.model import Model, Terms, Var
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.search_process import (
    ABORT_AFTER_SOLUTIONS,
    Delta,
    OnSolution,
    Request,
    pairs,
    search_process,
)
from scheduler.solve.settings import SolverSettings, StageOutcome

INT_MIN = -(2**62)
INT_MAX = 2**62

_KEYS = itertools.count(1)
_SEARCHES = itertools.count(1)


class CpSatBackend:
    name = "cp-sat"

    def __init__(self, model: Model, settings: SolverSettings) -> None:
        self.settings = settings
        self.on_solution: OnSolution | None = None
        self._delta = Delta()
        for v in model.variables:
            self._delta.add_variable(v.lb, v.ub)
        self._n = len(model.variables)
        self._model = model
        self._tier = 0
        self._host = search_process()
        self._key = next(_KEYS)
        self.failure = ""
        """How the search process failed, once it has: no search runs after that."""
        # A backend collected without `close` has its model dropped with the next message.
        self._collected = weakref.finalize(self, self._host.drop_later, self._key)
        self.include_tier(1)
        if model.hints:
            self.set_hint(model.hints)
        # The search process builds the model while this process prepares the first search.
        self._host.update(self._key, self._delta)
        self._delta = Delta()

    # ------------------------------------------------------------------ building

    def _add_linear(self, terms: Terms, lb: int | None, ub: int | None) -> None:
        self._delta.add_linear(terms, INT_MIN if lb is None else lb, INT_MAX if ub is None else ub)

    def include_tier(self, tier: int) -> None:
        """Add the constraints first needed by objective tiers up to `tier`."""
        for c in self._model.constraints:
            if self._tier < c.tier <= tier:
                self._add_linear(c.terms, c.lb, c.ub)
        self._tier = max(self._tier, tier)

    def minimize(self, terms: Terms) -> None:
        self._delta.objective = pairs(terms)

    def bound_objective(self, terms: Terms, lb: int | None, ub: int | None, name: str) -> None:
        self._add_linear(terms, lb, ub)  # unnamed: the search process reads no names

    def set_hint(self, values: dict[Var, int]) -> None:
        self._delta.hint = pairs(values.items())

    def close(self) -> None:
        if self._collected.detach() is not None:
            self._host.drop(self._key)

    # ------------------------------------------------------------------ solving

    def _parameters(self, time_limit: float) -> sat_parameters_pb2.SatParameters:
        p = sat_parameters_pb2.SatParameters()
        p.max_time_in_seconds = max(0.05, time_limit)
        p.num_workers = self.settings.workers
        p.random_seed = self.settings.seed
        p.log_search_progress = self.settings.log
        # Ctrl-C is ours (scheduler.solve.interrupt): CP-SAT's own SIGINT handler, installed from
        # a solver thread, aborted the process with std::bad_function_call.
        p.catch_sigint_signal = False
        # Probing takes most of presolve on these models and finds nothing to fix.
        p.cp_model_probing_level = 0
        # Parallel workers otherwise race each other; interleaving them in lockstep batches
        # makes the search depend on seed and worker count only, at no cost in plan quality
        # and with a tighter proven bound.
        p.interleave_search = self.settings.workers > 1
        if self.settings.relative_gap > 0:
            p.relative_gap_limit = self.settings.relative_gap
        if self.settings.deterministic_time is not None:
            p.max_deterministic_time = self.settings.deterministic_time
        return p

    def _search(self, time_limit: float, fixed: dict[Var, int] | None) -> StageOutcome:
        """One search in the search process, sending it the model's changes first; once
        that process has failed, every later search fails at once with the same cause."""
        if self.failure:
            return StageOutcome(status="UNKNOWN", failure=self.failure)
        request = Request(
            key=self._key,
            seq=next(_SEARCHES),
            delta=self._delta,
            parameters=str(self._parameters(time_limit)),  # protobuf prints as text format
            fixed=fixed,
            abort_after=int(os.environ.get(ABORT_AFTER_SOLUTIONS, "0")),
        )
        self._delta = Delta()  # sent: the search process holds it now
        report = self.on_solution or (lambda _objective: None)
        started = time.perf_counter()
        reply = INTERRUPTION.run(
            lambda: self._host.search(request, report), lambda: self._host.stop(request.seq)
        )
        seconds = time.perf_counter() - started
        self.failure = reply.failure
        if reply.values is None:
            return StageOutcome(status=reply.status, seconds=seconds, failure=reply.failure)
        return StageOutcome(
            status=reply.status,
            objective=round(reply.objective),
            best_bound=reply.bound,
            values=reply.values[: self._n],
            seconds=seconds,
            failure=reply.failure,
        )

    def solve(self, time_limit: float) -> StageOutcome:
        return self._search(time_limit, None)

    def complete(self, partial: dict[Var, int], time_limit: float) -> StageOutcome:
        """The best solution of the current objective with `partial` fixed: turns a
        heuristic's values for some variables into a complete, feasible hint."""
        return self._search(time_limit, partial)

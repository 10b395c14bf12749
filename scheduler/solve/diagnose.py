"""Why a scenario has no plan: a minimal set of hard rules, by name and key, that conflict.

Diagnosis always runs on CP-SAT, whichever backend was asked to plan: it only decides
feasibility of the neutral model's hard rules, so the answer does not depend on the backend.

Two steps, coarse to fine, because a city model has ~20,000 rules:

1. a deletion filter over rule *families* (a handful of solves) keeps only the families
   that conflict;
2. inside them, every rule (one named constraint, e.g. `one_home[w017]`) is guarded by an
   assumption literal; CP-SAT's `sufficient_assumptions_for_infeasibility` gives a first
   core, which is then shrunk by a deletion filter: each member is dropped in turn and
   stays out if the rest is still proven infeasible (each such solve's own core shrinks the
   set further). The core alone is not trusted (after presolve it can be every assumption,
   or not minimal); the filter is what makes the answer minimal: removing any member of
   the result leaves a feasible set.

Variables' own bounds are not rules: they always hold.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from constraints.model import Constraint, Model
from scheduler.solve.cpsat import INT_MAX, INT_MIN, CpSatBackend
from scheduler.solve.settings import SolverSettings


def conflicting_rules(model: Model, settings: SolverSettings, time_limit: float) -> list[str]:
    """Names of a minimal set of conflicting rules (empty if none was proven in time)."""
    deadline = time.perf_counter() + max(1.0, time_limit)
    families = conflicting_families(model, settings, time_limit)
    if not families:
        return []
    rules = [c for c in model.constraints if c.family in set(families)]
    guarded = GuardedModel(model, rules, settings)
    core = guarded.core(range(len(rules)), _left(deadline))
    if core is None:  # not proven within the limit: the families are the best answer
        return families
    for member in sorted(core):
        if member not in core:
            continue
        trial = core - {member}
        smaller = guarded.core(trial, _left(deadline))
        if smaller is not None:
            core = smaller
    return sorted(rules[i].name for i in core)


def _left(deadline: float) -> float:
    return max(0.5, deadline - time.perf_counter())


class GuardedModel:
    """The model's variables and `rules`, rule i enforced only when literal i is assumed."""

    def __init__(self, model: Model, rules: Sequence[Constraint], settings: SolverSettings):
        self.settings = settings
        self._cp = cp_model.CpModel()
        proto = self._cp.proto
        for v in model.variables:
            pv = proto.variables.add()
            pv.domain.extend([v.lb, v.ub])
        self._literals = []
        for c in rules:
            lit = len(proto.variables)
            proto.variables.add().domain.extend([0, 1])
            self._literals.append(lit)
            pc = proto.constraints.add()
            pc.name = c.name
            pc.enforcement_literal.append(lit)
            pc.linear.vars.extend([v for v, _ in c.terms])
            pc.linear.coeffs.extend([k for _, k in c.terms])
            pc.linear.domain.extend(
                [INT_MIN if c.lb is None else c.lb, INT_MAX if c.ub is None else c.ub]
            )
        self._index = {lit: i for i, lit in enumerate(self._literals)}

    def core(self, assumed: Sequence[int] | set[int], time_limit: float) -> set[int] | None:
        """A subset of `assumed` (rule indices) proven infeasible together, from CP-SAT's
        core when it is one (else all of `assumed`); None if `assumed` is feasible or
        undecided in time."""
        wanted = set(assumed)
        self._cp.clear_assumptions()
        self._cp.proto.assumptions.extend(self._literals[i] for i in sorted(wanted))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 1  # the core comes from the sequential search
        solver.parameters.random_seed = self.settings.seed
        if solver.solve(self._cp) != cp_model.INFEASIBLE:
            return None
        found = {self._index[lit] for lit in solver.sufficient_assumptions_for_infeasibility()}
        return found if found and found <= wanted else wanted


def conflicting_families(model: Model, settings: SolverSettings, time_limit: float) -> list[str]:
    """A deletion filter: drop one family at a time and keep it out if the rest is still
    infeasible. What remains is minimal (removing any member makes the rest feasible).
    Families are few, so this costs a handful of feasibility solves.
    """
    core = model.families
    if feasible_with(model, core, settings, time_limit) is not False:
        return []
    for family in list(core):
        trial = [f for f in core if f != family]
        if feasible_with(model, trial, settings, time_limit) is False:
            core = trial
    return core


def feasible_with(
    model: Model, families: list[str], settings: SolverSettings, time_limit: float
) -> bool | None:
    """True/False when proven; None when the time limit ends the search undecided."""
    wanted = set(families)
    return feasible_rules(
        model, [c for c in model.constraints if c.family in wanted], settings, time_limit
    )


def feasible_rules(
    model: Model, rules: list[Constraint], settings: SolverSettings, time_limit: float
) -> bool | None:
    """Whether `rules` (with every variable's bounds) can all hold: True/False when proven,
    None when the time limit ends the search undecided."""
    probe = Model(variables=model.variables, constraints=rules)
    status = CpSatBackend(probe, settings).solve(time_limit).status
    if status in ("OPTIMAL", "FEASIBLE"):
        return True
    return False if status == "INFEASIBLE" else None

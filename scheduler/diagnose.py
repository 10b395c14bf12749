"""Why a scenario has no plan: a minimal set of rule families whose hard rules conflict.

Diagnosis always runs on CP-SAT, whichever backend was asked to plan: it only decides
feasibility of the neutral model's hard rules, so the answer does not depend on the backend.
"""

from __future__ import annotations

from scheduler.cpsat import CpSatBackend
from scheduler.model import Model
from scheduler.settings import SolverSettings


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
    probe = Model(
        variables=model.variables,
        constraints=[c for c in model.constraints if c.family in wanted],
    )
    status = CpSatBackend(probe, settings).solve(time_limit).status
    if status in ("OPTIMAL", "FEASIBLE"):
        return True
    return False if status == "INFEASIBLE" else None

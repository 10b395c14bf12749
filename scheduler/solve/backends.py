"""Which solver plans: CP-SAT by default, or a MILP solver (CBC, HiGHS) through PuLP."""

from __future__ import annotations

from constraints.model import Model
from scheduler.solve.cpsat import CpSatBackend
from scheduler.solve.mip import PulpBackend
from scheduler.solve.settings import Backend, SolverSettings

SOLVERS = ("cp-sat", "cbc", "highs")


def make_backend(model: Model, settings: SolverSettings) -> Backend:
    if settings.solver == "cp-sat":
        return CpSatBackend(model, settings)
    return PulpBackend(model, settings, settings.solver)

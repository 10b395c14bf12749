"""Solver settings and one solve's outcome: the small shared vocabulary of every backend."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

PATHS = ("patterns", "direct")
"""How tier 1 may be planned (`SolverSettings.path`)."""


def default_workers() -> int:
    """Search workers when none are asked for: the cores, at most 8 (beyond that CP-SAT's
    portfolio stops paying for the memory), shared by the command line and the web app."""
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class SolverSettings:
    """How to solve. Nothing here is hard-coded elsewhere: the CLI passes every value.

    `time_limit` is wall seconds shared by all objective tiers. `deterministic_time`, when
    set, stops each stage after that much CP-SAT deterministic time instead, so a run that
    hits its limit still gives the same plan on any machine.
    """

    time_limit: float = 20.0
    workers: int = 2
    seed: int = 0
    solver: str = "cp-sat"
    """The search backend: "cp-sat", or a MILP solver through PuLP, "cbc" or "highs"."""
    relative_gap: float = 0.0
    """Stop a tier's search once its plan is proven within this fraction of optimal."""
    deterministic_time: float | None = None
    log: bool = False
    explain_unmet: bool = True
    """Find the binding cause of every unmet need (off where nobody reads them, as in a
    simulation: finding them is most of extraction)."""
    lp_bound: bool = False
    """Also solve tier 1's LP relaxation (GLOP, up to `time_limit` more seconds) for a
    tighter proven bound."""
    path: str = "patterns"
    """How tier 1 is planned: "patterns" (each worker one whole schedule at one home, by
    column generation, where the model allows it) or "direct" (the search over the whole
    model, as every later tier is)."""


@dataclass
class StageOutcome:
    status: str
    objective: int | None = None
    best_bound: float | None = None
    values: list[int] | None = None
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)
    failure: str = ""
    """The solver failed (its process died): how; `values` is the last plan it reported."""


class Progress(Protocol):
    """Told how a plan is coming along, for a person watching a long run."""

    def stage(self, name: str) -> None:
        """A stage of planning begins (building, solving tier 1 of 3, ...)."""

    def found(self, objective: float) -> None:
        """A better plan for the current tier, of this objective."""


class _Quiet:
    def stage(self, name: str) -> None:
        pass

    def found(self, objective: float) -> None:
        pass


QUIET: Progress = _Quiet()
"""Nobody is watching."""


class Backend(Protocol):
    """What the tiered solve needs of a solver: every backend compiles the same neutral
    model (`constraints.model`) and answers the same calls."""

    name: str
    on_solution: Callable[[float], None] | None
    """Told each improving solution's objective while a search runs, where the solver
    reports them (CP-SAT); otherwise never called."""

    def include_tier(self, tier: int) -> None: ...

    def minimize(self, terms: Sequence[tuple[int, int]]) -> None: ...

    def bound_objective(
        self, terms: Sequence[tuple[int, int]], lb: int | None, ub: int | None, name: str
    ) -> None:
        """State lb <= objective <= ub: a solved tier held at its value (ub), or a bound
        proven elsewhere (lb), which lets a search stop once a plan meets it."""

    def set_hint(self, values: dict[int, int]) -> None: ...

    def solve(self, time_limit: float) -> StageOutcome: ...

    def complete(self, partial: dict[int, int], time_limit: float) -> StageOutcome: ...

    def close(self) -> None:
        """Release what the solver holds (CP-SAT: the model in the search process)."""

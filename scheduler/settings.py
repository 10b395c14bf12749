"""Solver settings and one solve's outcome: the small shared vocabulary of every backend."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    deterministic_time: float | None = None
    log: bool = False
    lp_bound: bool = False
    """Also solve tier 1's LP relaxation (GLOP, up to `time_limit` more seconds) for a
    tighter proven bound."""


@dataclass
class StageOutcome:
    status: str
    objective: int | None = None
    best_bound: float | None = None
    values: list[int] | None = None
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

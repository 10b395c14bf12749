"""A dive's deployment improved by diving again over neighbourhoods of it.

A dive rounds schedules in one order and never revisits them, and its early roundings
cost it most: on the example city its plan ends about 1.3 % above the master's LP, and a
finer dive, which rounds fewer at a time, halves that only in several times the time. A
neighbourhood move frees the workers placed at a few homes, and the idle workers who
could work there, holds every other schedule where the plan has it, and dives again over
the freed workers alone: each move is a small dive on an LP that is whole almost
everywhere, so many fit in the time a finer dive takes, and a move that does better
replaces the plan. The moves only ever lower tier 1, so the bound stands against the
result as against the dive's.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from scheduler.solve.patterns.master import Master
from scheduler.solve.patterns.pricing import Schedule

HOMES_PER_MOVE = 12
"""Homes whose workers one move frees. On the example city moves freeing 4 homes rarely
improved, and moves freeing 20 took several seconds each; 12 improved most in a given
time (docs/patterns.md)."""

MOVE_SHARE = 0.2
"""The share of the fractional schedules each step of a move's dive rounds."""


@dataclass
class Improved:
    taken: list[tuple[Schedule, int]]
    """The best deployment found: each schedule taken, and by how many of its block."""
    moves: int
    better: int
    """Moves made, and how many of them improved the plan."""


def improve(
    master: Master,
    taken: list[tuple[Schedule, int]],
    deadline: float,
    most_moves: int | None,
    enough: float,
    scale: float,
    seed: int,
    stop: threading.Event,
) -> Improved:
    """The best deployment reached from `taken` (the last dive's, whose LP values are in
    `master.rest_values`; the best's are there after) by neighbourhood moves until
    `deadline` (perf_counter), after `most_moves`, or once tier 1 is down to `enough`
    (the bound). Moves draw their homes from `seed`, so the same number of moves
    repeats its plan."""
    rng = np.random.default_rng(seed)
    homes = sorted({schedule.home for schedule in master.pool.schedules})
    best = master.counts(taken)
    best_value = master.value(best)
    best_rest = list(master.rest_values)
    moves = better = 0
    while time.perf_counter() < deadline and best_value > enough and not stop.is_set():
        if most_moves is not None and moves >= most_moves:
            break
        moves += 1
        free = _neighbourhood(master, best, homes, rng)
        master.hold(best, free)
        dived = master.dive(deadline, scale, MOVE_SHARE, held=~free)
        if dived is None:
            continue
        counts = master.counts(dived)
        value = master.value(counts)
        if value < best_value - 0.5:
            best, best_value, best_rest = counts, value, list(master.rest_values)
            better += 1
    master.rest_values = best_rest
    chosen = [(s, round(n)) for s, n in zip(master.pool.schedules, best, strict=False) if n]
    return Improved(chosen, moves, better)


def _neighbourhood(
    master: Master, counts: np.ndarray, homes: list[str], rng: np.random.Generator
) -> np.ndarray:
    """The blocks a move frees (a mask): those with a worker placed at one of
    `HOMES_PER_MOVE` homes drawn at random, and those with a worker idle and a schedule
    at one of them."""
    picked = set(rng.choice(homes, size=min(HOMES_PER_MOVE, len(homes)), replace=False))
    blocks = master.split.blocks
    placed = np.zeros(len(blocks))
    free = np.zeros(len(blocks), dtype=bool)
    for k, n in enumerate(counts):
        if n:
            schedule = master.pool.schedules[k]
            placed[schedule.block] += n
            free[schedule.block] |= schedule.home in picked
    idle = placed < master.sizes
    for schedule in master.pool.schedules:
        if idle[schedule.block] and schedule.home in picked:
            free[schedule.block] = True
    return free

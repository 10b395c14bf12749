"""The pricing DP's state space: the states a worker's schedule can be in, day by day, and
the transitions between them that keep every working-time rule (see `pricing`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.schema import SHIFTS, Policy, Shift
from scheduler.solve.patterns.blocks import MASK_DAYS

OFF = 0
"""Action index of a day off; action 1 + i works SHIFTS[i]."""

State = tuple[int, int, bool, bool, int]
"""(mask, run, night yesterday, started, shifts so far)."""


@dataclass
class Transitions:
    """Every transition between states, as arrays for the DP's vectorised steps."""

    src: np.ndarray
    dst: np.ndarray
    action: np.ndarray
    starts: np.ndarray
    layers: list[np.ndarray]
    """Transition indexes grouped so that no two in a group share a destination."""
    off_layers: list[np.ndarray]
    """The layers' days off only, for a day with no work on offer."""


class StateSpace:
    """The states reachable from some initial states, and the transitions between them."""

    def __init__(self, policy: Policy, cap: int | None, initial: list[State], days: int):
        self.week = policy.max_shifts_per_7_days
        self.consecutive = policy.max_consecutive_days
        self.cap = cap
        index: dict[State, int] = {}
        frontier = list(dict.fromkeys(initial))
        for s in frontier:
            index.setdefault(s, len(index))
        edges: list[tuple[int, int, int, bool]] = []
        seen_edges: set[int] = set()
        for _ in range(days):
            following = []
            for s in frontier:
                if index[s] in seen_edges:
                    continue
                seen_edges.add(index[s])
                for a in range(1 + len(SHIFTS)):
                    t = self._next(s, a)
                    if t is None:
                        continue
                    if t not in index:
                        index[t] = len(index)
                        following.append(t)
                    edges.append((index[s], index[t], a, a != OFF and not s[3]))
            frontier = following
            if not frontier:
                break
        self.index = index
        self.started = np.array([s[3] for s in index], dtype=bool)
        src, dst, action, starts = (np.array(x) for x in zip(*edges, strict=True))
        order = np.argsort(dst, kind="stable")
        rank = np.zeros(len(order), dtype=np.int64)
        sorted_dst = dst[order]
        first = np.searchsorted(sorted_dst, sorted_dst, side="left")
        rank[order] = np.arange(len(order)) - first
        layers = [np.flatnonzero(rank == k) for k in range(int(rank.max()) + 1)]
        off_layers = [x for x in (layer[action[layer] == OFF] for layer in layers) if len(x)]
        self.transitions = Transitions(src, dst, action, starts, layers, off_layers)

    def _next(self, s: State, action: int) -> State | None:
        mask, run, night, started, shifts = s
        shifted = (mask << 1) & ((1 << MASK_DAYS) - 1)
        if action == OFF:
            return shifted, 0, False, started, shifts
        shift = SHIFTS[action - 1]
        if (
            (shift == Shift.DAY and night)
            or bin(mask).count("1") + 1 > self.week
            or run + 1 > self.consecutive
            or (self.cap is not None and shifts + 1 > self.cap)
        ):
            return None
        counted = shifts + 1 if self.cap is not None else 0
        return shifted | 1, run + 1, shift == Shift.NIGHT, True, counted

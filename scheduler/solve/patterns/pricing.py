"""Pricing: each block's most valuable schedule at each home, by dynamic programming.

A schedule's value is what its shifts and its test are worth at the master's duals. Over
the days, a schedule is in a state: the last `MASK_DAYS` days worked (a bit mask, for the
7-day window), the run of consecutive days, a night yesterday, started at the home, and
the shifts so far when the worker has a cap. Each day it is off, or works the day or the
night shift in the role worth most that day; a transition exists only where every rule
still holds:

    day shift      not after a night
    any shift      popcount(mask) + 1 <= max_shifts_per_7_days
                   run + 1 <= max_consecutive_days, shifts + 1 <= cap
    first shift    at a new home: a test whose result is back and still valid that day,
                   unless an existing test covers it (the test's value is the start's)

History before the horizon is the initial state, so no rule restarts at its edge. Every
(block, home) pair of one cap is priced at once as array operations over (pair, state);
pairs are taken in chunks so that the back-pointers stay small.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from constraints.model import Var
from scenarios.schema import SHIFTS, Policy, Role, Shift
from scheduler.solve.patterns.blocks import Block, new_home
from scheduler.solve.patterns.states import OFF, State, StateSpace

CHUNK_PAIRS = 2048
"""Pairs priced together: bounds the back-pointers at CHUNK_PAIRS x states x days."""


@dataclass(frozen=True)
class Schedule:
    """A column: one worker of `block` at `home`, its shifts and the test it needs."""

    block: int
    home: str
    shifts: tuple[tuple[int, Shift, Role, Var], ...]
    """(day, shift, role, variable), by day."""
    test: tuple[str, int, Var] | None
    """(site, day booked, variable) of the pre-deployment test, if one is booked."""

    @property
    def variables(self) -> list[Var]:
        chosen = [v for *_, v in self.shifts]
        return chosen + ([self.test[2]] if self.test is not None else [])


@dataclass
class Priced:
    """One pricing round: each block's best value (for the Lagrangian bound) and the
    schedules worth adding."""

    best: np.ndarray
    schedules: list[tuple[float, Schedule]]


class Pricer:
    """Prices every (block, home) pair against the master's duals on the linking rows."""

    def __init__(
        self,
        blocks: list[Block],
        days: int,
        policy: Policy,
        var_rows: dict[Var, list[tuple[int, int]]],
        cost: dict[Var, int],
    ) -> None:
        self.blocks = blocks
        self.days = days
        pairs = [
            (b, h)
            for b, block in enumerate(blocks)
            for h in sorted(block.options)
            if (block.forced_home in (None, h))
            and not (block.forced_test is not None and not new_home(block, h))
        ]
        self.pairs = pairs
        self._index_shifts(var_rows, cost)
        self._index_tests(var_rows, cost)
        self._index_starts()
        self.spaces = self._state_spaces(policy)

    def _index_shifts(
        self, var_rows: dict[Var, list[tuple[int, int]]], cost: dict[Var, int]
    ) -> None:
        """Every pair's shift options, flat, with their rows and costs: the DP's gain of a
        (pair, day, shift) is then one array maximum over the options, not a loop."""
        opt_pair, opt_day, opt_shift, opt_var, opt_role = [], [], [], [], []
        for p, (b, h) in enumerate(self.pairs):
            forced = self.blocks[b].forced_days
            for d, s, r, v in self.blocks[b].options[h]:
                if d in forced and (s, r) not in forced[d]:
                    continue
                opt_pair.append(p)
                opt_day.append(d)
                opt_shift.append(SHIFTS.index(s))
                opt_var.append(v)
                opt_role.append(r)
        self.opt_pair = np.array(opt_pair, dtype=np.int64)
        self.opt_day = np.array(opt_day, dtype=np.int64)
        self.opt_shift = np.array(opt_shift, dtype=np.int64)
        self.opt_var = opt_var
        self.opt_role = opt_role
        self.opt_rows = _sparse([var_rows.get(v, []) for v in opt_var])
        self.opt_cost = np.array([cost.get(v, 0) for v in opt_var], dtype=float)

    def _index_tests(
        self, var_rows: dict[Var, list[tuple[int, int]]], cost: dict[Var, int]
    ) -> None:
        """Every block's test options, expanded over the days each may start a schedule,
        so that the best start of each (block, day) is one array maximum."""
        tests = [(b, t) for b, block in enumerate(self.blocks) for t in _test_options(block)]
        self.test_options = tests
        self.test_rows = _sparse([var_rows.get(t[4], []) for _, t in tests])
        self.test_cost = np.array([cost.get(t[4], 0) for _, t in tests], dtype=float)
        expand_b, expand_f, expand_i = [], [], []
        for i, (b, (_site, _t, lo, hi, _v)) in enumerate(tests):
            for f in range(max(0, lo), hi + 1):
                expand_b.append(b)
                expand_f.append(f)
                expand_i.append(i)
        self.expand = (np.array(expand_b, int), np.array(expand_f, int), np.array(expand_i, int))

    def _index_starts(self) -> None:
        """Free starts (a day an existing test covers, or a start at the worker's own home),
        which pairs start at a new home, and the days a pair may not be off."""
        blocks, days, pairs = self.blocks, self.days, self.pairs
        self.free_start = np.full((len(blocks), days), False)
        for b, block in enumerate(blocks):
            if block.forced_test is None:
                self.free_start[b, : max(0, min(days, block.covered + 1))] = True
        self.pair_block = np.array([b for b, _ in pairs], dtype=np.int64)
        self.pair_new = np.array([new_home(blocks[b], h) for b, h in pairs], dtype=bool)
        self.off_forbidden = np.full((len(pairs), days), False)
        for p, (b, _h) in enumerate(pairs):
            for d in blocks[b].forced_days:
                self.off_forbidden[p, d] = True

    def _state_spaces(self, policy: Policy) -> list[tuple[StateSpace, np.ndarray, np.ndarray]]:
        """One state space per cap, each with its pairs and their initial states: pairs of
        a cap share the transitions, and a cap no smaller than the days a pair offers work
        cannot bind, so no count is kept for it."""
        days, pairs = self.days, self.pairs
        pair_days = np.unique(self.opt_pair * (days + 1) + self.opt_day)
        workable = np.bincount(pair_days // (days + 1), minlength=len(pairs))
        by_cap: dict[int | None, list[int]] = defaultdict(list)
        for p, (b, _h) in enumerate(pairs):
            cap = self.blocks[b].cap
            by_cap[cap if cap is not None and cap < workable[p] else None].append(p)
        spaces = []
        for cap, members in sorted(by_cap.items(), key=lambda x: (x[0] is None, x[0] or 0)):
            initial = [self._initial(self.blocks[self.pairs[p][0]]) for p in members]
            space = StateSpace(policy, cap, initial, days)
            starts = np.array([space.index[s] for s in initial], dtype=np.int64)
            spaces.append((space, np.array(members, dtype=np.int64), starts))
        return spaces

    @staticmethod
    def _initial(block: Block) -> State:
        return block.mask, block.run, block.night, False, 0

    def _gains(self, duals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per pair: each (day, shift)'s best option value and which option; per block: the
        value of starting on each day (its test's) and which test."""
        value = self.opt_rows(duals) - self.opt_cost
        at = (self.opt_pair, self.opt_day, self.opt_shift)
        gain = np.full((len(self.pairs), self.days, len(SHIFTS)), -np.inf)
        np.maximum.at(gain, at, value)
        best_opt = _first_best(gain.shape, at, np.arange(len(value)), value == gain[at])
        start = np.where(self.free_start, 0.0, -np.inf)
        start_test = np.full(start.shape, -1, dtype=np.int64)
        if len(self.test_options):
            tvalue = self.test_rows(duals) - self.test_cost
            b, f, i = self.expand
            tests = np.full(start.shape, -np.inf)
            np.maximum.at(tests, (b, f), tvalue[i])
            chosen = _first_best(start.shape, (b, f), i, tests[b, f] == tvalue[i])
            better = tests > start
            start = np.where(better, tests, start)
            start_test = np.where(better, chosen, -1)
        return gain, best_opt, start, start_test

    def price(self, duals: np.ndarray, thresholds: np.ndarray, per_block: int) -> Priced:
        """Best value per block over every schedule (the empty one, worth 0, included unless
        the block must work), and up to `per_block` schedules worth more than the block's
        threshold, best first, at most one per pair."""
        gain, best_opt, start, start_test = self._gains(duals)
        best = np.full(len(self.blocks), -np.inf)
        for b, block in enumerate(self.blocks):
            if not block.must_work:
                best[b] = 0.0
        # What a pair could be worth at most: every day's best shift and the best start.
        # A pair whose most cannot beat its threshold needs no DP; its most stands in for
        # its best in the block's (an over-estimate only weakens the bound, never breaks it).
        start_of = np.where(self.pair_new[:, None], start[self.pair_block], 0.0)
        most = np.maximum(gain.max(axis=2), 0.0).sum(axis=1) + np.maximum(start_of.max(axis=1), 0.0)
        must = np.array([self.blocks[b].must_work for b in self.pair_block], dtype=bool)
        skip = (most <= thresholds[self.pair_block]) & ~must
        np.maximum.at(best, self.pair_block[skip], most[skip])
        found: list[tuple[float, int, Schedule]] = []
        for space, everyone, every_initial in self.spaces:
            keep = ~skip[everyone]
            members, initial = everyone[keep], every_initial[keep]
            for lo in range(0, len(members), CHUNK_PAIRS):
                pairs = members[lo : lo + CHUNK_PAIRS]
                values, ends, choices = self._dp(
                    space, pairs, initial[lo : lo + CHUNK_PAIRS], gain, start
                )
                blocks = self.pair_block[pairs]
                np.maximum.at(best, blocks, values)
                worth = np.flatnonzero(values > thresholds[blocks])
                # Only each block's best few in this chunk are worth backtracking.
                ranked = worth[np.lexsort((worth, -values[worth], blocks[worth]))]
                ahead = np.arange(len(ranked)) - np.searchsorted(
                    blocks[ranked], blocks[ranked], side="left"
                )
                for k in ranked[ahead < per_block]:
                    path = [c[k] for c in choices]
                    schedule = self._backtrack(
                        space, int(pairs[k]), int(ends[k]), path, best_opt, start_test
                    )
                    found.append((float(values[k]), int(blocks[k]), schedule))
        chosen: list[tuple[float, Schedule]] = []
        taken: dict[int, int] = defaultdict(int)
        for value, b, schedule in sorted(found, key=lambda x: (-x[0], x[1], x[2].home)):
            if taken[b] < per_block:
                taken[b] += 1
                chosen.append((value, schedule))
        return Priced(best, chosen)

    def _dp(
        self,
        space: StateSpace,
        pairs: np.ndarray,
        initial: np.ndarray,
        gain: np.ndarray,
        start: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        tr = space.transitions
        n, states = len(pairs), len(space.index)
        # (state, pair) layout: a transition layer gathers whole rows.
        value = np.full((states, n), -np.inf)
        value[initial, np.arange(n)] = 0.0
        start_of = np.where(self.pair_new[pairs], start[self.pair_block[pairs]].T, 0.0)
        off = np.where(self.off_forbidden[pairs].T, -np.inf, 0.0)
        work = gain[pairs].transpose(1, 2, 0)  # (day, shift, pair)
        choices = []
        idle = ~np.isfinite(work).any(axis=(1, 2))
        for d in range(self.days):
            base = np.concatenate([off[d][None, :], work[d]])  # (action, pair)
            nxt = np.full((states, n), -np.inf)
            choice = np.full((states, n), -1, dtype=np.int32)
            for layer in tr.off_layers if idle[d] else tr.layers:
                cand = value[tr.src[layer]] + base[tr.action[layer]]
                starting = layer[tr.starts[layer]]
                if len(starting):
                    rows = np.flatnonzero(tr.starts[layer])
                    cand[rows] += start_of[d]
                dst = tr.dst[layer]
                better = cand > nxt[dst]
                nxt[dst] = np.where(better, cand, nxt[dst])
                choice[dst] = np.where(better, layer[:, None], choice[dst])
            value = nxt
            choices.append(choice)
        # A kept test must serve a start: such a block's schedule ends started.
        must_start = np.array(
            [self.blocks[b].forced_test is not None for b in self.pair_block[pairs]]
        )
        value[np.ix_(~space.started, must_start)] = -np.inf
        ends = value.argmax(axis=0)
        return value[ends, np.arange(n)], ends, [c.T for c in choices]

    def _backtrack(
        self,
        space: StateSpace,
        pair: int,
        end: int,
        choices: list[np.ndarray],
        best_opt: np.ndarray,
        start_test: np.ndarray,
    ) -> Schedule:
        tr = space.transitions
        b, home = self.pairs[pair]
        state = end
        shifts = []
        test = None
        for d in range(self.days - 1, -1, -1):
            t = int(choices[d][state])
            action = int(tr.action[t])
            if action != OFF:
                opt = int(best_opt[pair, d, action - 1])
                shifts.append((d, SHIFTS[action - 1], self.opt_role[opt], self.opt_var[opt]))
                if tr.starts[t] and self.pair_new[pair]:
                    i = int(start_test[b, d])
                    if i >= 0:
                        site, booked, _lo, _hi, var = self.test_options[i][1]
                        test = (site, booked, var)
            state = int(tr.src[t])
        return Schedule(b, home, tuple(reversed(shifts)), test)


def _first_best(
    shape: tuple[int, ...], at: tuple[np.ndarray, ...], index: np.ndarray, best: np.ndarray
) -> np.ndarray:
    """For each cell of `shape`, the smallest `index` among the entries at it that are
    `best` (-1 where none): ties broken the same way on every run."""
    chosen = np.full(shape, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(chosen, tuple(x[best] for x in at), index[best])
    return np.where(chosen == np.iinfo(np.int64).max, -1, chosen)


def _test_options(block: Block) -> list[tuple[str, int, int, int, Var]]:
    if block.forced_test is not None:
        return [block.forced_test]
    return block.tests


def _sparse(rows: list[list[tuple[int, int]]]):
    """x -> for each entry, sum of coef * x[row] over its (row, coef) pairs."""
    owner = np.array([i for i, r in enumerate(rows) for _ in r], dtype=np.int64)
    position = np.array([row for r in rows for row, _ in r], dtype=np.int64)
    coef = np.array([k for r in rows for _, k in r], dtype=float)
    size = len(rows)

    def apply(x: np.ndarray) -> np.ndarray:
        if not len(owner):
            return np.zeros(size)
        return np.bincount(owner, weights=coef * x[position], minlength=size)

    return apply

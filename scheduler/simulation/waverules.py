"""What the fast wave's greedy rule can be told to do differently, for counterfactuals:
bank workers free to move between homes, and test slots in the planner's risk order.

The rule as actually run in 2020 (`Rule()`) keeps one home per worker and gives test slots
largest home first; neither change below draws from the wave's random stream, so under
`Rule()` a wave is exactly what it was before these options existed.

- `one_home=False`: each bank shift is a worker; every day the day's workers go, in turn,
  to the homes most short of staff (the greedy's fill, unchanged), so the same worker may
  be at a different home each day. A worker entering a home who worked at another within
  `carry_days` brings infection with `carry_probability` x the largest infectious share of
  those homes on the days worked there, on top of the community's risk: the terms of
  `epidemic.introduce`. Under the rule a worker stays at one home and carries nothing of
  another's.
- `risk_order=True`: test slots go to homes by the planner's risk score (`scenarios.risk`)
  as far as the fast wave knows its parts (base, outbreak suspected or confirmed, known
  cases, deaths in 7 days, home type, cannot isolate, days since test, shifts short),
  largest home first among equal scores. This is the optimiser's priority, not its plans:
  the CP-SAT planner is not run inside the wave.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios.schema import HomeType, RiskWeights, Simulation


@dataclass(frozen=True)
class Rule:
    """How the greedy spends the day's capacity; the default is the rule actually run."""

    one_home: bool = True
    risk_order: bool = False


AS_RUN = Rule()
"""The rule as actually run in 2020: one home per bank worker; test slots to homes in an
outbreak first, largest first."""


class BankWalk:
    """Bank workers without the one-home rule: who went where, and what each carries.

    Worker j fills the day's j-th bank shift, the shifts listed as the greedy fills them
    (most short home first), so a worker goes each day to the home most short of staff
    still unfilled. Carried introductions are drawn from their own generator, so the
    wave's stream is not moved by a draw that brings nothing in."""

    def __init__(self, days: int, workers: int, p: Simulation, seed: int) -> None:
        self.home = np.full((days, max(1, workers)), -1, dtype=np.int64)
        self.share = np.zeros((days, max(1, workers)))
        self.p = p
        self.rng = np.random.default_rng([seed, 1])

    def enter(self, t: int, slots: np.ndarray, shares: np.ndarray) -> np.ndarray:
        """Send the day's workers to `slots` (a home per bank shift, in fill order) and
        return, by home, the introductions they carry from other homes."""
        n = len(slots)
        carried = np.zeros(len(shares), dtype=np.int64)
        if n == 0:
            return carried
        window = slice(max(0, t - self.p.carry_days), t)
        seen, seen_share = self.home[window, :n], self.share[window, :n]
        elsewhere = (seen >= 0) & (seen != slots[None, :])
        worst = np.where(elsewhere, seen_share, 0.0).max(axis=0, initial=0.0)
        hit = self.rng.random(n) < self.p.carry_probability * worst
        np.add.at(carried, slots[hit], 1)
        self.home[t, :n] = slots
        self.share[t, :n] = shares[slots]
        return carried


def fill_slots(filled: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The day's bank shifts as a list of homes, in the order the greedy filled them."""
    return np.repeat(order, filled[order])


@dataclass
class Signs:
    """What the wave has shown of each home, day by day: residents and staff found
    (noticed ill or positive), positive results, deaths. The risk score's inputs."""

    found_r: np.ndarray
    found_s: np.ndarray
    positive: np.ndarray
    died: np.ndarray
    weights: RiskWeights = field(default_factory=RiskWeights)

    @classmethod
    def empty(cls, days: int, homes: int) -> Signs:
        def none() -> np.ndarray:
            return np.zeros((days, homes), dtype=np.int64)

        return cls(none(), none(), none(), none())

    def scores(
        self,
        t: int,
        quiet_days: int,
        in_outbreak: np.ndarray,
        since_test: np.ndarray,
        short: np.ndarray,
        fixed: np.ndarray,
        room: np.ndarray,
    ) -> np.ndarray:
        """Each home's risk score on day `t` from what the planner could see that morning;
        `fixed` holds the parts that never change (base, home type)."""
        w = self.weights
        recent = slice(max(0, t - quiet_days), t)
        cases_r = self.found_r[recent].sum(axis=0)
        cases_s = self.found_s[recent].sum(axis=0)
        confirmed = self.positive[recent].sum(axis=0) > 0
        outbreak = np.where(confirmed, w.outbreak_confirmed, w.outbreak_suspected)
        cases = np.minimum(cases_r * w.per_resident_case + cases_s * w.per_staff_case, w.cases_cap)
        deaths = np.minimum(self.died[max(0, t - 7) : t].sum(axis=0) * w.per_death_7d, w.deaths_cap)
        isolate = np.where(room < np.maximum(1, cases_r), w.cannot_isolate, 0)
        tested = w.per_day_since_test * np.minimum(since_test, w.days_since_test_cap)
        staffing = np.minimum(short * w.per_shift_short, w.shifts_short_cap)
        active = np.where(in_outbreak, outbreak + cases, 0)
        return fixed + active + deaths + isolate + tested + staffing


def fixed_scores(types: list[HomeType], weights: RiskWeights) -> np.ndarray:
    """The parts of the score a home carries every day: base and home type (learning
    disability and mental health homes were missed by national testing)."""
    extra = {
        HomeType.LEARNING_DISABILITY: weights.learning_disability,
        HomeType.MENTAL_HEALTH: weights.mental_health,
    }
    return np.array([weights.base + extra.get(t, 0) for t in types], dtype=np.int64)


def risk_order(scores: np.ndarray, beds: np.ndarray) -> np.ndarray:
    """Homes by score, highest first; among equal scores largest first, then home order."""
    return np.lexsort((np.arange(len(beds)), -beds, -scores))

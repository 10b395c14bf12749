"""What the fast wave's greedy rule can be told to do differently, for counterfactuals:
bank workers free to move between homes, test slots in the planner's risk order, or the
planner's own plans in place of the greedy.

The rule as actually run in 2020 (`Rule()`) keeps one home per worker and gives test slots
largest home first; none of the changes below draws from the wave's random stream, so under
`Rule()` a wave is exactly what it was before these options existed.

- `one_home=False`: each bank shift is a worker; every day the day's workers go, in turn,
  to the homes most short of staff (the greedy's fill, unchanged), so the same worker may
  be at a different home each day. Each worker is a person, as in `carehome simulate`
  (`scheduler.simulation.workers`): caught at a home with its force of infection that day,
  infectious after the latent days, off sick at onset with `staff_sick` (the bank sends
  someone well in their place), and while infectious at work passing it on with
  `carry_probability` a shift at any home other than where they caught it: an
  introduction. Under the rule a worker stays at one home, where what they catch is that
  home's own spread, so the wave leaves them out.
- `risk_order=True`: test slots go to homes by the planner's risk score (`scenarios.risk`)
  as far as the fast wave knows its parts (base, outbreak suspected or confirmed, known
  cases, deaths in 7 days, home type, cannot isolate, days since test, shifts short),
  largest home first among equal scores: the optimiser's priority without its plans.
- `plans=Replanning(...)`: every `every_days` the real planner plans the wave as a planner
  would have seen it, and the wave follows the plan's test bookings and bank shifts
  (`waveplan`): the optimiser's plans themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios.schema import HomeType, RiskWeights, Simulation


@dataclass(frozen=True)
class Replanning:
    """How the planner is run inside a wave: a plan every `every_days` days, each search
    stopped after `seconds` of CP-SAT's deterministic time (one search worker), so a
    wave's plans depend on its seed alone and draws can run side by side in processes."""

    every_days: int = 7
    seconds: float = 1.0


@dataclass(frozen=True)
class Rule:
    """How the greedy spends the day's capacity; the default is the rule actually run.
    With `plans`, the planner's plans spend the test slots and bank shifts instead."""

    one_home: bool = True
    risk_order: bool = False
    plans: Replanning | None = None


AS_RUN = Rule()
"""The rule as actually run in 2020: one home per bank worker; test slots to homes in an
outbreak first, largest first."""


SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED = range(4)


class BankWalk:
    """Bank workers without the one-home rule, as people: where each went, what each
    caught where, and what each brings in.

    Worker j fills the day's j-th bank shift, the shifts listed as the greedy fills them
    (most short home first), so a worker goes each day to the home most short of staff
    still unfilled. Every worker draws the same uniforms every day from a generator of the
    walk's own, so the wave's stream is not moved by the walk."""

    def __init__(self, workers: int, p: Simulation, seed: int) -> None:
        n = max(1, workers)
        self.course = np.full(n, SUSCEPTIBLE)
        self.off = np.zeros(n, dtype=bool)
        self.caught_at = np.full(n, -1)
        self.p = p
        self.rng = np.random.default_rng([seed, 1])

    def enter(self, slots: np.ndarray, forces: np.ndarray) -> np.ndarray:
        """Send the day's workers to `slots` (a home per bank shift, in fill order), at
        homes whose force of infection is `forces`; returns, by home, the introductions
        they bring from other homes. Then a day of every worker's course."""
        exposure, course, sick, passing = self.rng.random((4, len(self.course)))
        carried = np.zeros(len(forces), dtype=np.int64)
        n = len(slots)
        if n:
            at = np.arange(n)
            carrying = (self.course[at] == INFECTIOUS) & ~self.off[at]
            from_elsewhere = carrying & (self.caught_at[at] != slots)
            hit = from_elsewhere & (passing[at] < self.p.carry_probability)
            np.add.at(carried, slots[hit], 1)
            caught = (self.course[at] == SUSCEPTIBLE) & (exposure[at] < 1 - np.exp(-forces[slots]))
            self.course[at[caught]] = EXPOSED
            self.caught_at[at[caught]] = slots[caught]
        self._progress(course, sick)
        return carried

    def _progress(self, course: np.ndarray, sick: np.ndarray) -> None:
        """E -> I (off sick at onset with `staff_sick`), I -> R (back at work)."""
        p = self.p
        ill = (self.course == EXPOSED) & (course < 1 / p.latent_days)
        well = (self.course == INFECTIOUS) & (course < 1 / p.infectious_days)
        self.course[ill], self.course[well] = INFECTIOUS, RECOVERED
        self.off[ill] = sick[ill] < p.staff_sick
        self.off[well] = False

    @property
    def infected(self) -> int:
        """Workers infected so far."""
        return int((self.course != SUSCEPTIBLE).sum())


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

"""The epidemic inside each home: a daily, seeded, stochastic S-E-I-R for residents and staff.

One day of home h, in order (`step_home`):

1. introductions: each worker-day entering the home (its own staff on duty, each planned
   worker sent there) brings infection with probability `prevalence x exposure_ratio`,
   and each planned worker who caught it at another home and is infectious at work passes
   it on with `carry_probability` (`scheduler.simulation.workers`); each introduction
   exposes one susceptible;
2. progression: E -> I with probability 1/latent_days (a staff member falling ill goes off
   sick with probability `staff_sick`); the day's swabs (`swab`: infectious people among
   those swabbed test positive with `test_sensitivity`) and the results due today
   (`results`) move infectious people from "free" to isolated (residents in the home while
   it has room, else waiting for an isolation bed; staff off work);
3. spread: each susceptible is exposed with probability 1 - exp(-lambda),
   lambda = beta * (free + waiting + (1 - isolation_effect) * isolated) / present,
   beta = R / infectious_days (residents in an isolation facility and staff off work are
   not present);
4. recovery: I -> R with probability 1/infectious_days; a resident leaving I dies with
   the home type's death rate.

With no tests, no isolation and no introductions the expected early growth is that of the
linear recurrence E' = (1 - sigma) E + beta I, I' = sigma E + (1 - gamma) I, whose
dominant eigenvalue is `growth_factor`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scenarios.schema import Simulation


@dataclass
class Group:
    """Residents or staff of one home, by state. Infectious people are `free` (undetected,
    spreading), `isolated` (a resident isolated in the home; a staff member off work),
    `waiting` (a detected resident with nowhere to isolate) or `away` (a resident in an
    isolation facility)."""

    susceptible: int
    exposed: int = 0
    free: int = 0
    isolated: int = 0
    waiting: int = 0
    away: int = 0
    recovered: int = 0
    dead: int = 0
    infected: int = 0
    """Cumulative infections (exposures) since the start, introductions included."""

    @property
    def infectious(self) -> int:
        return self.free + self.isolated + self.waiting + self.away


@dataclass
class HomeState:
    """One home's epidemic and what it has told the planner."""

    residents: Group
    staff: Group
    can_isolate: int
    death_rate: float
    introductions: int = 0
    pending: list[tuple[int, str, int]] = field(default_factory=list)
    """Positive results not yet back: (day due, cohort, positives)."""
    detected: dict[str, int] = field(default_factory=lambda: {"residents": 0, "staff": 0})
    """Positives found today, by cohort (read by the loop, reset each day)."""
    deaths_today: int = 0

    @property
    def present(self) -> int:
        """People in the building: residents not away or dead, staff not off work."""
        r, s = self.residents, self.staff
        return (r.susceptible + r.exposed + r.free + r.isolated + r.waiting + r.recovered) + (
            s.susceptible + s.exposed + s.free + s.waiting + s.recovered
        )

    @property
    def staff_off(self) -> int:
        return self.staff.isolated


def beta(p: Simulation) -> float:
    """Transmissions per infectious person-day: R / infectious days."""
    return p.r_within_home / p.infectious_days


def growth_factor(p: Simulation) -> float:
    """Daily growth of an unchecked outbreak while susceptibles are plenty: the dominant
    eigenvalue of [[1 - sigma, beta], [sigma, 1 - gamma]]."""
    sigma, gamma, b = 1 / p.latent_days, 1 / p.infectious_days, beta(p)
    trace = (1 - sigma) + (1 - gamma)
    det = (1 - sigma) * (1 - gamma) - b * sigma
    return float(trace / 2 + math.sqrt(trace * trace / 4 - det))


def expose(home: HomeState, rng: np.random.Generator) -> bool:
    """One susceptible of the home, resident or staff by their numbers, is exposed; False
    if nobody is left to expose."""
    r, s = home.residents.susceptible, home.staff.susceptible
    if r + s == 0:
        return False
    group = home.residents if rng.random() < r / (r + s) else home.staff
    group.susceptible -= 1
    group.exposed += 1
    group.infected += 1
    return True


def introduce(
    home: HomeState, rng: np.random.Generator, p: Simulation, entering: int, carriers: int
) -> int:
    """Step 1: introductions from own staff on duty and from the `entering` planned
    workers (each at the community's risk), and from `carriers`, planned workers
    infectious at work who caught it at another home (each with `carry_probability`).
    Returns introductions."""
    community = min(1.0, p.community_prevalence * p.worker_exposure_ratio)
    at_work = home.staff.susceptible + home.staff.exposed + home.staff.free
    at_work += home.staff.recovered
    own = int(rng.binomial(round(at_work * p.staff_on_duty), community))
    planned = int(rng.binomial(entering, community)) if entering else 0
    carried = int(rng.binomial(carriers, p.carry_probability)) if carriers else 0
    n = 0
    for _ in range(own + planned + carried):
        if not expose(home, rng):
            break
        n += 1
    home.introductions += n
    return n


def passed_on(home: HomeState, rng: np.random.Generator, p: Simulation, carriers: int) -> None:
    """Planned workers infectious at work in the home where they caught it: each exposes
    someone with `carry_probability`, as spread within the home, not an introduction."""
    for _ in range(int(rng.binomial(carriers, p.carry_probability)) if carriers else 0):
        expose(home, rng)


def onset(home: HomeState, rng: np.random.Generator, p: Simulation) -> None:
    """Step 2a: E -> I (a staff member falling ill goes off sick with `staff_sick`)."""
    sigma = 1 / p.latent_days
    for group, is_staff in ((home.residents, False), (home.staff, True)):
        ill = int(rng.binomial(group.exposed, sigma))
        group.exposed -= ill
        sick = int(rng.binomial(ill, p.staff_sick)) if is_staff else 0
        group.isolated += sick
        group.free += ill - sick


def results(home: HomeState, day: int) -> None:
    """Step 2b: results due by `day` come back: staff found go off work; residents found
    are isolated in the home while it has room, else wait for an isolation bed."""
    home.detected = {"residents": 0, "staff": 0}
    due = [x for x in home.pending if x[0] <= day]
    home.pending = [x for x in home.pending if x[0] > day]
    for _day, cohort, positives in due:
        group = home.staff if cohort == "staff" else home.residents
        found = min(positives, group.free)
        group.free -= found
        home.detected[cohort] += found
        if cohort == "staff":
            group.isolated += found
            continue
        room = max(0, home.can_isolate - group.isolated)
        group.isolated += min(found, room)
        group.waiting += found - min(found, room)


def swab(
    home: HomeState, rng: np.random.Generator, p: Simulation, cohort: str, tests: int, due: int
) -> None:
    """`tests` swabs of `cohort` people present, drawn at random; the infectious ones not yet
    found test positive with the test's sensitivity, the result back on day `due`."""
    group = home.staff if cohort == "staff" else home.residents
    present = group.susceptible + group.exposed + group.free + group.recovered
    if cohort != "staff":
        present += group.isolated + group.waiting
    n = min(tests, present)
    if n <= 0 or group.free <= 0:
        return
    infected = int(rng.hypergeometric(group.free, present - group.free, n))
    positives = int(rng.binomial(infected, p.test_sensitivity))
    if positives:
        home.pending.append((due, cohort, positives))


def force(home: HomeState, p: Simulation) -> float:
    """The day's force of infection on a susceptible in the home (lambda of the module
    docstring), also what a planned worker on a shift there is exposed to."""
    r, s = home.residents, home.staff
    spreading = r.free + r.waiting + s.free + (1 - p.isolation_effect) * r.isolated
    return beta(p) * spreading / max(1, home.present)


def spread(home: HomeState, rng: np.random.Generator, p: Simulation) -> None:
    """Step 3: exposures inside the home at force lambda (see the module docstring)."""
    lam = force(home, p)
    if lam <= 0:
        return
    chance = 1 - math.exp(-lam)
    for group in (home.residents, home.staff):
        new = int(rng.binomial(group.susceptible, chance))
        group.susceptible -= new
        group.exposed += new
        group.infected += new


def recover(home: HomeState, rng: np.random.Generator, p: Simulation) -> None:
    """Step 4: I -> R (or, for residents, death at the home type's rate)."""
    gamma = 1 / p.infectious_days
    home.deaths_today = 0
    for group, rate in ((home.residents, home.death_rate), (home.staff, 0.0)):
        for state in ("free", "isolated", "waiting", "away"):
            leaving = int(rng.binomial(getattr(group, state), gamma))
            setattr(group, state, getattr(group, state) - leaving)
            died = int(rng.binomial(leaving, rate)) if rate else 0
            group.dead += died
            group.recovered += leaving - died
            if group is home.residents:
                home.deaths_today += died


def admit_away(home: HomeState, n: int) -> int:
    """Move up to `n` waiting residents into isolation facilities; returns how many moved."""
    moved = min(n, home.residents.waiting)
    home.residents.waiting -= moved
    home.residents.away += moved
    return moved

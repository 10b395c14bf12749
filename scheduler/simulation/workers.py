"""The planned workers (bank, NHS, agency, recruits) as people who can be infected.

The one-home rule exists to break a chain: a worker catches the virus at one home and,
while infectious and not yet ill, carries it into the next. So a planned worker is not
only a shift that may bring infection in; each has an S-E-I-R course of their own:

- **caught at work**: a susceptible worker on a shift at a home is exposed with the home's
  force of infection that day (`epidemic.force`), as its own staff are; the home is
  remembered as where they caught it;
- **course**: E -> I with probability 1/latent_days; at onset a worker goes off sick with
  `staff_sick` (the rest work on, unaware); I -> R with 1/infectious_days;
- **found**: a swab booked for the worker (the pre-deployment test) finds an infectious,
  working worker with `test_sensitivity`, the result back after the site's turnaround;
  from then they are off;
- **passed on**: an infectious worker on a shift infects someone there with
  `carry_probability`. At a home other than where they caught it, that is an
  introduction; at the same home it is spread within it.

A worker who is off does not turn up: their planned shifts go uncovered, and the next plan
is told they are unavailable. Each worker draws from a stream of their own, the same
draws every day whatever the policy, so runs still pair by seed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from scenarios.schema import HomeHistory, Simulation


class Course(Enum):
    SUSCEPTIBLE = "S"
    EXPOSED = "E"
    INFECTIOUS = "I"
    RECOVERED = "R"


DRAWS_A_DAY = 5
"""Uniforms each worker draws every day: exposure at work, onset, off sick, recovery, and
a swab's result."""


@dataclass
class WorkerState:
    history: HomeHistory
    """The base scenario's history, moved on by every shift worked since."""
    last_negative_test: dt.date | None
    rng: np.random.Generator
    course: Course = Course.SUSCEPTIBLE
    off: bool = False
    """Off sick or told to isolate: does not turn up until recovered."""
    caught_at: str | None = None
    """The home where they were infected (None: not infected, or before the run)."""
    result_due: list[dt.date] = field(default_factory=list)
    """Positive swabs not yet back."""
    infected: bool = False
    """Infected during the run (for the outcomes)."""
    draws: np.ndarray = field(default_factory=lambda: np.zeros(DRAWS_A_DAY))

    @property
    def carrying(self) -> bool:
        """Infectious and at work, so able to pass it on at a shift."""
        return self.course is Course.INFECTIOUS and not self.off

    def new_day(self) -> None:
        """Today's draws, taken whether or not the worker works (common random numbers)."""
        self.draws = self.rng.random(DRAWS_A_DAY)

    def exposed_at(self, home_id: str, force: float) -> bool:
        """A shift at a home whose force of infection is `force`; True if caught there."""
        if self.course is not Course.SUSCEPTIBLE or self.draws[0] >= 1 - math.exp(-force):
            return False
        self.course, self.caught_at, self.infected = Course.EXPOSED, home_id, True
        return True

    def swabbed(self, p: Simulation, due: dt.date) -> bool:
        """A swab today; True if it will come back positive (then `due`)."""
        if not self.carrying or self.draws[4] >= p.test_sensitivity:
            return False
        self.result_due.append(due)
        return True

    def step(self, p: Simulation, day: dt.date) -> None:
        """The end of `day`: results back, onset, recovery."""
        if any(d <= day for d in self.result_due):
            self.result_due = [d for d in self.result_due if d > day]
            self.off = self.course is Course.INFECTIOUS or self.off
        _, onset, sick, recover, _ = self.draws
        if self.course is Course.EXPOSED and onset < 1 / p.latent_days:
            self.course = Course.INFECTIOUS
            self.off = self.off or sick < p.staff_sick
        elif self.course is Course.INFECTIOUS and recover < 1 / p.infectious_days:
            self.course, self.off, self.result_due = Course.RECOVERED, False, []

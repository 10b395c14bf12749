"""Test slots as the hand rules book them: site-day room left, and home bookings kept
within every testing rule of the model, ready to be written as the model's values.

The greedy deployment (`scheduler.heuristics.greedy`), the baseline
(`scheduler.heuristics.baseline`) and the simulation's spreadsheet rules
(`scheduler.simulation.policies`) choose differently who gets a slot, but they must count
slots the same way: each plan is checked against the
model afterwards (`Model.violations`), so a book-keeping slip in one rule would surface
as a broken plan rather than as a worse one. Keeping the counting here, apart from the
choosing, lets each rule be read as its choices alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from constraints.build import BuiltModel
from constraints.context import Context
from constraints.model import Var
from scenarios.schema import Cohort, daily
from scenarios.windows import CoverWindow


class SlotBook:
    """Test slots left at each site-day, whoever took them (a worker's test, a swab before
    admission, a home's cohort): the site capacity rule, counted as bookings are made."""

    def __init__(self, ctx: Context, taken: Iterable[tuple[str, int]] = ()) -> None:
        self.ctx = ctx
        self.load: Counter[tuple[str, int]] = Counter(taken)

    def free(self, site_id: str, day: int) -> int:
        return daily(self.ctx.sites[site_id].capacity, day) - self.load[site_id, day]

    def take(self, site_id: str, day: int, n: int) -> None:
        self.load[site_id, day] += n


class HomeBookings:
    """Home cohorts' tests booked into a `SlotBook` within the model's other testing rules
    (one swab per person a day, a mobile unit's homes a day); what to book is the rule's
    choice. `options` lists, per home cohort, the (day, site) pairs the model can book, in
    day then site order."""

    def __init__(self, built: BuiltModel, slots: SlotBook) -> None:
        self.built, self.slots = built, slots
        self.options: dict[tuple[str, Cohort], list[tuple[int, str]]] = defaultdict(list)
        for h, c, site, d in sorted(built.tests.tests):
            self.options[h, c].append((d, site))
        self.booked: Counter[tuple[str, Cohort, str, int]] = Counter()
        self.per_day: Counter[tuple[str, Cohort, int]] = Counter()
        self.visiting: dict[tuple[str, int], set[str]] = defaultdict(set)

    def done(self, w: CoverWindow) -> int:
        """Tests booked in the window's days: a booking counts for every window of its
        cohort holding its day."""
        return sum(
            self.booked[w.home, w.cohort, s, d]
            for d, s in self.options[w.home, w.cohort]
            if w.first <= d <= w.last
        )

    def full(self, site_id: str, d: int, h: str) -> bool:
        """No slot left, or a mobile unit already at its homes for the day (h not among them)."""
        mobile = self.built.ctx.sites[site_id].max_homes_per_day
        visiting = self.visiting[site_id, d]
        return self.slots.free(site_id, d) <= 0 or (
            mobile is not None and h not in visiting and len(visiting) >= mobile
        )

    def take(self, h: str, c: Cohort, site_id: str, d: int, n: int) -> None:
        """Book n swabs of cohort c of home h at a site-day the rule found room at."""
        self.slots.take(site_id, d, n)
        self.booked[h, c, site_id, d] += n
        self.per_day[h, c, d] += n
        if self.built.ctx.sites[site_id].max_homes_per_day is not None:
            self.visiting[site_id, d].add(h)

    def values(self) -> dict[Var, int]:
        """The bookings as the model's testing variables: tests, a mobile unit's visits,
        and each window's shortfall at the least its rule allows, max(0, size - done)."""
        tv = self.built.tests
        values: dict[Var, int] = {tv.tests[k]: n for k, n in self.booked.items()}
        values.update(
            {tv.visits[h, s, d]: 1 for (s, d), homes in self.visiting.items() for h in homes}
        )
        values.update({tv.short[w]: max(0, w.size - self.done(w)) for w in tv.windows})
        return values

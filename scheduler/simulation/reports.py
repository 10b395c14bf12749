"""What the planner is told of each home's outbreak in the simulation: confirmed by a
positive result or a death, over after `QUIET_DAYS` quiet days; and the isolation
requests of detected residents the home cannot isolate, waiting for a bed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scenarios.schema import (
    HomeType,
    IsolationRequest,
    Need,
    OutbreakStatus,
    Scenario,
)
from scheduler.simulation import epidemic as ep

QUIET_DAYS = 28
"""An outbreak is over after this many days without a positive result or a death."""

NEED_OF = {
    HomeType.LEARNING_DISABILITY: Need.LEARNING_DISABILITY,
    HomeType.OLDER_PEOPLE_NURSING: Need.NURSING,
}


@dataclass
class Episode:
    """What the planner knows of a home's outbreak."""

    status: OutbreakStatus = OutbreakStatus.NONE
    since: dt.date | None = None
    resident_cases: int = 0
    staff_cases: int = 0
    last_seen: dt.date | None = None


@dataclass
class Waiting:
    """An isolation request not yet admitted; `simulated` ones belong to a detected
    resident and lapse when that resident no longer waits (recovered or died)."""

    request: IsolationRequest
    simulated: bool


class Reports:
    """Outbreak episodes by home, deaths by home and date, and the requests waiting."""

    def __init__(self, base: Scenario) -> None:
        self.home_of = {h.id: h for h in base.homes}
        self.episodes = {
            h.id: Episode(
                h.outbreak.status,
                h.outbreak.since,
                h.outbreak.resident_cases,
                h.outbreak.staff_cases,
                h.outbreak.since,
            )
            for h in base.homes
        }
        self.deaths: dict[str, list[dt.date]] = defaultdict(list)
        self.waiting = {r.id: Waiting(r, r.from_home is not None) for r in base.isolation_requests}
        self.requests_made = 0

    def deaths_in_week_before(self, home_id: str, first: dt.date) -> int:
        return sum(1 for d in self.deaths[home_id] if (first - d).days <= 7)

    def waiting_on(self, day: dt.date) -> int:
        """Requests that could have been admitted by `day` and were not."""
        return sum(1 for w in self.waiting.values() if w.request.earliest <= day)

    def died(self, home_id: str, day: dt.date, deaths: int) -> None:
        """A death confirms the home's outbreak."""
        self.deaths[home_id] += [day] * deaths
        if deaths:
            self.confirm(home_id, day)

    def confirm(self, home_id: str, day: dt.date) -> None:
        episode = self.episodes[home_id]
        if episode.status != OutbreakStatus.CONFIRMED:
            episode.status, episode.since = OutbreakStatus.CONFIRMED, day
            episode.resident_cases = episode.staff_cases = 0
        episode.last_seen = day

    def detected(self, home_id: str, state: ep.HomeState, day: dt.date, to_wait: int) -> None:
        """Positives back today confirm the outbreak; residents with nowhere to isolate
        become isolation requests from tomorrow."""
        found = state.detected
        if not (found["residents"] or found["staff"]):
            episode = self.episodes[home_id]
            if episode.last_seen is not None and (day - episode.last_seen).days > QUIET_DAYS:
                self.episodes[home_id] = Episode()
            return
        self.confirm(home_id, day)
        episode = self.episodes[home_id]
        episode.resident_cases += found["residents"]
        episode.staff_cases += found["staff"]
        home = self.home_of[home_id]
        for _ in range(to_wait):
            self.requests_made += 1
            request = IsolationRequest(
                id=f"sim{self.requests_made:05d}",
                from_home=home_id,
                need=NEED_OF.get(home.type, Need.RESIDENTIAL),
                earliest=day + dt.timedelta(days=1),
                reason=f"positive on {day}; {home.name} cannot isolate more residents",
            )
            self.waiting[request.id] = Waiting(request, True)

    def lapse(self, home_id: str, state: ep.HomeState) -> None:
        """Requests of residents who no longer wait (recovered or died) lapse, latest first."""
        mine = [
            k for k, w in self.waiting.items() if w.simulated and w.request.from_home == home_id
        ]
        for k in mine[state.residents.waiting :][::-1]:
            del self.waiting[k]

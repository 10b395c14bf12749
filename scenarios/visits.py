"""Which homes need a training or liaison visit by when, who may make it and what it
costs an officer's day: one definition read by the model, the greedy start, the checker
and the tables alike (as `scenarios.accommodation` is for rooms and taxis).

A *need* is a home, a reason and a window of dates inside the horizon in which one visit
meets it:

- outbreak: a home in outbreak since day s needs a liaison visit in [s, s + first] (first
  = `outbreak_first_within_days`), then one in each next `outbreak_every_days` days while
  it lasts (the horizon: tomorrow's plan reads tomorrow's status);
- red_rag: a home rated red overall, not in outbreak, needs one within
  `red_rag_within_days` of the horizon's start;
- untrained: a home without `ipc_trained_on` needs one IPC training session in the horizon.

A visit meets the needs of its own kind only: a trainer's session is not the liaison
officer's visit (advice, PPE, the home's own plan), and the two may not fall on one day
(one officer a home a day, to keep visitors to a home in outbreak down). Travel is a
round trip from the officer's base to the home, `2 * travel.minutes(officer, home)`, the
same minutes every visit (no routing between homes), so that an officer's day is one
linear row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from scenarios.risk import outbreak_active
from scenarios.schema import Home, Officer, Rag, Scenario, VisitKind

ONE_DAY = dt.timedelta(days=1)


class NeedReason(StrEnum):
    OUTBREAK = "outbreak"
    RED_RAG = "red_rag"
    UNTRAINED = "untrained"


REASON_KIND = {
    NeedReason.OUTBREAK: VisitKind.LIAISON,
    NeedReason.RED_RAG: VisitKind.LIAISON,
    NeedReason.UNTRAINED: VisitKind.TRAINING,
}


@dataclass(frozen=True, slots=True)
class VisitNeed:
    """One visit `home` needs between `first` and `due` (both inside the horizon)."""

    home: str
    reason: NeedReason
    first: dt.date
    due: dt.date

    @property
    def kind(self) -> VisitKind:
        return REASON_KIND[self.reason]

    def covers(self, date: dt.date) -> bool:
        return self.first <= date <= self.due

    def met_by(self, kind: VisitKind) -> bool:
        return kind == self.kind

    @property
    def label(self) -> str:
        what = {
            NeedReason.OUTBREAK: "outbreak liaison visit",
            NeedReason.RED_RAG: "red RAG liaison visit",
            NeedReason.UNTRAINED: "IPC training (not yet trained)",
        }[self.reason]
        return f"{what} due by {self.due}"


def visit_needs(scenario: Scenario) -> list[VisitNeed]:
    """Every need of every home, by home then first date; none without officers."""
    if not scenario.officers:
        return []
    return [n for home in scenario.homes for n in _home_needs(scenario, home)]


def _home_needs(scenario: Scenario, home: Home) -> list[VisitNeed]:
    policy = scenario.policy.visits
    start, end = scenario.horizon.start, scenario.horizon.end
    needs: list[VisitNeed] = []
    if outbreak_active(home, end) and home.outbreak.since is not None:
        first, due = (
            home.outbreak.since,
            home.outbreak.since + policy.outbreak_first_within_days * ONE_DAY,
        )
        while first <= end:
            if due >= start:
                needs.append(
                    VisitNeed(home.id, NeedReason.OUTBREAK, max(first, start), min(due, end))
                )
            first, due = due + ONE_DAY, due + policy.outbreak_every_days * ONE_DAY
    elif home.rag.overall == Rag.RED:
        due = min(end, start + (policy.red_rag_within_days - 1) * ONE_DAY)
        needs.append(VisitNeed(home.id, NeedReason.RED_RAG, start, due))
    if home.ipc_trained_on is None:
        needs.append(VisitNeed(home.id, NeedReason.UNTRAINED, start, end))
    return needs


def delivers(officer: Officer, kind: VisitKind) -> bool:
    return kind in officer.delivers


def on_duty(officer: Officer, date: dt.date) -> bool:
    return officer.available is None or date in officer.available


def travel_minutes(scenario: Scenario, officer: Officer, home: Home) -> int:
    """The round trip from the officer's base to the home and back."""
    return 2 * scenario.travel.minutes(officer, home)


def visit_minutes(scenario: Scenario, officer: Officer, home: Home, kind: VisitKind) -> int:
    """What one visit takes of the officer's day: the visit and its round trip."""
    return scenario.policy.visits.minutes.of(kind) + travel_minutes(scenario, officer, home)


def reason_weight(scenario: Scenario, reason: NeedReason) -> int:
    return int(getattr(scenario.policy.visits.weights, reason.value))

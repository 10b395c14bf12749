"""The risk priority of a home on a day: a transparent sum of weighted parts.

The score weights every unmet need of a home in the objective, so it must be explainable
line by line to a care-home manager: each part is a whole number of points from the policy's
`risk_weights`, and `risk.csv` shows them all. The score describes the scenario as given
(today's intelligence), not the state after the plan's own tests.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from scenarios.schema import (
    HOME_COHORTS,
    CqcRating,
    Home,
    HomeType,
    OutbreakStatus,
    Rag,
    RiskWeights,
    Scenario,
)


class RiskParts(BaseModel):
    """The additive parts of a home's risk score on one day; `score` is their sum."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    home_id: str
    date: dt.date
    score: int
    base: int = 0
    outbreak: int = 0
    cases: int = 0
    deaths: int = 0
    rag_overall: int = 0
    rag_ppe: int = 0
    rag_workforce: int = 0
    cqc: int = 0
    home_type: int = 0
    cannot_isolate: int = 0
    days_since_test: int = 0
    staffing: int = 0
    stale_data: int = 0


RISK_PARTS: tuple[str, ...] = tuple(
    name for name in RiskParts.model_fields if name not in {"home_id", "date", "score"}
)


def _rag(w: RiskWeights, rating: Rag) -> int:
    return {Rag.GREEN: 0, Rag.AMBER: w.rag_amber, Rag.RED: w.rag_red}[rating]


def _cqc(w: RiskWeights, rating: CqcRating) -> int:
    return {
        CqcRating.OUTSTANDING: 0,
        CqcRating.GOOD: 0,
        CqcRating.REQUIRES_IMPROVEMENT: w.cqc_requires_improvement,
        CqcRating.INADEQUATE: w.cqc_inadequate,
        CqcRating.NOT_RATED: w.cqc_not_rated,
    }[rating]


def _home_type(w: RiskWeights, kind: HomeType) -> int:
    """LD and MH homes were missed by national testing, so they carry extra points."""
    return {
        HomeType.LEARNING_DISABILITY: w.learning_disability,
        HomeType.MENTAL_HEALTH: w.mental_health,
    }.get(kind, 0)


def outbreak_active(home: Home, day: dt.date) -> bool:
    ob = home.outbreak
    return ob.status != OutbreakStatus.NONE and ob.since is not None and ob.since <= day


def days_since_oldest_test(home: Home, day: dt.date, cap: int) -> int:
    """Days since the least recently tested cohort with members; `cap` if never tested."""
    ages = [
        cap if (last := home.last_tested.for_cohort(c)) is None else (day - last).days
        for c in HOME_COHORTS
        if home.cohort_size(c) > 0
    ]
    return min(max(ages, default=0), cap)


def stale_age(home: Home, start: dt.date, fresh_days: int) -> int:
    """How many days old the home's figures are on the horizon's `start` when that is more
    than `fresh_days`, else 0: a stale home is scored and flagged, a fresh one is not."""
    age = 0 if home.reported is None else (start - home.reported).days
    return age if age > fresh_days else 0


def risk_parts(home: Home, day: dt.date, w: RiskWeights, stale: int) -> RiskParts:
    """The parts of `home`'s score on `day`; `stale` is its `stale_age` (0: fresh)."""
    ob = home.outbreak
    active = outbreak_active(home, day)
    outbreak = 0
    if active:
        outbreak = (
            w.outbreak_confirmed if ob.status == OutbreakStatus.CONFIRMED else w.outbreak_suspected
        )
    cases = min(
        ob.resident_cases * w.per_resident_case + ob.staff_cases * w.per_staff_case, w.cases_cap
    )
    shifts_short = sum(sf.workers for sf in home.shortfalls)
    parts = {
        "base": w.base,
        "outbreak": outbreak,
        "cases": cases if active else 0,
        "deaths": min(ob.deaths_7d * w.per_death_7d, w.deaths_cap),
        "rag_overall": _rag(w, home.rag.overall),
        "rag_ppe": _rag(w, home.rag.ppe),
        "rag_workforce": _rag(w, home.rag.workforce),
        "cqc": _cqc(w, home.cqc_rating),
        "home_type": _home_type(w, home.type),
        "cannot_isolate": w.cannot_isolate if home.can_isolate < max(1, ob.resident_cases) else 0,
        "days_since_test": w.per_day_since_test
        * days_since_oldest_test(home, day, w.days_since_test_cap),
        "staffing": min(shifts_short * w.per_shift_short, w.shifts_short_cap),
        "stale_data": w.stale_data if stale else 0,
    }
    return RiskParts(home_id=home.id, date=day, score=sum(parts.values()), **parts)


class RiskTable:
    """Scores of every home on every horizon day, computed once and looked up by the model."""

    def __init__(self, scenario: Scenario) -> None:
        policy, start = scenario.policy, scenario.horizon.start
        self.rows = [
            risk_parts(h, d, policy.risk_weights, stale_age(h, start, policy.stale_after_days))
            for h in scenario.homes
            for d in scenario.horizon.dates
        ]
        self._score = {(r.home_id, r.date): r.score for r in self.rows}

    @classmethod
    def from_rows(cls, rows: list[RiskParts]) -> RiskTable:
        """A table of rows already computed (e.g. by the plans of a scenario's parts)."""
        table = cls.__new__(cls)
        table.rows = rows
        table._score = {(r.home_id, r.date): r.score for r in rows}
        return table

    def score(self, home_id: str, day: dt.date) -> int:
        return self._score[home_id, day]

"""A solution's unmet need: every test short, shift uncovered and isolation request left
unplaced or waiting, each with the cause that bound it.

Apart from the plan's allocations (`extraction`) because each row is a slack variable's
value and its cause, not a decision: it reads the allocations only to name the stays at
home a 1:1 shift was for and how long a placed request waited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from constraints.build import BuiltModel
from constraints.isolation import request_risk
from scenarios.schema import Shift
from scenarios.windows import WindowKind
from scheduler.extract.causes import Cause, CauseFinder, UnexplainedCauses
from scheduler.plan import Placement, ShiftSource, UnmetKind, UnmetNeed


class UnmetRows:
    def __init__(
        self,
        built: BuiltModel,
        values: list[int],
        causes: CauseFinder | UnexplainedCauses,
        at_home_on: Callable[[str, int, Shift], list[str]],
    ) -> None:
        self.built, self.ctx, self.values = built, built.ctx, values
        self.causes = causes
        self.at_home_on = at_home_on

    def rows(self, placements: list[Placement]) -> list[UnmetNeed]:
        """Tests short, shifts left uncovered and requests unplaced or kept waiting (from
        `placements`, the plan's stays), riskiest first each day."""
        return sorted(
            self._untested() + self._uncovered() + self._unplaced(placements), key=unmet_order
        )

    def _untested(self) -> list[UnmetNeed]:
        rows = []
        for w, var in self.built.tests.short.items():
            if n := self.values[var]:
                kind = (
                    UnmetKind.OUTBREAK_TEST
                    if w.kind == WindowKind.OUTBREAK
                    else UnmetKind.COHORT_TEST
                )
                rows.append(
                    UnmetNeed(
                        date=w.due,
                        home_id=w.home,
                        kind=kind,
                        detail=f"{w.cohort}: {w.label}",
                        amount=n,
                        risk=self.ctx.risk.score(w.home, self.ctx.dates[w.last]),
                        **cause_fields(self.causes.untested(w)),
                    )
                )
        return rows

    def _uncovered(self) -> list[UnmetNeed]:
        rows = []
        staff = self.built.staff
        for source, slacks in (
            (ShiftSource.REPORTED, staff.uncovered),
            (ShiftSource.FORECAST, staff.forecast_uncovered),
            (ShiftSource.ONE_TO_ONE, staff.one_to_one_uncovered),
        ):
            for (h, d, s, r), var in slacks.items():
                if n := self.values[var]:
                    assumption = self.ctx.demand[h, d, s, r].assumption
                    forecast = f"; forecast: {assumption}" if source == ShiftSource.FORECAST else ""
                    if source == ShiftSource.ONE_TO_ONE:
                        forecast = f"; 1:1 at home for {', '.join(self.at_home_on(h, d, s))}"
                    rows.append(
                        UnmetNeed(
                            date=self.ctx.dates[d],
                            home_id=h,
                            kind=UnmetKind.SHIFT,
                            detail=f"{s} shift, {r}{forecast}",
                            amount=n,
                            risk=self.ctx.risk.score(h, self.ctx.dates[d]),
                            source=source,
                            **cause_fields(self.causes.uncovered(h, d, s, r)),
                        )
                    )
        return rows

    def _unplaced(self, placements: list[Placement]) -> list[UnmetNeed]:
        rows = []
        waited = {p.request_id: p for p in placements}
        for req in self.ctx.scenario.isolation_requests:
            placed = waited.get(req.id)
            if placed is not None and not placed.wait_days:
                continue
            if placed is None:
                cause = self.causes.unplaced(req)
                kind, amount, detail = UnmetKind.ISOLATION, 1, f"{req.id} ({req.need}) not placed"
            else:
                cause = self.causes.unplaced(req, self.ctx.day(placed.admit_date))
                kind, amount = UnmetKind.ISOLATION_WAIT, placed.wait_days
                detail = f"{req.id} ({req.need}) waited until {placed.admit_date}"
            rows.append(
                UnmetNeed(
                    date=req.earliest,
                    home_id=req.from_home,
                    kind=kind,
                    detail=detail,
                    amount=amount,
                    risk=request_risk(self.ctx, req),
                    **cause_fields(cause),
                )
            )
        return rows


def unmet_order(u: UnmetNeed) -> tuple[object, ...]:
    """Unmet rows by day, riskiest first."""
    return (u.date, -u.risk, u.home_id or "", u.kind, u.detail)


def cause_fields(cause: Cause) -> dict[str, Any]:
    """An unmet row's cause columns: structured fields, lists joined for one CSV cell."""
    return {
        "cause_family": cause.family,
        "cause_resource": cause.resource,
        "cause": cause.text,
        "cause_rule": cause.rule,
        "cause_date": cause.date,
        "binding": " ".join(cause.binding),
        "next_in_line": ",".join(cause.next_in_line),
        "blocked": " ".join(cause.blocked),
        "remedy": cause.remedy,
    }

"""Staff hotel rooms and taxis of a solution as plan rows, and the cause of every room or
taxi the plan could not give: the hotel full on the binding night, the day's taxi budget
spent (`constraints.accommodation`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.accommodation import AccommodationVars, nights_in_horizon
from constraints.build import BuiltModel
from constraints.domain import near_hotel
from scenarios.accommodation import JOURNEYS_PER_SHIFT, reason_text
from scenarios.schema import RoomReason, RoomRequest, daily
from scheduler.extract.cause_rules import Cause
from scheduler.plan import RoomStay, TaxiTrip, UnmetKind, UnmetNeed

_FAMILY = rules.Family.ACCOMMODATION.value


@dataclass
class RoomRows:
    stays: list[RoomStay] = field(default_factory=list)
    taxis: list[TaxiTrip] = field(default_factory=list)
    unmet: list[tuple[UnmetNeed, Cause]] = field(default_factory=list)
    """Each unmet row without its cause columns, and its cause (the caller joins them)."""


def room_rows(built: BuiltModel, values: list[int]) -> RoomRows:
    """Every stay, taxi pair and unmet room or taxi of the solution `values`."""
    return _Rooms(built, values).rows()


def _runs(days: list[int]) -> list[tuple[int, int]]:
    """Sorted day indices as (first, length) runs of consecutive days."""
    runs: list[tuple[int, int]] = []
    for d in days:
        if runs and runs[-1][0] + runs[-1][1] == d:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((d, 1))
    return runs


class _Rooms:
    def __init__(self, built: BuiltModel, values: list[int]) -> None:
        self.ctx = built.ctx
        self.av: AccommodationVars = built.rooms
        self.values = values
        self.used: dict[tuple[str, int], int] = defaultdict(int)
        """(hotel, night) -> rooms the plan lets."""
        requests = {q.id: q for q in self.ctx.scenario.room_requests}
        for (q, t), var in self.av.stays.items():
            if values[var]:
                for n in nights_in_horizon(self.ctx, requests[q]):
                    self.used[t, n] += 1
        for (_w, t, _h, n), var in self.av.lodge.items():
            self.used[t, n] += values[var]
        self.journeys: dict[int, int] = defaultdict(int)
        for (_w, _h, d), var in self.av.taxis.items():
            self.journeys[d] += JOURNEYS_PER_SHIFT * values[var]

    def rows(self) -> RoomRows:
        out = RoomRows()
        for q in self.ctx.scenario.room_requests:
            hotel = next(
                (t for (r, t), v in self.av.stays.items() if r == q.id and self.values[v]), None
            )
            if hotel is not None:
                out.stays.append(self._request_stay(q, hotel))
            else:
                out.unmet.append(self._unmet_request(q))
        out.stays += self._worker_stays()
        for (w, h, d), var in sorted(self.av.taxis.items()):
            if self.values[var]:
                out.taxis.append(
                    TaxiTrip(
                        worker_id=w,
                        date=self.ctx.dates[d],
                        home_id=h,
                        journeys=JOURNEYS_PER_SHIFT,
                        reason=self._taxi_reason(w, h, d),
                    )
                )
        for (w, h, d), var in sorted(self.av.unroomed.items()):
            if self.values[var]:
                out.unmet.append(self._unroomed(w, h, d))
        for (w, h, d), var in sorted(self.av.untaxied.items()):
            if self.values[var]:
                out.unmet.append(self._untaxied(w, h, d))
        return out

    # ------------------------------------------------------------------ rows

    def _request_stay(self, q: RoomRequest, hotel: str) -> RoomStay:
        nights = nights_in_horizon(self.ctx, q)
        return RoomStay(
            who=q.staff or q.id,
            home_id=q.home,
            hotel_id=hotel,
            first_night=self.ctx.dates[nights[0]],
            nights=len(nights),
            reason=q.reason,
            request_id=q.id,
        )

    def _worker_stays(self) -> list[RoomStay]:
        """A worker's nights at one hotel for one home, consecutive nights as one stay."""
        nights: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for (w, t, h, d), var in sorted(self.av.lodge.items()):
            if self.values[var]:
                nights[w, t, h].append(d)
        stays = []
        for (w, t, h), days in sorted(nights.items()):
            for first, length in _runs(days):
                stays.append(
                    RoomStay(
                        who=w,
                        home_id=h,
                        hotel_id=t,
                        first_night=self.ctx.dates[first],
                        nights=length,
                        reason=RoomReason.FAR_FROM_HOME,
                        worker_id=w,
                    )
                )
        return stays

    def _taxi_reason(self, w: str, h: str, d: int) -> str:
        worker = next(x for x in self.ctx.scenario.workers if x.id == w)
        return "no car" if not worker.has_car else f"{h} in outbreak"

    # ------------------------------------------------------------------ causes

    def _full(self, hotel_id: str, night: int) -> bool:
        hotel = next(t for t in self.ctx.scenario.staff_hotels if t.id == hotel_id)
        return self.used[hotel_id, night] >= daily(hotel.rooms, night)

    def _hotel_cause(self, hotels: list[str], nights: list[int], what: str) -> Cause:
        """The first hotel and night that is full, among the hotels `what` could use."""
        if not hotels:
            return Cause(
                _FAMILY,
                "",
                f"no staff hotel {what}",
                rule=rules.HOTEL_NEAR.id,
                remedy="a staff hotel near the home",
            )
        for n in nights:
            for t in hotels:
                if self._full(t, n):
                    date = self.ctx.dates[n]
                    return Cause(
                        _FAMILY,
                        t,
                        f"hotel {t} full on the night of {date}",
                        rule=rules.HOTEL_ROOMS.id,
                        date=date,
                        binding=(rules.model_name(rules.HOTEL_ROOMS, (t, date)),),
                        remedy=f"one more room at {t} on {date}",
                    )
        return Cause(
            _FAMILY,
            "",
            "rooms were free but worth less than their other uses",
            rule=rules.ROOM_ONCE.id,
        )

    def _unmet_request(self, q: RoomRequest) -> tuple[UnmetNeed, Cause]:
        hotels = sorted({t for (r, t) in self.av.stays if r == q.id})
        nights = nights_in_horizon(self.ctx, q)
        cause = self._hotel_cause(hotels, nights, "is booked")
        first = self.ctx.dates[nights[0]] if nights else q.first_night
        row = UnmetNeed(
            date=first,
            home_id=q.home,
            kind=UnmetKind.ROOM,
            detail=f"{q.id} ({q.staff or 'staff'}, {reason_text(q.reason)}): "
            f"{q.nights} nights from {q.first_night}",
            amount=max(1, len(nights)),
            risk=self.ctx.risk.score(q.home, first),
            cause_family=_FAMILY,
            cause="",
        )
        return row, cause

    def _unroomed(self, w: str, h: str, d: int) -> tuple[UnmetNeed, Cause]:
        hotels = [t.id for t in self.ctx.scenario.staff_hotels if near_hotel(self.ctx, t, h)]
        cause = self._hotel_cause(hotels, [d], f"within far_minutes of {h}")
        return self._worker_row(w, h, d, UnmetKind.ROOM_NIGHT, "night without a room", cause)

    def _untaxied(self, w: str, h: str, d: int) -> tuple[UnmetNeed, Cause]:
        transport = self.ctx.policy.transport
        budget = daily(transport.journeys_per_day, d) if transport is not None else 0
        date = self.ctx.dates[d]
        cause = Cause(
            _FAMILY,
            "transport",
            f"the {budget} taxi journeys of {date} all used"
            if self.journeys[d] + JOURNEYS_PER_SHIFT > budget
            else "a taxi was free but worth less than its other uses",
            rule=rules.TAXI_BUDGET.id,
            date=date,
            binding=(rules.model_name(rules.TAXI_BUDGET, (date,)),),
            remedy=f"{JOURNEYS_PER_SHIFT} more taxi journeys on {date}",
        )
        return self._worker_row(w, h, d, UnmetKind.TAXI, "shift without a taxi", cause)

    def _worker_row(
        self, w: str, h: str, d: int, kind: UnmetKind, what: str, cause: Cause
    ) -> tuple[UnmetNeed, Cause]:
        date: dt.date = self.ctx.dates[d]
        row = UnmetNeed(
            date=date,
            home_id=h,
            kind=kind,
            detail=f"{w}: {what}",
            amount=1,
            risk=self.ctx.risk.score(h, date),
            cause_family=_FAMILY,
            cause="",
        )
        return row, cause

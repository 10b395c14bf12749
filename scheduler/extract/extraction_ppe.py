"""A solution's PPE: the drops by van and stop, each home's stock day by day, and the
cover left short, gone without or missed, each with its cause."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from constraints.build import BuiltModel
from scenarios.ppe_use import emergency_days
from scenarios.schema import PpeItem
from scheduler.extract.cause_rules import Cause
from scheduler.extract.causes_ppe import PpeCauses
from scheduler.plan import PpeDrop, PpeStock, UnmetKind, UnmetNeed

_NONE = Cause("", "", "cause not computed")


class PpeExtractor:
    def __init__(
        self,
        built: BuiltModel,
        values: list[int],
        causes: PpeCauses | None,
        cause_fields: Callable[[Cause], dict[str, Any]],
    ) -> None:
        self.built, self.ctx, self.pv = built, built.ctx, built.drops
        self.values = values
        self.causes = causes
        self.cause_fields = cause_fields

    def drops(self) -> list[PpeDrop]:
        """Each day's drops (every home some PPE reaches), the highest-risk home first,
        numbered into vans of `drops_per_van` stops; the reason says why it went."""
        supply = self.ctx.scenario.ppe
        if supply is None:
            return []
        by_day: dict[int, list[str]] = defaultdict(list)
        for (h, _item, d), var in self.pv.quantity.items():
            if self.values[var] and h not in by_day[d]:
                by_day[d].append(h)
        rows = []
        for d, homes in sorted(by_day.items()):
            date = self.ctx.dates[d]
            homes.sort(key=lambda h: (-self.ctx.risk.score(h, date), h))
            for n, h in enumerate(homes):
                van, stop = divmod(n, supply.drops_per_van)
                reason = self._reason(h, d)
                rows += [
                    PpeDrop(
                        date=date,
                        van=van + 1,
                        stop=stop + 1,
                        home_id=h,
                        item=item,
                        quantity=q,
                        reason=reason,
                    )
                    for item in PpeItem
                    if (q := self._value(self.pv.quantity.get((h, item, d))))
                ]
        return rows

    def _value(self, var: int | None) -> int:
        return 0 if var is None else self.values[var]

    def _reason(self, home: str, day: int) -> str:
        target = self.ctx.policy.ppe.min_days_cover
        if day in emergency_days(self.ctx.scenario, home):
            return "emergency drop: outbreak"
        return f"keeps {target} days' cover"

    def stock(self) -> list[PpeStock]:
        """Every home's stock of every item it uses, at the end of each day."""
        rows = []
        for (h, item), use in sorted(self.pv.use.items()):
            held = self.pv.opening[h, item]
            own = self.pv.own[h, item]
            for d, date in enumerate(self.ctx.dates):
                dropped = self._value(self.pv.quantity.get((h, item, d)))
                without = bool(self._value(self.pv.without.get((h, item, d))))
                used = 0 if without else use[d]
                held += dropped + own[d] - used
                rows.append(
                    PpeStock(
                        date=date,
                        home_id=h,
                        item=item,
                        dropped=dropped,
                        own_delivered=own[d],
                        used=used,
                        stock=held,
                        days_cover=round(held / use[d], 1) if use[d] else 0.0,
                        without=without,
                    )
                )
        return rows

    def unmet(self) -> list[UnmetNeed]:
        """Days of cover short, days gone without, emergency drops missed."""
        target = self.ctx.policy.ppe.min_days_cover
        rows = []
        for (h, d), var in sorted(self.pv.short.items()):
            if n := self.values[var]:
                cause = self.causes.cover(h, d) if self.causes else _NONE
                rows.append(
                    self._row(
                        h, d, UnmetKind.PPE_COVER, f"{n} of {target} days' cover short", n, cause
                    )
                )
        for (h, item, d), var in sorted(self.pv.without.items()):
            if self.values[var]:
                cause = self.causes.gone_without(h, item, d) if self.causes else _NONE
                rows.append(self._row(h, d, UnmetKind.PPE_WITHOUT, f"without {item}", 1, cause))
        for h, var in sorted(self.pv.missed.items()):
            if self.values[var]:
                window = emergency_days(self.ctx.scenario, h)
                cause = self.causes.emergency(h, window) if self.causes else _NONE
                detail = f"no emergency drop by {self.ctx.dates[window[-1]]}"
                rows.append(self._row(h, window[0], UnmetKind.PPE_EMERGENCY, detail, 1, cause))
        return rows

    def _row(
        self, home: str, day: int, kind: UnmetKind, detail: str, amount: int, cause: Cause
    ) -> UnmetNeed:
        date = self.ctx.dates[day]
        return UnmetNeed(
            date=date,
            home_id=home,
            kind=kind,
            detail=detail,
            amount=amount,
            risk=self.ctx.risk.score(home, date),
            **self.cause_fields(cause),
        )

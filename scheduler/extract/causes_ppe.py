"""Why a home's PPE cover fell short, it went without, or its emergency drop was missed:
the depot empty of the item (on which day), or no van free (on which day).

The move tested is one more unit of the item dropped at the home on a day that could
have helped (any day up to the short one; a window's days for an emergency drop), with a
van's drop if the home had none that day. The depot's rule binds a move on day t when the
depot is empty on some day from t on (a unit dropped on t is gone from every later day);
the vans' rule when every drop that day is taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from constraints import rules
from constraints.model import Var
from constraints.rules import key_dates
from scenarios.schema import PpeItem
from scheduler.extract.cause_rules import Cause, PlanView, ranges

FAMILY = "ppe"


class PpeCauses(PlanView):
    def stock(self, home: str, item: PpeItem, day: int) -> int:
        """The plan's stock of `item` at `home` at the end of `day`."""
        pv = self.built.drops
        return pv.fixed_stock(home, item, day) + sum(
            c * self.values[v] for v, c in pv.stock_terms(home, item, day)
        )

    def worst_item(self, home: str, day: int) -> PpeItem:
        """The item furthest below the target on `day`, in days of use."""
        target = self.ctx.policy.ppe.min_days_cover
        pv = self.built.drops
        used = [i for i in PpeItem if (home, i, day) in pv.quantity and pv.use[home, i][day]]
        return max(used, key=lambda i: target - self.stock(home, i, day) / pv.use[home, i][day])

    def short(self, home: str, item: PpeItem, days: Iterable[int]) -> Cause:
        """Why no more of `item` reached `home` on any of `days`."""
        pv = self.built.drops
        depot: set[dt.date] = set()
        vans: set[dt.date] = set()
        free: list[int] = []
        for t in days:
            quantity = pv.quantity.get((home, item, t))
            if quantity is None:
                continue
            move: dict[Var, int] = {quantity: 1}
            if not self.values[pv.drop[home, t]]:
                move[pv.drop[home, t]] = 1
            broken = self.tight.blocking(move)
            for c in broken:
                if c.rule == rules.PPE_DEPOT:
                    depot.update(key_dates(c.key))
                elif c.rule == rules.PPE_VAN_CAPACITY:
                    vans.update(key_dates(c.key))
            if not broken:
                free.append(t)
        binding = tuple(sorted(f"ppe_depot[{item},{d}]" for d in depot)) + tuple(
            sorted(f"ppe_van_capacity[{d}]" for d in vans)
        )
        if free:
            return Cause(
                FAMILY,
                str(item),
                f"a drop of {item} on {self.ctx.dates[free[0]]} was possible: left by the "
                "search or outweighed by other needs",
                rule="solver",
                binding=binding,
            )
        if depot:
            first = min(depot)
            text = f"depot out of {item} on {ranges(depot)}"
            if vans:
                text += f"; no van free on {ranges(vans)}"
            return Cause(
                FAMILY,
                str(item),
                text,
                rule=rules.PPE_DEPOT.id,
                date=first,
                binding=binding,
                remedy=f"a depot delivery of {item} by {first}",
            )
        if vans:
            first = min(vans)
            return Cause(
                FAMILY,
                "vans",
                f"no van free on {ranges(vans)}",
                rule=rules.PPE_VAN_CAPACITY.id,
                date=first,
                binding=binding,
                remedy=f"one more van on {first}",
            )
        return Cause(FAMILY, str(item), "no drop could reach the home in time", rule="solver")

    def cover(self, home: str, day: int) -> Cause:
        """Why `home` ends `day` below the minimum days of cover."""
        return self.short(home, self.worst_item(home, day), range(day + 1))

    def gone_without(self, home: str, item: PpeItem, day: int) -> Cause:
        return self.short(home, item, range(day + 1))

    def emergency(self, home: str, window: range) -> Cause:
        """Why no drop reached an outbreak home in its emergency window: the first item's
        cause that names a rule."""
        items = [i for i in PpeItem if (home, i, window[0]) in self.built.drops.quantity]
        causes = [self.short(home, i, window) for i in items]
        named = [c for c in causes if c.rule != "solver"]
        if named and len(named) == len(causes):
            return named[0]
        return causes[0] if causes else Cause(FAMILY, "", "the home uses no PPE", rule="solver")

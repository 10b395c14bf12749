"""A home's PPE in `carehome explain`: the vans' stops there with what each brought and
why, what its own supplier delivered, and its days of cover of each item through the
horizon, the item that runs lowest first. Its unmet PPE needs are among the home's unmet
rows, each with its cause."""

from __future__ import annotations

from typing import Any

from scenarios.schema import Scenario
from scheduler.output.ppe_data import cover_by_item, drop_stops, own_deliveries
from scheduler.plan import Plan


def home_ppe(scenario: Scenario, plan: Plan, home_id: str) -> dict[str, Any] | None:
    """The home's drops and cover as plain data; None for a scenario without PPE."""
    if scenario.ppe is None:
        return None
    return {
        "target_days": scenario.policy.ppe.min_days_cover,
        "drops": [
            {
                "date": str(s.date),
                "van": s.van,
                "stop": s.stop,
                "items": {str(item): n for item, n in s.items.items()},
                "reason": s.reason,
            }
            for s in drop_stops(plan, home_id)
        ],
        "own_deliveries": [
            {"date": str(date), "items": {str(item): n for item, n in items.items()}}
            for date, items in own_deliveries(plan, home_id).items()
        ],
        "cover": [
            {
                "item": str(c.item),
                "lowest": c.lowest,
                "lowest_on": str(c.lowest_on),
                "by_day": c.by_day,
            }
            for c in cover_by_item(plan, scenario, home_id)
        ],
    }


def ppe_text(ppe: dict[str, Any] | None) -> list[str]:
    """The home's drops, one line a stop, then a line per item: its lowest cover and the
    days of cover at the end of each day (`-` on a day it is not used)."""
    if ppe is None:
        return []
    lines = ["", f"PPE (target {ppe['target_days']} days' cover):"]
    lines += [
        f"  drop {d['date']} van {d['van']} stop {d['stop']}: "
        + ", ".join(f"{item} {n}" for item, n in d["items"].items())
        + f" ({d['reason']})"
        for d in ppe["drops"]
    ] or ["  no drops"]
    lines += [
        f"  own supplier {d['date']}: " + ", ".join(f"{item} {n}" for item, n in d["items"].items())
        for d in ppe["own_deliveries"]
    ]
    if ppe["cover"]:
        lines.append("  days of cover at the end of each day, lowest item first:")
        width = max(len(c["item"]) for c in ppe["cover"])
        lines += [
            f"    {c['item']:<{width}}  lowest {c['lowest']:g} on {c['lowest_on']}: "
            + " ".join("-" if v is None else f"{v:g}" for v in c["by_day"])
            for c in ppe["cover"]
        ]
    return lines

"""The HTML report's PPE section: the vans' rounds by day, the homes lowest in cover (a
chart of the worst few through the horizon, against the target) and the PPE left unmet
with its causes. A scenario without PPE has no such section at all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from scenarios.schema import PpeItem, Scenario
from scenarios.words import count
from scheduler.output.html_page import Cell, note, num, num_head, table
from scheduler.output.ppe_data import (
    DropStop,
    ItemCover,
    cover_by_item,
    drop_stops,
    home_cover_by_day,
    lowest_homes,
    ppe_unmet,
)
from scheduler.output.svg import PALETTE, Series, line_chart, whole_top
from scheduler.output.unmet_html import unmet_table
from scheduler.plan import Plan, UnmetKind

HOMES_CHARTED = len(PALETTE) - 1
"""Homes drawn on the cover chart: one colour each, the last colour is the target's."""
HOMES_LISTED = 10
"""Homes in the lowest-cover table: the ones a planner rings first; the rest are in
`ppe_stock.csv` and the workbook."""


def ppe_parts(plan: Plan, scenario: Scenario, names: dict[str, str]) -> list[str]:
    """The section's content, for a scenario with PPE."""
    target = scenario.policy.ppe.min_days_cover
    stops = drop_stops(plan)
    covers = cover_by_item(plan, scenario)
    unmet = ppe_unmet(plan)
    short = {(u.home_id, u.date) for u in unmet if u.kind != UnmetKind.PPE_EMERGENCY}
    missed = sum(u.kind == UnmetKind.PPE_EMERGENCY for u in unmet)
    days = len({s.date for s in stops})
    summary = (
        f"{count(len(stops), 'van stop')} on {count(days, 'day')}, "
        f"{sum(s.units for s in stops):,} units; the target is {target} days' cover at the "
        f"end of every day: {count(len(short), 'home-day')} below it or without an item, "
        f"{count(missed, 'emergency drop')} missed."
    )
    return [
        note(summary),
        "<h3>Drops by day and van</h3>",
        _rounds(stops, names),
        "<h3>Homes lowest in cover</h3>",
        *_lowest(plan, scenario, covers, names, target),
        "<h3>PPE left unmet</h3>",
        _unmet(plan, names),
    ]


def _rounds(stops: list[DropStop], names: dict[str, str]) -> str:
    """A row per van and day: its stops in order and the units of each item it carried."""
    rounds: dict[tuple[dt.date, int], list[DropStop]] = defaultdict(list)
    for s in stops:
        rounds[s.date, s.van].append(s)
    items = [i for i in PpeItem if any(i in s.items for s in stops)]
    rows = [
        [
            Cell(f"{date:%a %d/%m}", css="nowrap", sort=date.isoformat()),
            van,
            len(round_),
            ", ".join(f"{s.home_id} {names.get(s.home_id, '')}".strip() for s in round_),
            *(sum(s.items.get(i, 0) for s in round_) for i in items),
            sum(s.units for s in round_),
        ]
        for (date, van), round_ in rounds.items()
    ]
    heads: list[str | Cell] = ["date", num_head("van"), num_head("stops"), "homes, in order"]
    heads += [num_head(_words(i)) for i in items] + [num_head("units")]
    return table(heads, rows, table_id="ppe-drops")


def _words(item: PpeItem) -> str:
    """`eye_protection` as a reader writes it."""
    return str(item).replace("_", " ")


def _lowest(
    plan: Plan,
    scenario: Scenario,
    covers: list[ItemCover],
    names: dict[str, str],
    target: int,
) -> list[str]:
    """The worst homes' cover each day (of whichever item is lowest that day) against the
    target, then a row per home: its lowest item, when, days below the target and what
    the vans brought it."""
    worst = lowest_homes(covers)
    if not worst:
        return [note("No home uses PPE in this plan.")]
    dates = scenario.horizon.dates
    by_home = {c.home_id: home_cover_by_day(covers, c.home_id) for c in worst}
    charted = [
        Series(name=c.home_id, values=by_home[c.home_id], colour=colour)
        for c, colour in zip(worst[:HOMES_CHARTED], PALETTE, strict=False)
    ]
    shown = [v for s in charted for v in s.values if v is not None]
    chart = line_chart(
        dates,
        [*charted, Series(name="target", values=[target] * len(dates), colour=PALETTE[-1])],
        title=f"Days of PPE cover (the lowest item) at the end of each day, "
        f"the {count(len(charted), 'home')} lowest in cover",
        unit="",
        top=whole_top([*shown, target]),
    )
    dropped: dict[str, int] = defaultdict(int)
    for d in plan.ppe_drops:
        dropped[d.home_id] += d.quantity
    rows = [
        [
            c.home_id,
            Cell(names.get(c.home_id, ""), css="nowrap"),
            _words(c.item),
            num(c.lowest, "{:.1f}"),
            Cell(f"{c.lowest_on:%a %d/%m}", css="nowrap", sort=c.lowest_on.isoformat()),
            sum(v is not None and v < target for v in by_home[c.home_id]),
            dropped[c.home_id],
        ]
        for c in worst[:HOMES_LISTED]
    ]
    heads: list[str | Cell] = [
        "home",
        "name",
        "lowest item",
        num_head("days of cover"),
        "on",
        num_head("days below target"),
        num_head("units dropped"),
    ]
    return [
        note(
            f"The {count(len(rows), 'home')} with the fewest days of cover of any item on "
            f"any day, fewest first; every home's stock by day is in ppe_stock.csv."
        ),
        chart,
        table(heads, rows, table_id="ppe-lowest"),
    ]


def _unmet(plan: Plan, names: dict[str, str]) -> str:
    """Each PPE need left unmet, highest risk first, with its cause and remedy in words."""
    unmet = ppe_unmet(plan)
    if not unmet:
        return note("Every home keeps its PPE cover and every outbreak home gets its drop.")
    return unmet_table(unmet, names, "ppe-unmet")

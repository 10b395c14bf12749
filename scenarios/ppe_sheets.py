"""The PPE section as the sheets a council kept: each home's stock and use by item, the
depot's stock, its deliveries, the vans out and the deliveries homes had from their own
suppliers (`scenarios.layout`), to and from the scenario's nested `ppe` section.

A sheet keeps one row per home and item, per delivery and item, per day: the scenario
nests them (a home's items under the home, a delivery's under the delivery, a home's own
deliveries under the home), so the rows are grouped here, each value's cell kept to name
it in a problem. What no sheet holds
(`drops_per_van`) stays in the base file's `ppe` section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from scenarios.cells import Cell, Problems
from scenarios.schema import Scenario
from scenarios.sheets import Record

SHEETS = {
    "ppe_homes": "homes",
    "ppe_depot": "depot_stock",
    "ppe_deliveries": "deliveries",
    "ppe_vans": "vans",
}
"""A PPE sheet's option (its `Sources` field) -> the `ppe` field it fills. The home
deliveries' sheet fills no field of its own: its rows go under the homes'."""


@dataclass
class PpeRecords:
    """The rows of each PPE sheet given (None: the sheet was not given)."""

    homes: list[Record] | None = None
    depot: list[Record] | None = None
    deliveries: list[Record] | None = None
    vans: list[Record] | None = None
    home_deliveries: list[Record] | None = None

    def sheets(self) -> list[list[Record] | None]:
        return [self.homes, self.depot, self.deliveries, self.vans, self.home_deliveries]

    def given(self) -> bool:
        return any(r is not None for r in self.sheets())


Cells = dict[str, Cell]
"""Scenario path -> the cell its value came from."""


def ppe_section(
    base: dict[str, Any],
    sheets: PpeRecords,
    horizon: tuple[dt.date, int] | None,
    problems: Problems,
) -> tuple[dict[str, Any], Cells, set[Cell]]:
    """The `ppe` section from the base file's and the sheets', every value's cell, and the
    cells whose own problem is already listed (their row's follow-on problems are not)."""
    section = dict(base)
    cells: Cells = {}
    reported = {r.cell for rows in _all(sheets) for r in rows if r.errors}
    reported |= {r.cells[k] for rows in _all(sheets) for r in rows for k in r.errors}
    if sheets.homes is not None:
        section["homes"] = _homes(sheets.homes, cells, problems)
    if sheets.depot is not None:
        section["depot_stock"] = _items(sheets.depot, "stock", "ppe.depot_stock", cells, problems)
    if sheets.deliveries is not None:
        section["deliveries"] = _deliveries(sheets.deliveries, cells)
    if sheets.vans is not None:
        vans = _vans(sheets.vans, horizon, cells, problems)
        if vans is not None:
            section["vans"] = vans
    if sheets.home_deliveries is not None:
        section["homes"] = _home_deliveries(
            sheets.home_deliveries, section.get("homes"), cells, problems
        )
    return section, cells, reported


def _all(sheets: PpeRecords) -> list[list[Record]]:
    return [r for r in sheets.sheets() if r]


def _usable(record: Record, *keys: str) -> bool:
    """Whether the row's identifying cells parsed (a bad one is its own problem)."""
    return not any(k in record.errors for k in keys) and all(k in record.data for k in keys)


def _homes(records: list[Record], cells: Cells, problems: Problems) -> list[dict[str, Any]]:
    """One entry per home, in the order each first appears, its items' values beneath."""
    homes: dict[str, dict[str, Any]] = {}
    for record in records:
        if not _usable(record, "home", "item"):
            continue
        home, item = record.data["home"], record.data["item"]
        entry = homes.setdefault(home, {"home": home})
        at = f"ppe.homes[{list(homes).index(home)}]"
        cells.setdefault(at, record.cell)
        cells.setdefault(f"{at}.home", record.cells["home"])
        if any(item in entry.get(f, {}) for f in ("stock", "cover_days", "daily_use")):
            problems.add(f"{record.cells['item']}: {item} for {home} is on an earlier row too")
            continue
        for field in ("stock", "cover_days", "daily_use"):
            if field in record.data:
                entry.setdefault(field, {})[item] = record.data[field]
                cells[f"{at}.{field}.{item}"] = record.cells[field]
    return list(homes.values())


def _items(
    records: list[Record], column: str, path: str, cells: Cells, problems: Problems
) -> dict[str, int]:
    """Units by item, one row each."""
    units: dict[str, int] = {}
    for record in records:
        if not _usable(record, "item", column):
            continue
        item = record.data["item"]
        if item in units:
            problems.add(f"{record.cells['item']}: {item} is on an earlier row too")
            continue
        units[item] = record.data[column]
        cells[f"{path}.{item}"] = record.cells[column]
    return units


@dataclass
class _Delivery:
    """Consecutive rows of one date and sender (and home): one delivery of their items."""

    first: Record
    key: tuple[Any, ...]
    items: dict[str, int]
    cells: dict[str, Cell]
    """Item -> its quantity's cell."""


def _grouped(records: list[Record], keys: tuple[str, ...]) -> list[_Delivery]:
    """Consecutive rows with the same date and `keys` are one delivery of their items; an
    item already in it starts another delivery (two lorries the same day)."""
    deliveries: list[_Delivery] = []
    for record in records:
        if not _usable(record, "date", "item", "quantity"):
            continue
        key = tuple(record.data.get(k) for k in ("date", *keys))
        item = record.data["item"]
        last = deliveries[-1] if deliveries else None
        if last is None or last.key != key or item in last.items:
            last = _Delivery(record, key, {}, {})
            deliveries.append(last)
        last.items[item] = record.data["quantity"]
        last.cells[item] = record.cells["quantity"]
    return deliveries


def _place(delivery: _Delivery, at: str, cells: Cells) -> None:
    cells[at], cells[f"{at}.date"] = delivery.first.cell, delivery.first.cells["date"]
    cells.update({f"{at}.items.{item}": cell for item, cell in delivery.cells.items()})


def _deliveries(records: list[Record], cells: Cells) -> list[dict[str, Any]]:
    """The depot's deliveries, each of its source's rows of one date."""
    deliveries = []
    for n, delivery in enumerate(_grouped(records, ("source",))):
        _place(delivery, f"ppe.deliveries[{n}]", cells)
        date, source = delivery.key
        deliveries.append(
            {"date": date, **({"source": source} if source else {}), "items": delivery.items}
        )
    return deliveries


def _home_deliveries(
    records: list[Record], given: object, cells: Cells, problems: Problems
) -> object:
    """The PPE homes (the sheet's or the base file's) with each home's own deliveries
    beneath it; a row naming a home with no PPE record is a problem (its stock and use are
    what the deliveries add to). Homes that are not a list are left for the parser to name."""
    if given is not None and not isinstance(given, list):
        return given
    homes = [dict(h) if isinstance(h, dict) else h for h in given or []]
    index = {h.get("home"): i for i, h in enumerate(homes) if isinstance(h, dict)}
    usable = [r for r in records if _usable(r, "home")]
    for delivery in _grouped(usable, ("home", "supplier")):
        date, home, supplier = delivery.key
        if home not in index:
            cell = delivery.first.cells["home"]
            problems.add(f"{cell}: {home} has no PPE stock and use (a ppe-homes row)")
            continue
        entry = homes[index[home]]
        own = entry.setdefault("deliveries", [])
        _place(delivery, f"ppe.homes[{index[home]}].deliveries[{len(own)}]", cells)
        own.append(
            {"date": date, **({"supplier": supplier} if supplier else {}), "items": delivery.items}
        )
    return homes


def _vans(
    records: list[Record],
    horizon: tuple[dt.date, int] | None,
    cells: Cells,
    problems: Problems,
) -> int | list[int] | None:
    """One row without a date: the vans out every day. Otherwise a row for each day of
    the horizon (a day left out is a problem, not a day without vans: a missing row is
    more often a slip than a plan)."""
    rows = [r for r in records if _usable(r, "vans") and "date" not in r.errors]
    if not rows:
        return None
    cells["ppe.vans"] = rows[0].cells["vans"]
    if len(rows) == 1 and "date" not in rows[0].data:
        return int(rows[0].data["vans"])
    by_date: dict[dt.date, Record] = {}
    for record in rows:
        when = record.data.get("date")
        if when is None:
            problems.add(f"{record.cells['date']}: is blank (a date on every row, or one row)")
        elif when in by_date:
            problems.add(f"{record.cells['date']}: {when} is on an earlier row too")
        elif horizon is not None and not 0 <= (when - horizon[0]).days < horizon[1]:
            problems.add(f"{record.cells['date']}: {when} is outside the horizon")
        else:
            by_date[when] = record
    if horizon is None:
        return None
    dates = [horizon[0] + dt.timedelta(days=d) for d in range(horizon[1])]
    missing = [d for d in dates if d not in by_date]
    if missing:
        problems.add(f"{records[0].source}: no row for {', '.join(map(str, missing))}")
        return None
    for d, when in enumerate(dates):
        cells[f"ppe.vans[{d}]"] = by_date[when].cells["vans"]
    return [int(by_date[when].data["vans"]) for when in dates]


# --------------------------------------------------------------------------- export


def ppe_rows(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """Each PPE sheet's rows (by its `SHEETS` option), none without a PPE section."""
    supply = scenario.ppe
    if supply is None:
        return {}
    data = supply.model_dump(mode="json")
    homes = [
        {"home": h["home"], "item": item, **{f: h[f].get(item) for f in _HOME_FIELDS}}
        for h in data["homes"]
        for item in dict.fromkeys(i for f in _HOME_FIELDS for i in h[f])
    ]
    vans = supply.vans
    dates = scenario.horizon.dates
    return {
        "ppe_homes": homes,
        "ppe_depot": [{"item": i, "stock": n} for i, n in data["depot_stock"].items()],
        "ppe_deliveries": [
            {"date": d["date"], "item": i, "quantity": n, "source": d["source"]}
            for d in data["deliveries"]
            for i, n in d["items"].items()
        ],
        "ppe_vans": (
            [{"date": None, "vans": vans}]
            if isinstance(vans, int)
            else [{"date": str(dates[d]), "vans": n} for d, n in enumerate(vans)]
        ),
        "ppe_home_deliveries": [
            {"date": d["date"], "home": h["home"], "item": i, "quantity": n}
            | {"supplier": d["supplier"]}
            for h in data["homes"]
            for d in h["deliveries"]
            for i, n in d["items"].items()
        ],
    }


_HOME_FIELDS = ("stock", "cover_days", "daily_use")

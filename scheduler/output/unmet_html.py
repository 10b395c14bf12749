"""The HTML report's table of unmet needs, one row each with its cause and remedy in words:
the whole report's and the PPE section's are the same table over different rows."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.extract.unmet_words import unmet_reason, unmet_remedy
from scheduler.output.html_page import Cell, num_head, table
from scheduler.plan import UnmetNeed


def unmet_table(unmet: Iterable[UnmetNeed], names: dict[str, str], table_id: str) -> str:
    """`unmet` in the order given: date, home and its name, kind, detail, amount, risk, why
    and what would meet it."""
    rows = [
        [
            Cell(f"{u.date:%a %d/%m}", css="nowrap", sort=u.date.isoformat()),
            u.home_id or "",
            Cell(names.get(u.home_id or "", ""), css="nowrap"),
            str(u.kind),
            u.detail,
            u.amount,
            u.risk,
            unmet_reason(u),
            unmet_remedy(u),
        ]
        for u in unmet
    ]
    heads: list[str | Cell] = [
        "date",
        "home",
        "name",
        "kind",
        "detail",
        num_head("amount"),
        num_head("risk"),
        "why",
        "what would meet it",
    ]
    return table(heads, rows, table_id=table_id)

"""The limits on what the planner reads, in one place; past one, an input is refused by name.

They keep a hostile or broken file (a 2 GB upload, a YAML alias bomb, a 10**30 capacity) from
exhausting memory, crashing a parser or overflowing the solver's integers, and each is far
beyond any real city: Plymouth's scenario is 0.1 MB and 15,000 records.
"""

from __future__ import annotations

import datetime as dt

MAX_FILE_BYTES = 100_000_000
"""Largest input file read (scenario, what-if, base, column map, CSV or XLSX): 100 MB."""

MAX_UNPACKED_BYTES = 1_000_000_000
"""Largest an XLSX workbook (a zip) may grow when unpacked: 1 GB, against zip bombs."""

MAX_RECORDS = 1_000_000
"""Most records in one file: list items and fields of a scenario (YAML aliases expanded),
or rows of a spreadsheet."""

MAX_NESTING = 64
"""Deepest nesting of lists and mappings; a scenario needs 8. Flow nesting (`[[[...`) is
measured on the text before any parser reads it: parsers recurse, crash or refuse deep input
in words of their own, so the refusal names this limit whatever parser is installed."""

MAX_HORIZON_DAYS = 56
"""Longest planning horizon: eight weeks."""

MAX_AMOUNT = 1_000_000
"""Largest count, capacity, number of days or minutes in a scenario (beds, tests a day,
shifts short, retest days, ...)."""

MAX_WEIGHT = 2**53 - 1
"""Largest risk or objective weight: the largest integer a double holds exactly. (A plan's
objective must stay below it too; the model builder checks that.)"""

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
"""Dates a scenario may hold; outside them a date is a typo, and date arithmetic near the
calendar's ends would overflow."""


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"

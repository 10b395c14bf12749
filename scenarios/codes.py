"""The shift codes a planner writes in a sheet, defined once for every table that reads them.

A per-date availability grid, the availability table's `shifts` column and the shortfalls'
`shift` column all read this table, the workers-by-date template's legend row is its
`LEGEND`, and every error message names it. One code has one meaning wherever it is
written: `N` is always "no", never "night" (rotas write N for night, yes/no sheets write N
for no, and a reader that guesses which from the other cells turns every "no" into
"available for nights"). Night is `NT` or `night`. Case, spaces and punctuation are
ignored; any other code is an error, never a guess.
"""

from __future__ import annotations

from scenarios.cells import CellError, is_blank, norm, shown
from scenarios.schema import Shift

DAY, NIGHT = Shift.DAY.value, Shift.NIGHT.value

CODES: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("Y", "yes"), (DAY, NIGHT), "available, day or night"),
    (("B", "both"), (DAY, NIGHT), "both shifts"),
    (("D", "day"), (DAY,), "day shift only"),
    (("NT", "night"), (NIGHT,), "night shift only"),
    (("N", "no", ""), (), "not available"),
)
"""(codes, shifts, meaning); the empty code is a blank cell."""

_SHIFTS = {norm(code): shifts for codes, shifts, _ in CODES for code in codes}


def _alternatives(codes: tuple[str, ...]) -> str:
    names = [code or "blank" for code in codes]
    return " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


LEGEND = "; ".join(f"{_alternatives(codes)} = {meaning}" for codes, _, meaning in CODES)
"""The codes as one line, for the template's legend row and for error messages."""

TEMPLATE_LEGEND = f"Availability codes (one per date column, any case): {LEGEND}"
"""The first row of the workers-by-date template; the importer reads from the header down."""


def shifts_of(raw: object) -> tuple[str, ...]:
    """The shifts a code makes a worker available for; () for not available."""
    word = "" if is_blank(raw) else norm(shown(raw))
    if word not in _SHIFTS or (word == "" and not is_blank(raw)):
        raise CellError(f"'{shown(raw)}' is not a shift code ({LEGEND})")
    return _SHIFTS[word]


def available_shifts(raw: object) -> list[str]:
    """The shifts of one code that must name at least one (an availability row's shifts)."""
    shifts = shifts_of(raw)
    if not shifts:
        raise CellError(f"'{shown(raw)}' means not available; for nights write NT or night")
    return list(shifts)


def one_shift(raw: object) -> str:
    """The one shift a code names (a shortfall is on one shift)."""
    shifts = shifts_of(raw)
    if len(shifts) != 1:
        meaning = "means not available" if not shifts else "names both shifts"
        raise CellError(f"'{shown(raw)}' {meaning}; write D or day, NT or night")
    return shifts[0]

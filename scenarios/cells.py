"""One spreadsheet cell at a time: where a value came from, and how each kind of value
is read from what planners type (dates in British forms or as Excel serials, yes/no flags,
numbers with thousands separators, lists in one cell).

Every parser raises `CellError` with the value and what was expected; the table reader
(`scenarios.sheets`) adds the cell's file, row and column and collects every problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scenarios.load import ScenarioError

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = range(20_000, 80_000)
"""A bare number in a date column is an Excel date serial only within 1954-2119; outside
it, `2020` is far likelier a typo than 13 July 1905."""


def norm(text: object) -> str:
    """The matching key of a header or a word: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


@dataclass(frozen=True)
class Cell:
    """Where a value came from; `column` empty means the whole row."""

    source: str
    row: int
    column: str = ""

    def __str__(self) -> str:
        where = f"{self.source} row {self.row}"
        return f"{where}, column {self.column}" if self.column else where


class CellError(ValueError):
    """A cell's value does not parse; the message names the value and what was expected."""


class Problems:
    """Every problem of one import, collected so that a planner fixes them all in one go."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)

    def raise_if_any(self) -> None:
        if self.lines:
            raise ScenarioError(self.lines)


# --------------------------------------------------------------------------- cell parsers

Parser = Callable[[Any], Any]


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not raw.strip()


def shown(raw: object) -> str:
    """A value as the planner typed it, for messages."""
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def text(raw: object) -> str:
    return shown(raw)


def whole(raw: object) -> int:
    """A whole number: `12`, `12.0` from Excel, or `1,200` with thousands separators."""
    if isinstance(raw, bool):
        raise CellError(f"'{shown(raw)}' is not a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    value = shown(raw)
    digits = value.lstrip("+-").split(".")[0].replace(",", "")
    if digits.isdigit() and len(digits) > 30:  # int() refuses past 4,300 digits anyway
        raise CellError(f"'{value[:20]}...' ({len(digits)} digits) is too large a number")
    if re.fullmatch(r"[+-]?\d+(\.0*)?", value):
        return int(value.split(".")[0])
    if re.fullmatch(r"\d{1,3}(,\d{3})+", value):
        return int(value.replace(",", ""))
    raise CellError(f"'{value}' is not a whole number")


def decimal(raw: object) -> float:
    """A plain decimal number (`50.3712`, `-4.14`): no thousands separators, units or
    degree signs, since `50,37` or `50°22'` would have to be guessed at."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return float(raw)
    value = shown(raw)
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        return float(value)
    raise CellError(f"'{value}' is not a decimal number (write 50.3712)")


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")


def date(raw: object) -> dt.date:
    """A date: a real Excel date, ISO `2020-05-29`, or UK day-first `29/05/2020`."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        serial = int(raw)
        if serial == raw and serial in EXCEL_SERIALS:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    value = shown(raw)
    iso = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?", value)
    try:
        if iso:
            return dt.date.fromisoformat(iso.group(1))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CellError(f"'{value}' is not a date (write 29/05/2020 or 2020-05-29)")


_YES = {"y", "yes", "true", "1", "x"}
_NO = {"n", "no", "false", "0"}


def flag(raw: object) -> bool:
    """A yes/no cell: Y, Yes, True, 1 or x; N, No, False or 0."""
    value = norm(shown(raw))
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(f"'{shown(raw)}' is not Y or N")


def choice(enum: type[StrEnum], synonyms: Mapping[str, str] | None = None) -> Parser:
    """One of an enumeration's values, however spaced or capitalised (`Requires
    improvement`), or a stated synonym (`nursing`)."""
    known = {norm(m.value): m.value for m in enum}
    known.update({norm(k): v for k, v in (synonyms or {}).items()})
    allowed = ", ".join(m.value for m in enum)

    def parse(raw: object) -> str:
        value = known.get(norm(shown(raw)))
        if value is None:
            raise CellError(f"'{shown(raw)}' is not one of: {allowed}")
        return value

    return parse


LIST_SEPARATORS = r"[;,|/\n]"


def items(parse_item: Parser, separators: str = LIST_SEPARATORS) -> Parser:
    """A separator-joined list (`carer; nurse` or `carer, nurse`); `none` is the empty list."""

    def parse(raw: object) -> list[Any]:
        value = shown(raw)
        if norm(value) == "none":
            return []
        parts = [p.strip() for p in re.split(separators, value) if p.strip()]
        result: list[Any] = []
        for part in parts:
            parsed = parse_item(part)
            result.extend(parsed if isinstance(parsed, list) else [parsed])
        return result

    return parse


def amount(raw: object) -> int | list[int]:
    """A daily capacity: one whole number, or one per horizon day joined by `;`.

    Only `;` separates days, since `1,200` is a thousand and two hundred.
    """
    value = shown(raw)
    if ";" in value:
        parsed: list[int] = items(whole, r";")(value)
        return parsed
    return whole(raw)


def days(raw: object) -> int | dict[str, int]:
    """Days as one whole number, or a range `1-14` (lowest-highest) when they vary."""
    value = shown(raw)
    found = re.fullmatch(r"(\d+)\s*-\s*(\d+)", value)
    if found:
        return {"min": int(found[1]), "max": int(found[2])}
    return whole(raw)

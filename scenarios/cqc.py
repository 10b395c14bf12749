"""Homes from the Care Quality Commission's public directory ("HSCA Active Locations").

Planners start from the directory they download themselves (Open Government Licence): it
lists every registered location in England with its beds, rating and service user bands,
but not its staff, residents or outbreak. Those come from an optional details table keyed
by Location ID (the `homes` columns, all optional), else from the stated defaults below,
and the import says which homes took which default.

Home type, first rule that holds (the directory gives bands, not a type; many older
people's homes also register the Mental Health band for dementia care, or the Learning
disabilities band for a few residents, so a specialist band makes a specialist home only
when the Older People band is absent):
    1. Learning disabilities band, no Older People band   -> learning_disability
    2. Mental Health band, no Older People band            -> mental_health
    3. service "Care home service with nursing"            -> older_people_nursing
    4. otherwise                                           -> older_people_residential
Locality is the postcode district (`PL4` of `PL4 7AB`), else the local authority; the
directory's Location Latitude and Longitude, when given, make travel go by distance.

The national directory holds rows no planner can plan: locations that are not care homes,
dormant or deregistered ones, care homes registered with 0 beds. Each is skipped, counted
and listed with its reason (`Skipped`), so one of them never refuses the other homes. A row
that is a care home by every readable sign but has a value that cannot be read (the bed
count, a flag, the rating, a coordinate) or no Location ID is a problem like any other
input's: skipping it could hide a real home, and guessing its value could misplan one.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.cells import CellError, Problems, choice, decimal, flag, norm, shown, whole
from scenarios.layout import DETAILS
from scenarios.schema import CqcRating, HomeType
from scenarios.sheets import Column, Record, TableSpec, read_records
from scenarios.words import count

RESIDENTS_PER_BED = 0.9
"""Occupancy before the pandemic was near 90 %; the generator draws 80-95 %."""
STAFF_PER_BED = 1.6
"""Staff per bed across a home's day and night rotas (about 4,000 staff for 2,435 beds
in the example city)."""
AGENCY_SHARE = 0.05
"""Agency staff as a share of a home's own staff (the generator draws 0-10 %)."""
CAN_ISOLATE = 1
"""Residents a home can isolate on its own premises: one room barrier-nursed."""

DEREGISTERED = "deregistered"
_STATUSES = {
    **dict.fromkeys(("registered", "active"), "registered"),
    **dict.fromkeys(("deregistered", "inactive", "deactivated", "archived"), DEREGISTERED),
}


def status(raw: object) -> str:
    """A registration status: registered (or active), or deregistered (or inactive,
    deactivated, archived); anything else is not guessed at."""
    value = _STATUSES.get(norm(shown(raw)))
    if value is None:
        raise CellError(f"'{shown(raw)}' is not a registration status (Registered, Deregistered)")
    return value


RATING = choice(CqcRating, {"Insufficient evidence to rate": CqcRating.NOT_RATED})
"""CQC's published ratings; a blank rating is a home not yet rated."""

CQC = TableSpec(
    "cqc",
    (
        Column("id", required=True, header="Location ID"),
        Column("name", required=True, header="Location Name"),
        Column("care_home", flag, required=True, header="Care home?"),
        Column("beds", whole, required=True, header="Care homes beds"),
        Column("rating", RATING, header="Location Latest Overall Rating"),
        Column("authority", required=True, header="Location Local Authority"),
        Column("region", header="Location Region"),
        Column("postcode", header="Location Postal Code"),
        Column("latitude", decimal, header="Location Latitude"),
        Column("longitude", decimal, header="Location Longitude"),
        Column("dormant", flag, header="Dormant (Y/N)"),
        Column("status", status, header="Registration Status", synonyms=("Location Status",)),
        Column("dementia", flag, header="Service user band - Dementia"),
        Column(
            "learning_disability",
            flag,
            header="Service user band - Learning disabilities or autistic spectrum disorder",
        ),
        Column("older_people", flag, header="Service user band - Older People"),
        Column("mental_health", flag, header="Service user band - Mental Health"),
        Column("nursing", flag, header="Service type - Care home service with nursing"),
        Column("residential", flag, header="Service type - Care home service without nursing"),
    ),
)

SKIP_RULES: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("care_home", lambda v: not v, "not a care home"),
    ("status", lambda v: v == DEREGISTERED, DEREGISTERED),
    ("dormant", bool, "dormant"),
    ("beds", lambda v: v == 0, "registered with 0 beds"),
)
"""(field, test, reason) in order: the first test that holds on a readable value skips the
row for that reason. A care home with a blank `Care home?` flag is not one (the directory
writes Y or blank)."""


@dataclass(frozen=True)
class Skipped:
    """A directory row that cannot be a plannable home, and why."""

    row: int
    location_id: str
    name: str
    authority: str
    reason: str


def skip_reason(row: Record) -> str | None:
    """The reason of the first rule of `SKIP_RULES` that holds; None once a value cannot be
    read, since the row may then be a real home (its problem is reported instead)."""
    for key, holds, reason in SKIP_RULES:
        if row.errors.get(key):
            return None
        if holds(row.data.get(key)):
            return reason
    return None


def skip_counts(skipped: list[Skipped]) -> str:
    """`12 rows skipped (9 not a care home, 3 registered with 0 beds)`, reasons A to Z."""
    reasons = Counter(s.reason for s in skipped)
    counts = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    return f"{len(skipped)} rows skipped ({counts})"


def skipped_csv(skipped: list[Skipped]) -> str:
    """The skipped rows as a CSV file, for the planner to check against the directory."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "Location ID", "Location Name", "Location Local Authority", "reason"])
    writer.writerows((s.row, s.location_id, s.name, s.authority, s.reason) for s in skipped)
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class CqcQuery:
    """Which homes of the directory to import; `details` is the local details table."""

    path: Path
    local_authorities: tuple[str, ...] = ()
    all_england: bool = False
    details: Path | None = None


def home_type(row: dict[str, Any]) -> HomeType:
    """The precedence of the module docstring, from a directory row's flags."""
    if row.get("learning_disability") and not row.get("older_people"):
        return HomeType.LEARNING_DISABILITY
    if row.get("mental_health") and not row.get("older_people"):
        return HomeType.MENTAL_HEALTH
    if row.get("nursing"):
        return HomeType.OLDER_PEOPLE_NURSING
    return HomeType.OLDER_PEOPLE_RESIDENTIAL


def locality(row: dict[str, Any]) -> str:
    postcode = str(row.get("postcode") or "").strip().upper()
    if postcode:
        parts = postcode.split()
        return parts[0] if len(parts) > 1 else postcode[:-3] or postcode
    return str(row.get("authority") or "unknown")


def safe_id(text: str, taken: set[str]) -> str:
    """A schema-valid id (letters, digits, `_.-`, starting with a letter or digit, at most
    64 characters), unique among `taken`. CQC's ids (`1-101234567`) are already valid."""
    cleaned = "".join(ch if (ch.isalnum() and ch.isascii()) or ch in "_.-" else "-" for ch in text)
    cleaned = cleaned.lstrip("_.-")[:60] or "home"
    unique, n = cleaned, 1
    while unique in taken:
        n += 1
        unique = f"{cleaned}-{n}"
    taken.add(unique)
    return unique


def cqc_homes(
    query: CqcQuery,
    column_map: dict[str, dict[str, str]],
    problems: Problems,
    notes: list[str],
    skipped: list[Skipped],
) -> list[Record]:
    """The directory's care homes in the named authorities, as home records; the rows of
    those authorities that cannot be a plannable home go to `skipped`."""
    if not query.all_england and not query.local_authorities:
        problems.add("--cqc needs --local-authority NAME (one or more) or --all-england")
        return []
    if query.all_england and query.local_authorities:
        problems.add("give --local-authority or --all-england, not both")
        return []
    rows, unused = read_records(query.path, CQC, column_map, problems, strict=False)
    del unused  # the directory has ~90 columns; those not used are not news
    taken: set[str] = set()
    homes: dict[str, Record] = {}
    for row in _in_area(query, rows, problems):
        reason = skip_reason(row)
        if reason is not None:
            skipped.append(_skipped(row, reason))
        elif _readable(row, homes, problems):
            homes[str(row.data["id"])] = _home(row, taken)
    where = "England" if query.all_england else ", ".join(query.local_authorities)
    source = rows[0].source if rows else query.path.name
    said = f"; {skip_counts(skipped)}" if skipped else ""
    notes.append(f"{source}: {count(len(homes), 'care home')} in {where}{said}")
    if query.details is not None:
        _apply_details(query.details, homes, column_map, problems, notes)
    _apply_defaults(list(homes.values()), notes)
    return list(homes.values())


def _in_area(query: CqcQuery, rows: list[Record], problems: Problems) -> list[Record]:
    """The rows of the authorities (matched ignoring case and punctuation); an authority
    with no location at all is a problem, with near names."""
    source = rows[0].source if rows else query.path.name
    wanted = {norm(a): a for a in query.local_authorities}
    names = sorted({str(r.data["authority"]) for r in rows if r.data.get("authority")})
    for key, asked in wanted.items():
        if key not in {norm(n) for n in names}:
            close = difflib.get_close_matches(asked, names, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.add(f"{source}: no location in local authority '{asked}'{hint}")
    if query.all_england:
        return rows
    return [r for r in rows if norm(r.data.get("authority", "")) in wanted]


def _readable(row: Record, homes: dict[str, Record], problems: Problems) -> bool:
    """Whether a care home's row holds every value a home needs, each read without a guess;
    its problems added if not."""
    lines = [line for line in row.errors.values() if line]
    if "id" not in row.data:
        lines.append(f"{row.cells['id']}: is blank (a care home needs its Location ID)")
    elif str(row.data["id"]) in homes:
        first = homes[str(row.data["id"])].row
        lines.append(f"{row.cells['id']}: Location ID '{row.data['id']}' is also on row {first}")
    if "beds" not in row.data and not row.errors.get("beds"):
        lines.append(f"{row.cells['beds']}: is blank (a care home needs its bed count)")
    for line in lines:
        problems.add(line)
    return not lines


def _skipped(row: Record, reason: str) -> Skipped:
    data = row.data
    return Skipped(
        row.row,
        str(data.get("id", "")),
        str(data.get("name", "")),
        str(data.get("authority", "")),
        reason,
    )


def _name(data: dict[str, Any]) -> str:
    """The home's name, or its Location ID where the directory shows none (blank, `*`)."""
    name = str(data.get("name") or "")
    return name if any(ch.isalnum() for ch in name) else str(data["id"])


def _home(row: Record, taken: set[str]) -> Record:
    """A directory row as a home record, each field traced to the cell it came from."""
    data = row.data
    home = Record(source=row.source, row=row.row)
    home.data = {
        "id": safe_id(str(data["id"]), taken),
        "name": _name(data),
        "type": home_type(data).value,
        "beds": data["beds"],
        "cqc_rating": data.get("rating", CqcRating.NOT_RATED.value),
        "locality": locality(data),
    }
    home.cells = {
        "id": row.cells["id"],
        "name": row.cells["name"],
        "type": row.cell,
        "beds": row.cells["beds"],
        "cqc_rating": row.cells["rating"],
        "locality": row.cells["postcode"],
    }
    for key in ("latitude", "longitude"):
        if key in data:
            home.data[key] = data[key]
            home.cells[key] = row.cells[key]
    return home


def _apply_details(
    path: Path,
    homes: dict[str, Record],
    column_map: dict[str, dict[str, str]],
    problems: Problems,
    notes: list[str],
) -> None:
    """A filled details cell replaces the directory's value or the default."""
    details, unused = read_records(path, DETAILS, column_map, problems)
    notes.extend(unused)
    elsewhere = 0
    for detail in details:
        home = homes.get(str(detail.data.get("id")))
        if home is None:
            elsewhere += "id" in detail.data
            continue
        detail.data.pop("id")
        _merge(home.data, detail.data)
        for key in _keys(detail.data):
            home.cells[key] = detail.cells[key]
    if elsewhere:
        notes.append(f"{path.name}: {elsewhere} rows for homes not imported (not read)")


def _keys(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            keys.extend(_keys(value, f"{prefix}{key}."))
        else:
            keys.append(f"{prefix}{key}")
    return keys


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        else:
            into[key] = value


def _round(x: float) -> int:
    return int(x + 0.5)


DEFAULTS: dict[str, Callable[[dict[str, Any]], int]] = {
    "residents": lambda h: _round(RESIDENTS_PER_BED * h["beds"]),
    "staff": lambda h: _round(STAFF_PER_BED * h["beds"]),
    "agency_staff": lambda h: _round(AGENCY_SHARE * h["staff"]),
    "can_isolate": lambda h: min(CAN_ISOLATE, h["residents"]),
}
"""Fields the directory lacks, in order (agency staff follow staff), from a home so far."""


def _apply_defaults(homes: list[Record], notes: list[str]) -> None:
    """Fill what neither the directory nor the details give, and say so per field."""
    used: Counter[str] = Counter()
    for home in homes:
        data = home.data
        for key, rule in DEFAULTS.items():
            if key not in data:
                data[key] = rule(data)
                home.cells[key] = home.cell
                used[key] += 1
        for key in ("outbreak", "rag", "last_tested"):
            used[key] += key not in data
    rules = {
        "residents": f"residents = round({RESIDENTS_PER_BED} x beds)",
        "staff": f"staff = round({STAFF_PER_BED} x beds)",
        "agency_staff": f"agency_staff = round({AGENCY_SHARE} x staff)",
        "can_isolate": f"can_isolate = {CAN_ISOLATE}",
        "outbreak": "no outbreak",
        "rag": "RAG green",
        "last_tested": "never tested (every cohort due at once)",
    }
    for key, said in rules.items():
        if used[key]:
            notes.append(f"default for {used[key]} of {count(len(homes), 'home')}: {said}")

"""The spreadsheet layout of a scenario: one table per kind of record, one column per field.

Import, export, the templates and the CQC details table all read these specs, so a column
added here is read, written and documented everywhere at once. A column's `header` is what
export and the templates write; its synonyms are what planners' own sheets tend to say.

Tables (a file each):
    homes        one row per home; outbreak, RAG and last-tested columns optional
    shortfalls   one row per home, date, shift and role short (`home` is the home's id)
    workers      one row per worker; roles `;`-joined; availability as date columns
                 (the codes of `scenarios.codes`) and/or the availability table
    availability one row per worker and run of days: worker, from, to, shifts
    recent-shifts one row per worker and day worked before the horizon: worker, date,
                 shift, home (blank if not known)
    sites, facilities, requests   one row per test site, isolation facility, request
    ppe-homes    one row per home and PPE item: stock (or days of cover) and daily use
    ppe-depot    one row per item: the council depot's stock on the first day
    ppe-deliveries one row per delivery and item: date, item, quantity, source
    ppe-home-deliveries one row per delivery and item from a home's own supplier: date,
                 home, item, quantity, supplier
    ppe-vans     the vans out: one row per day, or one row without a date for every day
Everything else (name, horizon, policy, travel) is in the base YAML file.
"""

from __future__ import annotations

from dataclasses import replace

from scenarios.cells import (
    Parser,
    amount,
    choice,
    date,
    days,
    decimal,
    flag,
    items,
    text,
    whole,
)
from scenarios.codes import available_shifts, one_shift
from scenarios.schema import (
    Cohort,
    CqcRating,
    FacilityKind,
    HomeType,
    Need,
    OutbreakStatus,
    PpeItem,
    Rag,
    Role,
    SiteKind,
    WorkerKind,
)
from scenarios.sheets import Column, TableSpec

HOME_TYPE = choice(
    HomeType,
    {
        "nursing": HomeType.OLDER_PEOPLE_NURSING,
        "nursing home": HomeType.OLDER_PEOPLE_NURSING,
        "residential": HomeType.OLDER_PEOPLE_RESIDENTIAL,
        "residential home": HomeType.OLDER_PEOPLE_RESIDENTIAL,
        "LD": HomeType.LEARNING_DISABILITY,
        "MH": HomeType.MENTAL_HEALTH,
    },
)
RAG = choice(Rag, {"R": Rag.RED, "A": Rag.AMBER, "G": Rag.GREEN})
CQC = choice(CqcRating, {"RI": CqcRating.REQUIRES_IMPROVEMENT})
ROLES = items(choice(Role, {"senior": Role.SENIOR_CARER, "1:1": Role.ONE_TO_ONE, "RN": Role.NURSE}))
POOL = choice(WorkerKind, {"NHS partner": WorkerKind.NHS, "trainee": WorkerKind.RECRUIT})
SHIFT: Parser = one_shift
SHIFTS: Parser = items(available_shifts)


COORDINATES = (
    Column("latitude", decimal, synonyms=("lat",)),
    Column("longitude", decimal, synonyms=("lon", "long", "lng")),
)
"""Optional on homes, workers and facilities: with both, travel is by distance."""


HOMES = TableSpec(
    "homes",
    (
        Column("id", required=True, synonyms=("home id", "home ref", "reference", "Location ID")),
        Column("name", required=True, synonyms=("home name", "care home", "name of home")),
        Column("type", HOME_TYPE, required=True, synonyms=("home type", "category")),
        Column("beds", whole, required=True, synonyms=("registered beds", "number of beds")),
        Column("residents", whole, required=True, synonyms=("current residents", "occupied beds")),
        Column("staff", whole, required=True, synonyms=("staff count", "number of staff")),
        Column("agency_staff", whole, synonyms=("agency", "agency workers")),
        Column("cqc_rating", CQC, synonyms=("cqc", "rating", "overall rating")),
        Column("rag.overall", RAG, synonyms=("rag", "overall rag", "rag rating")),
        Column("rag.ppe", RAG, synonyms=("ppe rag", "ppe")),
        Column("rag.workforce", RAG, synonyms=("workforce rag", "workforce")),
        Column("outbreak.status", choice(OutbreakStatus), synonyms=("outbreak", "covid status")),
        Column("outbreak.since", date, synonyms=("outbreak start", "outbreak date")),
        Column("outbreak.resident_cases", whole, header="resident_cases"),
        Column("outbreak.staff_cases", whole, header="staff_cases"),
        Column("outbreak.deaths_7d", whole, header="deaths_7d", synonyms=("deaths 7 days",)),
        Column("can_isolate", whole, synonyms=("isolation rooms",)),
        Column("last_tested.staff", date, synonyms=("staff last tested", "last staff test")),
        Column("last_tested.residents", date, synonyms=("residents last tested",)),
        Column("last_tested.agency", date, synonyms=("agency last tested",)),
        Column("reported", date, synonyms=("last reported", "last updated", "date reported")),
        Column("ipc_trained_on", date, synonyms=("ipc trained", "ipc training", "trained on")),
        Column("locality", synonyms=("area", "district")),
        *COORDINATES,
        Column("address", synonyms=("home address", "postal address")),
        Column("report_to", synonyms=("report to", "reporting contact", "contact on arrival")),
    ),
)

SHORTFALLS = TableSpec(
    "shortfalls",
    (
        Column("home", required=True, synonyms=("home id",)),
        Column("date", date, required=True),
        Column("shift", SHIFT, required=True),
        Column("role", choice(Role), required=True, synonyms=("grade",)),
        Column("workers", whole, required=True, synonyms=("short", "number short", "shortfall")),
    ),
)

WORKERS = TableSpec(
    "workers",
    (
        Column("id", required=True, synonyms=("worker id", "staff id", "bank id")),
        Column("name", synonyms=("worker name", "full name")),
        Column("kind", POOL, synonyms=("pool", "worker type", "contract")),
        Column("roles", ROLES, required=True, synonyms=("role", "skills")),
        Column(
            "available_from",
            date,
            synonyms=("training ends", "trained from", "start date", "starts"),
        ),
        Column("agency", synonyms=("agency id", "supplied by")),
        Column("has_car", flag, synonyms=("car", "drives", "own car")),
        Column("max_shifts", whole, synonyms=("maximum shifts", "shift limit")),
        Column("home_history.current_home", header="current_home", synonyms=("usual home",)),
        Column("home_history.last_shift", date, header="last_shift", synonyms=("last worked",)),
        Column("last_negative_test", date, synonyms=("last test", "negative test")),
        Column("locality", synonyms=("area", "district")),
        *COORDINATES,
        Column("phone", synonyms=("phone number", "mobile", "telephone", "contact number")),
    ),
    date_columns=True,
)

AVAILABILITY = TableSpec(
    "availability",
    (
        Column("worker", required=True, synonyms=("worker id", "id")),
        Column("from", date, required=True, synonyms=("start", "available from", "date")),
        Column("to", date, synonyms=("end", "until", "available to")),
        Column("shifts", SHIFTS, synonyms=("shift",)),
    ),
)

RECENT_SHIFTS = TableSpec(
    "recent-shifts",
    (
        Column("worker", required=True, synonyms=("worker id", "id")),
        Column("date", date, required=True, synonyms=("worked on", "day")),
        Column("shift", SHIFT, required=True),
        Column("home", synonyms=("home id", "worked at")),
    ),
)

SITES = TableSpec(
    "sites",
    (
        Column("id", required=True, synonyms=("site id",)),
        Column("name", synonyms=("site name",)),
        Column("kind", choice(SiteKind), required=True, synonyms=("type", "site type")),
        Column("capacity", amount, required=True, synonyms=("tests per day", "daily capacity")),
        Column("cohorts", items(choice(Cohort)), required=True, synonyms=("cohort", "tests for")),
        Column("home_types", items(HOME_TYPE), synonyms=("home type",)),
        Column("lead_days", whole, synonyms=("lead time",)),
        Column("result_days", days, synonyms=("turnaround", "days to result")),
        Column("max_homes_per_day", whole, synonyms=("max homes",)),
        Column("address", synonyms=("site address", "location")),
        Column("hours", synonyms=("opening hours", "opening times", "arrival window")),
    ),
)

FACILITIES = TableSpec(
    "facilities",
    (
        Column("id", required=True, synonyms=("facility id",)),
        Column("name", synonyms=("facility name",)),
        Column("kind", choice(FacilityKind), required=True, synonyms=("type",)),
        Column("beds", amount, required=True, synonyms=("isolation beds", "capacity")),
        Column("accepts", items(choice(Need)), required=True, synonyms=("needs",)),
        Column("locality", synonyms=("area", "district")),
        *COORDINATES,
    ),
)

REQUESTS = TableSpec(
    "requests",
    (
        Column("id", required=True, synonyms=("request id",)),
        Column("from_home", synonyms=("home", "home id")),
        Column("from_hospital", synonyms=("hospital",)),
        Column("need", choice(Need), required=True),
        Column("earliest", date, required=True, synonyms=("earliest date", "needed from")),
        Column("stay_days", whole, synonyms=("stay", "length of stay")),
        Column("reason", synonyms=("notes", "comment")),
        Column("one_to_one_ok", flag, synonyms=("1:1 ok", "1:1 at home", "one to one ok")),
    ),
)

AGENCIES = TableSpec(
    "agencies",
    (
        Column("id", required=True, synonyms=("agency id",)),
        Column("name", synonyms=("agency name",)),
        Column("homes", items(text), required=True, synonyms=("supplies", "homes supplied")),
    ),
)

PPE_ITEM = choice(
    PpeItem,
    {
        "mask": PpeItem.MASKS,
        "apron": PpeItem.APRONS,
        "glove": PpeItem.GLOVES,
        "gown": PpeItem.GOWNS,
        "visors": PpeItem.EYE_PROTECTION,
    },
)
ITEM = Column("item", PPE_ITEM, required=True, synonyms=("ppe item", "product"))

PPE_HOMES = TableSpec(
    "ppe-homes",
    (
        Column("home", required=True, synonyms=("home id",)),
        ITEM,
        Column("stock", whole, synonyms=("units", "on hand", "units on hand", "in stock")),
        Column("cover_days", whole, synonyms=("days of cover", "days cover", "cover")),
        Column("daily_use", whole, synonyms=("use per day", "used per day", "daily usage")),
    ),
)

PPE_DEPOT = TableSpec(
    "ppe-depot",
    (ITEM, Column("stock", whole, required=True, synonyms=("units", "in stock", "depot stock"))),
)

PPE_DELIVERIES = TableSpec(
    "ppe-deliveries",
    (
        Column("date", date, required=True, synonyms=("delivery date", "arrives")),
        ITEM,
        Column("quantity", whole, required=True, synonyms=("units", "qty")),
        Column("source", synonyms=("from", "supplier", "sent by")),
    ),
)

PPE_HOME_DELIVERIES = TableSpec(
    "ppe-home-deliveries",
    (
        Column("date", date, required=True, synonyms=("delivery date", "arrives")),
        Column("home", required=True, synonyms=("home id",)),
        ITEM,
        Column("quantity", whole, required=True, synonyms=("units", "qty")),
        Column("supplier", synonyms=("from", "wholesaler", "sent by")),
    ),
)

PPE_VANS = TableSpec(
    "ppe-vans",
    (Column("date", date, synonyms=("day",)), Column("vans", whole, required=True)),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        HOMES,
        SHORTFALLS,
        WORKERS,
        AVAILABILITY,
        RECENT_SHIFTS,
        SITES,
        FACILITIES,
        REQUESTS,
        AGENCIES,
        PPE_HOMES,
        PPE_DEPOT,
        PPE_DELIVERIES,
        PPE_HOME_DELIVERIES,
        PPE_VANS,
    )
}

DETAILS = replace(
    HOMES,
    name="details",
    columns=tuple(replace(c, required=c.key == "id") for c in HOMES.columns),
)
"""Local details of homes imported from the CQC directory, keyed by id (its Location ID):
every column optional, each filled cell replacing the directory's value or the default."""

"""Who may have carried an infection out of a home, and where they go next.

Agencies and the council must keep a record of which staff worked at which homes, to trace
staff movements when a home reports an outbreak. The plan folders hold that record: each
plan's staff roster for the days it covers, and each scenario's `recent_shifts` for the
days before any plan. Re-plans overlap earlier plans, so every day is read from one plan
only, the latest that covers it, and the days no plan covers from the recorded recent
shifts. Nothing is solved: a trace reads folders and takes well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scenarios.history import Worked, recorded_shifts
from scenarios.schema import Scenario, Worker
from scenarios.words import count
from scheduler.output.tables import SUMMARY, PlanReadError, read_plan_folder
from scheduler.plan import Plan


class TraceInputError(PlanReadError):
    """A home or date no plan folder knows: bad input, like an unreadable folder."""


@dataclass(frozen=True)
class PlanFolder:
    """A plan read back with the scenario it was made from."""

    folder: Path
    plan: Plan
    scenario: Scenario

    @property
    def first_open(self) -> dt.date:
        """The first day this plan decided afresh: a re-plan kept the days before it as its
        previous plan had them."""
        kept = self.plan.summary.kept_before
        start = self.scenario.horizon.start
        return max(kept, start) if kept is not None else start


@dataclass(frozen=True)
class TracedWorker:
    """A worker who worked at the traced home in the window, and where they go from `date`.

    `quarantine_ends` is the first day they may work at another home (their last shift at
    the traced home up to the traced date, plus the policy's quarantine days)."""

    worker_id: str
    name: str
    kind: str
    at_home: list[Worked]
    quarantine_ends: dt.date
    in_quarantine: bool
    next_shifts: list[Worked]
    routes: list[str]
    """Other homes they are planned to enter on or after the traced date, in order."""
    contacts: list[str]
    """Other homes they worked at in the window."""


@dataclass(frozen=True)
class Trace:
    home_id: str
    date: dt.date
    first_day: dt.date
    folders: list[Path]
    names: dict[str, str]
    workers: list[TracedWorker]

    def home_name(self, home_id: str | None) -> str:
        return self.names.get(home_id or "", "")

    @property
    def contacts(self) -> dict[str, list[str]]:
        """Each home the traced workers worked at in the window -> those workers' ids."""
        found: dict[str, list[str]] = defaultdict(list)
        for w in self.workers:
            for h in w.contacts:
                found[h].append(w.worker_id)
        return dict(sorted(found.items()))


def plan_folders(paths: Iterable[Path]) -> list[Path]:
    """Each path is a plan folder (it holds `summary.json`) or a folder holding plan
    folders (its subfolders that do), so a whole archive of plans can be named at once."""
    found: dict[Path, Path] = {}
    for path in paths:
        inner = [path] if (path / SUMMARY).is_file() else _plans_inside(path)
        if not inner:
            raise PlanReadError(f"{path}: not a plan folder, nor a folder holding plan folders")
        for folder in inner:
            found.setdefault(folder.resolve(), folder)
    return list(found.values())


def _plans_inside(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if (p / SUMMARY).is_file())


def read_plan_folders(paths: Iterable[Path]) -> list[PlanFolder]:
    return [PlanFolder(f, *read_plan_folder(f)) for f in plan_folders(paths)]


def in_order(plans: list[PlanFolder]) -> list[PlanFolder]:
    """Earliest first, so that each plan supersedes those before it for the days it covers:
    by the first day it decided afresh, then a re-plan after the plan it names as previous
    (directly or through other re-plans among `plans`), then by folder name."""
    by_folder = {p.folder.resolve(): p for p in plans}

    def depth(p: PlanFolder) -> int:
        seen: set[Path] = set()
        while p.plan.summary.previous:
            before = by_folder.get(Path(p.plan.summary.previous).resolve())
            if before is None or before.folder.resolve() in seen:
                return len(seen) + 1
            seen.add(before.folder.resolve())
            p = before
        return len(seen)

    return sorted(plans, key=lambda p: (p.first_open, depth(p), str(p.folder)))


def timeline(plans: list[PlanFolder]) -> tuple[dict[str, list[Worked]], dict[dt.date, PlanFolder]]:
    """Every worker's shifts, each day read from the latest plan covering it, and the days
    no plan covers from the recent shifts the scenarios record; and which plan owns each
    covered day."""
    ordered = in_order(plans)
    owner = {d: p for p in ordered for d in p.scenario.horizon.dates}
    worked: dict[str, set[Worked]] = defaultdict(set)
    for p in ordered:
        for a in p.plan.shifts:
            if owner.get(a.date) is p:
                worked[a.worker_id].add(Worked(a.date, a.shift, a.home_id))
        for w in p.scenario.workers:
            worked[w.id] |= {s for s in recorded_shifts(w.home_history) if s.date not in owner}
    return {
        w: sorted(shifts, key=Worked.key) for w, shifts in sorted(worked.items()) if shifts
    }, owner


def trace(plans: list[PlanFolder], home_id: str, date: dt.date, days: int) -> Trace:
    """Every worker who worked at `home_id` in the `days` days ending on `date`, where they
    are deployed from `date` on, and the other homes they worked at in that window."""
    folders = [p.folder for p in plans]
    searched = ", ".join(map(str, folders))
    names: dict[str, str] = {}
    people: dict[str, Worker] = {}
    for p in in_order(plans):
        names |= {h.id: h.name for h in p.scenario.homes}
        people |= {w.id: w for w in p.scenario.workers}
    if home_id not in names:
        raise TraceInputError(f"no home {home_id!r} in the plans' scenarios (searched {searched})")
    shifts, owner = timeline(plans)
    if date not in owner:
        spans = "; ".join(
            f"{p.folder}: {p.scenario.horizon.start} to {p.scenario.horizon.end}" for p in plans
        )
        raise TraceInputError(f"--date {date} is outside every plan ({spans})")
    quarantine = dt.timedelta(days=owner[date].scenario.policy.quarantine_days)
    first_day = date - dt.timedelta(days=days - 1)
    traced = []
    for worker_id, worked in shifts.items():
        window = [s for s in worked if first_day <= s.date <= date]
        at_home = [s for s in window if s.home_id == home_id]
        if not at_home:
            continue
        ends = at_home[-1].date + quarantine
        ahead = [s for s in worked if s.date >= date]
        person = people.get(worker_id)
        traced.append(
            TracedWorker(
                worker_id=worker_id,
                name=person.name if person is not None else "",
                kind=str(person.kind) if person is not None else "",
                at_home=at_home,
                quarantine_ends=ends,
                in_quarantine=date < ends,
                next_shifts=ahead,
                routes=_homes(ahead, home_id),
                contacts=sorted(set(_homes(window, home_id))),
            )
        )
    traced.sort(key=lambda w: (-w.at_home[-1].date.toordinal(), w.worker_id))
    return Trace(home_id, date, first_day, folders, names, traced)


def _homes(shifts: list[Worked], but: str) -> list[str]:
    """The homes of `shifts` other than `but`, each once, in the order first entered."""
    return list(dict.fromkeys(s.home_id for s in shifts if s.home_id and s.home_id != but))


COLUMNS = [
    "worker_id",
    "worker_name",
    "kind",
    "shifts_at_home",
    "last_at_home",
    "quarantine_ends",
    "in_quarantine",
    "next_date",
    "next_shift",
    "next_home_id",
    "next_home_name",
    "routes",
    "next_shifts",
    "contacts",
]


def trace_table(t: Trace) -> pd.DataFrame:
    """One row per traced worker: the `--out` CSV, and the printed table's source."""

    def named(homes: list[str]) -> str:
        return "; ".join(f"{h} {t.home_name(h)}".strip() for h in homes)

    rows = []
    for w in t.workers:
        following = w.next_shifts[0] if w.next_shifts else None
        rows.append(
            {
                "worker_id": w.worker_id,
                "worker_name": w.name,
                "kind": w.kind,
                "shifts_at_home": "; ".join(str(Worked(s.date, s.shift, None)) for s in w.at_home),
                "last_at_home": w.at_home[-1].date.isoformat(),
                "quarantine_ends": w.quarantine_ends.isoformat(),
                "in_quarantine": "yes" if w.in_quarantine else "no",
                "next_date": following.date.isoformat() if following else "",
                "next_shift": str(following.shift or "") if following else "",
                "next_home_id": (following.home_id or "") if following else "",
                "next_home_name": t.home_name(following.home_id) if following else "",
                "routes": named(w.routes),
                "next_shifts": "; ".join(map(str, w.next_shifts)),
                "contacts": named(w.contacts),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def trace_text(t: Trace) -> str:
    """The short printed answer: who, where from now, and the contact homes."""
    head = (
        f"{t.home_id} {t.home_name(t.home_id)}: {count(len(t.workers), 'worker')} worked there "
        f"from {t.first_day} to {t.date} (read from {count(len(t.folders), 'plan')}: "
        f"{', '.join(map(str, t.folders))})"
    )
    if not t.workers:
        return head
    shown = trace_table(t)[
        [
            "worker_id",
            "worker_name",
            "kind",
            "last_at_home",
            "quarantine_ends",
            "in_quarantine",
            "next_date",
            "next_home_name",
            "routes",
        ]
    ]
    lines = [head, shown.to_string(index=False)]
    contacts = t.contacts
    lines.append(f"contacts: {count(len(contacts), 'other home')} in the window")
    lines += [f"  {h} {t.home_name(h)}: {', '.join(ws)}" for h, ws in contacts.items()]
    return "\n".join(lines)

"""Why one home got what it got: its risk, its needs and what met them day by day, the
binding cause of everything left open and the cheapest change that would have given more.

Reads only a plan folder (the tables and the `scenario.yaml` inside): the causes were
found when the plan was made, from the rules tight at the plan (`scheduler.extract.causes`), and
stored in `unmet.csv`; here they are gathered for one home and joined with the rosters
(who else used a full site that day). Nothing is solved or built again, so an answer
takes well under a second on the city example.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from constraints import rules
from constraints.context import Context
from constraints.model import Model
from constraints.testing import cover_windows
from scenarios.absences import absence_rounds
from scenarios.risk import RISK_PARTS, RiskTable, stale_age
from scenarios.schema import Scenario
from scenarios.words import count
from scheduler.analysis.explain_ppe import home_ppe, ppe_text
from scheduler.extract.causes import STAFF_RULES
from scheduler.output.brief_data import parse_blocked
from scheduler.output.tables import PlanReadError, read_plan_folder
from scheduler.plan import PlacementMode, Plan, ShiftSource, UnmetKind, UnmetNeed

USERS_SHOWN = 5
"""Higher-priority homes named per full site-day."""


class UnknownHomeError(PlanReadError):
    """The home asked about is not in the plan's scenario."""


def explain_home(plan_dir: str | Path, home_id: str) -> dict[str, Any]:
    """Everything `carehome explain` prints, as plain data (the `--json` output)."""
    folder = Path(plan_dir)
    plan, scenario = read_plan_folder(folder)
    homes = {h.id: h for h in scenario.homes}
    if home_id not in homes:
        raise UnknownHomeError(f"{folder}: no home {home_id!r} in the plan's scenario")
    home = homes[home_id]
    rows = sorted((r for r in plan.risk if r.home_id == home_id), key=lambda r: r.date)
    requests = [r for r in scenario.isolation_requests if r.from_home == home_id]
    unmet = [u for u in plan.unmet if u.home_id == home_id]
    return {
        "home": {
            "id": home.id,
            "name": home.name,
            "type": str(home.type),
            "reported": str(home.reported or scenario.horizon.start),
            "data_days_old": stale_age(
                home, scenario.horizon.start, scenario.policy.stale_after_days
            ),
        },
        "risk": {
            "first_day": rows[0].model_dump(mode="json", include={"date", "score", *RISK_PARTS})
            if rows
            else {},
            "by_day": {str(r.date): r.score for r in rows},
        },
        "days": _days(scenario, plan, home_id),
        "forecast": [r.assumption for r in absence_rounds(scenario) if r.home == home_id],
        "requests": [
            {
                "request_id": r.id,
                "need": str(r.need),
                "earliest": str(r.earliest),
                "one_to_one_ok": r.one_to_one_ok,
                "placed": next(
                    (p.model_dump(mode="json") for p in plan.placements if p.request_id == r.id),
                    None,
                ),
            }
            for r in requests
        ],
        "visits": _visits(scenario, plan, home_id),
        "ppe": home_ppe(scenario, plan, home_id),
        "unmet": [_unmet(u, plan, home_id) for u in unmet],
        "changes": _changes(unmet),
    }


def _days(scenario: Scenario, plan: Plan, home_id: str) -> list[dict[str, Any]]:
    """Per day: people due a test by then and booked, shifts short and filled (the 1:1
    shifts of stays at home apart: their request's line counts them, and the shifts
    short do not include them)."""
    ctx = Context(scenario, Model(), RiskTable(scenario))
    due: dict[dt.date, int] = defaultdict(int)
    for w in cover_windows(ctx):
        if w.home == home_id:
            due[w.due] += w.size
    booked: dict[dt.date, int] = defaultdict(int)
    for t in plan.testing:
        if t.home_id == home_id:
            booked[t.date] += t.tests
    short: dict[dt.date, int] = defaultdict(int)
    forecast: dict[dt.date, int] = defaultdict(int)
    for (h, d, _s, _r), need in ctx.demand.items():
        if h == home_id:
            short[ctx.dates[d]] += need.reported
            forecast[ctx.dates[d]] += need.forecast
    filled: dict[dt.date, int] = defaultdict(int)
    one_to_one: dict[dt.date, int] = defaultdict(int)
    for s in plan.shifts:
        if s.home_id == home_id:
            (one_to_one if s.source == ShiftSource.ONE_TO_ONE else filled)[s.date] += 1
    untested: dict[dt.date, int] = defaultdict(int)
    for u in plan.unmet:
        if u.home_id == home_id and u.kind in (UnmetKind.COHORT_TEST, UnmetKind.OUTBREAK_TEST):
            untested[u.date] += u.amount
    return [
        {
            "date": str(d),
            "tests_due": due[d],
            "tests_due_untested": untested[d],
            "tests_booked": booked[d],
            "shifts_short": short[d],
            "shifts_forecast": forecast[d],
            "shifts_filled": filled[d],
            "shifts_one_to_one": one_to_one[d],
        }
        for d in ctx.dates
    ]


def _visits(scenario: Scenario, plan: Plan, home_id: str) -> dict[str, Any]:
    """The home's IPC training state and the officers' visits to it, each with the needs
    it meets (its reason); the needs left unvisited are among the home's unmet rows."""
    home = next(h for h in scenario.homes if h.id == home_id)
    return {
        "officers": len(scenario.officers),
        "ipc_trained_on": str(home.ipc_trained_on) if home.ipc_trained_on else None,
        "planned": [
            v.model_dump(mode="json", exclude={"home_id"})
            for v in plan.visits
            if v.home_id == home_id
        ],
    }


def _unmet(u: UnmetNeed, plan: Plan, home_id: str) -> dict[str, Any]:
    row: dict[str, Any] = u.model_dump(mode="json", exclude={"blocked", "binding", "home_id"})
    row["binding"] = u.binding.split()
    row["next_in_line"] = [x for x in u.next_in_line.split(",") if x]
    if u.cause_rule == rules.SITE_CAPACITY.id and u.cause_date is not None:
        row["used_by"] = _site_users(plan, u, home_id)
    if u.blocked:
        row["workers"] = [_worker(entry) for entry in u.blocked.split()]
    return row


def _site_users(plan: Plan, u: UnmetNeed, home_id: str) -> list[dict[str, Any]]:
    """Homes that took slots at the full site(s) on the cause's day with at least this
    home's risk: the higher-priority homes that used the capacity."""
    sites = set(u.cause_resource.split(","))
    held: dict[str, list[int]] = {}
    for t in plan.testing:
        if t.site_id in sites and t.date == u.cause_date and t.home_id not in (None, home_id):
            risk_tests = held.setdefault(t.home_id or "", [t.risk, 0])
            risk_tests[1] += t.tests
    ahead = [(h, r, n) for h, (r, n) in held.items() if r >= u.risk]
    ahead.sort(key=lambda x: (-x[1], x[0]))
    return [{"home_id": h, "risk": r, "tests": n} for h, r, n in ahead]


def _worker(entry: str) -> dict[str, str]:
    """`w017:quarantine@2020-06-11` -> worker, rule, the rule's home or date, and why."""
    worker, rule, at = parse_blocked(entry)
    return {"worker_id": worker, "rule": rule, "at": at, "why": STAFF_RULES.get(rule, rule)}


def _changes(unmet: list[UnmetNeed]) -> list[dict[str, Any]]:
    """Each distinct remedy with the risk-weighted need it would have met, largest first."""
    gain: dict[str, int] = defaultdict(int)
    for u in unmet:
        if u.remedy:
            gain[u.remedy] += u.risk * u.amount
    return [
        {"change": change, "risk_weighted_need": n}
        for change, n in sorted(gain.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


# ------------------------------------------------------------------ text


def explain_text(report: dict[str, Any]) -> str:
    """The report as the lines `carehome explain` prints."""
    home = report["home"]
    risk = report["risk"]
    lines = [f"{home['id']} {home['name']} ({home['type']})"]
    if home["data_days_old"]:
        lines.append(
            f"data {count(home['data_days_old'], 'day')} old (reported {home['reported']}): "
            "its figures may have changed since"
        )
    if risk["first_day"]:
        first = risk["first_day"]
        parts = ", ".join(f"{p} {first[p]}" for p in RISK_PARTS if first[p])
        scores = list(risk["by_day"].values())
        lines.append(
            f"risk {first['score']} on {first['date']} = {parts}; "
            f"{min(scores)}..{max(scores)} over the horizon"
        )
    for assumption in report["forecast"]:
        lines.append(f"forecast absences: {assumption}")
    lines += ["", "date        tests due  untested  booked   shifts short  forecast  filled"]
    for d in report["days"]:
        if d["tests_due"] or d["tests_booked"] or d["shifts_short"] or d["shifts_forecast"]:
            lines.append(
                f"{d['date']}  {d['tests_due']:9}  {d['tests_due_untested']:8}  "
                f"{d['tests_booked']:6}   {d['shifts_short']:12}  {d['shifts_forecast']:8}  "
                f"{d['shifts_filled']:6}"
            )
    lines += [_request_text(r) for r in report["requests"]]
    lines += _visits_text(report["visits"])
    lines += ppe_text(report["ppe"])
    if not report["unmet"]:
        lines += ["", "every need of this home is met"]
        return "\n".join(lines)
    lines += ["", f"unmet ({len(report['unmet'])}):"]
    for u in report["unmet"]:
        lines.append(f"- {u['date']} {u['kind']} {u['detail']}: {u['amount']} unmet")
        lines.append(f"    cause ({u['cause_family']}/{u['cause_rule']}): {u['cause']}")
        if u.get("used_by"):
            users = ", ".join(
                f"{x['home_id']} (risk {x['risk']}, {count(x['tests'], 'test')})"
                for x in u["used_by"][:USERS_SHOWN]
            )
            more = len(u["used_by"]) - USERS_SHOWN
            lines.append(
                f"    {u['cause_resource']} on {u['cause_date']} used by {users}"
                + (f" and {more} more" if more > 0 else "")
            )
        if u.get("workers"):
            lines.append("    workers: " + _workers_text(u["workers"]))
        if u["cause_rule"] == rules.OFFICER_MINUTES.id and u["next_in_line"]:
            homes = ", ".join(u["next_in_line"])
            lines.append(f"    {u['cause_resource']} on {u['cause_date']} visited {homes}")
        if u["remedy"]:
            lines.append(f"    would help: {u['remedy']}")
    lines += ["", "cheapest changes, by risk-weighted need they would have met:"]
    lines += [f"  {c['risk_weighted_need']:7}  {c['change']}" for c in report["changes"][:5]]
    return "\n".join(lines)


def _request_text(r: dict[str, Any]) -> str:
    """One isolation request's line: where it was placed, or that it is met 1:1 at the
    resident's own home and why (the placement's reason names the beds that were full and
    the 1:1 shifts the stay costs), or that it could have been, when the home offered it."""
    placed = r["placed"]
    head = f"isolation {r['request_id']} ({r['need']}) from {r['earliest']}"
    if placed and placed["mode"] == PlacementMode.ONE_TO_ONE:
        return (
            f"{head}: met 1:1 at home from {placed['admit_date']} to "
            f"{placed['discharge_date']}: {placed['reason']}"
        )
    got = f"placed at {placed['facility_id']} on {placed['admit_date']}" if placed else "not placed"
    offered = " (the home offered 1:1 at home)" if r["one_to_one_ok"] else ""
    return f"{head}: {got}{offered}"


def _visits_text(visits: dict[str, Any]) -> list[str]:
    """The home's training state and each officer's visit with the needs it meets."""
    if not visits["officers"]:
        return []
    trained = visits["ipc_trained_on"]
    lines = [f"IPC training: {'trained on ' + trained if trained else 'not yet trained'}"]
    lines += [
        f"visit {v['date']} by {v['officer_id']} ({v['kind']}, {v['travel_minutes']} min "
        f"travel): {v['reason']}"
        for v in visits["planned"]
    ]
    return lines


def _workers_text(workers: list[dict[str, str]]) -> str:
    """`one_home: w001@h045, w002@h012; quarantine: w017 until 2020-06-11`."""
    by_rule: dict[str, list[str]] = defaultdict(list)
    quarantine = rules.QUARANTINE.id
    for w in workers:
        at = w["at"]
        shown = f"{w['worker_id']} until {at}" if w["rule"] == quarantine else w["worker_id"]
        if at and w["rule"] != quarantine:
            shown += f"@{at}"
        by_rule[w["rule"]].append(shown)
    return "; ".join(f"{rule}: {', '.join(ids)}" for rule, ids in by_rule.items())

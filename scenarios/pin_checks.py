"""Checks of the scenario's pins: each names known records, a date inside the horizon and
its own rule.

Apart from `scenarios.checks` because pins are a planner's decisions laid over the
scenario, not part of it: they are checked against every section at once, after them.
"""

from __future__ import annotations

from collections.abc import Iterator

from scenarios.one_to_one import may_stay_at_home
from scenarios.schema import AT_HOME, RequestPin, Scenario, WorkerPin


def pin_problems(s: Scenario) -> Iterator[tuple[str, str]]:
    """(field path, message) for every pin problem. Pins name known records and dates
    inside the horizon, and each names its own rule: one pin per worker, home and date,
    one per request and facility (a second one there either repeats the first or
    contradicts it, on the face of the file). Whether different pins can hold together is
    the solver's question, answered with them named. A request pinned to `own home (1:1)`
    must be one the scenario offers a stay at home."""
    known = {
        "worker": {w.id for w in s.workers},
        "home": {h.id for h in s.homes},
        "request": {r.id for r in s.isolation_requests},
        "facility": {f.id for f in s.isolation_facilities} | {AT_HOME},
    }
    pins: list[tuple[str, WorkerPin | RequestPin]] = [
        *((f"pins.workers[{i}]", p) for i, p in enumerate(s.pins.workers)),
        *((f"pins.requests[{i}]", p) for i, p in enumerate(s.pins.requests)),
    ]
    for at, pin in pins:
        for field, ids in known.items():
            value = getattr(pin, field, None)
            if value is not None and value not in ids:
                yield (f"{at}.{field}", f"unknown {field} {value!r}")
        for field in ("date", "admit"):
            day = getattr(pin, field, None)
            if day is not None and not s.horizon.start <= day <= s.horizon.dates[-1]:
                yield (f"{at}.{field}", f"date {day} is outside the horizon")
    requests = {r.id: r for r in s.isolation_requests}
    for i, rp in enumerate(s.pins.requests):
        request = requests.get(rp.request)
        if rp.facility == AT_HOME and request is not None and not may_stay_at_home(s, request):
            yield (
                f"pins.requests[{i}].facility",
                f"{rp.request} is not offered {AT_HOME}: that needs a request from a home "
                "marked one_to_one_ok and policy.one_to_one.enabled",
            )
    yield from _repeated(
        "pins.workers",
        [(p.worker, p.home, p.date) for p in s.pins.workers],
        "worker, home and date",
    )
    yield from _repeated(
        "pins.requests", [(p.request, p.facility) for p in s.pins.requests], "request and facility"
    )


def _repeated(at: str, keys: list[tuple[object, ...]], what: str) -> Iterator[tuple[str, str]]:
    """Each entry of the list `at` whose key an earlier one already has."""
    first: dict[tuple[object, ...], int] = {}
    for i, k in enumerate(keys):
        if k in first:
            yield (f"{at}[{i}]", f"pins the same {what} as {at}[{first[k]}]")
        first.setdefault(k, i)

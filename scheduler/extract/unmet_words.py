"""One plain sentence per unmet need, for the planner's `unmet.csv`: what is unmet, where
and when, the rule that binds it and the change that would meet it.

The sentence is rendered from the structured cause alone (`cause_rule`, `cause_resource`,
`cause_date`, `blocked`, `remedy`), never from the long `cause` text, so it says what the
cause finder found and reads the same for a plan folder written before it existed. It
has no commas, so a CSV cell holding it needs no quotes, and it stays short: the machine
detail (every tight constraint, every blocked worker) is in `unmet_detail.csv`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from constraints import rules
from scenarios.words import count
from scheduler.extract.causes_staffing import ONE_SHIFT_A_DAY, TEST_VALIDITY
from scheduler.plan import ShiftSource, UnmetKind, UnmetNeed

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

_WORKERS_ARE: dict[str, str] = {
    rules.ONE_HOME.id: "placed elsewhere",
    ONE_SHIFT_A_DAY: "on other shifts",
    rules.REST_AFTER_NIGHT.id: "resting after a night shift",
    rules.MAX_PER_7_DAYS.id: "at the 7-day shift limit",
    rules.MAX_CONSECUTIVE_DAYS.id: "at the consecutive-days limit",
    rules.MAX_SHIFTS.id: "at their own shift limit",
    TEST_VALIDITY: "without a valid test",
    rules.QUARANTINE.id: "in quarantine",
    rules.TRAINING.id: "still in training",
    rules.AGENCY_SUPPLY.id: "with agencies that do not supply this home",
}
"""What the workers a staffing rule stops are, as a sentence says it."""

_LIFTS: dict[str, str] = {
    rules.QUARANTINE.id: " until {}",
    TEST_VALIDITY: " (earliest start {})",
    rules.TRAINING.id: " (the first trained {})",
}
"""When a rule kept by construction lets a worker start (the cause's date)."""

_STAFF_FIX: dict[str, str] = {
    TEST_VALIDITY: "agency or NHS staff",
    rules.TRAINING.id: "a trained {role} or an earlier training end",
}
"""The change that meets a shift when no bank worker can start in time; else one more
available worker."""

_WHY: dict[str, str] = {
    rules.SITE_CAPACITY.id: "site {resource} full",
    rules.MOBILE_UNIT_VISITS.id: "mobile unit {resource} at its visit limit",
    rules.LEAD_TIME.id: "site {resource} books too late (lead time)",
    "result_days": "results come back too late",
    rules.SITE_ACCEPTS.id: "no test channel takes them",
    rules.COHORT_SIZE.id: "one swab per person a day",
    rules.BED_OCCUPANCY.id: "{resource} full from {date}",
    rules.PPE_DEPOT.id: "depot out of {resource} on {date}",
    rules.PPE_VAN_CAPACITY.id: "no van free on {date}",
    rules.FACILITY_ACCEPTS.id: "no facility takes this need",
    rules.AVAILABILITY.id: "no {role} available then",
    rules.ROLE.id: "no worker in any pool holds the role",
    rules.OFFICER_MINUTES.id: "officer {resource}'s day on {date} spent on higher-risk homes",
    rules.TRAINING_SESSIONS.id: "the training sessions of {date} all used",
    rules.ONE_VISIT_A_DAY.id: "the home sees another officer on {date}",
    rules.OFFICER_ON_DUTY.id: "no {resource} officer on duty in time",
    rules.OFFICER_DELIVERS.id: "no officer delivers {resource}",
    "time_limit": "the search ended first",
    "solver": "possible but left open by the search or outweighed by other needs",
}
"""The binding rule in a few words, by `cause_rule`; any other rule is named as it is."""


_PPE: dict[UnmetKind, str] = {
    UnmetKind.PPE_COVER: "{n} of PPE cover short{at} on {when}",
    UnmetKind.PPE_WITHOUT: "{n} {detail}{at} on {when}",
    UnmetKind.PPE_EMERGENCY: "{amount} emergency PPE drop missed{at} from {when}",
}
"""What a PPE row says is unmet, its amount first like every other row's (a without row's
detail names the item: `without aprons`)."""


def short_date(day: dt.date) -> str:
    """`2 Jun`, the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def unmet_sentence(u: UnmetNeed, home_name: str | None) -> str:
    """What, where and when; why; and the fix, as one sentence."""
    remedy = unmet_remedy(u)
    fix = f"fix: {remedy}" if remedy else "no single change found"
    return f"{_what(u, home_name)}: {unmet_reason(u)}; {fix}."


def _plain(role: str) -> str:
    """`senior_carer` -> `senior carer`, `one_to_one` -> `one-to-one`."""
    return role.replace("_to_", "-to-").replace("_", " ")


def _what(u: UnmetNeed, home_name: str | None) -> str:
    at = f" at {home_name}" if home_name else ""
    when = short_date(u.date)
    if u.kind == UnmetKind.SHIFT:
        shift, _, role = u.detail.split(";", 1)[0].partition(" shift, ")
        short = "forecast short" if u.source == ShiftSource.FORECAST else "short"
        return f"{count(u.amount, f'{_plain(role)} {shift} shift')} {short}{at} on {when}"
    if u.kind in (UnmetKind.COHORT_TEST, UnmetKind.OUTBREAK_TEST):
        cohort = u.detail.split(":", 1)[0]
        return f"{u.amount} {cohort}{at} untested by {when}"
    if u.kind == UnmetKind.ROOM:
        request = u.detail.split(" (", 1)[0]
        return f"{count(u.amount, 'room night')} of {request} unmet{at} from {when}"
    if u.kind in (UnmetKind.VISIT, UnmetKind.TRAINING):
        due = _ISO.sub(lambda m: short_date(dt.date.fromisoformat(m.group(0))), u.detail)
        return f"{u.amount} {due}{at} unmet"
    if u.kind in (UnmetKind.ROOM_NIGHT, UnmetKind.TAXI):
        worker, _, what = u.detail.partition(": ")
        return f"{u.amount} {what} for {worker}{at} on {when}"
    if u.kind in _PPE:
        n = count(u.amount, "day")
        return _PPE[u.kind].format(n=n, amount=u.amount, detail=u.detail, at=at, when=when)
    request = u.detail.split(" (", 1)[0]
    origin = f" from {home_name}" if home_name else ""
    if u.kind == UnmetKind.ISOLATION_WAIT:
        return f"isolation {request}{origin} waited {count(u.amount, 'day')} from {when}"
    return f"isolation {request}{origin} not placed from {when}"


def unmet_reason(u: UnmetNeed) -> str:
    """Why the need is unmet, in a few plain words (the binding rule and what it stops)."""
    if not u.cause_family:
        return "cause not computed"
    role = _plain(u.cause_resource)
    if u.cause_rule in _WORKERS_ARE and u.blocked:
        rules = Counter(entry.split(":", 1)[1].split("@", 1)[0] for entry in u.blocked.split())
        stopped, of = rules[u.cause_rule], rules.total()
        share = "all" if stopped == of else f"{stopped} of"
        text = f"{share} {count(of, f'available {role}')} {_WORKERS_ARE[u.cause_rule]}"
        if u.cause_rule in _LIFTS and u.cause_date:
            text += _LIFTS[u.cause_rule].format(short_date(u.cause_date))
        return text
    # A need no rule binds (family or rule "solver") is said in words like the others.
    binding = u.cause_rule or u.cause_family
    template = _WHY.get(binding, binding)
    date = short_date(u.cause_date) if u.cause_date else "then"
    return template.format(resource=u.cause_resource.replace(",", " and "), role=role, date=date)


def unmet_remedy(u: UnmetNeed) -> str:
    """The change that would meet the need, in plain words ("" when none was found)."""
    if u.kind == UnmetKind.SHIFT and u.cause_family == "staffing":
        template = _STAFF_FIX.get(u.cause_rule, "one more {role}")
        return template.format(role=_plain(u.cause_resource))
    if not u.remedy:
        return ""
    remedy = _ISO.sub(lambda m: short_date(dt.date.fromisoformat(m.group(0))), u.remedy)
    return remedy.replace(", ", " and ").replace(" at site ", " at ")

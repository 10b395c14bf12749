"""The short summary `carehome plan` prints: what was solved, how well, what is left."""

from __future__ import annotations

from pathlib import Path

from scenarios.schema import Scenario, WorkerKind
from scenarios.words import count
from scheduler.plan import Plan, Summary, UnmetKind

_KPI_LABELS = {
    "cohort_tests_in_interval_pct": "cohort tests within retest interval",
    "outbreak_tests_in_window_pct": "outbreak whole-home tests in window",
    "shortfall_shifts_filled_pct": "shortfall shifts filled",
    "isolation_requests_placed_pct": "isolation requests placed",
}

_POOL_WORDS = {
    WorkerKind.BANK: "bank",
    WorkerKind.NHS: "NHS",
    WorkerKind.AGENCY: "agency",
    WorkerKind.RECRUIT: "recruits",
}
"""Each pool as the summary names it, in the order it lists them."""


def pool_text(kpis: dict[str, float]) -> str:
    """Shifts covered by each pool that covered any ("bank 300, NHS 60, agency 40"): which
    shortfalls the bank covers and which the other pools do. Empty for a plan without them."""
    return ", ".join(
        f"{words} {n:.0f}"
        for pool, words in _POOL_WORDS.items()
        if (n := kpis.get(f"shifts_filled_{pool}", 0))
    )


def scenario_counts(s: Scenario) -> str:
    """What a scenario holds, as `validate` and `import` print it."""
    return (
        f"{count(len(s.homes), 'home')}, {count(len(s.workers), 'worker')}, "
        f"{count(len(s.test_sites), 'test site')}, "
        f"{count(len(s.isolation_facilities), 'facility')}, "
        f"{count(len(s.isolation_requests), 'isolation request')}, "
        f"{count(s.horizon.days, 'day')}"
    )


def override_notes(s: Scenario) -> list[str]:
    """Each site whose explicit home_types lets it test what its kind does not, for the
    home types the scenario has: the plan will rest on that list, so say it."""
    types = sorted({h.type for h in s.homes})
    return [
        f"note: {said}"
        for site in s.test_sites
        for cohort in site.cohorts
        for t in types
        if (said := site.override(cohort, t))
    ]


def summary_text(scenario: Scenario, plan: Plan, out: Path) -> str:
    s = plan.summary
    k = s.kpis
    h = scenario.horizon
    lines = [
        f"{scenario.name}: {count(len(scenario.homes), 'home')}, "
        f"{count(len(scenario.workers), 'worker')}, {count(h.days, 'day')} from {h.start}",
        f"solver {s.solver}: {s.status}, {gap_text(s)}, build {s.build_seconds:.2f} s, "
        f"solve {s.solve_seconds:.2f} s, wall {s.wall_seconds:.2f} s "
        f"({s.model_size.get('variables', 0):,} variables, "
        f"{s.model_size.get('constraints', 0):,} constraints)",
    ]
    lines.append(f"  {quality_text(s)}")
    if s.path:
        lines.append(f"  tier 1 planned by {s.path}")
    note = bound_note(s)
    if note:
        lines.append(f"  ({note})")
    for st in s.stages:
        lines.append(
            f"  tier {st.tier} {st.name:<48} {st.status:<8} {st.objective:>14,.0f} "
            f"(bound {st.best_bound:,.0f}{', LP' if st.bound_source == 'lp-relaxation' else ''})"
        )
    lines.append("")
    for key, label in _KPI_LABELS.items():
        lines.append(f"  {label:<40} {k.get(key, 0):6.1f} %")
    lines.append(
        f"  {'shifts filled / short':<40} {k.get('shifts_filled', 0):6.0f} / "
        f"{k.get('shifts_short', 0):.0f} by {count(k.get('workers_deployed', 0), 'worker')}"
    )
    if pools := pool_text(k):
        lines.append(f"  {'shifts covered by pool':<40} {pools}")
    if k.get("forecast_shifts_short"):
        lines.append(
            f"  {'forecast absences filled / short':<40} "
            f"{k.get('forecast_shifts_filled', 0):6.0f} / {k['forecast_shifts_short']:.0f} "
            "(positives from staff tests)"
        )
    lines.append(f"  {'isolation mean wait':<40} {wait_text(plan)}")
    lines.append(
        f"  {'tests booked':<40} {k.get('tests_booked', 0):6.0f} "
        f"({k.get('test_capacity_used_pct', 0):.1f} % of capacity)"
    )
    if scenario.ppe is not None:
        lines.append(f"  {'PPE drops booked / home-days short':<40} {ppe_text(plan)}")
    lines.append("")
    lines.append(
        f"wrote {out}/: {count(len(plan.testing), 'test booking')}, "
        f"{count(len(plan.shifts), 'shift')}, {count(len(plan.placements), 'placement')}, "
        f"{count(len(plan.unmet), 'unmet need')}"
    )
    if s.kept_before is not None:
        lines.append(
            f"changes: {count(len(plan.changes), 'row')}; calls: "
            f"{count(s.workers_to_call, 'worker')}, {count(s.homes_to_call, 'home')}"
        )
    return "\n".join(lines)


_PROVERS = {
    "lp-relaxation": "the LP relaxation",
    "trivial": "the variables' own bounds",
    "column-generation": "column generation over whole schedules",
}
"""Who proved a bound, in words; a search's bound is named by its solver (a decomposed plan's
bound names each part's prover, joined by +)."""


def ppe_text(plan: Plan) -> str:
    """Van stops booked against the days homes end below the cover target or go without
    (a home-day counted once, whatever its items), and any emergency drop missed."""
    stops = len({(d.date, d.home_id) for d in plan.ppe_drops})
    short = {(u.home_id, u.date) for u in plan.unmet if u.kind in _PPE_SHORT}
    missed = sum(u.kind == UnmetKind.PPE_EMERGENCY for u in plan.unmet)
    text = f"{stops:6d} / {len(short)}"
    return text + (f" ({count(missed, 'emergency drop')} missed)" if missed else "")


_PPE_SHORT = (UnmetKind.PPE_COVER, UnmetKind.PPE_WITHOUT)


def gap_text(s: Summary) -> str:
    """The gap, unless the bound is nothing (zero): a gap of 100 % against nothing says only
    that no bound was found."""
    return f"gap {100 * s.gap:.2f}%" if s.best_bound > 0 else "no bound"


def quality_text(s: Summary) -> str:
    """How far the plan can be from the best possible, in a planner's words, and only what is
    proven: tier 1 (risk-weighted unmet need) against the best bound any method found. The
    best plan's unmet need is at least the bound, so this plan's is at most
    (objective - bound) / bound above it."""
    if not s.stages:
        return "nothing to plan"
    first = s.stages[0]
    if first.status == "OPTIMAL" or first.objective <= first.best_bound:
        return "the best possible plan for unmet need (proven)"
    if first.best_bound <= 0:
        return "how close this is to the best possible plan is not proven (no bound found)"
    excess = 100 * (first.objective - first.best_bound) / first.best_bound
    who = " and ".join(_PROVERS.get(part, part) for part in first.bound_source.split("+"))
    return (
        f"at most {excess:,.1f} % more risk-weighted unmet need than the best possible plan "
        f"(proven by {who})"
    )


def wait_text(plan: Plan) -> str:
    """The mean wait is over placed requests only: say so, and how many were never placed
    (their wait has no end inside the plan)."""
    placed = len(plan.placements)
    never = sum(u.amount for u in plan.unmet if u.kind == "isolation")
    if not placed:
        return f"none placed; {never} never placed" if never else "no requests"
    text = f"{plan.summary.kpis.get('isolation_mean_wait_days', 0):6.2f} days for {placed} placed"
    return f"{text}; {never} never placed" if never else text


def bound_note(s: Summary) -> str:
    """What the gap is measured against, only what is true: the LP bound when obtained; that
    it was asked for and not obtained, and why; or, when not asked for, that it exists."""
    if not s.stages:
        return ""
    first = s.stages[0]
    by_patterns = first.bound_source == "column-generation"
    who = "column generation's" if by_patterns else f"{s.solver}'s own"
    if s.lp_bound_asked and first.lp_bound is None:
        return (
            f"--lp-bound: GLOP did not solve the tier {first.tier} LP relaxation within its "
            f"time limit of {s.time_limit:g} s, so there is no LP bound; the gap is against "
            f"{who} bound"
        )
    if s.lp_bound_asked and first.lp_bound is not None:
        if first.bound_source == "lp-relaxation":
            return f"LP relaxation bound {first.lp_bound:,.0f}: the gap is against it"
        return (
            f"LP relaxation bound {first.lp_bound:,.0f}, no tighter than {who} "
            f"bound {first.best_bound:,.0f}: the gap is against the latter"
        )
    if first.bound_source == s.solver and s.gap > 0.10:  # the search's own bound
        return f"the gap is against {s.solver}'s own bound; --lp-bound can prove a tighter one"
    return ""

"""The short summary `carehome plan` prints: what was solved, how well, what is left."""

from __future__ import annotations

from pathlib import Path

from scenarios.schema import Scenario
from scheduler.plan import Plan

_KPI_LABELS = {
    "cohort_tests_in_interval_pct": "cohort tests within retest interval",
    "outbreak_tests_in_window_pct": "outbreak whole-home tests in window",
    "shortfall_shifts_filled_pct": "shortfall shifts filled",
    "isolation_requests_placed_pct": "isolation requests placed",
}


def summary_text(scenario: Scenario, plan: Plan, out: Path) -> str:
    s = plan.summary
    k = s.kpis
    h = scenario.horizon
    lines = [
        f"{scenario.name}: {len(scenario.homes)} homes, {len(scenario.workers)} workers, "
        f"{h.days} days from {h.start}",
        f"solver {s.solver}: {s.status}, gap {100 * s.gap:.2f}%, build {s.build_seconds:.2f} s, "
        f"solve {s.solve_seconds:.2f} s, wall {s.wall_seconds:.2f} s "
        f"({s.model_size.get('variables', 0):,} variables, "
        f"{s.model_size.get('constraints', 0):,} constraints)",
    ]
    if s.stages and s.stages[0].bound_source == "cp-sat" and s.gap > 0.10:
        lines.append("  (the gap is against CP-SAT's own bound; --lp-bound proves a tighter one)")
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
        f"{k.get('shifts_short', 0):.0f} by {k.get('workers_deployed', 0):.0f} workers"
    )
    lines.append(f"  {'isolation mean wait':<40} {k.get('isolation_mean_wait_days', 0):6.2f} days")
    lines.append(
        f"  {'tests booked':<40} {k.get('tests_booked', 0):6.0f} "
        f"({k.get('test_capacity_used_pct', 0):.1f} % of capacity)"
    )
    lines.append("")
    lines.append(
        f"wrote {out}/: {len(plan.testing)} test bookings, {len(plan.shifts)} shifts, "
        f"{len(plan.placements)} placements, {len(plan.unmet)} unmet needs"
    )
    return "\n".join(lines)

"""The test rounds a scenario asks for: each cohort's cover windows, from its retest
interval and its home's outbreak.

A pure function of the scenario, so that the model (`constraints.testing`), the forecast of
absences those rounds find (`scenarios.absences`) and the independent validator all read
the same rounds from one definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from scenarios.schema import HOME_COHORTS, Cohort, Home, Scenario


class WindowKind(StrEnum):
    RETEST = "retest"
    OUTBREAK = "outbreak"


@dataclass(frozen=True)
class CoverWindow:
    """Cohort `cohort` of `home` should be tested in full on days `first..last` (indices,
    inclusive, clipped to the horizon), by `due`. Only windows due inside the horizon are
    required; later ones are the next plan's business."""

    home: str
    cohort: Cohort
    first: int
    last: int
    due: dt.date
    kind: WindowKind
    label: str
    size: int

    @property
    def key(self) -> tuple[str, Cohort, dt.date]:
        """The window's key in the model's rule names (`constraints.rules.Key`)."""
        return (self.home, self.cohort, self.due)


def cover_windows(scenario: Scenario) -> list[CoverWindow]:
    """Every required cover window: retest windows first, then outbreak rounds."""
    windows: list[CoverWindow] = []
    for home in scenario.homes:
        for cohort in HOME_COHORTS:
            if home.cohort_size(cohort) > 0:
                windows += _retest_windows(scenario, home, cohort)
                windows += _outbreak_windows(scenario, home, cohort)
    return [w for w in dict.fromkeys(windows) if w.due <= scenario.horizon.end]


def _window(
    scenario: Scenario,
    home: Home,
    cohort: Cohort,
    first: dt.date,
    due: dt.date,
    kind: WindowKind,
    label: str,
) -> CoverWindow:
    start = scenario.horizon.start
    return CoverWindow(
        home=home.id,
        cohort=cohort,
        first=max(0, (first - start).days),
        last=min(scenario.horizon.days - 1, (due - start).days),
        due=due,
        kind=kind,
        label=label,
        size=home.cohort_size(cohort),
    )


def _retest_windows(scenario: Scenario, home: Home, cohort: Cohort) -> list[CoverWindow]:
    """Consecutive windows of the retest interval, the first ending at the next due date.

    A cohort already overdue (or never tested) is due within `overdue_within_days`."""
    policy = scenario.policy
    interval = policy.retest_days.for_cohort(cohort)
    start, end = scenario.horizon.start, scenario.horizon.end
    last = home.last_tested.for_cohort(cohort)
    if last is None or last + dt.timedelta(days=interval) <= start:
        due = start + dt.timedelta(days=policy.overdue_within_days)
        why = (
            "never tested"
            if last is None
            else f"overdue since {last + dt.timedelta(days=interval)}"
        )
    else:
        due = last + dt.timedelta(days=interval)
        why = f"last tested {last}"
    windows = []
    first = start
    while first <= end:
        label = f"{cohort} retest every {interval} days, due {due} ({why})"
        windows.append(_window(scenario, home, cohort, first, due, WindowKind.RETEST, label))
        first, due = due + dt.timedelta(days=1), due + dt.timedelta(days=interval)
        why = "previous round"
    return windows


def _outbreak_windows(scenario: Scenario, home: Home, cohort: Cohort) -> list[CoverWindow]:
    """Whole-home rounds: within N days of the outbreak's start, and again M days after it.

    A round whose window has passed counts as done if the cohort was tested since the round
    opened; otherwise it is overdue and due within N days of the plan's start."""
    rules = scenario.policy.outbreak_testing
    ob = home.outbreak
    if ob.since is None or ob.status not in rules.statuses:
        return []
    start = scenario.horizon.start
    within = dt.timedelta(days=rules.first_within_days)
    last = home.last_tested.for_cohort(cohort)
    by_due: dict[dt.date, CoverWindow] = {}
    for n, opens in enumerate((ob.since, ob.since + dt.timedelta(days=rules.repeat_after_days))):
        if last is not None and last >= opens:
            continue
        due = max(opens + within, start + within)
        label = (
            f"whole-home testing round {n + 1}: {ob.status} outbreak since {ob.since}, due {due}"
        )
        # Two overdue rounds fall due together; the later round stands for both.
        by_due[due] = _window(scenario, home, cohort, opens, due, WindowKind.OUTBREAK, label)
    return list(by_due.values())

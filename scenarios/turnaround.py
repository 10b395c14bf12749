"""The day a test's result is counted on: the one reading of a site's `result_days`.

The model, the greedy plans, the causes, the simulation and the independent validator all
ask this function, so a range such as a national portal's 1-14 days means the same day to
each of them.
"""

from __future__ import annotations

from scenarios.schema import TestSite


def days_to_result(site: TestSite, percentile: int) -> int:
    """Days from swab to result at `site`, at the policy's `percentile` of its range.

    A range is taken as uniform, so the percentile p of min..max is
    ``min + (max - min) * p / 100``, rounded up: a result is used only once it is back, so a
    part day counts as a whole one (1-14 at 50 is 8; at 100, 14). A fixed number is that
    number at every percentile."""
    days = site.result_days
    if isinstance(days, int):
        return days
    return days.min + -(-(days.max - days.min) * percentile // 100)

"""The city's test channels: the council's local site, the national portal, and a mobile
unit in larger cities, sized so that testing binds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from scenarios.generate.shape import NURSING, RESIDENTIAL, SUBSTANCE
from scenarios.schema import Cohort, Home, Horizon, SiteKind, TestSite


def local_site(capacity: int) -> TestSite:
    """The council's own site: every cohort and home type, bookable today, results next day."""
    return TestSite(
        id="local",
        name="Local testing site",
        kind=SiteKind.LOCAL_SITE,
        capacity=capacity,
        cohorts=[Cohort.STAFF, Cohort.RESIDENTS, Cohort.AGENCY, Cohort.ADMISSIONS],
        lead_days=0,
        result_days=1,
        address="Example Park and Ride, Example Way",
        hours="08:00-12:00",
    )


def national_portal(capacity: int, days: int) -> TestSite:
    """The national portal: kits posted out, so a 3-day lead time (shorter only if the
    horizon is), and in 2020 closed to learning disability and mental health homes."""
    return TestSite(
        id="national",
        name="National care home portal",
        kind=SiteKind.NATIONAL_PORTAL,
        capacity=capacity,
        cohorts=[Cohort.RESIDENTS, Cohort.STAFF],
        home_types=[NURSING, RESIDENTIAL, SUBSTANCE],
        lead_days=min(3, days - 1),
        result_days=2,
        address="Test kit posted to the home or worker",
        hours="kit arrives by post; swab on the day booked",
    )


def draw_sites(rng: random.Random, homes: Sequence[Home], horizon: Horizon) -> list[TestSite]:
    """Capacity for 70-85% of a week's staff retests (staff and agency, weekly), split
    about 60:40 between the local site and the portal like 220:150; residents' retests and
    outbreak testing come on top, so testing binds. Cities of 40+ homes add a mobile unit."""
    weekly_staff = sum(h.staff + h.agency_staff for h in homes)
    total = round(weekly_staff * rng.uniform(0.70, 0.85) / 7)
    sites: list[TestSite] = []
    mobile = 0
    if len(homes) >= 40:
        mobile = rng.randint(50, 70)
        sites.append(
            TestSite(
                id="mobile",
                name="Mobile testing unit",
                kind=SiteKind.MOBILE_UNIT,
                capacity=mobile,
                cohorts=[Cohort.RESIDENTS, Cohort.STAFF],
                lead_days=min(1, horizon.days - 1),
                result_days=2,
                max_homes_per_day=2,
                address="Visits the home",
                hours="09:00-16:00",
            )
        )
    rest = max(2, total - mobile)
    local = max(1, round(rest * 220 / 370))
    return [local_site(local), national_portal(max(1, rest - local), horizon.days), *sites]

"""The shape every synthetic city is drawn around: the mix of home types and sizes, how
many homes have an outbreak or are short of staff, the workforce's pools, travel times,
and the plain word lists every name is made from, so no name points at a real place,
home or person.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping, Sequence

from scenarios.schema import HomeType, Horizon, Travel, TravelTime

NURSING = HomeType.OLDER_PEOPLE_NURSING
RESIDENTIAL = HomeType.OLDER_PEOPLE_RESIDENTIAL
LD = HomeType.LEARNING_DISABILITY
MH = HomeType.MENTAL_HEALTH
SUBSTANCE = HomeType.SUBSTANCE_MISUSE

TYPE_SHARES: Mapping[HomeType, float] = {
    RESIDENTIAL: 0.45,
    NURSING: 0.30,
    LD: 0.15,
    MH: 0.07,
    SUBSTANCE: 0.03,
}
"""Roughly the mix of registered care homes in an English city."""

BED_RANGES: Mapping[HomeType, tuple[int, int]] = {
    NURSING: (30, 60),
    RESIDENTIAL: (15, 45),
    LD: (4, 12),
    MH: (6, 16),
    SUBSTANCE: (8, 20),
}

LOCALITIES: tuple[str, ...] = ("north", "south", "east", "west", "central", "waterfront", "moor")
HOSPITAL = "City Hospital"

STAFF_PER_BED = (1.45, 1.85)
"""About 1.6 staff per bed across a home's day and night rotas."""

INCIDENT_SHARE = 0.30
CONFIRMED_SHARE = 17 / 28
OTHER_SHORT_SHARE = 0.10
"""Homes without an incident that are short of staff anyway."""
STALE_SHARE = 0.20
"""Homes whose figures were not reported the day before the plan (about 79 % of homes had
updated their vacancies within 24 hours in the council's capacity reports)."""
STALE_DAYS = (2, 3)
"""How many days before the plan a late home last reported."""

SHIFT_UTILISATION = 0.7
"""Share of a bank worker's available days they can really work (rest rules, one home,
travel, tests): the staff bank's supply in shifts is available days times this."""

SHORTFALL_PRESSURE = (1.0, 1.3)
"""Shortfall shifts over staff-bank supply: staffing binds, but is not hopeless."""

NHS_SHARE = 0.05
"""Share of the workers who are NHS partners' care workers, made available to drop in on
any home's rota."""

RECRUIT_SHARE = 0.08
"""Share of the workers still in recruitment and training, each trained from a day in
the middle of the horizon (in 2020, 120 were in the bank and 75 more to be deployed)."""

HOMES_PER_AGENCY = 30
"""One agency per this many homes (at least one), each supplying about a quarter of them."""

MAX_REQUESTS_PER_HOME = 4
"""Beyond this a home cohorts its cases on one floor rather than sending residents out."""

TRAVEL = Travel(
    default_minutes=25,
    same_locality_minutes=5,
    times=[
        TravelTime(from_="central", to="waterfront", minutes=10),
        TravelTime(from_="central", to="north", minutes=15),
        TravelTime(from_="east", to="west", minutes=35),
        TravelTime(from_="moor", to="central", minutes=40),
        TravelTime(from_="moor", to="waterfront", minutes=45),
        TravelTime(from_="moor", to="north", minutes=20),
    ],
)

# Word lists for synthetic names. Plain nature and building words, so no name points at a
# real place or home.
HOME_NAME_FIRST = (
    "Acorn", "Alder", "Ash", "Aspen", "Beech", "Birch", "Bramble", "Briar", "Cedar", "Cherry",
    "Clover", "Copper", "Elm", "Fern", "Foxglove", "Hawthorn", "Hazel", "Heather", "Holly",
    "Honeysuckle", "Ivy", "Juniper", "Larch", "Laurel", "Lavender", "Lilac", "Linden", "Maple",
    "Meadow", "Mulberry", "Oak", "Orchard", "Pine", "Poplar", "Primrose", "Rowan", "Sage",
    "Spruce", "Willow", "Harbour",
)  # fmt: skip
HOME_NAME_SECOND = (
    "Lodge", "House", "Court", "View", "Grange", "Manor", "Gardens", "Hall", "Place", "Park",
    "Mews", "Villa",
)  # fmt: skip
GIVEN_NAMES = (
    "Alex", "Amara", "Ben", "Bea", "Cal", "Chloe", "Dan", "Dee", "Eli", "Esme", "Finn", "Fay",
    "Gus", "Grace", "Hal", "Hana", "Ian", "Iris", "Jay", "Jo", "Kai", "Kim", "Leo", "Lena",
    "Max", "Mia", "Ned", "Nia", "Olly", "Ona", "Pat", "Pia", "Ravi", "Rosa", "Sam", "Suki",
    "Tom", "Tia", "Vic", "Zoe",
)  # fmt: skip
FAMILY_NAMES = (
    "Abbott", "Baker", "Carter", "Dale", "Ellis", "Fisher", "Gale", "Hart", "Irwin", "Jarvis",
    "Kerr", "Lane", "Marsh", "Noble", "Oakes", "Parry", "Quinn", "Reed", "Shaw", "Tate",
    "Usher", "Vance", "Wade", "Yates", "Amin", "Bose", "Chen", "Diallo", "Eze", "Fofana",
    "Gupta", "Haddad", "Iqbal", "Jansen", "Kowal", "Lopez", "Mensah", "Novak", "Okafor", "Popa",
)  # fmt: skip

AGENCY_NAMES = ("Harbourside", "Moorland", "Tamar", "Riverside", "Headland", "Estuary")
"""Agency names, as plain as the homes'."""


# --------------------------------------------------------------------------- drawing helpers


def days_before(horizon: Horizon, days: int) -> dt.date:
    """The date `days` days before the horizon's first."""
    return horizon.start - dt.timedelta(days=days)


def unique_names(
    rng: random.Random, n: int, first: Sequence[str], second: Sequence[str]
) -> list[str]:
    """`n` distinct "First Second" names in random order, numbered once the lists run out."""
    pairs = [f"{a} {b}" for a, b in itertools.product(first, second)]
    rng.shuffle(pairs)
    return [
        pairs[i % len(pairs)] + ("" if i < len(pairs) else f" {i // len(pairs) + 1}")
        for i in range(n)
    ]

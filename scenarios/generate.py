"""Deterministic synthetic scenarios: a city's care homes, staff bank, test sites and beds.

Real planning data from 2020 named homes, residents and staff, so it cannot be shipped. This
module builds cities with the same *shape* instead: the mix of home types and sizes, how
many homes had an outbreak, how short of staff they were, how much testing and isolation
capacity there was. Every name and id is made up.

Determinism: each section (homes, workers, shortfalls, sites, requests) draws from its own
`random.Random`, seeded from one master `random.Random(seed)`, so the same arguments always
give the identical scenario, and the homes of a city do not change when only its number of
workers does. Nothing here touches the global random state.

`plymouth_2020()` is the worked example: the same builder with the public figures of one
English city in May 2020 pinned (95 homes, 2,435 beds, 28 incidents of which 17 confirmed,
a 220-a-day local test site, a staff bank of 120, 36 isolation beds).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scenarios.checks import scenario_problems
from scenarios.load import dump_scenario
from scenarios.schema import (
    MAX_HORIZON_DAYS,
    SHIFTS,
    AbsenceForecast,
    Agency,
    Availability,
    Cohort,
    CqcRating,
    FacilityKind,
    Home,
    HomeHistory,
    HomeType,
    Horizon,
    IsolationFacility,
    IsolationRequest,
    LastTested,
    Need,
    Outbreak,
    OutbreakStatus,
    Policy,
    Positivity,
    Rag,
    RagRatings,
    Role,
    Scenario,
    Shift,
    Shortfall,
    SiteKind,
    TestSite,
    Travel,
    TravelTime,
    Worker,
    WorkerKind,
    daily,
)

START = dt.date(2020, 6, 1)
EXAMPLES = Path(__file__).parent / "examples"
PLYMOUTH_FILE = EXAMPLES / "plymouth-2020.yaml"

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
_NAME_FIRST = (
    "Acorn", "Alder", "Ash", "Aspen", "Beech", "Birch", "Bramble", "Briar", "Cedar", "Cherry",
    "Clover", "Copper", "Elm", "Fern", "Foxglove", "Hawthorn", "Hazel", "Heather", "Holly",
    "Honeysuckle", "Ivy", "Juniper", "Larch", "Laurel", "Lavender", "Lilac", "Linden", "Maple",
    "Meadow", "Mulberry", "Oak", "Orchard", "Pine", "Poplar", "Primrose", "Rowan", "Sage",
    "Spruce", "Willow", "Harbour",
)  # fmt: skip
_NAME_SECOND = (
    "Lodge", "House", "Court", "View", "Grange", "Manor", "Gardens", "Hall", "Place", "Park",
    "Mews", "Villa",
)  # fmt: skip
_GIVEN = (
    "Alex", "Amara", "Ben", "Bea", "Cal", "Chloe", "Dan", "Dee", "Eli", "Esme", "Finn", "Fay",
    "Gus", "Grace", "Hal", "Hana", "Ian", "Iris", "Jay", "Jo", "Kai", "Kim", "Leo", "Lena",
    "Max", "Mia", "Ned", "Nia", "Olly", "Ona", "Pat", "Pia", "Ravi", "Rosa", "Sam", "Suki",
    "Tom", "Tia", "Vic", "Zoe",
)  # fmt: skip
_FAMILY = (
    "Abbott", "Baker", "Carter", "Dale", "Ellis", "Fisher", "Gale", "Hart", "Irwin", "Jarvis",
    "Kerr", "Lane", "Marsh", "Noble", "Oakes", "Parry", "Quinn", "Reed", "Shaw", "Tate",
    "Usher", "Vance", "Wade", "Yates", "Amin", "Bose", "Chen", "Diallo", "Eze", "Fofana",
    "Gupta", "Haddad", "Iqbal", "Jansen", "Kowal", "Lopez", "Mensah", "Novak", "Okafor", "Popa",
)  # fmt: skip

_AGENCY_NAMES = ("Harbourside", "Moorland", "Tamar", "Riverside", "Headland", "Estuary")
"""Agency names, as plain as the homes'."""

_SECTIONS = ("homes", "sites", "workers", "shortfalls", "requests", "reports", "pools")
"""One random stream each, drawn from the seed in this order: a section added at the end
leaves every earlier section's draws as they were."""


# --------------------------------------------------------------------------- public API


def generate(
    homes: int,
    workers: int,
    days: int = 14,
    seed: int = 0,
    start: dt.date = START,
    name: str | None = None,
) -> Scenario:
    """A synthetic city of `homes` care homes and a staff bank of `workers`.

    Every count scales with the number of homes or workers, so a 400-home county has the
    same pressures as a 95-home city. The result always passes `scenarios.checks`.
    """
    if homes < 1:
        raise ValueError(f"homes must be at least 1, not {homes}")
    if workers < 0:
        raise ValueError(f"workers cannot be negative, not {workers}")
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_HORIZON_DAYS}, not {days}")
    spec = _Spec(
        name=name or f"synthetic-{homes}-homes-{workers}-workers-seed-{seed}",
        description=(
            f"Synthetic city: {homes} care homes, {workers} staff-bank workers, {days} days "
            f"from {start}. Generated by scenarios.generate (seed {seed}); every name is "
            "made up."
        ),
        seed=seed,
        start=start,
        days=days,
        homes=homes,
        workers=workers,
    )
    return _build(spec)


PLYMOUTH_FORECAST = AbsenceForecast(
    positivity=Positivity(staff=0.01, agency=0.01),
    outbreak_positivity=Positivity(staff=0.05, agency=0.05),
)
"""The example's expected staff positivity per round of testing: 1 %, 5 % at a home in an
outbreak. An assumption, sized so that the forecast asks for about as many workers as a
council's action plan of spring 2020 set aside for absences from systematic testing (75
for about 4,000 staff), with most positives in homes with an outbreak, as PHE and the
Vivaldi study found."""


def plymouth_2020() -> Scenario:
    """The worked example: the public figures of one English city in May 2020, pinned.

    Pinned: 95 homes of the type mix below, 2,435 beds, 28 incidents (17 confirmed), the
    local site (220 a day) and national portal (150 a day, 3 days' lead time, no learning
    disability or mental health homes), a staff bank of 120 and 36 isolation beds.
    Everything else (names, sizes, dates, shortfalls, worker histories) is drawn as in
    `generate`.
    """
    days = 14
    sites = (
        _local_site(220),
        _national_portal(150, days),
    )
    spec = _Spec(
        name="plymouth-2020",
        description=(
            "A synthetic city built around the public figures of one English city in May "
            "2020: 95 care homes, 2,435 beds, 28 incidents (17 confirmed), one local test "
            "site, the national resident portal, a staff bank of 120 and 36 isolation beds. "
            "Every name and detail is made up."
        ),
        # A seed whose draws land mid-range: shortfalls ~1.2x the bank's supply, ~40
        # isolation requests including a few from learning disability homes.
        seed=2074,
        start=START,
        days=days,
        homes=95,
        workers=120,
        type_counts={RESIDENTIAL: 43, NURSING: 28, LD: 14, MH: 7, SUBSTANCE: 3},
        total_beds=2435,
        incidents=(28, 17),
        sites=sites,
        facility_beds=(20, 10, 6),
        hospital_discharges=4,
        policy=Policy(absence_forecast=PLYMOUTH_FORECAST),
    )
    return _build(spec)


def generate_authorities(
    authorities: int,
    homes: int,
    workers: int,
    days: int = 14,
    seed: int = 0,
    start: dt.date = START,
    name: str | None = None,
    shared_every: int = 0,
) -> Scenario:
    """A synthetic region: `authorities` local authorities (`la001`, `la002`, ...), each a
    city of `generate` with its own test sites, staff bank and isolation facilities, the
    homes and workers split as evenly as possible. Ids are prefixed with the authority
    (`la003-h017`), so they stay unique.

    `shared_every` > 0 adds one regional test site per run of that many consecutive
    authorities (owned by the first, `shared_with` the others; capacity a tenth of their own
    local sites'), which couples them: they must be planned together. Authority k's city
    depends only on `seed` and k, so adding authorities does not change the first ones."""
    if authorities < 1:
        raise ValueError(f"authorities must be at least 1, not {authorities}")
    if homes < authorities:
        raise ValueError(f"{homes} homes cannot fill {authorities} authorities")
    width = max(3, len(str(authorities)))
    parts = [
        _in_authority(
            generate(n_homes, n_workers, days, seed=seed * 1_000_003 + k, start=start),
            f"la{k + 1:0{width}d}",
        )
        for k, (n_homes, n_workers) in enumerate(
            zip(_split(homes, authorities), _split(workers, authorities), strict=True)
        )
    ]
    sites = [site for part in parts for site in part.test_sites]
    if shared_every > 0:
        sites += _regional_sites(parts, shared_every)
    scenario = Scenario(
        name=name or f"synthetic-{authorities}-authorities-{homes}-homes-seed-{seed}",
        description=(
            f"Synthetic region: {authorities} local authorities, {homes} care homes, "
            f"{workers} staff-bank workers, {days} days from {start}. Generated by "
            f"scenarios.generate (seed {seed}); every name is made up."
        ),
        horizon=Horizon(start=start, days=days),
        homes=[h for part in parts for h in part.homes],
        test_sites=sites,
        workers=[w for part in parts for w in part.workers],
        agencies=[a for part in parts for a in part.agencies],
        isolation_facilities=[f for part in parts for f in part.isolation_facilities],
        isolation_requests=[r for part in parts for r in part.isolation_requests],
        travel=TRAVEL,
    )
    problems = scenario_problems(scenario)
    if problems:
        raise RuntimeError("\n".join(p.format(scenario.name) for p in problems))
    return scenario


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` whole shares differing by at most one, larger shares first."""
    return [total // parts + (k < total % parts) for k in range(parts)]


def _in_authority(city: Scenario, authority: str) -> Scenario:
    """`city` with every record in `authority` and every id (and reference) prefixed."""

    def pid(x: str) -> str:
        return f"{authority}-{x}"

    def history(w: Worker) -> HomeHistory:
        home = w.home_history.current_home
        return w.home_history.model_copy(update={"current_home": home and pid(home)})

    at = {"authority": authority}
    return city.model_copy(
        update={
            "homes": [h.model_copy(update=at | {"id": pid(h.id)}) for h in city.homes],
            "test_sites": [s.model_copy(update=at | {"id": pid(s.id)}) for s in city.test_sites],
            "workers": [
                w.model_copy(
                    update=at
                    | {
                        "id": pid(w.id),
                        "home_history": history(w),
                        "agency": w.agency and pid(w.agency),
                    }
                )
                for w in city.workers
            ],
            "agencies": [
                a.model_copy(update={"id": pid(a.id), "homes": [pid(h) for h in a.homes]})
                for a in city.agencies
            ],
            "isolation_facilities": [
                f.model_copy(update=at | {"id": pid(f.id)}) for f in city.isolation_facilities
            ],
            "isolation_requests": [
                r.model_copy(
                    update={"id": pid(r.id), "from_home": r.from_home and pid(r.from_home)}
                    | ({} if r.from_home else at)
                )
                for r in city.isolation_requests
            ],
        }
    )


def _regional_sites(parts: Sequence[Scenario], every: int) -> list[TestSite]:
    """One regional site per run of `every` authorities, shared by all of them."""
    sites = []
    for first in range(0, len(parts), every):
        group = parts[first : first + every]
        if len(group) < 2:
            continue
        owners = [part.homes[0].authority or "" for part in group]
        local = sum(
            daily(s.capacity, 0) for p in group for s in p.test_sites if s.id.endswith("-local")
        )
        sites.append(
            _local_site(max(1, local // 10)).model_copy(
                update={
                    "id": f"regional-{first // every + 1}",
                    "name": "Regional testing site",
                    "address": f"Example Regional Hub {first // every + 1}, Example Road",
                    "authority": owners[0],
                    "shared_with": owners[1:],
                }
            )
        )
    return sites


PLYMOUTH_HEADER = """\
# plymouth-2020.yaml: the synthetic city of carehome-scheduler's worked example.
#
# Every name, id and detail in this file is synthetic. Its shape is built around public
# figures of one English city in May 2020:
#   - 95 care homes with 2,435 beds and about 4,000 staff;
#   - 28 homes with a COVID-19 incident, 17 of them confirmed (11 suspected);
#   - one local test site doing 220 tests a day, and the national resident-testing portal
#     (150 a day here, 3 days' lead time, not open to learning disability or mental
#     health homes);
#   - 120 workers to cover rota shortfalls: the staff bank, 6 NHS partners' care workers,
#     10 recruits trained from a day in the horizon's middle, and agency workers, each
#     tied to one of 3 agencies and the homes it supplies;
#   - isolation beds: a care hotel (20), council beds (10) and learning disability
#     respite (6).
# Staff absences are forecast from the staff tests: 1 % positive a round, 5 % at a home
# in an outbreak (an assumption; policy.absence_forecast).
# Horizon: 14 days from 2020-06-01.
#
# Generated by scenarios.generate.plymouth_2020(); do not edit by hand. Regenerate with
#   carehome generate --preset plymouth-2020 -o scenarios/examples/plymouth-2020.yaml
# tests/test_generate.py checks that this file is exactly what the generator produces.

"""


def plymouth_text() -> str:
    """The committed example file's full text: the header, then the scenario."""
    return PLYMOUTH_HEADER + dump_scenario(plymouth_2020())


# --------------------------------------------------------------------------- the builder


@dataclass(frozen=True)
class _Spec:
    """What to build. Fields left None are drawn or scaled from the city's size."""

    name: str
    description: str
    seed: int
    start: dt.date
    days: int
    homes: int
    workers: int
    type_counts: Mapping[HomeType, int] | None = None
    total_beds: int | None = None
    incidents: tuple[int, int] | None = None
    """(incidents, of which confirmed)."""
    sites: Sequence[TestSite] | None = None
    facility_beds: tuple[int, int, int] | None = None
    """(care hotel, council beds, learning disability respite)."""
    hospital_discharges: int | None = None
    policy: Policy | None = None
    """The scenario's policy; None: the defaults."""


def _build(spec: _Spec) -> Scenario:
    """Assemble the sections in dependency order: homes first (everything refers to them),
    then workers (their current homes are short-staffed homes), then shortfalls (sized to
    the workers' supply), then isolation requests (from homes that cannot isolate)."""
    master = random.Random(spec.seed)
    rng = {section: random.Random(master.getrandbits(64)) for section in _SECTIONS}
    horizon = Horizon(start=spec.start, days=spec.days)

    homes, short_ids = _homes(rng["homes"], spec, horizon)
    sites = list(spec.sites) if spec.sites is not None else _sites(rng["sites"], homes, horizon)
    workers = _workers(rng["workers"], spec.workers, homes, short_ids, horizon)
    homes = _with_shortfalls(rng["shortfalls"], homes, short_ids, workers, horizon)
    workers, agencies = _with_pools(rng["pools"], workers, homes, short_ids, horizon)
    homes, workers = _with_contacts(homes, workers)
    homes = _with_reports(rng["reports"], homes, horizon)
    facilities = _facilities(spec.facility_beds or _scaled_facility_beds(spec.homes))
    hospital = spec.hospital_discharges
    if hospital is None:
        hospital = sum(rng["requests"].random() < 0.05 for _ in range(spec.homes))
    requests = _requests(rng["requests"], homes, hospital, horizon)

    scenario = Scenario(
        name=spec.name,
        description=spec.description,
        horizon=horizon,
        homes=homes,
        test_sites=sites,
        workers=workers,
        agencies=agencies,
        isolation_facilities=facilities,
        isolation_requests=requests,
        travel=TRAVEL,
        policy=spec.policy or Policy(),
    )
    problems = scenario_problems(scenario)
    if problems:  # a bug here, never bad input: fail loudly rather than write a bad file
        raise RuntimeError("\n".join(p.format(spec.name) for p in problems))
    return scenario


# --------------------------------------------------------------------------- homes


def _homes(rng: random.Random, spec: _Spec, horizon: Horizon) -> tuple[list[Home], set[str]]:
    """The homes, and the ids of those short of staff (every incident home, plus ~10% of
    the others), which workers and shortfalls need before the homes are final."""
    types = _home_types(rng, spec.homes, spec.type_counts)
    beds = [rng.randint(*BED_RANGES[t]) for t in types]
    if spec.total_beds is not None:
        _fit_total(rng, beds, [BED_RANGES[t] for t in types], spec.total_beds)
    statuses = _outbreak_statuses(rng, beds, spec.incidents)
    names = _unique_names(rng, spec.homes, _NAME_FIRST, _NAME_SECOND)
    width = max(3, len(str(spec.homes)))

    homes: list[Home] = []
    short: set[str] = set()
    for i, (home_type, n_beds, status) in enumerate(zip(types, beds, statuses, strict=True)):
        home_id = f"h{i + 1:0{width}d}"
        is_short = status != OutbreakStatus.NONE or rng.random() < OTHER_SHORT_SHARE
        if is_short:
            short.add(home_id)
        homes.append(_home(rng, home_id, names[i], home_type, n_beds, status, is_short, horizon))
    if not short:  # a staff bank with nothing to do teaches nothing: make the biggest short
        short.add(max(homes, key=lambda h: (h.beds, h.id)).id)
    return homes, short


def _home_types(
    rng: random.Random, n: int, counts: Mapping[HomeType, int] | None
) -> list[HomeType]:
    """Exact counts in a shuffled order when pinned, else each home drawn by `TYPE_SHARES`
    (so that even a one-home city can be any type)."""
    if counts is None:
        return rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()), k=n)
    if sum(counts.values()) != n:
        raise ValueError(f"type counts sum to {sum(counts.values())}, not {n} homes")
    types = [t for t, k in counts.items() for _ in range(k)]
    rng.shuffle(types)
    return types


def _fit_total(
    rng: random.Random, values: list[int], ranges: Sequence[tuple[int, int]], target: int
) -> None:
    """Nudge random entries by one, each within its range, until `values` sums to `target`.

    Spreading the change over many homes keeps every home a plausible size for its type,
    which shifting only the last few homes could not when the draw is far off."""
    low = sum(r[0] for r in ranges)
    high = sum(r[1] for r in ranges)
    if not low <= target <= high:
        raise ValueError(f"{target} beds cannot fit {len(values)} homes ({low}-{high})")
    while (gap := target - sum(values)) != 0:
        step = 1 if gap > 0 else -1
        movable = [
            i
            for i, (v, (lo, hi)) in enumerate(zip(values, ranges, strict=True))
            if lo <= v + step <= hi
        ]
        for i in rng.sample(movable, min(len(movable), abs(gap))):
            values[i] += step


def _outbreak_statuses(
    rng: random.Random, beds: Sequence[int], incidents: tuple[int, int] | None
) -> list[OutbreakStatus]:
    """Which homes have an incident, bigger homes more often (more people coming and
    going); about 30% of homes, six in ten of them confirmed."""
    n = len(beds)
    if incidents is None:
        count = sum(rng.random() < INCIDENT_SHARE for _ in range(n))
        confirmed = sum(rng.random() < CONFIRMED_SHARE for _ in range(count))
    else:
        count, confirmed = incidents
    # Weighted sampling without replacement: the largest random()**(1/weight) win.
    keys = sorted(range(n), key=lambda i: rng.random() ** (1 / beds[i]), reverse=True)
    hit = keys[:count]
    confirmed_ids = set(rng.sample(hit, confirmed))
    statuses = [OutbreakStatus.NONE] * n
    for i in hit:
        statuses[i] = OutbreakStatus.CONFIRMED if i in confirmed_ids else OutbreakStatus.SUSPECTED
    return statuses


def _home(
    rng: random.Random,
    home_id: str,
    name: str,
    home_type: HomeType,
    beds: int,
    status: OutbreakStatus,
    is_short: bool,
    horizon: Horizon,
) -> Home:
    """One home's size, ratings, outbreak and test history (shortfalls come later)."""
    residents = min(beds, round(beds * rng.uniform(0.80, 0.95)))
    staff = round(beds * rng.uniform(*STAFF_PER_BED))
    agency = round(staff * rng.uniform(0.0, 0.10))
    outbreak = _outbreak(rng, status, residents, horizon)
    can_isolate = 0 if home_type == LD and rng.random() < 0.7 else rng.randint(0, 3)
    return Home(
        id=home_id,
        name=name,
        type=home_type,
        beds=beds,
        residents=residents,
        staff=staff,
        agency_staff=agency,
        cqc_rating=_cqc(rng),
        rag=_rag(rng, status, is_short),
        outbreak=outbreak,
        can_isolate=min(can_isolate, residents),
        last_tested=_last_tested(rng, home_type, agency, horizon),
        locality=rng.choice(LOCALITIES),
    )


def _outbreak(
    rng: random.Random, status: OutbreakStatus, residents: int, horizon: Horizon
) -> Outbreak:
    """Cases small, as in spring 2020's reports; confirmed ones have at least one case
    and may have deaths. Most began up to 10 days before the plan, a few during its first
    week (the plan must react to them)."""
    if status == OutbreakStatus.NONE:
        return Outbreak()
    if rng.random() < 0.10:
        since = horizon.start + dt.timedelta(days=rng.randint(0, min(6, horizon.days - 1)))
    else:
        since = horizon.start - dt.timedelta(days=rng.randint(0, 10))
    if status == OutbreakStatus.CONFIRMED:
        cases = rng.choices(range(9), weights=(6, 24, 20, 15, 12, 9, 6, 4, 4))[0]
        staff_cases = rng.randint(0, 8) if cases else rng.randint(1, 8)
        deaths = rng.choices(range(4), weights=(55, 25, 12, 8))[0] if cases else 0
    else:
        cases = rng.choices(range(5), weights=(30, 35, 20, 10, 5))[0]
        staff_cases = rng.randint(0, 3)
        deaths = 0
    return Outbreak(
        status=status,
        since=since,
        resident_cases=min(cases, residents),
        staff_cases=staff_cases,
        deaths_7d=min(deaths, cases),
    )


def _cqc(rng: random.Random) -> CqcRating:
    """Mostly good, as across English care homes."""
    ratings = (
        CqcRating.GOOD,
        CqcRating.REQUIRES_IMPROVEMENT,
        CqcRating.OUTSTANDING,
        CqcRating.INADEQUATE,
        CqcRating.NOT_RATED,
    )
    return rng.choices(ratings, weights=(70, 18, 4, 4, 4))[0]


def _rag(rng: random.Random, status: OutbreakStatus, is_short: bool) -> RagRatings:
    """Red and amber more likely where there is an outbreak (overall, PPE) or a staffing
    gap (workforce), as the daily tracker rated them."""
    overall = {
        OutbreakStatus.CONFIRMED: (10, 40, 50),
        OutbreakStatus.SUSPECTED: (30, 50, 20),
        OutbreakStatus.NONE: (80, 17, 3),
    }
    ppe = {
        OutbreakStatus.CONFIRMED: (30, 45, 25),
        OutbreakStatus.SUSPECTED: (45, 40, 15),
        OutbreakStatus.NONE: (85, 13, 2),
    }
    workforce = (20, 45, 35) if is_short else (85, 13, 2)
    levels = (Rag.GREEN, Rag.AMBER, Rag.RED)
    return RagRatings(
        overall=rng.choices(levels, weights=overall[status])[0],
        ppe=rng.choices(levels, weights=ppe[status])[0],
        workforce=rng.choices(levels, weights=workforce)[0],
    )


def _last_tested(
    rng: random.Random, home_type: HomeType, agency: int, horizon: Horizon
) -> LastTested:
    """Staff tested in the last 12 days; residents up to 40 days ago, or never, more often
    in learning disability and mental health homes, which national testing missed."""
    never = 0.5 if home_type in (LD, MH) else 0.15
    residents = None if rng.random() < never else _days_before(horizon, rng.randint(3, 40))
    return LastTested(
        staff=_days_before(horizon, rng.randint(1, 12)),
        residents=residents,
        agency=_days_before(horizon, rng.randint(1, 12)) if agency else None,
    )


def _days_before(horizon: Horizon, days: int) -> dt.date:
    return horizon.start - dt.timedelta(days=days)


def _unique_names(
    rng: random.Random, n: int, first: Sequence[str], second: Sequence[str]
) -> list[str]:
    """`n` distinct "First Second" names in random order, numbered once the lists run out."""
    pairs = [f"{a} {b}" for a, b in itertools.product(first, second)]
    rng.shuffle(pairs)
    return [
        pairs[i % len(pairs)] + ("" if i < len(pairs) else f" {i // len(pairs) + 1}")
        for i in range(n)
    ]


# --------------------------------------------------------------------------- test sites


def _local_site(capacity: int) -> TestSite:
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


def _national_portal(capacity: int, days: int) -> TestSite:
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


def _sites(rng: random.Random, homes: Sequence[Home], horizon: Horizon) -> list[TestSite]:
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
    return [_local_site(local), _national_portal(max(1, rest - local), horizon.days), *sites]


# --------------------------------------------------------------------------- workers


def _workers(
    rng: random.Random,
    n: int,
    homes: Sequence[Home],
    short_ids: set[str],
    horizon: Horizon,
) -> list[Worker]:
    """The staff bank: mostly bank carers, some agency; each free in blocks of days."""
    names = _unique_names(rng, n, _GIVEN, _FAMILY)
    width = max(3, len(str(n)))
    short_sorted = sorted(short_ids)
    all_ids = [h.id for h in homes]
    return [
        _worker(rng, f"w{i + 1:0{width}d}", names[i], short_sorted, all_ids, horizon)
        for i in range(n)
    ]


def _worker(
    rng: random.Random,
    worker_id: str,
    name: str,
    short_ids: Sequence[str],
    all_ids: Sequence[str],
    horizon: Horizon,
) -> Worker:
    """One worker. About 30% come from a home (usually one now short-staffed) where they
    last worked 1-20 days ago, so some are still inside the quarantine window."""
    history = HomeHistory()
    if rng.random() < 0.30:
        pool = short_ids if short_ids and rng.random() < 0.8 else all_ids
        history = HomeHistory(
            current_home=rng.choice(pool), last_shift=_days_before(horizon, rng.randint(1, 20))
        )
    tested = None if rng.random() < 0.25 else _days_before(horizon, rng.randint(1, 10))
    max_shifts = None
    if rng.random() < 0.5:
        max_shifts = rng.randint(6, 10) * max(1, round(horizon.days / 14))
    return Worker(
        id=worker_id,
        name=name,
        kind=WorkerKind.BANK if rng.random() < 0.85 else WorkerKind.AGENCY,
        roles=_roles(rng),
        availability=_availability(rng, horizon),
        max_shifts=max_shifts,
        home_history=history,
        last_negative_test=tested,
        locality=rng.choice(LOCALITIES),
    )


def _with_pools(
    rng: random.Random,
    workers: Sequence[Worker],
    homes: Sequence[Home],
    short_ids: set[str],
    horizon: Horizon,
) -> tuple[list[Worker], list[Agency]]:
    """The pools beyond the bank, drawn after the shortfalls (which the whole workforce's
    supply sized): some bank workers become NHS partners' workers or recruits (no past
    shifts, trained from a day in the horizon's middle third), and every agency worker
    belongs to an agency supplying about a quarter of the homes, short ones first, and
    the home they last worked at."""
    bank = [i for i, w in enumerate(workers) if w.kind == WorkerKind.BANK]
    drawn = rng.sample(bank, min(len(bank), round(len(workers) * (NHS_SHARE + RECRUIT_SHARE))))
    nhs, chosen = set(drawn[: round(len(workers) * NHS_SHARE)]), set(drawn)
    third = max(1, horizon.days // 3)
    ids = [h.id for h in homes]
    agencies = [
        _agency_homes(rng, ids, short_ids)
        for _ in range(max(1, round(len(homes) / HOMES_PER_AGENCY)))
    ]
    result = []
    for i, w in enumerate(workers):
        if i in nhs:
            w = w.model_copy(update={"kind": WorkerKind.NHS})
        elif i in chosen:
            trained = horizon.start + dt.timedelta(days=rng.randint(third, 2 * third))
            w = w.model_copy(
                update={
                    "kind": WorkerKind.RECRUIT,
                    "available_from": trained,
                    "home_history": HomeHistory(),
                }
            )
        elif w.kind == WorkerKind.AGENCY:
            k = rng.randrange(len(agencies))
            if w.home_history.current_home is not None:
                agencies[k].add(w.home_history.current_home)
            w = w.model_copy(update={"agency": f"ag{k + 1}"})
        result.append(w)
    return result, [
        Agency(
            id=f"ag{k + 1}",
            name=f"{_AGENCY_NAMES[k % len(_AGENCY_NAMES)]} Care Agency",
            homes=sorted(supplied),
        )
        for k, supplied in enumerate(agencies)
    ]


def _agency_homes(rng: random.Random, ids: Sequence[str], short_ids: set[str]) -> set[str]:
    """About a quarter of the homes, half of them short-staffed where there are enough."""
    n = max(1, round(len(ids) / 4))
    short = sorted(short_ids)
    supplied = set(rng.sample(short, min(len(short), n // 2)))
    others = [h for h in ids if h not in supplied]
    return supplied | set(rng.sample(others, min(len(others), n - len(supplied))))


def _roles(rng: random.Random) -> list[Role]:
    """About 12% nurses, 20% senior carers (over half also carers), 15% one-to-one support
    workers (two in five also carers), the rest carers: about 70% hold the carer role."""
    u = rng.random()
    if u < 0.12:
        return [Role.NURSE]
    if u < 0.32:
        return [Role.SENIOR_CARER, Role.CARER] if rng.random() < 0.55 else [Role.SENIOR_CARER]
    if u < 0.47:
        return [Role.CARER, Role.ONE_TO_ONE] if rng.random() < 0.4 else [Role.ONE_TO_ONE]
    return [Role.CARER]


def _availability(rng: random.Random, horizon: Horizon) -> list[Availability]:
    """Blocks of 2-6 consecutive days covering 55-65% of the horizon, each block for day
    shifts, night shifts or both, as bank workers offer their free weeks."""
    target = max(1, round(horizon.days * rng.uniform(0.55, 0.65)))
    blocks: list[int] = []
    while (left := target - sum(blocks)) > 0:
        if left == 1 and blocks and blocks[-1] < 6:
            blocks[-1] += 1  # fold a lone day into the block before rather than a 1-day block
        else:
            blocks.append(min(rng.randint(2, 6), left))
    gaps = [0] * (len(blocks) + 1)  # before, between and after the blocks
    for _ in range(horizon.days - target):
        gaps[rng.randrange(len(gaps))] += 1
    result: list[Availability] = []
    day = gaps[0]
    for length, gap in zip(blocks, gaps[1:], strict=True):
        shifts = rng.choices(([Shift.DAY], [Shift.NIGHT], list(SHIFTS)), weights=(45, 20, 35))[0]
        first = horizon.start + dt.timedelta(days=day)
        result.append(
            Availability(from_=first, to=first + dt.timedelta(days=length - 1), shifts=shifts)
        )
        day += length + gap
    return result


def available_days(worker: Worker) -> int:
    """Distinct dates the worker is available on, for either shift."""
    return len(
        {
            a.from_ + dt.timedelta(days=k)
            for a in worker.availability
            for k in range((a.last - a.from_).days + 1)
        }
    )


def bank_supply(workers: Sequence[Worker]) -> int:
    """Shifts the staff bank can really work: available days times `SHIFT_UTILISATION`."""
    return round(SHIFT_UTILISATION * sum(available_days(w) for w in workers))


# --------------------------------------------------------------------------- shortfalls


_ROLE_WEIGHTS: Mapping[HomeType, Mapping[Role, float]] = {
    NURSING: {Role.CARER: 0.55, Role.SENIOR_CARER: 0.15, Role.NURSE: 0.27, Role.ONE_TO_ONE: 0.03},
    RESIDENTIAL: {Role.CARER: 0.75, Role.SENIOR_CARER: 0.20, Role.ONE_TO_ONE: 0.05},
    LD: {Role.CARER: 0.45, Role.SENIOR_CARER: 0.10, Role.ONE_TO_ONE: 0.45},
    MH: {Role.CARER: 0.50, Role.SENIOR_CARER: 0.15, Role.ONE_TO_ONE: 0.35},
    SUBSTANCE: {Role.CARER: 0.70, Role.SENIOR_CARER: 0.20, Role.ONE_TO_ONE: 0.10},
}
"""Which roles a home runs short of: carers most; nurses only in nursing homes; one-to-one
support mostly in learning disability and mental health homes."""


def _with_shortfalls(
    rng: random.Random,
    homes: Sequence[Home],
    short_ids: set[str],
    workers: Sequence[Worker],
    horizon: Horizon,
) -> list[Home]:
    """Give the short-staffed homes shortfalls totalling 1.0-1.3 times the bank's supply.

    Shift by shift, a weighted home (confirmed outbreaks weigh most, then suspected, then
    size) gets one more worker short on a day in its own run of bad days. Only roles some
    worker holds are used, so every shortfall can in principle be covered."""
    held = {r for w in workers for r in w.roles}
    target = round(bank_supply(workers) * rng.uniform(*SHORTFALL_PRESSURE))
    gaps = {
        h.id: _HomeGaps(
            rng, h, {r: x for r, x in _ROLE_WEIGHTS[h.type].items() if r in held}, horizon
        )
        for h in homes
        if h.id in short_ids
    }
    open_ids = sorted(i for i, g in gaps.items() if g.roles)
    weights = {i: gaps[i].weight for i in open_ids}
    for _ in range(target):
        if not open_ids:
            break
        home_id = rng.choices(open_ids, weights=[weights[i] for i in open_ids])[0]
        if not gaps[home_id].add_one(rng):
            open_ids.remove(home_id)
    return [
        h.model_copy(update={"shortfalls": gaps[h.id].shortfalls()}) if h.id in gaps else h
        for h in homes
    ]


_GAP_WEIGHT: Mapping[OutbreakStatus, float] = {
    OutbreakStatus.CONFIRMED: 3.0,
    OutbreakStatus.SUSPECTED: 2.0,
    OutbreakStatus.NONE: 1.0,
}


class _HomeGaps:
    """One home's shortfalls while they are drawn: (day, shift, role) -> workers short."""

    MAX_SHORT = 3

    def __init__(
        self, rng: random.Random, home: Home, roles: Mapping[Role, float], horizon: Horizon
    ) -> None:
        self.roles = dict(roles)
        self.horizon = horizon
        status = home.outbreak.status
        self.weight = _GAP_WEIGHT[status] * home.beds**0.5
        # A run of bad days: from the outbreak's start (or the plan's first day, if it began
        # before), else anywhere in the horizon.
        days = horizon.days
        since = home.outbreak.since
        if since is None:
            length = rng.randint(min(days, max(2, days // 3)), days)
            first = rng.randint(0, days - length)
        else:
            first = max(0, (since - horizon.start).days)
            length = rng.randint(min(days - first, max(2, days // 3)), days - first)
        self.window = range(first, first + length)
        self.short: dict[tuple[int, Shift, Role], int] = {}

    def add_one(self, rng: random.Random) -> bool:
        """One more worker short somewhere; False when every slot is at its maximum."""
        for window in (self.window, range(self.horizon.days)):
            for _ in range(8):
                slot = (
                    rng.choice(window),
                    rng.choices(SHIFTS, weights=(60, 40))[0],
                    rng.choices(list(self.roles), weights=list(self.roles.values()))[0],
                )
                if self.short.get(slot, 0) < self.MAX_SHORT:
                    self.short[slot] = self.short.get(slot, 0) + 1
                    return True
            free = [
                (d, s, r)
                for d in window
                for s in SHIFTS
                for r in self.roles
                if self.short.get((d, s, r), 0) < self.MAX_SHORT
            ]
            if free:
                slot = rng.choice(free)
                self.short[slot] = self.short.get(slot, 0) + 1
                return True
        return False

    def shortfalls(self) -> list[Shortfall]:
        order = {s: i for i, s in enumerate(SHIFTS)}
        return [
            Shortfall(date=self.horizon.start + dt.timedelta(days=d), shift=s, role=r, workers=n)
            for (d, s, r), n in sorted(
                self.short.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2].value)
            )
        ]


# --------------------------------------------------------------------------- contacts


def _with_reports(rng: random.Random, homes: Sequence[Home], horizon: Horizon) -> list[Home]:
    """About `STALE_SHARE` of the homes reported `STALE_DAYS` before the plan; the rest are
    fresh (no `reported`: the horizon's start)."""
    late = [rng.random() < STALE_SHARE for _ in homes]
    return [
        h.model_copy(update={"reported": _days_before(horizon, rng.randint(*STALE_DAYS))})
        if is_late
        else h
        for h, is_late in zip(homes, late, strict=True)
    ]


def _with_contacts(
    homes: Sequence[Home], workers: Sequence[Worker]
) -> tuple[list[Home], list[Worker]]:
    """Obviously fictitious addresses and numbers, derived from each record's place in its
    list: no random draw, so adding them changed nothing else a seed gives. Mobiles are in
    Ofcom's range reserved for drama (07700 900xxx); landlines in an unallocated one."""
    return (
        [
            h.model_copy(
                update={
                    "address": f"{i} Example Street, {h.locality.title()}",
                    "report_to": f"Duty manager, 01752 000 {i % 1000:03d}",
                }
            )
            for i, h in enumerate(homes, start=1)
        ],
        [
            w.model_copy(update={"phone": f"07700 900 {i % 1000:03d}"})
            for i, w in enumerate(workers, start=1)
        ],
    )


# --------------------------------------------------------------------------- isolation


def _scaled_facility_beds(homes: int) -> tuple[int, int, int]:
    """Plymouth's 20 + 10 + 6 beds for 95 homes, scaled, at least 2 of each."""
    hotel, council, respite = (max(2, round(homes * beds / 95)) for beds in (20, 10, 6))
    return hotel, council, respite


def _facilities(beds: tuple[int, int, int]) -> list[IsolationFacility]:
    """A care hotel for older people, council beds, and learning disability respite: between
    them every need a request can have is accepted somewhere."""
    hotel, council, respite = beds
    return [
        IsolationFacility(
            id="care-hotel",
            name="Care hotel",
            kind=FacilityKind.CARE_HOTEL,
            beds=hotel,
            accepts=[Need.DEMENTIA, Need.RESIDENTIAL, Need.NURSING],
            locality="waterfront",
        ),
        IsolationFacility(
            id="council-beds",
            name="Council step-down beds",
            kind=FacilityKind.COUNCIL_BEDS,
            beds=council,
            accepts=[Need.RESIDENTIAL, Need.DEMENTIA],
            locality="central",
        ),
        IsolationFacility(
            id="ld-respite",
            name="Learning disability respite unit",
            kind=FacilityKind.RESPITE,
            beds=respite,
            accepts=[Need.LEARNING_DISABILITY],
            locality="north",
        ),
    ]


def _requests(
    rng: random.Random, homes: Sequence[Home], hospital: int, horizon: Horizon
) -> list[IsolationRequest]:
    """Residents whose home cannot isolate them (cases beyond its isolation rooms, at most
    `MAX_REQUESTS_PER_HOME` a home), plus `hospital` discharges; numbered by earliest date."""
    drafts: list[tuple[int, str | None, Need, str]] = []
    for home in homes:
        ob = home.outbreak
        excess = min(ob.resident_cases - home.can_isolate, MAX_REQUESTS_PER_HOME)
        if ob.since is None or excess <= 0:
            continue
        opens = max(0, (ob.since - horizon.start).days)
        rooms = "room" if home.can_isolate == 1 else "rooms"
        reason = (
            f"cannot isolate in home: {ob.resident_cases} cases, "
            f"{home.can_isolate} isolation {rooms}"
        )
        for _ in range(excess):
            # Earlier days more likely: the smaller of two draws after the outbreak began.
            day = opens + min(rng.randint(0, horizon.days - 1 - opens) for _ in range(2))
            drafts.append((day, home.id, _need(rng, home.type), reason))
    for _ in range(hospital):
        need = rng.choices((Need.NURSING, Need.DEMENTIA, Need.RESIDENTIAL), weights=(4, 4, 2))[0]
        reason = f"discharge from {HOSPITAL} after a positive test"
        drafts.append((rng.randrange(horizon.days), None, need, reason))
    drafts.sort(key=lambda d: (d[0], d[1] or "~"))
    width = max(3, len(str(len(drafts))))
    return [
        IsolationRequest(
            id=f"r{i + 1:0{width}d}",
            from_home=home_id,
            from_hospital=None if home_id else HOSPITAL,
            need=need,
            earliest=horizon.start + dt.timedelta(days=day),
            reason=reason,
        )
        for i, (day, home_id, need, reason) in enumerate(drafts)
    ]


def _need(rng: random.Random, home_type: HomeType) -> Need:
    """The care a resident needs in isolation, by the kind of home they come from."""
    if home_type == LD:
        return Need.LEARNING_DISABILITY
    if home_type == NURSING:
        return Need.NURSING if rng.random() < 0.6 else Need.DEMENTIA
    if home_type == RESIDENTIAL:
        return Need.RESIDENTIAL if rng.random() < 0.6 else Need.DEMENTIA
    return Need.RESIDENTIAL

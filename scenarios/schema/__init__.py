"""The scenario file's contract: what a planner writes, validated at the boundary.

Every model forbids unknown keys, so a misspelt field is an error rather than a silently
ignored default. Structural checks (types, ranges) live here; checks that need the whole
scenario (unknown ids, dates outside the horizon) live in `scenarios.checks`, so that all
problems in a file can be reported at once.

One module per part of the file: `base` (the vocabulary: the strict model, ids,
enumerations, daily amounts, an owning authority), `policy`, `travel` (places and the
minutes between them), `homes`, `sites` (test channels), `workers` (and agencies),
`isolation`, `simulation`, and `scenario` (the horizon, pins and the whole file). Code
outside this package imports from here, `scenarios.schema`, never from those modules.
"""

from scenarios.limits import MAX_HORIZON_DAYS
from scenarios.schema.accommodation import (
    AccommodationPolicy,
    ReasonWeights,
    RoomReason,
    RoomRequest,
    StaffHotel,
    TaxiEligibility,
    TransportPolicy,
)
from scenarios.schema.base import (
    HOME_COHORTS,
    SHIFTS,
    AuthorityId,
    Capacity,
    Cohort,
    CqcRating,
    FacilityKind,
    HomeType,
    Id,
    Need,
    OutbreakStatus,
    Probability,
    Rag,
    ResultDays,
    ResultRange,
    Role,
    Served,
    Shift,
    SiteKind,
    Strict,
    WorkerKind,
    contact,
    daily,
)
from scenarios.schema.homes import (
    Home,
    LastTested,
    Outbreak,
    RagRatings,
    Shortfall,
)
from scenarios.schema.isolation import (
    IsolationFacility,
    IsolationRequest,
)
from scenarios.schema.policy import (
    NEAREST_DAY_WEIGHT,
    AbsenceForecast,
    DayWeighting,
    DayWeightingKind,
    Goal,
    ObjectiveWeights,
    OneToOne,
    OutbreakTesting,
    Policy,
    Positivity,
    RetestDays,
    RiskWeights,
)
from scenarios.schema.scenario import (
    AT_HOME,
    Horizon,
    Pins,
    RequestPin,
    Scenario,
    WorkerPin,
)
from scenarios.schema.simulation import (
    Simulation,
)
from scenarios.schema.sites import (
    NOT_TESTED_BY_KIND,
    TestSite,
)
from scenarios.schema.travel import (
    EARTH_RADIUS_KM,
    Latitude,
    Located,
    Longitude,
    Place,
    Travel,
    TravelTime,
    coordinates,
    distance_km,
)
from scenarios.schema.workers import (
    Agency,
    Availability,
    HomeHistory,
    RecentShift,
    Worker,
)

__all__ = [
    "AT_HOME",
    "EARTH_RADIUS_KM",
    "HOME_COHORTS",
    "MAX_HORIZON_DAYS",
    "NEAREST_DAY_WEIGHT",
    "NOT_TESTED_BY_KIND",
    "SHIFTS",
    "AbsenceForecast",
    "AccommodationPolicy",
    "Agency",
    "AuthorityId",
    "Availability",
    "Capacity",
    "Cohort",
    "CqcRating",
    "DayWeighting",
    "DayWeightingKind",
    "FacilityKind",
    "Goal",
    "Home",
    "HomeHistory",
    "HomeType",
    "Horizon",
    "Id",
    "IsolationFacility",
    "IsolationRequest",
    "LastTested",
    "Latitude",
    "Located",
    "Longitude",
    "Need",
    "ObjectiveWeights",
    "OneToOne",
    "Outbreak",
    "OutbreakStatus",
    "OutbreakTesting",
    "Pins",
    "Place",
    "Policy",
    "Positivity",
    "Probability",
    "Rag",
    "RagRatings",
    "ReasonWeights",
    "RecentShift",
    "RequestPin",
    "ResultDays",
    "ResultRange",
    "RetestDays",
    "RiskWeights",
    "Role",
    "RoomReason",
    "RoomRequest",
    "Scenario",
    "Served",
    "Shift",
    "Shortfall",
    "Simulation",
    "SiteKind",
    "StaffHotel",
    "Strict",
    "TaxiEligibility",
    "TestSite",
    "TransportPolicy",
    "Travel",
    "TravelTime",
    "Worker",
    "WorkerKind",
    "WorkerPin",
    "contact",
    "coordinates",
    "daily",
    "distance_km",
]

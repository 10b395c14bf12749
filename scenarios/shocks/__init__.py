"""Shocks: small typed records (`kind` picks the type) that each turn one scenario into another.

A shock changes exactly what its name says and nothing else; random choices (which homes
break out, which workers fall sick) come from the `random.Random` it is given, so the caller
decides what is reproducible and what is shared between runs. After each shock the scenario
is validated again in full, so a shocked scenario is an ordinary scenario.

The records are in `kinds`, applying them in `apply`; code outside this package imports
from here, `scenarios.shocks`.
"""

from scenarios.shocks.apply import apply_shocks
from scenarios.shocks.kinds import (
    BankSize,
    BankUnavailable,
    Days,
    DeliveryMissed,
    FacilityBeds,
    HospitalDischarges,
    HotelRooms,
    IsolationDemand,
    OfficersOff,
    OutbreakSurge,
    PolicyChange,
    PositivityScale,
    RecruitsDelayed,
    Shock,
    SiteCapacity,
    SiteResultDays,
    StaffSick,
    TaxiBudget,
    TrainingSessions,
    VansWithdrawn,
)

__all__ = [
    "BankSize",
    "BankUnavailable",
    "Days",
    "DeliveryMissed",
    "FacilityBeds",
    "HospitalDischarges",
    "HotelRooms",
    "IsolationDemand",
    "OfficersOff",
    "OutbreakSurge",
    "PolicyChange",
    "PositivityScale",
    "RecruitsDelayed",
    "Shock",
    "SiteCapacity",
    "SiteResultDays",
    "StaffSick",
    "TaxiBudget",
    "TrainingSessions",
    "VansWithdrawn",
    "apply_shocks",
]

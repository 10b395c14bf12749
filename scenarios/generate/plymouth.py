"""The worked example: the same builder with the public figures of one English city in
May 2020 pinned (95 homes, 2,435 beds, 28 incidents of which 17 confirmed, a 220-a-day
local test site, a staff bank of 120, 36 isolation beds), and the committed example file's
text, header included.
"""

from __future__ import annotations

from pathlib import Path

from scenarios.generate.city import START, build
from scenarios.generate.rooms import StaffRooms
from scenarios.generate.shape import LD, MH, NURSING, RESIDENTIAL, SUBSTANCE
from scenarios.generate.sites import local_site, national_portal
from scenarios.generate.spec import Spec
from scenarios.generate.visits import Officers
from scenarios.load import dump_scenario
from scenarios.schema import (
    AbsenceForecast,
    AccommodationPolicy,
    Policy,
    Positivity,
    Scenario,
    TaxiEligibility,
    TransportPolicy,
    VisitsPolicy,
)

EXAMPLES = Path(__file__).parent.parent / "examples"
PLYMOUTH_FILE = EXAMPLES / "plymouth-2020.yaml"


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
        local_site(220),
        national_portal(150, days),
    )
    spec = Spec(
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
        policy=Policy(
            absence_forecast=PLYMOUTH_FORECAST,
            accommodation=AccommodationPolicy(far_minutes=30),
            transport=TransportPolicy(
                journeys_per_day=[16] * 4 + [4] * 2 + [16] * 8, eligible=[TaxiEligibility.NO_CAR]
            ),
            # the city's share of the county's 12 IPC training sessions a day (360 homes)
            visits=VisitsPolicy(training_sessions_per_day=3),
        ),
        # A staff hotel of 8 rooms, 2 on nights 3 and 4; 10 room requests; a quarter of
        # the bank without a car: rooms and taxis each run short on some day.
        staff_rooms=StaffRooms(
            rooms=8, tight_rooms=2, tight_nights=(3, 4), requests=10, no_car_share=0.25
        ),
        # 3 liaison officers (3 hours a day for visits, the rest on the phone) and 2 IPC
        # trainers, weekdays; 60 % of homes trained already
        officers=Officers(liaison=3, trainers=2, trained_share=0.6, liaison_minutes=180),
        ppe=True,
    )
    return build(spec)


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
#   - a staff hotel (8 rooms a night, 2 on 4-5 June) for 10 room requests and bank workers
#     deployed over 30 minutes from home; taxis, 16 journeys a day (4 on 5-6 June), for
#     the quarter of the bank without a car.
#   - 3 care-home liaison officers (3 hours a day for visits) and 2 IPC trainers
#     working weekdays; 60 % of homes trained before the horizon; 3 training sessions
#     a day (the city's share of a county's 12 for 360 homes); outbreak homes visited
#     within a day and then weekly.
#   - PPE: each home's stock and daily use of masks, aprons, gloves, gowns and eye
#     protection, a council depot with LRF deliveries every 4 days and 2 vans of 12
#     drops (synthetic, sized so that the 7-day target cannot be met everywhere at once).
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

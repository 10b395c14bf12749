"""Risk score: each part from its policy weight, the score their sum."""

from __future__ import annotations

import datetime as dt

from scenarios.risk import RISK_PARTS, RiskTable, risk_parts
from scenarios.schema import RiskWeights
from tests.conftest import START, day, home, scenario, shortfall, worker


def test_every_part_comes_from_its_weight() -> None:
    s = scenario(
        homes=[
            home(
                "ld",
                type="learning_disability",
                beds=8,
                residents=6,
                cqc_rating="inadequate",
                rag={"overall": "red", "ppe": "amber", "workforce": "green"},
                outbreak={
                    "status": "confirmed",
                    "since": day(1),
                    "resident_cases": 3,
                    "staff_cases": 2,
                    "deaths_7d": 1,
                },
                can_isolate=1,
                last_tested={"staff": day(-4), "residents": None},
                shortfalls=[shortfall(0, workers=2), shortfall(1, "night")],
            )
        ],
        workers=[worker("w1")],
    )
    w = RiskWeights()
    before = risk_parts(s.homes[0], START, w, stale=0)
    after = risk_parts(s.homes[0], START + dt.timedelta(days=1), w, stale=0)
    assert (before.outbreak, before.cases) == (0, 0)  # not yet started on day 0
    assert after.outbreak == w.outbreak_confirmed
    assert after.cases == 3 * w.per_resident_case + 2 * w.per_staff_case
    assert after.deaths == w.per_death_7d
    assert (after.rag_overall, after.rag_ppe, after.rag_workforce) == (w.rag_red, w.rag_amber, 0)
    assert after.cqc == w.cqc_inadequate and after.home_type == w.learning_disability
    assert after.cannot_isolate == w.cannot_isolate  # 1 room for 3 cases
    assert after.days_since_test == w.days_since_test_cap  # residents never tested
    assert after.staffing == 3 * w.per_shift_short
    assert after.score == sum(getattr(after, p) for p in RISK_PARTS)


def test_caps_and_the_table_cover_every_home_and_day() -> None:
    s = scenario(
        homes=[
            home(
                "a",
                outbreak={
                    "status": "suspected",
                    "since": day(-3),
                    "resident_cases": 10,
                    "staff_cases": 10,
                },
            )
        ],
        policy={"risk_weights": {"cases_cap": 7}},
    )
    table = RiskTable(s)
    assert len(table.rows) == len(s.homes) * s.horizon.days
    row = table.rows[0]
    assert row.cases == 7 and row.outbreak == RiskWeights().outbreak_suspected
    assert table.score("a", START) == row.score

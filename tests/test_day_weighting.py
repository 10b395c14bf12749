"""Weighting unmet need by day: near days first when the plan is re-made each morning."""

from __future__ import annotations

import pytest

from constraints import testing
from constraints.build import build_model
from scenarios.schema import NEAREST_DAY_WEIGHT, DayWeighting, DayWeightingKind
from tests.conftest import START, Solver, day, home, scenario, shortfall, worker

KINDS = list(DayWeightingKind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("days", [1, 7, 14, 56])
def test_weights_are_whole_never_rise_and_stay_between_one_and_the_nearest(
    kind: DayWeightingKind, days: int
) -> None:
    weights = [DayWeighting(kind=kind).weight(d) for d in range(days)]
    assert all(isinstance(w, int) and 1 <= w <= NEAREST_DAY_WEIGHT for w in weights)
    assert weights == sorted(weights, reverse=True)


def test_discount_takes_its_rate_off_each_day_and_firm_days_hold_then_drop() -> None:
    discount = DayWeighting(kind="discount", rate=10)
    assert [discount.weight(d) for d in range(3)] == [100, 90, 81]
    firm = DayWeighting(kind="firm_days", firm_days=2)
    assert [firm.weight(d) for d in range(4)] == [100, 100, 1, 1]
    assert DayWeighting().weight(0) == DayWeighting().weight(13) == 1


EXPECTED_HOME = {"flat": "later", "discount": "near", "firm_days": "near"}


@pytest.mark.parametrize("kind", KINDS)
def test_one_worker_covers_the_near_day_only_when_near_days_weigh_more(
    kind: DayWeightingKind, solver: Solver
) -> None:
    # One worker, one home (the one-home rule): a shift short on day 0 at a home of risk 10,
    # or one on day 4 at a home of risk 11. Flat weights take the riskier; the day weighting
    # (discount 100 against 65; firm days 100 against 1) takes the near day.
    s = scenario(
        homes=[
            home("near", shortfalls=[shortfall(0)]),
            home("later", shortfalls=[shortfall(4)], rag={"workforce": "amber"}),
        ],
        workers=[worker("w1")],
        policy={
            "risk_weights": {"base": 10, "rag_amber": 1},
            "objective": {"day_weighting": {"kind": kind, "rate": 10, "firm_days": 2}},
        },
    )
    plan = solver.plan(s)
    assert [(x.home_id, (x.date - START).days) for x in plan.shifts] == (
        [("near", 0)] if EXPECTED_HOME[kind] == "near" else [("later", 4)]
    )


def test_every_family_prices_its_unmet_need_by_the_day_weighting() -> None:
    # Every day firm: each tier-1 price (tests, shifts, beds) is 100 times the flat one,
    # and the small costs of tier 3 do not move.
    def penalties(weighting: dict[str, object]) -> dict[tuple[int, str, int], int]:
        s = scenario(
            homes=[
                home("a", shortfalls=[shortfall(3)], last_tested={"staff": day(-30)}),
            ],
            workers=[worker("w1")],
            isolation_facilities=[
                {"id": "hotel", "kind": "care_hotel", "beds": 1, "accepts": ["residential"]}
            ],
            isolation_requests=[
                {"id": "r1", "from_home": "a", "need": "residential", "earliest": day(2)}
            ],
            policy={"objective": {"day_weighting": weighting}},
        )
        return {(p.tier, p.rule.id, p.var): p.coef for p in build_model(s).penalties}

    flat = penalties({"kind": "flat"})
    firm = penalties({"kind": "firm_days", "firm_days": 7})
    assert flat.keys() == firm.keys()
    tier1 = {rule_id for tier, rule_id, _var in flat if tier == 1}
    assert tier1 >= {"retest_cover", "shortfall_cover", "place_once"}
    for k, coef in flat.items():
        assert firm[k] == (NEAREST_DAY_WEIGHT * coef if k[0] == 1 else coef), k


def test_the_baselines_price_of_an_untested_person_is_the_models_before_day_weighting() -> None:
    s = scenario(
        homes=[home("a", last_tested={"staff": day(-30)})],
        policy={"objective": {"day_weighting": {"kind": "firm_days", "firm_days": 7}}},
    )
    ctx = build_model(s).ctx
    weights = ctx.policy.objective
    windows = testing.cover_windows(ctx)
    assert windows
    for w in windows:
        per_person = (
            weights.outbreak_untested_person
            if w.kind == testing.WindowKind.OUTBREAK
            else weights.untested_person
        )
        risk = ctx.risk.score(w.home, ctx.dates[w.last])
        assert testing.untested_price(ctx, w) == per_person * risk
        assert testing.window_price(ctx, w) == NEAREST_DAY_WEIGHT * per_person * risk

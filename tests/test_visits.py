"""Training and liaison visits: each rule on a tiny scenario where it binds, on every
backend and path, the pattern path planning as the direct model does, the shocks and
values, bad input, and the Plymouth example."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from constraints import rules
from constraints.build import build_model
from constraints.model import tier_terms
from scenarios.schema import Scenario, VisitKind
from scheduler.heuristics.visits import greedy_visits
from tests.conftest import DEFAULT, DIRECT, Solver, day, home, scenario, shortfall, worker

TRAINED = {"ipc_trained_on": day(-30)}
"""A home already trained: no training need."""


def red(home_id: str, **fields: Any) -> dict[str, Any]:
    """A trained home rated red overall: a liaison visit due within the policy's days."""
    return home(home_id, rag={"overall": "red"}, **TRAINED) | fields


def officer(officer_id: str, *delivers: str, **fields: Any) -> dict[str, Any]:
    return {"id": officer_id, "delivers": list(delivers)} | fields


DAY_ONE = {"visits": {"red_rag_within_days": 1}}
"""Red RAG homes need their visit on the horizon's first day."""


def officer_day_full() -> Scenario:
    """Three red homes due a visit on day 0 and one liaison officer with minutes for two
    (60 a visit and 10 travel: 70 each, 150 a day): the two riskiest are visited."""
    return scenario(
        days=3,
        homes=[red("a", cqc_rating="inadequate"), red("b", cqc_rating="inadequate"), red("c")],
        officers=[officer("l1", "liaison", minutes_per_day=150)],
        policy=DAY_ONE,
    )


def sessions_cut() -> Scenario:
    """Two homes not yet trained, two trainers, one training session on the only day: the
    riskier home is trained, the other's need names the full sessions."""
    return scenario(
        days=1,
        homes=[home("a", cqc_rating="inadequate"), home("b")],
        officers=[officer("t1", "training"), officer("t2", "training")],
        policy={"visits": {"training_sessions_per_day": 1}},
    )


def two_needs_one_day() -> Scenario:
    """A red home not yet trained, a one-day horizon, a liaison officer and a trainer:
    one visit a home a day, so the liaison visit (weighed more) goes and training waits."""
    return scenario(
        days=1,
        homes=[home("a", rag={"overall": "red"})],
        officers=[officer("l1", "liaison"), officer("t1", "training")],
        policy=DAY_ONE,
    )


def off_duty_and_wrong_kind() -> Scenario:
    """A red home due on day 0; the liaison officer works day 1 only and a trainer (who
    makes no liaison visits) works every day: the need is unmet for want of an officer."""
    return scenario(
        days=2,
        homes=[red("a")],
        officers=[officer("l1", "liaison", available=[day(1)]), officer("t1", "training")],
        policy=DAY_ONE,
    )


def outbreak_home() -> Scenario:
    """A home in outbreak since the day before the horizon, not yet trained, a staffing
    shortfall and a bank worker: visits beside staffing, first due on day 0."""
    return scenario(
        days=7,
        homes=[
            home(
                "a",
                outbreak={"status": "confirmed", "since": day(-1), "resident_cases": 2},
                shortfalls=[shortfall(d) for d in range(3)],
            ),
            red("b"),
        ],
        workers=[worker("w1")],
        officers=[officer("l1", "liaison", minutes_per_day=100), officer("t1", "training")],
    )


def test_an_officer_day_holds_its_visits_and_travel_the_riskiest_homes_first(solver: Solver):
    plan = solver.plan(officer_day_full())
    assert sorted((v.home_id, v.date.isoformat()) for v in plan.visits) == [
        ("a", day(0)),
        ("b", day(0)),
    ]
    assert {v.travel_minutes for v in plan.visits} == {10}
    (unmet,) = [u for u in plan.unmet if u.kind == "visit"]
    assert unmet.home_id == "c" and unmet.cause_rule == "officer_minutes"
    assert unmet.cause_resource == "l1" and set(unmet.next_in_line.split(",")) == {"a", "b"}


def test_training_sessions_a_day_are_shared_by_every_officer(solver: Solver):
    plan = solver.plan(sessions_cut())
    assert [(v.home_id, v.kind) for v in plan.visits] == [("a", VisitKind.TRAINING)]
    (unmet,) = [u for u in plan.unmet if u.kind == "training"]
    assert unmet.home_id == "b" and unmet.cause_rule == "training_sessions"


def test_a_home_sees_one_officer_a_day(solver: Solver):
    plan = solver.plan(two_needs_one_day())
    assert [(v.officer_id, v.kind) for v in plan.visits] == [("l1", VisitKind.LIAISON)]
    (unmet,) = [u for u in plan.unmet if u.kind == "training"]
    assert unmet.cause_rule == "one_visit_a_day"


def test_only_an_officer_on_duty_who_delivers_the_visit_makes_it(solver: Solver):
    plan = solver.plan(off_duty_and_wrong_kind())
    assert plan.visits == []
    (unmet,) = [u for u in plan.unmet if u.kind == "visit"]
    assert unmet.cause_rule == "officer_on_duty"


def test_a_home_is_trained_at_most_once(solver: Solver):
    s = scenario(days=3, homes=[home("a")], officers=[officer("t1", "training")])
    built = build_model(s)
    training = [v for (_o, _h, _d, k), v in built.visits.visits.items() if k == "training"]
    assert len(training) == 3 and solver.most(built, training) == 1


def test_visit_variables_exist_only_where_a_need_of_their_kind_is_open():
    """The model grows with the needs: a red home due on day 0 and a trained one give a
    liaison officer one variable, a trainer none."""
    s = scenario(
        days=7,
        homes=[red("a"), home("b", **TRAINED)],
        officers=[officer("l1", "liaison"), officer("t1", "training")],
        policy=DAY_ONE,
    )
    built = build_model(s)
    assert list(built.visits.visits) == [("l1", "a", 0, VisitKind.LIAISON)]


def test_a_scenario_without_officers_builds_no_visit_rows():
    built = build_model(scenario(homes=[red("a"), home("b")]))
    assert not [c for c in built.model.constraints if c.rule.family == rules.Family.VISITS]
    assert not [v for v in built.model.variables if v.rule.family == rules.Family.VISITS]


def test_outbreak_visits_are_due_within_a_day_then_weekly():
    from scenarios.visits import visit_needs

    needs = [n for n in visit_needs(outbreak_home()) if n.home == "a"]
    assert [(n.reason, n.first.isoformat(), n.due.isoformat()) for n in needs] == [
        ("outbreak", day(0), day(0)),
        ("outbreak", day(1), day(6)),
        ("untrained", day(0), day(6)),
    ]


BINDS: dict[str, tuple[Callable[[], Scenario], set[str]]] = {
    "constraints.visits.add_officer_minutes": (officer_day_full, {"officer_minutes"}),
    "constraints.visits.add_training_sessions": (sessions_cut, {"training_sessions"}),
    "constraints.visits.add_one_visit_a_day": (two_needs_one_day, {"one_visit_a_day"}),
    "constraints.domain.officer_on_duty": (off_duty_and_wrong_kind, {"visit_eligibility"}),
    "constraints.domain.officer_delivers": (off_duty_and_wrong_kind, {"visit_eligibility"}),
}


@pytest.mark.parametrize("rule", BINDS)
def test_each_rule_is_what_binds(rule: str, broken_without: Callable[..., set[str]]):
    build, checked = BINDS[rule]
    assert checked <= broken_without(rule, build())


def test_trained_once_and_visit_due_are_what_hold(switch_off: Callable[[str], None]):
    """With the rules off the model allows a second training, and visits outside a need's
    window: the checker finds both."""
    from scheduler.plan import Visit
    from scheduler.validate import validate_plan

    s = scenario(days=3, homes=[home("a")], officers=[officer("t1", "training")])
    plan = DIRECT.plan(s)
    twice = [
        Visit(
            date=s.horizon.dates[d],
            officer_id="t1",
            home_id="a",
            kind="training",
            travel_minutes=10,
        )
        for d in (0, 1)
    ]
    found = {v.rule for v in validate_plan(s, plan.model_copy(update={"visits": twice}))}
    assert "trained_once" in found
    switch_off("constraints.visits.add_trained_once")
    built = build_model(s)
    assert DIRECT.most(built, list(built.visits.visits.values())) == 3


def test_whole_schedules_plan_visits_as_the_direct_model_does():
    """The visits share no row with staffing: the pattern path plans them apart, holds
    them in the master and reaches the direct model's optimum."""
    s = outbreak_home()
    patterns, direct = DEFAULT.plan(s), DIRECT.plan(s)
    assert patterns.summary.path.startswith("whole schedules")
    assert patterns.summary.stages[0].objective == direct.summary.stages[0].objective
    assert Counter(v.kind for v in patterns.visits) == Counter(v.kind for v in direct.visits)


def the_first_officer_does_both() -> Scenario:
    """A red home due a liaison visit and an untrained home, one day; o1 delivers both kinds
    and o2 liaison only, each with minutes for one visit. The hand rule takes the riskier
    need first and its first officer by name, o1, and no one is left to train b: the
    optimum sends o2 on the liaison visit and o1 to train."""
    return scenario(
        days=1,
        homes=[red("a", cqc_rating="inadequate"), home("b")],
        officers=[
            officer("o1", "liaison", "training", minutes_per_day=150),
            officer("o2", "liaison", minutes_per_day=150),
        ],
        policy=DAY_ONE,
    )


def test_visits_are_planned_apart_to_their_optimum_where_the_greedy_falls_short():
    s = the_first_officer_does_both()
    built = build_model(s)
    greedy = greedy_visits(built)
    terms = [(v, k) for v, k in tier_terms(built.penalties, 1) if v in greedy]
    assert sum(k * greedy[v] for v, k in terms) > 0
    plan = DEFAULT.plan(s, time_limit=2)
    assert plan.summary.stages[0].objective == 0
    assert "visits planned apart (proven optimal)" in plan.summary.path
    assert {(v.officer_id, v.kind) for v in plan.visits} == {
        ("o2", VisitKind.LIAISON),
        ("o1", VisitKind.TRAINING),
    }


def test_the_greedy_start_keeps_every_hard_rule():
    from scheduler.heuristics.baseline import baseline_start

    for build in (officer_day_full, sessions_cut, two_needs_one_day, outbreak_home):
        built = build_model(build())
        _deployment, values = baseline_start(built)
        assert values is not None, build.__name__


def test_shocks_take_officers_off_and_cut_sessions():
    from scenarios.shocks import OfficersOff, TrainingSessions, apply_shocks

    off = apply_shocks(
        officer_day_full(),
        [OfficersOff(kind="officers_off", officers=["l1"], days={"first": 1, "last": 1})],
        random.Random(0),
        "l1 off",
        "test",
    )
    assert [str(d) for d in off.officers[0].available or []] == [day(1), day(2)]
    assert not DIRECT.plan(off).visits
    cut = apply_shocks(
        sessions_cut(),
        [TrainingSessions(kind="training_sessions", set=0)],
        random.Random(0),
        "no sessions",
        "test",
    )
    assert cut.policy.visits.training_sessions_per_day == [0]
    assert not DIRECT.plan(cut).visits


def test_one_more_officer_day_and_session_are_worth_something_where_they_bind():
    from scheduler.analysis.value import Resource, value_table
    from scheduler.solve.settings import SolverSettings

    settings = SolverSettings(time_limit=5, workers=1)
    officers = value_table(officer_day_full(), settings, [Resource("officer", "l1")], step=1)
    assert officers.set_index(["resource", "step"]).loc[("officer:l1", 1), "value_per_unit"] > 0
    sessions = value_table(sessions_cut(), settings, [Resource("training", "sessions")], step=1)
    row = sessions.set_index(["resource", "step"]).loc[("training:sessions", 1)]
    assert row["value_per_unit"] > 0


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        (
            {"officers": [officer("o1", "cooking")]},
            "bad.yaml: officers[0] (o1).delivers[0]:",
        ),
        (
            {"officers": [officer("o1")]},
            "bad.yaml: officers[0] (o1).delivers:",
        ),
        (
            {
                "officers": [officer("o1", "training")],
                "policy": {"visits": {"training_sessions_per_day": [1, 2]}},
            },
            "bad.yaml: policy.visits.training_sessions_per_day:",
        ),
        (
            {"homes": [home("h1", ipc_trained_on="last spring")]},
            "bad.yaml: homes[0] (h1).ipc_trained_on:",
        ),
    ],
)
def test_bad_visits_input_is_one_line_exit_2_nothing_written(
    tmp_path, changes: dict[str, Any], line: str
):
    from tests.test_bad_input import _plan, _scenario

    code, output, out = _plan(tmp_path, _scenario(**changes))
    assert code == 2 and not out.exists()
    assert output.strip().startswith(line), output
    assert len(output.strip().splitlines()) == 1


# ------------------------------------------------------------------ the Plymouth example


def plymouth_visits() -> Scenario:
    """The Plymouth example's homes, officers and policy alone (no PPE either): the visits
    share no row with staffing, tests, beds or PPE, so their plan is the same as within
    the whole model, in a fraction of the time."""
    from scenarios.load import load_scenario
    from tests.conftest import EXAMPLES

    s = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    homes = [h.model_copy(update={"shortfalls": []}) for h in s.homes]
    return s.model_copy(
        update={
            "homes": homes,
            "workers": [],
            "agencies": [],
            "test_sites": [],
            "isolation_facilities": [],
            "isolation_requests": [],
            "staff_hotels": [],
            "room_requests": [],
            "ppe": None,
            "pins": s.pins.model_copy(update={"workers": [], "requests": []}),
        }
    )


def test_in_the_example_each_visits_rule_binds_on_some_day():
    s = plymouth_visits()
    plan = DIRECT.plan(s)
    built = build_model(s)
    chosen = {(v.officer_id, v.home_id, s.horizon.dates.index(v.date), v.kind) for v in plan.visits}
    values = [0] * len(built.model.variables)
    for key, var in built.visits.visits.items():
        values[var] = int(key in chosen)
    tight = {
        c.rule.id
        for c in built.model.constraints
        if c.rule.family == rules.Family.VISITS
        and c.rule.is_hard
        and sum(k * values[v] for v, k in c.terms) == c.ub
    }
    assert tight == {"officer_minutes", "one_visit_a_day", "trained_once", "training_sessions"}
    causes = {u.cause_rule for u in plan.unmet if u.kind in ("visit", "training")}
    assert {"officer_minutes", "training_sessions"} <= causes


@pytest.mark.slow
def test_in_the_example_officers_off_change_the_plan_and_more_is_worth_something():
    from scenarios.shocks import OfficersOff, apply_shocks
    from scheduler.analysis.value import Resource, value_table
    from scheduler.solve.settings import SolverSettings

    s = plymouth_visits()
    base = {(v.officer_id, v.home_id, v.date) for v in DIRECT.plan(s).visits}
    off = apply_shocks(
        s,
        [OfficersOff(kind="officers_off", officers=["liaison-1"], days={"first": 1, "last": 5})],
        random.Random(0),
        "liaison-1 off",
        "test",
    )
    shocked = {(v.officer_id, v.home_id, v.date) for v in DIRECT.plan(off).visits}
    assert shocked != base and not [x for x in shocked if x[0] == "liaison-1" and x[2].day < 6]
    # HiGHS proves this component optimal in seconds (knapsack cover cuts), where one
    # CP-SAT worker keeps to its greedy start: the difference of two optima is the value
    table = value_table(
        s,
        SolverSettings(solver="highs", time_limit=30, workers=1),
        [Resource("officer", "liaison-1"), Resource("training", "sessions")],
        step=1,
    ).set_index(["resource", "step"])
    assert table.loc[("officer:liaison-1", 1), "value_per_unit"] > 0
    assert table.loc[("training:sessions", 1), "value_per_unit"] > 0


def test_visits_reach_the_plan_folder_explain_the_workbook_and_the_report(tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    from scheduler.analysis.explain import explain_home, explain_text
    from scheduler.output.html_report import render_report
    from scheduler.output.tables import read_plan, write_plan
    from scheduler.output.workbook import write_workbook

    s = officer_day_full()
    plan = DIRECT.plan(s)
    write_plan(plan, s, tmp_path / "plan")
    assert read_plan(tmp_path / "plan").visits == plan.visits
    text = explain_text(explain_home(tmp_path / "plan", "c"))
    assert "IPC training: trained on" in text and "l1 on 2020-06-01 visited" in text
    assert f"visit {day(0)} by l1 (liaison, 10 min travel)" in explain_text(
        explain_home(tmp_path / "plan", "a")
    )
    page = render_report(plan, s, dt.date(2020, 6, 1))
    assert 'id="visits-table"' in page and "red RAG liaison visit" in page
    write_workbook(plan, s, tmp_path / "plan.xlsx")
    assert load_workbook(tmp_path / "plan.xlsx")["Visits"].max_row == 1 + len(plan.visits)

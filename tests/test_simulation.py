"""Policy simulation: the epidemic against its closed form, testing and isolation that
work, reproducible seeds, the one-home rule's effect, rule-based plans that keep every
hard rule, and one tiny `carehome simulate` end to end."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.schema import Role, Scenario, Shift, Simulation
from scheduler.plan import Plan, ShiftAssignment, Summary
from scheduler.simulation import epidemic as ep
from scheduler.simulation.policies import Turns, make_plan, policy_scenario
from scheduler.simulation.run import simulate_run
from scheduler.simulation.workers import Course
from scheduler.simulation.world import World
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan
from tests.conftest import EXAMPLES, START, home, scenario, shortfall, worker

TINY = EXAMPLES / "tiny.yaml"


def _home(residents: int, staff: int, p: Simulation, **groups: int) -> ep.HomeState:
    return ep.HomeState(
        ep.Group(susceptible=residents - groups.get("free", 0), free=groups.get("free", 0)),
        ep.Group(susceptible=staff),
        can_isolate=groups.get("can_isolate", 0),
        death_rate=0.0,
    )


def test_unchecked_growth_matches_the_closed_form() -> None:
    """No tests, no isolation, no introductions: E + I grows by the dominant eigenvalue of
    the linear recurrence, 1.085 a day with the defaults, within 2 %."""
    p = Simulation(community_prevalence=0.0, isolation_effect=0.0)
    rates = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        state = _home(2_000_000, 0, p, free=300)
        sizes = []
        for _day in range(40):
            ep.onset(state, rng, p)
            ep.spread(state, rng, p)
            ep.recover(state, rng, p)
            sizes.append(state.residents.exposed + state.residents.infectious)
        rates.append((sizes[39] / sizes[19]) ** (1 / 20))
    assert math.isclose(float(np.mean(rates)), ep.growth_factor(p), rel_tol=0.02)
    assert math.isclose(ep.growth_factor(p), 1.085, abs_tol=0.001)


def _run_home(p: Simulation, swab_all: bool, seed: int = 0, days: int = 60) -> ep.HomeState:
    rng = np.random.default_rng(seed)
    state = _home(50, 50, p, can_isolate=100)
    for t in range(days):
        ep.introduce(state, rng, p, 0, 0)
        ep.onset(state, rng, p)
        if swab_all:
            ep.swab(state, rng, p, "residents", 50, t)
            ep.swab(state, rng, p, "staff", 50, t)
        ep.results(state, t)
        ep.spread(state, rng, p)
        ep.recover(state, rng, p)
    return state


def test_perfect_testing_and_isolation_keep_infections_at_introductions() -> None:
    p = Simulation(
        community_prevalence=0.01,
        worker_exposure_ratio=1.0,
        test_sensitivity=1.0,
        turnaround_days=0,
        isolation_effect=1.0,
        staff_sick=0.0,
    )
    tested = _run_home(p, swab_all=True)
    infected = tested.residents.infected + tested.staff.infected
    assert tested.introductions > 5
    assert infected == tested.introductions
    untested = _run_home(p, swab_all=False)
    assert untested.residents.infected + untested.staff.infected > 2 * untested.introductions


def test_the_same_seed_gives_the_same_run() -> None:
    from scenarios.load import load_scenario

    base = load_scenario(TINY)
    settings = SolverSettings(time_limit=1, workers=1)
    first = simulate_run(base, "greedy", 7, 1, "daily", settings)
    again = simulate_run(base, "greedy", 7, 1, "daily", settings)
    assert first.totals == again.totals
    assert first.days == again.days
    assert len(first.plans) == 7


DAYS_MOVING = 21


def _city() -> Scenario:
    """Four homes, one with a large hidden outbreak; four bank workers; no community
    infection, so introductions come only from workers carrying it between homes."""
    homes = [
        home(f"h{k}", beds=30, residents=30, staff=20, shortfalls=[shortfall(d) for d in range(7)])
        for k in range(4)
    ]
    homes[0] = homes[0] | {
        "outbreak": {"status": "suspected", "since": START.isoformat(), "resident_cases": 10}
    }
    sim = {"community_prevalence": 0.0, "carry_probability": 1.0, "hidden_per_known_case": 2.0}
    return scenario(homes=homes, workers=[worker(f"w{k}") for k in range(4)], simulation=sim)


def _shifts(moving: bool) -> Plan:
    """Each worker at one home throughout, or each moving to the next home every day."""
    rows = [
        ShiftAssignment(
            date=START + dt.timedelta(days=d),
            shift=Shift.DAY,
            worker_id=f"w{k}",
            home_id=f"h{(k + d) % 4 if moving else k}",
            role=Role.CARER,
        )
        for d in range(DAYS_MOVING)
        for k in range(4)
    ]
    return Plan(
        shifts=rows,
        summary=Summary(
            scenario="t", status="x", objective=0, best_bound=0, gap=0, solve_seconds=0
        ),
    )


def _moved(moving: bool, seeds: int) -> tuple[int, int]:
    """Introductions and workers infected over `seeds` runs of `_shifts(moving)`."""
    base, plan = _city(), _shifts(moving)
    intros = infected = 0
    for seed in range(seeds):
        world = World(base, seed)
        for d in range(DAYS_MOVING):
            outcome = world.apply_day(plan, START + dt.timedelta(days=d))
            intros += outcome.introductions
        infected += outcome.worker_infections
    return intros, infected


def test_the_one_home_rule_lowers_introductions_driven_by_movement() -> None:
    """Workers catch the virus at the outbreak home; only moving ones bring it elsewhere."""
    staying, moving = _moved(False, 20), _moved(True, 20)
    assert staying[0] == 0
    assert moving[0] > 5
    assert staying[1] > 0 and moving[1] > 0


def test_a_worker_off_sick_leaves_the_shift_uncovered_and_is_unavailable_next_plan() -> None:
    base = _city()
    world = World(base, 0)
    worker = world.workers["w0"]
    worker.course, worker.off = Course.INFECTIOUS, True
    outcome = world.apply_day(_shifts(False), START)
    assert outcome.shifts_uncovered == _city_shortfall(base) - 3
    later = world.scenario_for(START + dt.timedelta(days=1), 7)
    assert next(w for w in later.workers if w.id == "w0").availability == []
    assert next(w for w in later.workers if w.id == "w1").availability != []


def _city_shortfall(base: Scenario) -> int:
    return sum(sf.workers for h in base.homes for sf in h.shortfalls if sf.date == START)


def test_a_swab_finds_an_infectious_worker_and_sends_them_off_when_the_result_is_back() -> None:
    p = Simulation(test_sensitivity=1.0)
    world = World(_city(), 0)
    worker = world.workers["w0"]
    worker.course = Course.INFECTIOUS
    worker.new_day()
    assert worker.swabbed(p, START + dt.timedelta(days=1))
    worker.draws[:] = 0.99  # neither recovery nor onset today
    worker.step(p, START)
    assert not worker.off
    worker.step(p, START + dt.timedelta(days=1))
    assert worker.off and not worker.carrying


def test_spreadsheet_rules_and_the_relaxed_rule_keep_every_hard_rule() -> None:
    from scenarios.load import load_scenario

    base = load_scenario(TINY)
    world = World(base, 0)
    settings = SolverSettings(time_limit=2, workers=1)
    for policy in ("proportional", "round_robin", "no_one_home"):
        s = policy_scenario(world.scenario_for(base.horizon.start, 7), policy)
        plan = make_plan(policy, s, settings, None)
        assert validate_plan(s, plan) == [], policy
        assert plan.testing, policy
    relaxed = policy_scenario(base, "no_one_home").policy
    assert not relaxed.one_home_per_worker and relaxed.quarantine_days == 0


def test_near_days_policy_plans_with_unmet_need_discounted_by_day() -> None:
    from scenarios.load import load_scenario

    base = load_scenario(TINY)
    near = policy_scenario(base, "optimiser_near_days")
    weighting = near.policy.objective.day_weighting
    assert weighting.weight(0) > weighting.weight(6) >= 1
    assert near.policy.model_copy(update={"objective": base.policy.objective}) == base.policy
    s = policy_scenario(World(base, 0).scenario_for(base.horizon.start, 7), "optimiser_near_days")
    plan = make_plan("optimiser_near_days", s, SolverSettings(time_limit=2, workers=1), None)
    assert validate_plan(s, plan) == [] and plan.testing


def test_simulate_command_writes_tables_and_charts(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    args = ["simulate", str(TINY), "--weeks", "1", "--runs", "2", "--out", str(out)]
    args += ["--policies", "optimiser,greedy", "--jobs", "2", "--time-limit", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for name in ("runs.csv", "outcomes.csv", "comparison.csv", "plans.csv", "daily.csv"):
        assert (out / name).is_file(), name
    for name in ("infections.png", "outcomes.png"):
        assert (out / name).stat().st_size > 5_000, name
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4 and set(runs["policy"]) == {"optimiser", "greedy"}
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison["policy"]) == {"optimiser"}
    assert {"difference", "ci95_low", "ci95_high"} <= set(comparison.columns)
    plans = pd.read_csv(out / "plans.csv")
    assert list(plans["plans"]) == [2, 2]
    assert "difference from greedy" in result.output


def test_a_local_dask_cluster_runs_the_same_study_as_local_processes(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    runs = {}
    for how, extra in (("local", ["--jobs", "2"]), ("dask", ["--dask", "local:2"])):
        out = tmp_path / how
        args = ["simulate", str(TINY), "--weeks", "1", "--runs", "3", "--out", str(out)]
        args += ["--policies", "greedy,proportional", *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        runs[how] = pd.read_csv(out / "runs.csv").drop(columns=["plan_seconds_median"])
    # The spreadsheet rules do not depend on solver time, so the runs match exactly.
    pd.testing.assert_frame_equal(runs["local"], runs["dask"])
    assert len(runs["dask"]) == 6


def test_a_malformed_local_cluster_address_is_refused(tmp_path: Path) -> None:
    args = ["simulate", str(TINY), "--runs", "1", "--out", str(tmp_path / "s"), "--dask", "local:x"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "local:N" in result.output
    assert not (tmp_path / "s").exists()


def _round_robin_days(
    days: int = 8, first: int = 0, turns: Turns | None = None
) -> tuple[Scenario, list[tuple[str, str]]]:
    """Five homes whose staff are due every day; site `a` (any home) and site `b` (nursing
    homes h2 and h4 only) each test one home's staff a day. The homes served, in site-day
    order (day, then site)."""
    from tests.conftest import site

    nursing = {"type": "older_people_nursing"}
    homes = [
        home(f"h{i}", residents=0, staff=10, **(nursing if i % 2 == 0 else {})) for i in range(1, 6)
    ]
    s = scenario(
        days=days,
        homes=homes,
        test_sites=[site("a", 10), site("b", 10, home_types=["older_people_nursing"])],
        policy={"retest_days": {"staff": 1}, "overdue_within_days": 0},
    )
    start = s.horizon.start + dt.timedelta(days=first)
    s = s.model_copy(update={"horizon": s.horizon.model_copy(update={"start": start})})
    settings = SolverSettings(time_limit=2, workers=1)
    plan = make_plan("round_robin", s, settings, None, turns)
    assert validate_plan(s, plan) == []
    served = sorted((b.date.isoformat(), b.site_id, b.home_id or "") for b in plan.testing)
    return s, [(site_id, h) for _d, site_id, h in served]


def test_round_robin_gives_every_home_its_turn_in_home_order() -> None:
    s, served = _round_robin_days()
    nursing = {h.id for h in s.homes if h.type == "older_people_nursing"}
    assert len(served) == 2 * s.horizon.days  # each site-day serves one whole cohort
    last_served: dict[str, int] = {}
    for k, (site_id, h) in enumerate(served):
        # the home served least recently (never served first, then by id) among those the
        # site-day can take: ones the site accepts, not already tested that day
        today = served[k - 1][1] if site_id == "b" else None
        can = [x.id for x in s.homes if x.id != today and (site_id == "a" or x.id in nursing)]
        assert h == min(can, key=lambda x: (last_served.get(x, -1), x)), (k, served)
        last_served[h] = k
    # a site that takes only some homes does not starve the others: over 8 days (16
    # site-days, 5 homes) every home has its turn at least twice
    assert min(Counter(h for _s, h in served)[x.id] for x in s.homes) >= 2


def test_round_robin_turns_carry_from_plan_to_plan() -> None:
    _s, whole = _round_robin_days()
    turns = Turns()
    _s, first = _round_robin_days(days=6, turns=turns)
    turns.resume(START + dt.timedelta(days=4))  # days 0-3 carried out, re-planned on day 4
    _s, rest = _round_robin_days(days=4, first=4, turns=turns)
    assert first[:8] + rest == whole


def _paired_runs(n: int, shift: float, noise: float) -> pd.DataFrame:
    """`n` seeds of policies a and b, b's outcomes `shift` above a's plus +-`noise`."""
    from scheduler.simulation.run import OUTCOMES

    rows = []
    for seed in range(n):
        wobble = noise if seed % 2 else -noise
        rows.append({"policy": "a", "seed": seed, "error": ""} | {k: 100.0 for k in OUTCOMES})
        rows.append(
            {"policy": "b", "seed": seed, "error": ""}
            | {k: 100.0 + shift + wobble for k in OUTCOMES}
        )
    return pd.DataFrame(rows)


def test_a_comparison_says_when_a_difference_cannot_be_told_from_zero() -> None:
    from scheduler.simulation.study import comparison_table

    clear = comparison_table(_paired_runs(20, 10.0, 1.0), "a")
    assert set(clear["verdict"]) == {"higher"}
    spanning = comparison_table(_paired_runs(20, 1.0, 10.0), "a")
    assert set(spanning["verdict"]) == {"cannot be told from zero"}
    # two runs decide nothing, even with a clear-looking difference
    two = comparison_table(_paired_runs(2, 10.0, 1.0), "a")
    assert all("too few runs" in v for v in two["verdict"])


def test_the_simulate_command_warns_that_two_runs_decide_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    args = ["simulate", str(TINY), "--weeks", "1", "--runs", "2", "--out", str(out)]
    args += ["--policies", "greedy,proportional"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "too few runs" in result.output
    assert "verdict" in pd.read_csv(out / "comparison.csv").columns


@pytest.mark.parametrize("policy", ["proportional", "round_robin", "greedy"])
def test_hand_rules_keep_a_worker_pin(policy: str) -> None:
    """w1 would not be sent to a by a rule blind to pins (b is short on more days)."""
    pin = {"worker": "w1", "home": "a", "date": START.isoformat()}
    s = scenario(
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", shortfalls=[shortfall(d) for d in range(4)]),
        ],
        workers=[worker("w1"), worker("w2")],
        pins={"workers": [pin]},
    )
    plan = make_plan(policy, s, SolverSettings(time_limit=2, workers=1), None)
    assert validate_plan(s, plan) == [], policy
    assert ("w1", "a") in {(x.worker_id, x.home_id) for x in plan.shifts}


def test_a_deterministic_time_limit_reaches_every_plan_and_repeats_the_study(
    tmp_path: Path,
) -> None:
    outcomes = []
    for k in range(2):
        out = tmp_path / f"sim{k}"
        args = ["simulate", str(TINY), "--weeks", "1", "--runs", "1", "--out", str(out)]
        args += ["--policies", "optimiser", "--jobs", "1", "--time-limit", "60"]
        result = CliRunner().invoke(main, [*args, "--deterministic-time", "0.05"])
        assert result.exit_code == 0, result.output
        assert json.loads((out / "summary.json").read_text())["deterministic_time"] == 0.05
        outcomes.append(pd.read_csv(out / "daily.csv"))
    pd.testing.assert_frame_equal(outcomes[0], outcomes[1])


@pytest.mark.parametrize("later", [0, 3, 7, 20])
def test_every_scenario_the_simulation_plans_passes_the_scenarios_own_checks(later: int) -> None:
    """Daily capacities follow the plan's days and hotel stays recur once a cycle, cut to
    the plan: nothing dated outside the horizon reaches the planner."""
    from scenarios.checks import scenario_problems
    from scenarios.load import load_scenario

    base = load_scenario(EXAMPLES / "plymouth-2020.yaml")
    first = base.horizon.start + dt.timedelta(days=later)
    s = World(base, 0).scenario_for(first, 7)
    assert scenario_problems(s) == []
    assert s.room_requests, "the example's hotel stays recur in every week"
    ids = [q.id for q in s.room_requests]
    assert len(ids) == len(set(ids))

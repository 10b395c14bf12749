"""What-if shocks: each changes exactly what it says, reproducibly by seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from scenarios.load import ScenarioError, load_scenario
from scenarios.schema import Scenario, daily
from scenarios.whatif import Variant, apply_variant
from scheduler.analysis.compare import plan_variant
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES, day, home, scenario, shortfall, site, solve, worker


@pytest.fixture
def base() -> Scenario:
    return scenario(
        homes=[
            home("a", shortfalls=[shortfall(0)]),
            home("b", type="learning_disability", beds=8, residents=6),
            home("c", staff=40),
        ],
        test_sites=[site("local", capacity=100), site("national", capacity=50, lead_days=2)],
        workers=[worker(f"w{i}") for i in range(10)],
        isolation_facilities=[
            {"id": "hotel", "kind": "care_hotel", "beds": 4, "accepts": ["residential"]}
        ],
        isolation_requests=[
            {"id": "r1", "from_home": "a", "need": "residential", "earliest": day(1)}
        ],
    )


def shocked(base: Scenario, *shocks: dict[str, Any], seed: int = 0) -> Scenario:
    return apply_variant(
        base, Variant.model_validate({"name": "v", "shocks": list(shocks)}), seed, "w.yaml"
    )


def test_site_capacity_set_and_scale_over_days(base: Scenario) -> None:
    s = shocked(
        base,
        {"kind": "site_capacity", "site": "national", "set": 0, "days": {"first": 2, "last": 3}},
        {"kind": "site_capacity", "site": "local", "scale": 0.5, "days": {"first": 6}},
    )
    national, local = s.test_sites[1], s.test_sites[0]
    assert [daily(national.capacity, d) for d in range(7)] == [50, 0, 0, 50, 50, 50, 50]
    assert [daily(local.capacity, d) for d in range(7)] == [100] * 5 + [50, 50]
    assert s.homes == base.homes and s.workers == base.workers


def test_facility_beds(base: Scenario) -> None:
    s = shocked(base, {"kind": "facility_beds", "facility": "hotel", "set": 1})
    assert s.isolation_facilities[0].beds == [1] * 7


def test_outbreak_surge_is_reproducible_and_weighted(base: Scenario) -> None:
    surge = {
        "kind": "outbreak_surge",
        "day": 3,
        "count": 1,
        "type_weights": {"older_people_residential": 0},
    }
    s = shocked(base, surge, seed=4)
    assert shocked(base, surge, seed=4) == s
    hit = [h for h in s.homes if h.outbreak.status == "confirmed"]
    assert [h.id for h in hit] == ["b"]  # the only home with weight
    assert hit[0].outbreak.since.isoformat() == day(2) and hit[0].outbreak.resident_cases == 1
    named = shocked(base, {"kind": "outbreak_surge", "homes": ["a", "c"]})
    assert {h.id for h in named.homes if h.outbreak.status == "confirmed"} == {"a", "c"}


def test_bank_unavailable_takes_a_fraction_off_for_the_days(base: Scenario) -> None:
    s = shocked(
        base, {"kind": "bank_unavailable", "fraction": 0.3, "days": {"first": 1, "last": 4}}
    )
    changed = [w for w, b in zip(s.workers, base.workers, strict=True) if w != b]
    assert len(changed) == 3
    for w in changed:
        assert not any(
            w.available_on(d, sh) for d in s.horizon.dates[:4] for sh in ("day", "night")
        )
        assert all(w.available_on(d, "day") for d in s.horizon.dates[4:])


def test_bank_size_shrinks_to_nested_subsets_and_grows_with_fresh_recruits() -> None:
    base = scenario(
        homes=[home("a")],
        workers=[*(worker(f"w{i}") for i in range(10)), worker("ag", kind="agency")],
    )
    small, mid = (shocked(base, {"kind": "bank_size", "workers": n}, seed=3) for n in (3, 6))
    ids = {n: {w.id for w in s.workers} for n, s in ((3, small), (6, mid))}
    assert len(ids[3]) == 4 and len(ids[6]) == 7 and "ag" in ids[3]  # agency untouched
    assert ids[3] < ids[6]  # the same seed draws the same order: a smaller bank is a subset
    grown = shocked(base, {"kind": "bank_size", "workers": 13}, seed=3)
    recruits = [w for w in grown.workers if w.id not in {x.id for x in base.workers}]
    assert sorted(w.id[-3:] for w in recruits) == ["-r1", "-r2", "-r3"]
    assert all(
        w.last_negative_test is None and w.home_history.current_home is None for w in recruits
    )
    assert all(w.kind == "bank" and w.roles and w.availability for w in recruits)


def test_outbreak_surge_by_risk_favours_high_risk_homes() -> None:
    red = {"overall": "red", "ppe": "red", "workforce": "red"}
    base = scenario(homes=[home("a"), home("b"), home("c", rag=red, cqc_rating="inadequate")])

    def hit(by_risk: bool, seed: int) -> str:
        surge = {"kind": "outbreak_surge", "count": 1, "by_risk": by_risk}
        return next(
            h.id for h in shocked(base, surge, seed=seed).homes if h.outbreak.status == "confirmed"
        )

    risky = [hit(True, n) for n in range(60)].count("c")
    plain = [hit(False, n) for n in range(60)].count("c")
    assert risky > 30 and risky > plain + 10


def test_staff_sick_raises_shortfall(base: Scenario) -> None:
    s = shocked(
        base,
        {"kind": "staff_sick", "fraction": 0.5, "homes": ["c"], "days": {"first": 2, "last": 2}},
    )
    c = next(h for h in s.homes if h.id == "c")
    assert [(sf.date.isoformat(), sf.shift, sf.workers) for sf in c.shortfalls] == [
        (day(1), "day", 4),
        (day(1), "night", 4),
    ]  # ceil(0.5 * 40 staff * 0.2 on shift)


def test_isolation_demand_and_discharges(base: Scenario) -> None:
    s = shocked(
        base,
        {"kind": "isolation_demand", "factor": 3},
        {"kind": "hospital_discharges", "per_day": 2, "days": {"first": 1, "last": 2}},
    )
    ids = [r.id for r in s.isolation_requests]
    assert ids == ["r1", "r1-x1", "r1-x2", "hd-01-1", "hd-01-2", "hd-02-1", "hd-02-2"]


def test_policy_change_merges_nested_fields(base: Scenario) -> None:
    s = shocked(
        base, {"kind": "policy", "changes": {"retest_days": {"staff": 14}, "quarantine_days": 7}}
    )
    assert s.policy.retest_days.staff == 14 and s.policy.retest_days.residents == 28
    assert s.policy.quarantine_days == 7


def test_bad_shock_names_variant_and_shock(base: Scenario) -> None:
    with pytest.raises(
        ScenarioError,
        match=r"w.yaml: variants\[v\].shocks\[0\] \(site_capacity\): unknown test site",
    ):
        shocked(base, {"kind": "site_capacity", "site": "nowhere", "set": 0})


def _whatif_file(tmp_path: Path, variants: list[dict[str, Any]]) -> Path:
    base = tmp_path / "tiny.yaml"
    base.write_text((EXAMPLES / "tiny.yaml").read_text())
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({"base": "tiny.yaml", "seed": 1, "variants": variants}))
    return path


def test_broken_whatif_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = _whatif_file(
        tmp_path, [{"name": "x", "shocks": [{"kind": "site_capacity", "sight": "local"}]}]
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["whatif", str(path), "--out", str(out), "--emit", str(out)])
    assert result.exit_code == 2 and "w.yaml:" in result.output
    assert not out.exists()


def test_whatif_plans_variants_in_parallel_and_compares(tmp_path: Path) -> None:
    tiny = load_scenario(EXAMPLES / "tiny.yaml")
    site_id = tiny.test_sites[0].id
    path = _whatif_file(
        tmp_path,
        [
            {"name": "baseline"},
            {"name": "no tests", "shocks": [{"kind": "site_capacity", "site": site_id, "set": 0}]},
        ],
    )
    out = tmp_path / "out"
    args = ["whatif", str(path), "--out", str(out), "--jobs", "2", "--time-limit", "5"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "comparison.csv")
    assert list(table["variant"]) == ["base", "baseline", "no tests"]
    assert (table["violations"] == 0).all()
    by = table.set_index("variant")
    assert by.loc["no tests", "tests_booked"] == 0 < by.loc["baseline", "tests_booked"]
    assert (
        by.loc["no tests", "cohort_tests_in_interval_pct"]
        < by.loc["baseline", "cohort_tests_in_interval_pct"]
    )
    assert (out / "variants" / "no-tests" / "summary.json").exists()
    assert (out / "comparison.xlsx").exists()
    assert "[3/3]" in result.output and "running" in result.output and "to go" in result.output


def test_a_failing_variant_is_a_row_not_a_crash(base: Scenario) -> None:
    weight = 2**53 - 1  # the largest a weight may be; the objective overflows all the same
    huge = shocked(base, {"kind": "policy", "changes": {"objective": {"unplaced_request": weight}}})
    row, plan = plan_variant("huge", huge, SolverSettings(time_limit=2, workers=1))
    assert plan is None
    assert row["variant"] == "huge" and row["status"].startswith(
        "FAILED: objective tier 1 can reach"
    )


def test_dask_cluster_gives_the_same_comparison_as_local_processes(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    tiny = load_scenario(EXAMPLES / "tiny.yaml")
    half = {"kind": "site_capacity", "site": tiny.test_sites[0].id, "scale": 0.5}
    path = _whatif_file(
        tmp_path,
        [
            {"name": "baseline"},
            {"name": "half tests", "shocks": [half]},
            {"name": "sick bank", "shocks": [{"kind": "bank_unavailable", "fraction": 0.5}]},
        ],
    )
    tables = {}
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        runs = (("local", ["--jobs", "2"]), ("dask", ["--dask", cluster.scheduler_address]))
        for how, extra in runs:
            out = tmp_path / how
            args = ["whatif", str(path), "--out", str(out), "--time-limit", "5", *extra]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            tables[how] = pd.read_csv(out / "comparison.csv").drop(columns=["solve_seconds"])
    pd.testing.assert_frame_equal(tables["local"], tables["dask"])
    assert len(tables["dask"]) == 4 and (tables["dask"]["violations"] == 0).all()


def test_changes_against_the_base_carry_no_float_noise() -> None:
    from types import SimpleNamespace

    from scheduler.analysis.compare import KPIS, RunResult, comparison

    # 43.7 - 40.7 is 3.0000000000000036 in floating point
    def row(name: str, pct: float, wait: float) -> dict[str, Any]:
        return (
            {"variant": name, "status": "OPTIMAL"}
            | {k: 1.0 for k in KPIS}
            | {
                "cohort_tests_in_interval_pct": pct,
                "isolation_mean_wait_days": wait,
            }
        )

    results = {"base": RunResult(row("base", 43.7, 0.3)), "v": RunResult(row("v", 40.7, 0.1))}
    study = SimpleNamespace(variants=["v"], cells={}, axes=[])
    table = comparison(study, results)  # type: ignore[arg-type]
    assert list(table["cohort_tests_in_interval_pct_vs_base"]) == [0.0, -3.0]
    assert list(table["isolation_mean_wait_days_vs_base"]) == [0.0, -0.2]
    assert "-3.0000" not in table.to_csv(index=False)


def test_an_outbreak_stands_down_the_workers_recorded_at_the_home() -> None:
    """w0 worked at a three days before the horizon, w1 at c, w2 at a three weeks ago: an
    outbreak at a from day 2 stands down w0 alone, for five days, and a's shortfall on day
    2 goes to w2, the other worker of a's."""

    def at(home_id: str, days_before: int) -> dict[str, Any]:
        recent = {"date": day(-days_before), "shift": "day", "home": home_id}
        return {"current_home": home_id, "last_shift": day(-days_before), "recent_shifts": [recent]}

    base = scenario(
        homes=[home("a", shortfalls=[shortfall(1)]), home("c")],
        workers=[
            worker("w0", home_history=at("a", 3)),
            worker("w1", home_history=at("c", 3)),
            worker("w2", home_history=at("a", 21)),
        ],
    )
    surge = {"kind": "outbreak_surge", "homes": ["a"], "day": 2, "stand_down_days": 5}
    s = shocked(base, surge)
    dates = s.horizon.dates
    off = [d for d in range(7) if not s.workers[0].available_on(dates[d], "day")]
    assert off == [1, 2, 3, 4, 5]
    assert s.workers[1:] == base.workers[1:]
    assert shocked(base, surge | {"stand_down_days": 0}).workers == base.workers
    [covered] = solve(s).shifts
    assert covered.worker_id == "w2"

"""Sweeps: a grid of shock values times seeds, aggregated per cell, planned anywhere alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from scenarios.load import ScenarioError, load_scenario
from scenarios.schema import daily
from scenarios.whatif import Grid, load_whatif
from scheduler.analysis.compare import RunResult, comparison, sweep_table
from tests.conftest import EXAMPLES
from tests.test_determinism import FIRST_PLAN_FILES, assert_same_plans

TINY = load_scenario(EXAMPLES / "tiny.yaml")
SITE = TINY.test_sites[0].id


def write_whatif(tmp_path: Path, **document: Any) -> Path:
    (tmp_path / "tiny.yaml").write_text((EXAMPLES / "tiny.yaml").read_text())
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({"base": "tiny.yaml", "seed": 1} | document))
    return path


def site_axis(values: Any) -> dict[str, Any]:
    return {
        "name": "tests",
        "shock": {"kind": "site_capacity", "site": SITE},
        "field": "set",
        "values": values,
    }


BANK_AXIS = {"name": "bank", "shock": {"kind": "bank_size"}, "field": "workers", "values": [2, 4]}
SICK = {"kind": "bank_unavailable", "fraction": 0.5}


def test_grid_values_include_both_ends() -> None:
    assert Grid.model_validate({"from": 150, "to": 400, "step": 50}).values() == [
        150,
        200,
        250,
        300,
        350,
        400,
    ]
    assert Grid.model_validate({"from": 0.5, "to": 1, "step": 0.25}).values() == [0.5, 0.75, 1.0]


def test_sweep_expands_the_grid_times_seeds_with_common_random_numbers(tmp_path: Path) -> None:
    path = write_whatif(
        tmp_path,
        sweep={
            "axes": [site_axis({"from": 10, "to": 30, "step": 10}), BANK_AXIS],
            "seeds": 2,
            "shocks": [SICK],
        },
    )
    study = load_whatif(path)
    assert list(study.variants) == [] and len(study.sweep_runs) == 3 * 2 * 2
    assert list(study.sweep_runs)[:3] == [
        "tests 10 x bank 2 seed 1",
        "tests 10 x bank 2 seed 2",
        "tests 10 x bank 4 seed 1",
    ]
    run = study.sweep_runs["tests 20 x bank 4 seed 2"]
    assert {daily(run.test_sites[0].capacity, d) for d in range(run.horizon.days)} == {20}
    assert len([w for w in run.workers if w.kind == "bank"]) == 4
    assert study.cells["tests 20 x bank 4 seed 2"].values == (20, 4)

    def sick(name: str) -> set[str]:
        return {
            w.id
            for w in study.sweep_runs[name].workers
            if not any(w.available_on(d, "day") for d in TINY.horizon.dates)
        }

    # Same seed: the same workers fall sick whatever the test capacity ...
    assert sick("tests 10 x bank 4 seed 1") == sick("tests 30 x bank 4 seed 1") != set()
    # ... and a different seed draws again.
    assert {frozenset(sick(f"tests 10 x bank 4 seed {k}")) for k in (1, 2)} != {frozenset()}
    assert load_whatif(path).sweep_runs == study.sweep_runs  # reproducible


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        (site_axis(["x"]), r"sweep.axes\.0\.values"),
        (site_axis([-5]), r"sweep.axes\[0\] \(tests\) at -5: site_capacity.set"),
        (site_axis([5]) | {"field": "sett"}, r"sweep.axes\[0\] \(tests\) at 5: .*sett"),
        (
            site_axis([5]) | {"shock": {"kind": "site_capacity", "site": "nowhere"}},
            r"sweep\[tests 5\].shocks\[0\] \(site_capacity\): unknown test site 'nowhere'",
        ),
    ],
)
def test_a_bad_axis_names_its_place(tmp_path: Path, axis: dict[str, Any], message: str) -> None:
    path = write_whatif(tmp_path, sweep={"axes": [axis]})
    with pytest.raises(ScenarioError, match=message):
        load_whatif(path)


def test_a_sweep_kpi_that_does_not_exist_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = write_whatif(tmp_path, sweep={"axes": [site_axis([5])], "kpi": "happiness"})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["whatif", str(path), "--out", str(out)])
    assert result.exit_code == 2 and "w.yaml: sweep.kpi: 'happiness' is not a KPI" in result.output
    assert not out.exists()


def _row(name: str, status: str = "OPTIMAL", **kpis: float) -> RunResult:
    row: dict[str, Any] = {"variant": name, "status": status}
    if not status.startswith("FAILED"):
        row |= {"gap_pct": 0.0, "solve_seconds": 1.0, "violations": 0} | kpis
    return RunResult(row)


def test_cells_aggregate_mean_min_max_over_seeds_and_skip_failed_ones(tmp_path: Path) -> None:
    path = write_whatif(tmp_path, sweep={"axes": [site_axis([0, 50])], "seeds": 3})
    study = load_whatif(path)
    cover = "risk_weighted_coverage_pct"
    results = {
        "base": _row("base", **{cover: 50.0}),
        "tests 0 seed 1": _row("tests 0 seed 1", **{cover: 10.0}),
        "tests 0 seed 2": _row("tests 0 seed 2", **{cover: 20.0}),
        "tests 0 seed 3": _row("tests 0 seed 3", status="FAILED: infeasible"),
        "tests 50 seed 1": _row("tests 50 seed 1", **{cover: 60.0}),
        "tests 50 seed 2": _row("tests 50 seed 2", **{cover: 70.0}),
        "tests 50 seed 3": _row("tests 50 seed 3", **{cover: 80.0}),
    }
    cells = sweep_table(study, results).set_index("cell")
    assert cells.loc["tests 0", ["seeds", "failed"]].tolist() == [3, 1]
    assert cells.loc["tests 0", [f"{cover}_{s}" for s in ("mean", "min", "max")]].tolist() == [
        15.0,
        10.0,
        20.0,
    ]
    assert cells.loc["tests 0", "status"] == "OPTIMAL (1 seed failed: FAILED: infeasible)"
    assert cells.loc["tests 50", f"{cover}_mean"] == 70.0
    table = comparison(study, results).set_index("variant")
    assert table.loc["tests 50", f"{cover}_vs_base"] == 20.0
    assert table.loc["tests 50", "mark"] == "best" and table.loc["tests 0", "mark"] == "worst"
    assert table.loc["tests 0", "kind"] == "sweep cell" and table.loc["base", "tests"] != 0


def _sweep_file(tmp_path: Path) -> Path:
    return write_whatif(
        tmp_path,
        variants=[
            {"name": "baseline"},
            {"name": "no tests", "shocks": [{"kind": "site_capacity", "site": SITE, "set": 0}]},
            {
                "name": "broken",
                "shocks": [
                    {"kind": "policy", "changes": {"objective": {"unplaced_request": 2**53 - 1}}}
                ],
            },
        ],
        sweep={"axes": [site_axis([10, 40]), BANK_AXIS], "seeds": 2, "shocks": [SICK]},
    )


def test_a_sweep_runs_locally_and_on_dask_alike(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path = _sweep_file(tmp_path)
    tables, outputs = {}, {}
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        runs = (("local", ["--jobs", "2"]), ("dask", ["--dask", cluster.scheduler_address]))
        for how, extra in runs:
            out = tmp_path / how
            args = ["whatif", str(path), "--out", str(out), "--time-limit", "5", *extra]
            args += ["--deterministic-time", "5"]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            outputs[how] = result.output
            tables[how] = {
                name: pd.read_csv(out / name).drop(
                    columns=[c for c in pd.read_csv(out / name) if "solve_seconds" in c]
                )
                for name in ("comparison.csv", "sweep.csv", "runs.csv")
            }
    for name in tables["local"]:
        pd.testing.assert_frame_equal(tables["local"][name], tables["dask"][name])
    # Every run's plan folder byte for byte (summary.json but for its timing fields).
    for folder, runs in (("variants", 3), ("sweep", 8)):
        compared = assert_same_plans(tmp_path / "local" / folder, tmp_path / "dask" / folder)
        assert compared == runs * len(FIRST_PLAN_FILES)

    out = tmp_path / "local"
    table = tables["local"]["comparison.csv"].set_index("variant")
    assert len(table) == 4 + 4 and table.loc["broken", "status"].startswith("FAILED: objective")
    assert (table.drop(index="broken")["violations"] == 0).all()
    # Common sense: more tests, more coverage; a bigger bank, more shifts filled.
    cover, shifts = "cohort_tests_in_interval_pct", "shortfall_shifts_filled_pct"
    assert table.loc["tests 40 x bank 2", cover] > table.loc["tests 10 x bank 2", cover]
    assert table.loc["tests 10 x bank 4", shifts] > table.loc["tests 10 x bank 2", shifts]
    assert (tables["local"]["sweep.csv"]["seeds"] == 2).all()
    for chart in ("kpis.png", "coverage.png", "sweep.png"):
        assert (out / "charts" / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "sweep" / "tests-40-x-bank-4-seed-2" / "summary.json").exists()
    assert not (out / "variants" / "broken").exists()
    assert set(pd.ExcelFile(out / "comparison.xlsx").sheet_names) == {"comparison", "runs", "sweep"}
    printed = outputs["local"]
    assert "[12/12]" in printed and "failed 1" in printed
    best = next(line for line in printed.splitlines() if " best " in line)
    assert best.startswith("tests 40 x bank 4")


def test_a_new_study_replaces_an_old_one_but_never_a_foreign_folder(tmp_path: Path) -> None:
    path = write_whatif(tmp_path, variants=[{"name": "baseline"}])
    out = tmp_path / "out"
    (out / "variants" / "stale").mkdir(parents=True)
    result = CliRunner().invoke(main, ["whatif", str(path), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "variants").iterdir()) == ["base", "baseline"]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "budget.xlsx").write_text("x")
    result = CliRunner().invoke(main, ["whatif", str(path), "--out", str(foreign)])
    assert result.exit_code == 2 and "not a what-if study (budget.xlsx)" in result.output


@pytest.mark.slow
def test_the_surge_example_emits_every_run_as_a_scenario(tmp_path: Path) -> None:
    out = tmp_path / "emitted"
    result = CliRunner().invoke(
        main, ["whatif", str(EXAMPLES / "surge-plymouth.yaml"), "--emit", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in out.iterdir())
    assert len(names) == 1 + 5 + 6 * 3 * 2 and "local_tests-400-x-bank-160-seed-2" in names
    run = load_scenario(out / "local_tests-150-x-bank-60-seed-1.yaml")
    assert [daily(s.capacity, 0) for s in run.test_sites if s.id == "local"] == [150]
    assert len([w for w in run.workers if w.kind == "bank"]) == 60

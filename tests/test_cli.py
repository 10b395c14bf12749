"""End to end through the `carehome` command, with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main
from scenarios.load import load_scenario

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"
TINY = EXAMPLES / "tiny.yaml"
PLYMOUTH = EXAMPLES / "plymouth-2020.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "plan"
    code, output = run("plan", str(TINY), "--out", str(out), "--time-limit", "10", "--workers", "1")
    assert code == 0, output
    assert "independent check: 0 violations" in output
    return out


def test_plan_writes_every_table_with_reasons(tiny_plan: Path) -> None:
    names = {p.name for p in tiny_plan.iterdir()}
    assert names == {
        "testing_roster.csv",
        "staff_roster.csv",
        "isolation_placements.csv",
        "accommodation.csv",
        "transport.csv",
        "visits.csv",
        "unmet.csv",
        "unmet_detail.csv",
        "risk.csv",
        "summary.json",
        "scenario.yaml",
        "brief.html",
        "worker_rosters.csv",
        "site_lists.csv",
        "home_sheets.csv",
    }
    assert load_scenario(tiny_plan / "scenario.yaml") == load_scenario(TINY)
    summary = json.loads((tiny_plan / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL" and summary["gap"] == 0.0
    assert [s["tier"] for s in summary["stages"]] == [1, 2, 3]
    roster = pd.read_csv(tiny_plan / "testing_roster.csv")
    assert len(roster) > 0 and roster["reason"].str.len().min() > 0
    staff = pd.read_csv(tiny_plan / "staff_roster.csv")
    assert len(staff) > 0 and staff["reason"].str.contains("short").all()
    unmet = pd.read_csv(tiny_plan / "unmet.csv")
    assert unmet["summary"].str.len().min() > 0
    risk = pd.read_csv(tiny_plan / "risk.csv")
    parts = [c for c in risk.columns if c not in ("home_id", "home_name", "date", "score")]
    assert (risk[parts].sum(axis=1) == risk["score"]).all()


def test_check_passes_on_the_plan(tiny_plan: Path) -> None:
    code, output = run("check", str(TINY), str(tiny_plan))
    assert code == 0 and output.strip().endswith("0 violations")


def test_check_fails_on_a_hand_broken_plan(tiny_plan: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny_plan.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    staff = pd.read_csv(broken / "staff_roster.csv")
    other_home = next(h.id for h in load_scenario(TINY).homes if h.id != staff.loc[0, "home_id"])
    # The same worker, another home, another day: breaks one home per worker.
    extra = staff.iloc[[0]].copy()
    extra["home_id"] = other_home
    pd.concat([staff, extra]).to_csv(broken / "staff_roster.csv", index=False)
    code, output = run("check", str(TINY), str(broken))
    assert code == 1
    assert "one_home_per_worker" in output


def test_check_reports_an_unreadable_plan_as_bad_input(tmp_path: Path) -> None:
    code, output = run("check", str(TINY), str(tmp_path / "missing"))
    assert code == 2 and "not a plan folder" in output


def test_same_seed_and_deterministic_time_give_the_same_plan(tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        out = tmp_path / f"p{n}"
        args = ["plan", str(TINY), "--out", str(out), "--workers", "2", "--seed", "7"]
        code, _ = run(*args, "--deterministic-time", "5")
        assert code == 0
        outputs.append(
            [(out / name).read_text() for name in sorted(p.name for p in out.glob("*.csv"))]
        )
    assert outputs[0] == outputs[1]


def test_validate_and_schema() -> None:
    code, output = run("validate", str(TINY))
    assert code == 0 and "ok (3 homes" in output
    code, output = run("schema")
    schema = json.loads(output)
    assert code == 0 and {"horizon", "homes", "test_sites", "workers"} <= set(schema["properties"])


def test_generate_is_deterministic_and_plannable(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (a, b):
        code, output = run(
            "generate",
            "--homes",
            "6",
            "--workers",
            "5",
            "--days",
            "7",
            "--seed",
            "3",
            "-o",
            str(path),
        )
        assert code == 0, output
    assert a.read_text() == b.read_text()
    code, output = run("plan", str(a), "--out", str(tmp_path / "plan"), "--time-limit", "10")
    assert code == 0 and "independent check: 0 violations" in output


@pytest.mark.slow
def test_plymouth_example_plans_and_checks(tmp_path: Path) -> None:
    """The README's first command, with a short limit: a plan, a gap, no violation."""
    out = tmp_path / "plan"
    code, output = run("plan", str(PLYMOUTH), "--out", str(out), "--time-limit", "8")
    assert code == 0, output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] in ("OPTIMAL", "FEASIBLE") and summary["gap"] >= 0
    assert summary["kpis"]["shortfall_shifts_filled_pct"] > 30
    code, output = run("check", str(PLYMOUTH), str(out))
    assert code == 0, output


def test_help_has_an_example_on_every_command() -> None:
    for command in ("plan", "check", "validate", "schema", "generate"):
        code, output = run(command, "--help")
        assert code == 0 and "Example" in output, command


def test_authorities_sharing_nothing_are_planned_part_by_part(tmp_path: Path) -> None:
    scenario, out = tmp_path / "three.yaml", tmp_path / "plan"
    code, output = run("generate", "--homes", "18", "--workers", "12", "--days", "7",
                       "--authorities", "3", "--seed", "2", "-o", str(scenario))  # fmt: skip
    assert code == 0, output
    code, output = run("plan", str(scenario), "--out", str(out), "--jobs", "2", "--time-limit", "5")
    assert code == 0, output
    assert "3 independent parts" in output and "independent check: 0 violations" in output
    code, output = run("check", str(scenario), str(out))
    assert code == 0 and output.strip().endswith("0 violations")


def test_every_command_is_listed_and_a_plan_loads_no_web_app() -> None:
    """Subcommands are imported when called: `carehome --help` lists them all, and
    planning does not pay for the web app's, the calibration's, the charts' or (without
    `--xlsx`) the workbook's libraries."""
    import subprocess
    import sys

    result = CliRunner().invoke(main, ["--help"])
    for name in ("plan", "whatif", "serve", "calibrate", "counterfactual", "export-inputs"):
        assert f"  {name} " in result.output, name
    code = (
        "import sys; from cli.main import main; sys.argv = ['carehome', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}\n"
        "    & {'web', 'fastapi', 'pyabc', 'matplotlib', 'openpyxl'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "plan", "--help"], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip().splitlines()[-1] == "[]"

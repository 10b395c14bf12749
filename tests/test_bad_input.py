"""Bad input: each class of error exits 2 with one line naming file, record and field, and
writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from tests.conftest import day, home, site, worker


def _scenario(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "bad",
        "horizon": {"start": day(0), "days": 7},
        "homes": [home("h1"), home("h2")],
        "test_sites": [site()],
        "workers": [worker("w1")],
        "isolation_facilities": [
            {"id": "hotel", "kind": "care_hotel", "beds": 2, "accepts": ["residential"]}
        ],
        "isolation_requests": [],
    }
    data.update(changes)
    return data


def _plan(tmp_path: Path, data: object, suffix: str = ".yaml") -> tuple[int, str, Path]:
    path = tmp_path / f"bad{suffix}"
    text = json.dumps(data) if suffix == ".json" else yaml.safe_dump(data)
    path.write_text(text if isinstance(data, dict) else str(data))
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out), "--time-limit", "5"])
    return result.exit_code, result.output, out


CASES = {
    "unknown field": (
        _scenario(homes=[home("h1", colour="red")]),
        "bad.yaml: homes[0] (h1).colour: unknown field",
    ),
    "wrong type": (
        _scenario(homes=[home("h1", beds="forty")]),
        "bad.yaml: homes[0] (h1).beds: input should be a valid integer",
    ),
    "horizon too long": (
        _scenario(horizon={"start": day(0), "days": 60}),
        "bad.yaml: horizon.days: input should be less than or equal to 56",
    ),
    "duplicate id": (
        _scenario(homes=[home("h1"), home("h1")]),
        "bad.yaml: homes[1] (h1).id: duplicate id",
    ),
    "unknown reference": (
        _scenario(
            workers=[worker("w1", home_history={"current_home": "nowhere", "last_shift": day(-3)})]
        ),
        "bad.yaml: workers[0] (w1).home_history.current_home: unknown home 'nowhere'",
    ),
    "date outside horizon": (
        _scenario(homes=[home("h1", outbreak={"status": "confirmed", "since": day(30)})]),
        "bad.yaml: homes[0] (h1).outbreak.since: date is after the horizon's last day",
    ),
    "residents over beds": (
        _scenario(homes=[home("h1", residents=20)]),
        "bad.yaml: homes[0] (h1).residents: 20 residents exceed 12 beds",
    ),
    "need no facility accepts": (
        _scenario(
            isolation_requests=[
                {"id": "r1", "from_home": "h1", "need": "dementia", "earliest": day(1)}
            ]
        ),
        "bad.yaml: isolation_requests[0] (r1).need: no isolation facility accepts 'dementia'",
    ),
    "facility accepting nothing": (
        _scenario(isolation_facilities=[{"id": "x", "kind": "respite", "beds": 1, "accepts": []}]),
        "bad.yaml: isolation_facilities[0] (x).accepts: list should have at least 1 item",
    ),
    "capacity list of wrong length": (
        _scenario(test_sites=[site(capacity=[5, 5])]),
        "bad.yaml: test_sites[0] (local).capacity: has 2 daily values but the horizon has 7 days",
    ),
    "result range upside down": (
        _scenario(test_sites=[site(result_days={"min": 5, "max": 2})]),
        "bad.yaml: test_sites[0] (local).result_days: min 5 is more than max 2 days",
    ),
    "recruit without a training end": (
        _scenario(workers=[worker("w1", kind="recruit")]),
        "bad.yaml: workers[0] (w1).available_from: a recruit needs the date their training ends",
    ),
    "unknown agency": (
        _scenario(workers=[worker("w1", kind="agency", agency="acme")]),
        "bad.yaml: workers[0] (w1).agency: unknown agency 'acme'",
    ),
    "agency supplying an unknown home": (
        _scenario(agencies=[{"id": "acme", "homes": ["h1", "nowhere"]}]),
        "bad.yaml: agencies[0] (acme).homes[1]: unknown home 'nowhere'",
    ),
    "agency staff moving between homes": (
        _scenario(policy={"multi_home_pools": ["nhs", "agency"]}),
        "bad.yaml: policy.multi_home_pools: ",
    ),
    "report after the horizon's start": (
        _scenario(homes=[home("h1", reported=day(2))]),
        f"bad.yaml: homes[0] (h1).reported: date {day(2)} is after the horizon's first day",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path, case: str) -> None:
    data, expected = CASES[case]
    code, output, out = _plan(tmp_path, data)
    assert code == 2, output
    assert expected in output
    assert "Traceback" not in output
    assert not out.exists()


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = _scenario(homes=[home("h1", residents=20), home("h1")])
    code, output, _ = _plan(tmp_path, data)
    assert code == 2
    assert "residents exceed" in output and "duplicate id" in output


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    code, output, out = _plan(tmp_path, "horizon: [unclosed\n  days: 3\n")
    assert code == 2 and output.startswith("bad.yaml: not valid YAML (line")
    assert not out.exists()


def test_json_is_accepted_and_checked_the_same_way(tmp_path: Path) -> None:
    code, output, _ = _plan(tmp_path, _scenario(homes=[home("h1", beds=0)]), suffix=".json")
    assert code == 2 and "bad.json: homes[0] (h1).beds: input should be greater than 0" in output


def test_yaml_cannot_construct_python_objects(tmp_path: Path) -> None:
    code, output, _ = _plan(tmp_path, "!!python/object/apply:os.system ['echo pwned']\n")
    assert code == 2 and "not valid YAML" in output and "pwned" not in output


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_failed_plan_keeps_an_earlier_plan_intact(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    out.mkdir()
    (out / "summary.json").write_text("{}")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_scenario(homes=[home("h1", residents=20)])))
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert (out / "summary.json").read_text() == "{}"


def test_out_folder_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "budget.xlsx").write_text("precious")
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(_scenario()))
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out), "--time-limit", "5"])
    assert result.exit_code == 2
    assert "holds files that are not a plan (budget.xlsx)" in result.output
    assert (out / "budget.xlsx").read_text() == "precious"

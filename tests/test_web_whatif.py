"""What-if studies in the web app, on SQLite and PostgreSQL: a study started from a
version's page finishes with `carehome whatif`'s comparison, numbers and all; a cancel
keeps what was planned and skips the rest; a killed worker leaves it failed; a bad what-if
file or form is refused with its line and nothing is queued."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from scenarios.generate import generate
from scenarios.load import dump_scenario, load_scenario
from scenarios.whatif import build_study, parse_whatif
from scheduler.analysis.compare import KPIS, RunResult, comparison, plan_variant
from scheduler.solve.settings import SolverSettings
from tests.conftest import EXAMPLES
from tests.webapp import add_users, kill_worker, location_id, login, make_app, post, wait_for
from web.db import AuditEvent, Role, Run, RunKind

QUICK = {"time_limit": 1, "workers": 1}
PROVEN = 10
WHATIF = {
    "base": "somewhere/else.yaml",  # ignored: the version is the base
    "seed": 3,
    "variants": [
        {"name": "bank off", "shocks": [{"kind": "bank_unavailable", "fraction": 0.5}]},
        {
            "name": "sick and slow",
            "shocks": [
                {"kind": "staff_sick", "fraction": 0.3},
                {"kind": "site_capacity", "site": "local", "scale": 0.5},
            ],
        },
    ],
}


def upload_version(client: TestClient, name: str, text: bytes) -> int:
    return location_id(post(client, "/scenarios/upload", {}, files={"file": (name, text)}))


def upload_study(client: TestClient, version: int, document: object, **settings: object) -> object:
    text = yaml.safe_dump(document).encode()
    return post(
        client,
        f"/versions/{version}/studies/upload",
        {**QUICK, **settings},
        files={"file": ("surge.yaml", text)},
    )


def test_a_study_finishes_with_the_clis_comparison(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER, Role.COORDINATOR)
    with TestClient(app) as planner, TestClient(app) as coordinator:
        login(planner, "planner")
        login(coordinator, "coordinator")
        version = upload_version(planner, "tiny.yaml", (EXAMPLES / "tiny.yaml").read_bytes())
        assert upload_study(coordinator, version, WHATIF).status_code == 403
        # Time enough for the tiny example's tiers to be proven on a loaded machine, so
        # that the app's plans and the CLI's below are the same optimum, not two cut-offs.
        study = location_id(upload_study(planner, version, WHATIF, time_limit=PROVEN))
        assert wait_for(coordinator, study, timeout=120)["status"] == "done"

        page = coordinator.get(f"/runs/{study}").text
        assert "sick and slow" in page and "3 of 3 runs planned" in page
        table = pd.read_csv(io.StringIO(coordinator.get(f"/runs/{study}/comparison.csv").text))
        roster = coordinator.get(f"/runs/{study}/study/bank off/staff_roster.csv")
        assert roster.status_code == 200 and "worker_id" in roster.text
        assert coordinator.get(f"/runs/{study}/study/nobody/staff_roster.csv").status_code == 404
        assert coordinator.get(f"/runs/{study}/study/base/secret.txt").status_code == 404

    base = load_scenario(EXAMPLES / "tiny.yaml")
    expected_study = build_study(parse_whatif(WHATIF, "surge.yaml"), base, "surge.yaml")
    settings = SolverSettings(time_limit=PROVEN, workers=1)
    results = {}
    for name, scenario in expected_study.runs.items():
        row, plan = plan_variant(name, scenario, settings)
        results[name] = RunResult(row, plan.summary.daily if plan else [])
    expected = comparison(expected_study, results)
    assert list(table["variant"]) == ["base", "bank off", "sick and slow"]
    numbers = [k for k in KPIS if k in expected] + [f"{k}_vs_base" for k in KPIS if k in expected]
    pd.testing.assert_frame_equal(
        table[numbers].astype(float), expected[numbers].astype(float), check_exact=False
    )
    with app.state.sessions() as db:
        trail = {(e.user.name, e.action) for e in db.scalars(select(AuditEvent)) if e.user}
        kinds = set(db.scalars(select(Run.kind)))
    assert ("planner", "run queued") in trail and ("coordinator", "download") in trail
    assert kinds == {RunKind.WHATIF}


def long_study(app: FastAPI) -> tuple[TestClient, int]:
    """A planner's client and a study whose base alone would search for 120 s."""
    client = TestClient(app)
    client.__enter__()
    login(client, "planner")
    city = dump_scenario(generate(homes=25, workers=30, days=14, seed=3)).encode()
    version = upload_version(client, "city.yaml", city)
    study = location_id(upload_study(client, version, WHATIF, time_limit=120))
    return client, study


@pytest.mark.slow
def test_cancel_keeps_the_run_being_planned_and_skips_the_rest(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    client, study = long_study(app)
    try:
        wait_for(client, study, stage="planning base: run 1 of 3")
        assert post(client, f"/runs/{study}/cancel", {}).status_code == 303
        assert wait_for(client, study, timeout=60)["status"] == "cancelled"
        table = pd.read_csv(io.StringIO(client.get(f"/runs/{study}/comparison.csv").text))
        status = dict(zip(table["variant"], table["status"], strict=True))
        assert "best plan so far" in status["base"]
        assert all(status[v].startswith("SKIPPED") for v in ("bank off", "sick and slow"))
        assert client.get(f"/runs/{study}/study/base/staff_roster.csv").status_code == 200
        with app.state.sessions() as db:
            actions = set(db.scalars(select(AuditEvent.action)))
        assert "run cancel" in actions
    finally:
        client.__exit__(None, None, None)


@pytest.mark.slow
def test_a_killed_study_worker_leaves_the_study_failed(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    client, study = long_study(app)
    try:
        kill_worker(app, client, study)
        assert wait_for(client, study, timeout=30)["status"] == "failed"
    finally:
        client.__exit__(None, None, None)


def test_a_bad_study_is_refused_with_its_line_and_nothing_queued(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url=database_url)
    add_users(app, Role.PLANNER)
    with TestClient(app) as planner:
        login(planner, "planner")
        version = upload_version(planner, "tiny.yaml", (EXAMPLES / "tiny.yaml").read_bytes())
        bad = {"variants": [{"name": "x", "shocks": [{"kind": "staff_sick", "fraction": 2}]}]}
        refused = upload_study(planner, version, bad)
        assert refused.status_code == 400
        assert "surge.yaml: variants.0.shocks.0" in refused.text and "fraction" in refused.text
        form = {**QUICK, "name": ["", "broken"], "bank_unavailable": ["", "lots"]}
        refused = post(planner, f"/versions/{version}/studies", form)
        assert refused.status_code == 400 and "bank_unavailable.fraction" in refused.text
        unnamed = post(planner, f"/versions/{version}/studies", {**QUICK, "staff_sick": "0.1"})
        assert unnamed.status_code == 400 and "variants.0.name" in unnamed.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Run)) == 0
        refusals = db.scalars(select(AuditEvent).where(AuditEvent.action == "upload refused"))
        assert len(refusals.all()) == 3


def test_the_form_makes_the_study_a_file_would(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app, Role.PLANNER)
    with TestClient(app) as planner:
        login(planner, "planner")
        version = upload_version(planner, "tiny.yaml", (EXAMPLES / "tiny.yaml").read_bytes())
        form = {
            **QUICK,
            "seed": 3,
            "name": ["bank off", "", "sick and slow"],
            "outbreaks": ["", "", ""],
            "bank_unavailable": ["0.5", "", ""],
            "site": ["local", "local", "local"],
            "site_scale": ["", "", "0.5"],
            "staff_sick": ["", "", "0.3"],
        }
        study = location_id(post(planner, f"/versions/{version}/studies", form))
    with app.state.sessions() as db:
        run = db.get(Run, study)
        assert run is not None and run.whatif_text is not None
        stored = parse_whatif(yaml.safe_load(run.whatif_text), "whatif.yaml")
    expected = parse_whatif(WHATIF, "surge.yaml")
    assert stored.seed == expected.seed
    assert [(v.name, sorted(map(repr, v.shocks))) for v in stored.variants] == [
        (v.name, sorted(map(repr, v.shocks))) for v in expected.variants
    ]

"""The importer's spreadsheets uploaded in the browser: several files or one zip become a
scenario version; any problem is listed by file, row and column and nothing is stored; a
name the importer does not read, or a file past the limits, is refused by name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import web.import_files
from scenarios.exporter import export_tables
from scenarios.load import load_scenario
from tests.conftest import EXAMPLES
from tests.webapp import add_users, location_id, login, make_app, post
from web.db import AuditEvent, Role, ScenarioVersion
from web.scenario_files import stored_scenario

MESSY_CQC = Path(__file__).resolve().parent / "data" / "cqc-directory-messy.csv"
BASE = "horizon: {start: 2020-06-01, days: 7}\ntest_sites:\n" + (
    "- {id: local, kind: local_site, capacity: 40, cohorts: [staff, residents, agency]}\n"
)


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    add_users(app, Role.PLANNER)
    return app


@pytest.fixture
def planner(app):  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "planner")
        yield client


def tiny_sheets() -> dict[str, str]:
    return export_tables(load_scenario(EXAMPLES / "tiny.yaml"))


def send(client: TestClient, files: list[tuple[str, tuple[str, bytes]]], **fields: str):  # type: ignore[no-untyped-def]
    return post(client, "/scenarios/import", fields, files=files)


def versions(app) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessions() as db:
        return db.scalar(select(func.count()).select_from(ScenarioVersion)) or 0


def stored(app, version_id: int):  # type: ignore[no-untyped-def]
    with app.state.sessions() as db:
        version = db.get(ScenarioVersion, version_id)
        return version, stored_scenario(version.filename, version.text)


def test_the_exported_sheets_uploaded_as_files_make_the_same_scenario(app, planner) -> None:  # type: ignore[no-untyped-def]
    sheets = tiny_sheets()
    answer = send(planner, [("files", (name, text.encode())) for name, text in sheets.items()])
    version, scenario = stored(app, location_id(answer))
    assert scenario == load_scenario(EXAMPLES / "tiny.yaml")
    assert "homes.csv" in version.note


def test_a_zip_of_the_exported_folder_makes_the_same_scenario(app, planner) -> None:  # type: ignore[no-untyped-def]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in tiny_sheets().items():
            z.writestr(f"inputs/{name}", text)
    answer = send(planner, [("files", ("inputs.zip", archive.getvalue()))])
    _version, scenario = stored(app, location_id(answer))
    assert scenario == load_scenario(EXAMPLES / "tiny.yaml")


def test_every_problem_is_listed_by_file_row_and_column_and_nothing_is_stored(app, planner) -> None:  # type: ignore[no-untyped-def]
    sheets = tiny_sheets()
    homes = sheets["homes.csv"].splitlines()
    header = homes[0].split(",")
    row = homes[1].split(",")
    row[header.index("residents")] = "five"
    sheets["homes.csv"] = "\n".join([homes[0], ",".join(row), *homes[2:]]) + "\n"
    sheets["sites.csv"] = sheets["sites.csv"].replace("local_site", "moon_base", 1)
    answer = send(planner, [("files", (n, t.encode())) for n, t in sheets.items()])
    assert answer.status_code == 400
    assert "homes.csv row 2, column residents" in answer.text
    assert "sites.csv row 2, column kind" in answer.text
    assert versions(app) == 0
    with app.state.sessions() as db:
        assert "upload refused" in set(db.scalars(select(AuditEvent.action)))


def test_a_file_the_importer_does_not_read_is_refused_by_name(app, planner) -> None:  # type: ignore[no-untyped-def]
    files = [("files", (n, t.encode())) for n, t in tiny_sheets().items()]
    answer = send(planner, [*files, ("files", ("payroll.exe", b"MZ"))])
    assert answer.status_code == 400 and "payroll.exe" in answer.text
    assert versions(app) == 0


def test_files_past_the_limit_are_refused_before_they_are_read(
    app, planner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(web.import_files, "MAX_FILE_BYTES", 1000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("homes.csv", "0" * 50_000)
    assert len(bomb.getvalue()) < 1000
    for name, data in (("homes.csv", b"x" * 2000), ("inputs.zip", bomb.getvalue())):
        answer = send(planner, [("files", (name, data))])
        assert answer.status_code == 400 and name in answer.text, name
    assert versions(app) == 0


def test_homes_from_the_cqc_directory_for_one_authority(app, planner) -> None:  # type: ignore[no-untyped-def]
    answer = send(
        planner,
        [
            ("cqc", ("HSCA_Active_Locations.csv", MESSY_CQC.read_bytes())),
            ("files", ("base.yaml", BASE.encode())),
        ],
        local_authorities="Plymouth\n",
    )
    version, scenario = stored(app, location_id(answer))
    assert [h.id for h in scenario.homes] == ["1-900000001", "1-900000003", "1-900000008"]
    assert "5 rows skipped" in version.note


def test_a_bad_cqc_row_is_named_by_the_directorys_own_file_name(app, planner) -> None:  # type: ignore[no-untyped-def]
    text = MESSY_CQC.read_text(encoding="utf-8-sig").replace(
        ",14,N,Registered", ",lots,N,Registered"
    )
    answer = send(
        planner,
        [
            ("cqc", ("HSCA_Active_Locations.csv", text.encode())),
            ("files", ("base.yaml", BASE.encode())),
        ],
        local_authorities="Plymouth",
    )
    assert answer.status_code == 400
    assert "HSCA_Active_Locations.csv row 2, column Care homes beds" in answer.text
    assert versions(app) == 0

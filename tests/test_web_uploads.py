"""Uploads the app refuses, each with the file, record and field named and nothing kept:
too large, not a scenario file, a name that leads elsewhere, hostile YAML, bad fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import web.app
from scenarios.limits import MAX_FILE_BYTES
from scenarios.load import ScenarioError
from tests.conftest import EXAMPLES
from tests.webapp import add_users, login, make_app, post
from web.db import Role, ScenarioVersion
from web.scenario_files import read_scenario

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, module_database_url: str):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(web.app, "MAX_BODY", 20_000)  # the limit's behaviour, at test size
        app = make_app(tmp_path_factory.mktemp("uploads"), database_url=module_database_url)
    add_users(app, Role.PLANNER)
    return app


@pytest.fixture
def planner(app):  # type: ignore[no-untyped-def]
    """A planner's client; after the test, nothing was stored or written."""
    with TestClient(app) as client:
        login(client, "planner")
        yield client
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(ScenarioVersion)) == 0
    assert not any(app.state.config.runs_dir.iterdir())


def upload(client: TestClient, name: str, data: bytes) -> tuple[int, str]:
    answer = post(client, "/scenarios/upload", {}, files={"file": (name, data)})
    return answer.status_code, answer.text


def test_an_upload_over_the_limit_is_refused_before_it_is_read(planner: TestClient) -> None:
    status, _ = upload(planner, "big.yaml", b"#" * 30_000)
    assert status == 413


def test_a_file_over_the_command_lines_limit_is_refused_by_name() -> None:
    with pytest.raises(ScenarioError) as refused:
        read_scenario("big.yaml", b"#" * (MAX_FILE_BYTES + 1))
    assert "big.yaml" in refused.value.lines[0] and "100 MB" in refused.value.lines[0]


@pytest.mark.parametrize(
    "name", ["../escape.yaml", "..\\escape.yaml", "/etc/cron.d/x.yaml", "a/b.yaml", "..", ""]
)
def test_a_name_that_leads_elsewhere_is_refused(planner: TestClient, name: str) -> None:
    status, page = upload(planner, name, (EXAMPLES / "tiny.yaml").read_bytes())
    assert status == 400, page[:500]


def test_a_file_that_is_not_a_scenario_is_refused(planner: TestClient) -> None:
    status, page = upload(planner, "tiny.exe", (EXAMPLES / "tiny.yaml").read_bytes())
    assert status == 400 and "tiny.exe" in page


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('name: !!python/object/apply:os.system ["touch /tmp/owned"]\n', "hostile.yaml"),
        (BOMB, "records"),
        ("[" * 200 + "]" * 200, "nested deeper"),
        (b"\xff\xfe".decode("latin-1"), "UTF-8"),
    ],
)
def test_hostile_yaml_is_refused_with_the_loaders_words(
    planner: TestClient, text: str, said: str
) -> None:
    data = text.encode("latin-1") if said == "UTF-8" else text.encode()
    status, page = upload(planner, "hostile.yaml", data)
    assert status == 400 and said in page
    assert not Path("/tmp/owned").exists()


def test_every_problem_names_the_file_the_record_and_the_field(planner: TestClient) -> None:
    text = (EXAMPLES / "tiny.yaml").read_text().replace("beds: 6", "beds: -6", 1)
    text = text.replace("residents: 5", "residents: five", 1)
    status, page = upload(planner, "city.yaml", text.encode())
    assert status == 400
    assert "city.yaml: homes[0] (h1).beds" in page
    assert "city.yaml: homes[0] (h1).residents" in page

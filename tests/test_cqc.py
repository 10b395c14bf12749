"""Homes from a small CQC directory file written here with the directory's exact headers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from cli.inputs import import_command, skipped_path
from scenarios.cqc import CqcQuery
from scenarios.importer import Sources, import_scenario
from scenarios.load import load_scenario
from scenarios.schema import Scenario
from scheduler.pipeline.planner import plan_scenario
from scheduler.solve.settings import SolverSettings
from scheduler.validate import validate_plan

TEMPLATES = Path(__file__).resolve().parent.parent / "scenarios" / "templates"

HEADERS = [
    "Location ID",
    "Location Name",
    "Care home?",
    "Care homes beds",
    "Location Latest Overall Rating",
    "Location Local Authority",
    "Location Region",
    "Location Postal Code",
    "Location Latitude",
    "Location Longitude",
    "Dormant (Y/N)",
    "Service user band - Dementia",
    "Service user band - Learning disabilities or autistic spectrum disorder",
    "Service user band - Older People",
    "Service user band - Mental Health",
    "Service type - Care home service with nursing",
    "Service type - Care home service without nursing",
]

# id, name, care home, beds, rating, authority, postcode, dormant, bands D/LD/OP/MH, nursing
ROWS = [
    ("1-000000001", "Harbour View", "Y", 40, "Good", "Plymouth", "PL4 7AB", "N", "YYY.Y"),
    ("1-000000002", "Ivy Cottage", "Y", 6, "Requires improvement", "Plymouth", "PL5 1CD", "N",
     ".Y..."),
    ("1-000000003", "Closed Court", "Y", 30, "Good", "Plymouth", "PL6 2EF", "Y", "..Y.."),
    ("1-000000004", "Home Help Ltd", "N", "", "Good", "Plymouth", "PL1 3GH", "N", "....."),
    ("1-000000005", "Moor Edge", "Y", 20, "Outstanding", "Cornwall", "PL14 4JK", "N", "..Y.Y"),
    ("1-000000006", "Laurel House", "Y", 25, "", "Plymouth", "PL2 5LM", "N", "Y.YY."),
    ("1-000000007", "Beacon Lodge", "Y", 12, "Inadequate", "Plymouth", "PL3 6NP", "N", "...Y."),
]  # fmt: skip


def directory_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for lid, name, care, beds, rating, la, postcode, dormant, flags in ROWS:
        dementia, ld, older, mh, nursing = (("Y" if f == "Y" else "") for f in flags)
        region = "South West"
        place = [la, region, postcode, 50.37, -4.14, dormant]
        services = [dementia, ld, older, mh, nursing, "" if nursing else "Y"]
        rows.append([lid, name, care, beds, rating, *place, *services])
    return rows


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV like CQC's, with one column the import does not use."""
    path = tmp_path_factory.mktemp("cqc") / "HSCA_Active_Locations.csv"
    frame = pd.DataFrame(directory_rows(), columns=HEADERS)
    frame.insert(2, "Location Telephone Number", "01752 000000")
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.yaml"
    path.write_text(
        "horizon: {start: 2020-06-01, days: 7}\n"
        "test_sites:\n"
        "- {id: local, kind: local_site, capacity: 40, cohorts: [staff, residents, agency]}\n"
    )
    return path


def cqc(directory: Path, base: Path, *authorities: str, **kw: object) -> tuple[Scenario, list[str]]:
    query = CqcQuery(directory, authorities, **kw)  # type: ignore[arg-type]
    imported = import_scenario(Sources(cqc=query, base=base))
    return imported.scenario, imported.notes


def test_active_care_homes_of_one_authority(directory: Path, base: Path) -> None:
    s, notes = cqc(directory, base, "plymouth")
    got = {h.id: (h.name, h.type.value, h.beds, h.cqc_rating.value, h.locality) for h in s.homes}
    assert got == {
        "1-000000001": ("Harbour View", "older_people_nursing", 40, "good", "PL4"),
        "1-000000002": ("Ivy Cottage", "learning_disability", 6, "requires_improvement", "PL5"),
        "1-000000006": ("Laurel House", "older_people_residential", 25, "not_rated", "PL2"),
        "1-000000007": ("Beacon Lodge", "mental_health", 12, "inadequate", "PL3"),
    }
    harbour = s.homes[0]
    assert (harbour.residents, harbour.staff, harbour.agency_staff, harbour.can_isolate) == (
        36,
        64,
        3,
        1,
    )
    assert s.name == "cqc-plymouth"
    assert (
        notes[0] == "HSCA_Active_Locations.csv: 4 care homes in plymouth; 2 rows skipped "
        "(1 dormant, 1 not a care home)"
    )
    assert "default for 4 of 4 homes: staff = round(1.6 x beds)" in notes
    assert "default for 4 of 4 homes: never tested (every cohort due at once)" in notes


def test_several_authorities_and_all_england(directory: Path, base: Path) -> None:
    two, _ = cqc(directory, base, "Plymouth", "Cornwall")
    assert len(two.homes) == 5
    moor = next(h for h in two.homes if h.name == "Moor Edge")
    assert (moor.type.value, moor.cqc_rating.value, moor.locality) == (
        "older_people_nursing",
        "outstanding",
        "PL14",
    )
    england, _ = cqc(directory, base, all_england=True)
    assert [h.id for h in england.homes] == [h.id for h in two.homes]


def test_details_table_replaces_defaults(directory: Path, base: Path) -> None:
    s, notes = cqc(directory, base, "Plymouth", details=TEMPLATES / "cqc-details.csv")
    harbour, ivy = s.homes[0], s.homes[1]
    assert (harbour.staff, harbour.residents, harbour.outbreak.status.value) == (
        64,
        36,
        "confirmed",
    )
    assert harbour.outbreak.resident_cases == 3 and harbour.rag.overall.value == "amber"
    assert (ivy.staff, ivy.residents, ivy.can_isolate) == (10, 5, 0)
    assert "default for 2 of 4 homes: staff = round(1.6 x beds)" in notes


def test_xlsx_directory_with_title_rows(directory: Path, base: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "HSCA_Active_Locations.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        pd.DataFrame({"About": ["Care directory, Open Government Licence"]}).to_excel(
            writer, sheet_name="Read me", index=False
        )
        frame = pd.DataFrame(directory_rows(), columns=HEADERS)
        frame.to_excel(writer, sheet_name="HSCA_Active_Locations", index=False, startrow=4)
    from_xlsx, _ = cqc(xlsx, base, "Plymouth")
    from_csv, _ = cqc(directory, base, "Plymouth")
    assert from_xlsx == from_csv


def test_cli_import_plans(directory: Path, base: Path, tmp_path: Path) -> None:
    out = tmp_path / "plymouth.yaml"
    args = ["--cqc", str(directory), "--local-authority", "Plymouth", "--base", str(base)]
    result = CliRunner().invoke(
        import_command,
        [*args, "--workers", str(TEMPLATES / "workers.csv"), "-o", str(out)],
    )
    assert result.exit_code == 2, result.output
    assert "workers.csv row 3, column current_home: unknown home 'h002'" in result.output
    assert not out.exists()
    result = CliRunner().invoke(
        import_command,
        [*args, "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "default for 4 of 4 homes: residents = round(0.9 x beds)" in result.output
    s = load_scenario(out)
    plan = plan_scenario(s, SolverSettings(time_limit=5, workers=1))
    assert validate_plan(s, plan) == []
    assert plan.testing


def test_a_reader_that_leaves_early_does_not_stop_the_import(
    directory: Path, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`carehome import ... | head -1`: the directory import prints notes (defaults used,
    rows skipped); the scenario and its skip list are written before any of them."""

    def closed_pipe(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr("cli.inputs.click.echo", closed_pipe)
    out = tmp_path / "plymouth.yaml"
    args = ["--cqc", directory, "--local-authority", "Plymouth", "--base", base, "-o", out]
    CliRunner().invoke(import_command, [str(a) for a in args])
    assert load_scenario(out).homes
    assert skipped_path(out).exists()


def test_unknown_authority_exits_2_with_near_names(directory: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    result = CliRunner().invoke(
        import_command,
        ["--cqc", str(directory), "--local-authority", "Plymuth", "-o", str(out)],
    )
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "HSCA_Active_Locations.csv: no location in local authority 'Plymuth' "
        "(did you mean Plymouth?)"
    )
    assert not out.exists()


def test_cqc_needs_an_authority(directory: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        import_command, ["--cqc", str(directory), "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "--cqc needs --local-authority NAME (one or more) or --all-england" in result.output


# --------------------------------------------------------------------------- messy directory rows

MESSY = Path(__file__).resolve().parent / "data" / "cqc-directory-messy.csv"
"""Nine rows of the South West directory (March 2021) with their columns as published, the
names and ids made up, and one messy case each: 0 beds, a `*` name, dormant,
deregistered, `Care home?` blank and N, a rating of "Insufficient evidence to rate"."""


def import_messy(directory: Path, base: Path, out: Path, *where: str) -> Result:
    area = [a for name in where for a in ("--local-authority", name)] or ["--all-england"]
    args = ["--cqc", directory, *area, "--base", base, "-o", out]
    return CliRunner().invoke(import_command, [str(a) for a in args])


def test_rows_that_cannot_be_planned_are_skipped_and_listed(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "plymouth.yaml"
    result = import_messy(MESSY, base, out, "Plymouth")
    assert result.exit_code == 0, result.output
    s = load_scenario(out)
    assert [(h.id, h.name, h.beds, h.cqc_rating.value) for h in s.homes] == [
        ("1-900000001", "Harbour View", 14, "good"),
        ("1-900000003", "1-900000003", 12, "not_rated"),
        ("1-900000008", "Laurel House", 4, "good"),
    ]
    assert (s.homes[0].latitude, s.homes[0].longitude) == (50.390547, -4.142178)
    listed = pd.read_csv(tmp_path / "plymouth.skipped.csv", dtype=str, encoding="utf-8-sig")
    assert list(zip(listed["Location ID"], listed["reason"], strict=True)) == [
        ("1-900000002", "registered with 0 beds"),
        ("1-900000004", "dormant"),
        ("1-900000005", "deregistered"),
        ("1-900000006", "not a care home"),
        ("1-900000007", "not a care home"),
    ]
    assert "5 rows skipped" in result.stderr
    assert not list(tmp_path.glob(".*.tmp"))
    england = import_messy(MESSY, base, out)
    assert england.exit_code == 0, england.output
    assert len(load_scenario(out).homes) == 4


def test_a_stale_skip_list_is_replaced(directory: Path, base: Path, tmp_path: Path) -> None:
    out = tmp_path / "plymouth.yaml"
    assert import_messy(MESSY, base, out, "Plymouth").exit_code == 0
    result = import_messy(directory, base, out, "Cornwall")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "plymouth.skipped.csv").empty
    assert "skipped" not in result.stderr


@pytest.mark.parametrize(
    ("row", "cells", "column"),
    [
        (9, {"Care homes beds": "twelve"}, "Care homes beds"),
        (9, {"Care homes beds": ""}, "Care homes beds"),
        (9, {"Location ID": ""}, "Location ID"),
        (9, {"Location ID": "1-900000001"}, "Location ID"),
        (9, {"Care home?": "maybe"}, "Care home?"),
        (9, {"Dormant (Y/N)": "*"}, "Dormant (Y/N)"),
        (9, {"Registration Status": "Pending"}, "Registration Status"),
        (9, {"Location Latest Overall Rating": "Goood"}, "Location Latest Overall Rating"),
        (9, {"Service user band - Older People": "*"}, "Service user band - Older People"),
        (9, {"Location Latitude": "50,38"}, "Location Latitude"),
    ],
)
def test_a_care_home_row_that_cannot_be_read_is_an_error(
    base: Path, tmp_path: Path, row: int, cells: dict[str, str], column: str
) -> None:
    frame = pd.read_csv(MESSY, dtype=str, keep_default_na=False)
    for name, value in cells.items():
        frame.loc[row - 2, name] = value
    frame.to_csv(tmp_path / "directory.csv", index=False)
    out = tmp_path / "plymouth.yaml"
    result = import_messy(tmp_path / "directory.csv", base, out, "Plymouth")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        next(line for line in result.stderr.splitlines() if line.startswith("directory.csv"))
    ]
    assert result.stderr.startswith(f"directory.csv row {row}, column {column}: "), result.stderr
    assert not out.exists() and not (tmp_path / "plymouth.skipped.csv").exists()

"""Spreadsheets in, scenario out: templates, messy sheets, every error class, round trips."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.inputs import export_inputs_command, import_command
from scenarios.codes import CODES, LEGEND, TEMPLATE_LEGEND, shifts_of
from scenarios.exporter import export_inputs, sources_in
from scenarios.importer import Sources, import_scenario
from scenarios.load import ScenarioError, load_scenario
from scenarios.schema import HomeHistory, RecentShift, Scenario, Shift

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"
TEMPLATES = ROOT / "scenarios" / "templates"
TABLES = (
    "homes",
    "shortfalls",
    "workers",
    "availability",
    "recent-shifts",
    "sites",
    "facilities",
    "requests",
    "agencies",
    "ppe-homes",
    "ppe-depot",
    "ppe-deliveries",
    "ppe-home-deliveries",
    "ppe-vans",
)


def run_import(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(import_command, [str(a) for a in args])
    return result.exit_code, result.output


def table_args(folder: Path, **override: Path) -> list[str | Path]:
    """`--homes folder/homes.csv ...` for every table present, and the base."""
    args: list[str | Path] = ["--base", folder / "base.yaml"]
    for name in TABLES:
        path = override.get(name, folder / f"{name}.csv")
        if name in override or path.exists():
            args += [f"--{name}", path]
    return args


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(EXAMPLES / "tiny.yaml")


@pytest.fixture
def tiny_dir(tiny: Scenario, tmp_path: Path) -> Path:
    folder = tmp_path / "tiny-inputs"
    export_inputs(tiny, folder)
    return folder


def homes_frame(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "homes.csv", dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- templates


def test_templates_import() -> None:
    imported = import_scenario(sources_in(TEMPLATES))
    s = imported.scenario
    assert [h.id for h in s.homes] == ["h001", "h002"]
    assert len(s.homes[0].shortfalls) == 2
    assert [(w.id, w.kind) for w in s.workers] == [
        ("w001", "bank"),
        ("w002", "agency"),
        ("w003", "nhs"),
        ("w004", "recruit"),
    ]
    assert s.workers[1].agency == "a001" and s.agencies[0].homes == ["h001", "h002"]
    assert s.workers[3].available_from == dt.date(2020, 6, 8)
    assert len(s.test_sites) == len(s.isolation_facilities) == len(s.isolation_requests) == 2
    assert imported.notes == []
    assert (s.homes[0].address, s.homes[0].report_to) == (
        "1 Example Street, North",
        "Duty manager, 01752 000 001",
    )
    assert (s.test_sites[0].address, s.test_sites[0].hours) == (
        "Example Park and Ride, Example Way",
        "08:00-12:00",
    )
    assert [w.phone for w in s.workers][:2] == ["07700 900 001", "07700 900 002"]


def test_template_with_availability_by_date() -> None:
    s = import_scenario(
        Sources(
            homes=TEMPLATES / "homes.csv",
            workers=TEMPLATES / "workers-by-date.csv",
            base=TEMPLATES / "base.yaml",
        )
    ).scenario
    w001, w002 = s.workers
    assert [(a.from_, a.last, a.shifts) for a in w001.availability] == [
        (dt.date(2020, 6, 1), dt.date(2020, 6, 4), ["night"])
    ]
    assert [(a.from_.day, a.last.day, a.shifts) for a in w002.availability] == [
        (2, 3, ["day", "night"]),
        (4, 5, ["day"]),
        (6, 6, ["day", "night"]),
    ]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("name", ["tiny", "plymouth-2020"])
def test_export_then_import_is_identity(name: str, tmp_path: Path) -> None:
    original = load_scenario(EXAMPLES / f"{name}.yaml")
    folder = tmp_path / "inputs"
    result = CliRunner().invoke(
        export_inputs_command, [str(EXAMPLES / f"{name}.yaml"), str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert not list(folder.glob(".*.tmp"))
    code, output = run_import(*table_args(folder), "-o", tmp_path / "back.yaml")
    assert code == 0, output
    assert load_scenario(tmp_path / "back.yaml") == original
    assert import_scenario(sources_in(folder)).scenario == original


# --------------------------------------------------------------------------- messy sheets


def test_synonym_headers_uk_dates_blank_rows_and_spaces(tiny: Scenario, tiny_dir: Path) -> None:
    homes = homes_frame(tiny_dir).rename(
        columns={
            "id": " Home ID ",
            "name": "Home Name",
            "beds": "Registered Beds",
            "outbreak_status": "Outbreak Status",
            "last_tested_staff": "Staff last tested",
            "cqc_rating": "CQC Rating",
            "type": "Home type",
        }
    )
    for column in ("outbreak_since", "Staff last tested", "last_tested_residents"):
        homes[column] = [
            dt.date.fromisoformat(v).strftime("%d/%m/%Y") if v else "" for v in homes[column]
        ]
    homes["CQC Rating"] = homes["CQC Rating"].str.replace("_", " ").str.title() + "  "
    homes["Home Name"] = homes["Home Name"] + "   "
    homes["Home type"] = homes["Home type"].replace({"older_people_nursing": "Nursing"})
    blank = pd.DataFrame([[""] * len(homes.columns)], columns=homes.columns)
    messy = pd.concat([homes.iloc[:1], blank, blank, homes.iloc[1:], blank])
    messy.to_csv(tiny_dir / "homes.csv", index=False)
    assert import_scenario(sources_in(tiny_dir)).scenario == tiny


def test_xlsx_with_real_dates_and_title_rows(tiny: Scenario, tiny_dir: Path) -> None:
    homes = homes_frame(tiny_dir)
    for column in ("outbreak_since", "last_tested_staff", "last_tested_residents"):
        homes[column] = [dt.datetime.fromisoformat(v) if v else None for v in homes[column]]
    for column in ("beds", "residents", "staff"):
        homes[column] = homes[column].astype(int)
    xlsx = tiny_dir / "homes.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        pd.DataFrame({"x": ["read me first"]}).to_excel(writer, sheet_name="Notes", index=False)
        homes.to_excel(writer, sheet_name="Homes", index=False, startrow=2)
    s = import_scenario(replace(sources_in(tiny_dir), homes=xlsx)).scenario
    assert s == tiny


def workers_grid(tiny: Scenario, code: dict[tuple[str, ...], str]) -> pd.DataFrame:
    dates = tiny.horizon.dates
    rows = []
    for w in tiny.workers:
        row: dict[str, object] = {"Worker ID": w.id, "Name": w.name, "Role": "; ".join(w.roles)}
        row |= {"Kind": w.kind.value, "Last test": w.last_negative_test, "Locality": w.locality}
        row |= {"max_shifts": w.max_shifts, "current_home": w.home_history.current_home}
        row |= {"last_shift": w.home_history.last_shift, "Mobile": w.phone}
        for d in dates:
            shifts = tuple(s for s in ("day", "night") if w.available_on(d, s))  # type: ignore[arg-type]
            row[d.strftime("%d/%m/%Y")] = code.get(shifts, "")
        rows.append(row)
    return pd.DataFrame(rows)


def test_availability_as_day_night_both_columns(tiny: Scenario, tiny_dir: Path) -> None:
    grid = workers_grid(tiny, {("day",): "D", ("night",): "NT", ("day", "night"): "B"})
    grid.to_csv(tiny_dir / "workers.csv", index=False)
    (tiny_dir / "availability.csv").unlink()
    assert import_scenario(sources_in(tiny_dir)).scenario == tiny


def test_availability_as_yes_no_columns(tiny: Scenario, tiny_dir: Path) -> None:
    grid = workers_grid(tiny, {("day",): "Y", ("night",): "Y", ("day", "night"): "Y"})
    grid = grid.replace({"": "N"})
    grid.to_csv(tiny_dir / "workers.csv", index=False)
    (tiny_dir / "availability.csv").unlink()
    w1 = import_scenario(sources_in(tiny_dir)).scenario.workers[0]
    assert [(a.from_.day, a.last.day, a.shifts) for a in w1.availability] == [
        (1, 4, ["day", "night"])
    ]


def grid_of(*rows: tuple[str, list[str]], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """A workers sheet of carers with one code per date column (from 01/06/2020)."""
    dates = dates or tuple(f"0{d}/06/2020" for d in range(1, len(rows[0][1]) + 1))
    return pd.DataFrame(
        [
            {"id": wid, "roles": "carer", **dict(zip(dates, codes, strict=True))}
            for wid, codes in rows
        ]
    )


def test_n_means_not_available_whatever_the_other_cells(tiny_dir: Path) -> None:
    grid = grid_of(("w1", ["N", "n", "no", ""]), ("w2", ["D", "B", "NT", "night"]))
    grid.to_csv(tiny_dir / "workers.csv", index=False)
    (tiny_dir / "availability.csv").unlink()
    s = import_scenario(sources_in(tiny_dir)).scenario
    w1, w2 = s.workers
    assert w1.availability == []
    assert [(a.from_.day, a.last.day, a.shifts) for a in w2.availability] == [
        (1, 1, ["day"]),
        (2, 2, ["day", "night"]),
        (3, 4, ["night"]),
    ]


@pytest.mark.parametrize("code", ["X", "DN", "-", "n/a", "maybe", "0"])
def test_unknown_or_ambiguous_grid_code_is_a_cell_error(
    tiny_dir: Path, tmp_path: Path, code: str
) -> None:
    grid_of(("w1", ["Y", code]), ("w2", ["B", "D"])).to_csv(tiny_dir / "workers.csv", index=False)
    (tiny_dir / "availability.csv").unlink()
    lines = bad_input(tiny_dir, tmp_path)
    assert lines[0].startswith(f"workers.csv row 2, column 02/06/2020: '{code}'"), lines
    assert LEGEND in lines[0]


def test_two_columns_of_one_date_are_an_error(tiny_dir: Path, tmp_path: Path) -> None:
    grid = grid_of(("w1", ["Y", "N"]), dates=("01/06/2020", "2020-06-01"))
    grid.to_csv(tiny_dir / "workers.csv", index=False)
    (tiny_dir / "availability.csv").unlink()
    assert bad_input(tiny_dir, tmp_path)[0].startswith(
        "workers.csv: columns '01/06/2020' and '2020-06-01' are both 01/06/2020"
    )


def test_n_is_not_night_in_the_shift_columns(tiny_dir: Path, tmp_path: Path) -> None:
    availability = pd.read_csv(tiny_dir / "availability.csv", dtype=str, keep_default_na=False)
    availability.loc[0, "shifts"] = "N"
    availability.to_csv(tiny_dir / "availability.csv", index=False)
    shortfalls = pd.read_csv(tiny_dir / "shortfalls.csv", dtype=str, keep_default_na=False)
    shortfalls.loc[0, "shift"] = "N"
    shortfalls.to_csv(tiny_dir / "shortfalls.csv", index=False)
    lines = bad_input(tiny_dir, tmp_path)
    assert [line.split(":")[0] for line in lines] == [
        "shortfalls.csv row 2, column shift",
        "availability.csv row 2, column shifts",
    ]
    shortfalls.loc[0, "shift"] = "NT"
    shortfalls.to_csv(tiny_dir / "shortfalls.csv", index=False)
    availability.loc[0, "shifts"] = "D; night"
    availability.to_csv(tiny_dir / "availability.csv", index=False)
    s = import_scenario(sources_in(tiny_dir)).scenario
    assert s.homes[1].shortfalls[0].shift.value == "night"
    assert s.workers[0].availability[0].shifts == ["day", "night"]


def test_template_legend_is_the_code_table() -> None:
    first = (TEMPLATES / "workers-by-date.csv").read_text(encoding="utf-8").splitlines()[0]
    assert next(csv.reader([first]))[0] == TEMPLATE_LEGEND
    for codes, shifts, _ in CODES:
        for code in codes:
            assert shifts_of(code) == shifts and shifts_of(code.lower()) == shifts


def test_two_sheets_that_both_look_like_the_table_are_an_error(
    tiny_dir: Path, tmp_path: Path
) -> None:
    xlsx = tiny_dir / "homes.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        homes_frame(tiny_dir).to_excel(writer, sheet_name="Homes", index=False)
        homes_frame(tiny_dir).head(1).to_excel(writer, sheet_name="Homes (old)", index=False)
    lines = bad_input(tiny_dir, tmp_path, homes=xlsx)
    assert lines[0].startswith("homes.xlsx: sheets 'Homes' and 'Homes (old)'"), lines


def test_column_map_names_a_planners_own_headers(tiny: Scenario, tiny_dir: Path) -> None:
    homes_frame(tiny_dir).rename(columns={"beds": "Bed count (registered)"}).to_csv(
        tiny_dir / "homes.csv", index=False
    )
    (tiny_dir / "map.yaml").write_text("homes:\n  beds: bed count (REGISTERED)\n")
    sources = replace(sources_in(tiny_dir), column_map=tiny_dir / "map.yaml")
    assert import_scenario(sources).scenario == tiny


def test_unused_columns_are_noted(tiny_dir: Path) -> None:
    homes = homes_frame(tiny_dir)
    homes["Resdents"] = "1"
    homes.to_csv(tiny_dir / "homes.csv", index=False)
    notes = import_scenario(sources_in(tiny_dir)).notes
    assert notes == [
        "homes.csv: not read: 'Resdents' (not homes columns; "
        "name a field's column in --map if one of them is)"
    ]


def test_horizon_inferred_without_base(tiny_dir: Path) -> None:
    (tiny_dir / "base.yaml").unlink()
    imported = import_scenario(sources_in(tiny_dir))
    assert imported.scenario.horizon.start == dt.date(2020, 6, 1)
    assert imported.scenario.horizon.days == 7
    assert any(n.startswith("horizon (no --base)") for n in imported.notes)


# --------------------------------------------------------------------------- errors


def edit_homes(folder: Path, row: int, **cells: str) -> None:
    """Set cells of spreadsheet row `row` (row 2 is the first home)."""
    homes = homes_frame(folder)
    for column, value in cells.items():
        homes.loc[row - 2, column] = value
    homes.to_csv(folder / "homes.csv", index=False)


def bad_input(folder: Path, tmp_path: Path, **override: Path) -> list[str]:
    out = tmp_path / "out.yaml"
    code, output = run_import(*table_args(folder, **override), "-o", out)
    assert code == 2, output
    assert not out.exists()
    return output.strip().splitlines()


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        ({"beds": "forty"}, "homes.csv row 4, column beds: 'forty' is not a whole number"),
        (
            {"outbreak_since": "31/02/2020"},
            "homes.csv row 4, column outbreak_since: '31/02/2020' is not a date "
            "(write 29/05/2020 or 2020-05-29)",
        ),
        (
            {"type": "hospice"},
            "homes.csv row 4, column type: 'hospice' is not one of: older_people_nursing, "
            "older_people_residential, learning_disability, mental_health, substance_misuse",
        ),
        ({"residents": "50"}, "homes.csv row 4, column residents: 50 residents exceed 24 beds"),
        ({"beds": "0"}, "homes.csv row 4, column beds: input should be greater than 0"),
        ({"id": "h1"}, "homes.csv row 4, column id: duplicate id"),
        ({"id": "h 3"}, "homes.csv row 4, column id: string should match pattern"),
        ({"name": ""}, "homes.csv row 4, column name: is blank"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(
    tiny_dir: Path, tmp_path: Path, cells: dict[str, str], line: str
) -> None:
    edit_homes(tiny_dir, 4, **cells)
    lines = bad_input(tiny_dir, tmp_path)
    assert lines[-1].startswith(line), lines
    assert len(lines) == (2 if "duplicate" in line else 1), lines  # both duplicates named


@pytest.mark.parametrize(
    ("column", "mark"), [("cqc_rating", "-"), ("outbreak_since", "?"), ("can_isolate", "*")]
)
def test_a_mark_in_a_typed_cell_is_not_taken_for_blank(
    tiny_dir: Path, tmp_path: Path, column: str, mark: str
) -> None:
    edit_homes(tiny_dir, 3, **{column: mark})
    assert bad_input(tiny_dir, tmp_path)[0].startswith(
        f"homes.csv row 3, column {column}: '{mark}'"
    )


def test_bad_list_item_and_reference_in_other_tables(tiny_dir: Path, tmp_path: Path) -> None:
    workers = pd.read_csv(tiny_dir / "workers.csv", dtype=str, keep_default_na=False)
    workers.loc[1, "roles"] = "senior_carer, nures"
    workers.loc[3, "current_home"] = "h9"
    workers.to_csv(tiny_dir / "workers.csv", index=False)
    shortfalls = pd.read_csv(tiny_dir / "shortfalls.csv", dtype=str, keep_default_na=False)
    shortfalls.loc[0, "home"] = "h7"
    shortfalls.to_csv(tiny_dir / "shortfalls.csv", index=False)
    assert bad_input(tiny_dir, tmp_path) == [
        "workers.csv row 3, column roles: 'nures' is not one of: carer, senior_carer, nurse, "
        "one_to_one",
        "shortfalls.csv row 2, column home: no home with id 'h7'",
    ]
    workers.loc[1, "roles"] = "carer"
    workers.to_csv(tiny_dir / "workers.csv", index=False)
    shortfalls.loc[0, "home"] = "h2"
    shortfalls.to_csv(tiny_dir / "shortfalls.csv", index=False)
    assert bad_input(tiny_dir, tmp_path) == [
        "workers.csv row 5, column current_home: unknown home 'h9'"
    ]


def test_every_problem_in_one_run_with_blank_rows_counted(tiny_dir: Path, tmp_path: Path) -> None:
    homes = homes_frame(tiny_dir)
    homes.loc[0, "beds"] = "six"
    homes.loc[2, "last_tested_staff"] = "05/29/2020"
    blank = pd.DataFrame([[""] * len(homes.columns)], columns=homes.columns)
    pd.concat([homes.iloc[:2], blank, homes.iloc[2:]]).to_csv(tiny_dir / "homes.csv", index=False)
    assert bad_input(tiny_dir, tmp_path) == [
        "homes.csv row 2, column beds: 'six' is not a whole number",
        "homes.csv row 5, column last_tested_staff: '05/29/2020' is not a date "
        "(write 29/05/2020 or 2020-05-29)",
    ]


def test_xlsx_error_names_the_sheet_row(tiny_dir: Path, tmp_path: Path) -> None:
    homes = homes_frame(tiny_dir).rename(columns={"beds": "Beds"})
    homes = pd.concat([homes] * 5, ignore_index=True)
    homes["id"] = [f"h{i}" for i in range(1, 16)]
    homes.loc[12, "Beds"] = "forty"
    homes.to_excel(tiny_dir / "homes.xlsx", index=False)
    lines = bad_input(tiny_dir, tmp_path, homes=tiny_dir / "homes.xlsx")
    assert lines == ["homes.xlsx row 14, column Beds: 'forty' is not a whole number"]


def test_structure_problems(tiny_dir: Path, tmp_path: Path) -> None:
    homes = homes_frame(tiny_dir).drop(columns=["staff"])
    homes["Registered beds"] = homes["beds"]
    homes.to_csv(tiny_dir / "homes.csv", index=False)
    (tiny_dir / "map.yaml").write_text("homes:\n  bedz: Beds\nrotas: {}\n")
    lines = bad_input(tiny_dir, tmp_path, requests=tiny_dir / "missing.csv")
    out = tmp_path / "out.yaml"
    code, output = run_import(
        *table_args(tiny_dir, requests=tiny_dir / "missing.csv"),
        "--map",
        tiny_dir / "map.yaml",
        "-o",
        out,
    )
    assert code == 2 and not out.exists()
    assert output.strip().splitlines()[:2] == [
        "map.yaml: homes.bedz: not a field (fields: id, name, type, beds, residents, staff, "
        "agency_staff, cqc_rating, rag_overall, rag_ppe, rag_workforce, outbreak_status, "
        "outbreak_since, resident_cases, staff_cases, deaths_7d, can_isolate, "
        "last_tested_staff, last_tested_residents, last_tested_agency, reported, "
        "ipc_trained_on, locality, latitude, longitude, address, report_to)",
        "map.yaml: rotas: not a table (tables: homes, shortfalls, workers, availability, "
        "recent-shifts, sites, facilities, requests, agencies, ppe-homes, ppe-depot, "
        "ppe-deliveries, ppe-home-deliveries, ppe-vans, details, cqc)",
    ]
    assert lines == [
        "homes.csv: columns 'beds' and 'Registered beds' both give homes beds; delete one or "
        "name the right one in --map",
        "homes.csv: no staff column (named staff, staff count, number of staff)",
        f"{tiny_dir / 'missing.csv'}: no such file",
    ]


def test_bad_base_and_conflicting_sections(tiny_dir: Path, tmp_path: Path) -> None:
    (tiny_dir / "base.yaml").write_text("horizon: {start: 2020-06-01, days: 90}\nhomes: []\n")
    assert bad_input(tiny_dir, tmp_path) == [
        "base.yaml: homes are also given by --homes; keep one",
        "base.yaml: horizon.days: input should be less than or equal to 56",
    ]
    (tiny_dir / "base.yaml").write_text("horizon: {start: 2020-06-01, days: 90}\n")
    assert bad_input(tiny_dir, tmp_path) == [
        "base.yaml: horizon.days: input should be less than or equal to 56"
    ]


def test_import_refuses_other_errors_with_exit_2(tmp_path: Path) -> None:
    code, output = run_import("-o", tmp_path / "x.yaml")
    assert code == 2
    assert "no homes: give --homes FILE" in output


def test_contact_columns_are_optional_and_read_by_synonym(tiny: Scenario, tiny_dir: Path) -> None:
    """Sheets without the contact columns import as before (empty contacts); with them,
    under a planner's own headers, each lands on its record."""
    for name, columns in {
        "homes": ["address", "report_to"],
        "sites": ["address", "hours"],
        "workers": ["phone"],
    }.items():
        frame = pd.read_csv(tiny_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.drop(columns=columns).to_csv(tiny_dir / f"{name}.csv", index=False)
    bare = import_scenario(sources_in(tiny_dir)).scenario
    assert {h.address + h.report_to for h in bare.homes} == {""}
    assert {s.address + s.hours for s in bare.test_sites} == {""}
    assert {w.phone for w in bare.workers} == {""}
    edit_homes(tiny_dir, 3, **{"Home Address": "12 Example Street", "Report To": "Nurse, 0"})
    sites = pd.read_csv(tiny_dir / "sites.csv", dtype=str, keep_default_na=False)
    sites["Opening hours"] = ["08:00-12:00"]
    sites["Site address"] = ["Example Way"]
    sites.to_csv(tiny_dir / "sites.csv", index=False)
    workers = pd.read_csv(tiny_dir / "workers.csv", dtype=str, keep_default_na=False)
    workers["Mobile"] = ["07700 900 001", "", "", ""]
    workers.to_csv(tiny_dir / "workers.csv", index=False)
    s = import_scenario(sources_in(tiny_dir)).scenario
    assert (s.homes[1].address, s.homes[1].report_to) == ("12 Example Street", "Nurse, 0")
    assert (s.test_sites[0].address, s.test_sites[0].hours) == ("Example Way", "08:00-12:00")
    assert [w.phone for w in s.workers] == ["07700 900 001", "", "", ""]


def test_scenario_error_lines_are_plain(tiny_dir: Path) -> None:
    shutil.copy(tiny_dir / "homes.csv", tiny_dir / "workers.csv")
    with pytest.raises(ScenarioError) as err:
        import_scenario(sources_in(tiny_dir))
    assert "workers.csv: no roles column (named roles, role, skills)" in err.value.lines


def test_coordinates_are_plain_decimals_and_round_trip(tiny_dir: Path, tmp_path: Path) -> None:
    edit_homes(tiny_dir, 2, latitude="50.3712", longitude="-4.1427")
    s = import_scenario(sources_in(tiny_dir)).scenario
    assert (s.homes[0].latitude, s.homes[0].longitude) == (50.3712, -4.1427)
    export_inputs(s, tmp_path / "again")
    assert import_scenario(sources_in(tmp_path / "again")).scenario == s
    for bad in ("50,37", "50.37 N", "50°22'"):
        edit_homes(tiny_dir, 2, latitude=bad)
        assert bad_input(tiny_dir, tmp_path) == [
            f"homes.csv row 2, column latitude: '{bad}' is not a decimal number (write 50.3712)"
        ]


def test_recent_shifts_round_trip_through_their_table(tiny: Scenario, tmp_path: Path) -> None:
    """A worker's shifts before the horizon are a table of their own, exported and read back;
    the template's rows reach the worker they name."""
    worker = tiny.workers[0]
    home_id = worker.home_history.current_home or tiny.homes[0].id
    start = tiny.horizon.start
    recent = [
        RecentShift(date=start - dt.timedelta(days=n), shift=Shift.NIGHT, home=home_id)
        for n in (2, 1)
    ]
    history = HomeHistory(current_home=home_id, last_shift=recent[-1].date, recent_shifts=recent)
    s = tiny.model_copy(
        update={"workers": [worker.model_copy(update={"home_history": history}), *tiny.workers[1:]]}
    )
    export_inputs(s, tmp_path / "inputs")
    assert import_scenario(sources_in(tmp_path / "inputs")).scenario == s
    templated = import_scenario(sources_in(TEMPLATES)).scenario
    assert [len(w.home_history.recent_shifts) for w in templated.workers] == [0, 2, 0, 0]


def test_pool_problems_name_their_cell_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name in ("base.yaml", "homes.csv", "agencies.csv", "availability.csv"):
        (folder / name).write_text((TEMPLATES / name).read_text())
    rows = (TEMPLATES / "workers.csv").read_text().splitlines()
    rows[2] = rows[2].replace(",a001,", ",a009,")
    rows[4] = rows[4].replace(",2020-06-08,", ",,")
    (folder / "workers.csv").write_text("\n".join(rows) + "\n")
    code, output = run_import(*table_args(folder), "-o", tmp_path / "out.yaml")
    assert code == 2
    lines = output.strip().splitlines()
    assert any(ln.startswith("workers.csv row 3, column agency:") for ln in lines), output
    assert any(ln.startswith("workers.csv row 5, column available_from:") for ln in lines)
    assert not (tmp_path / "out.yaml").exists()

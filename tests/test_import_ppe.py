"""PPE as a council's sheets: each home's stock and use by item, the depot, deliveries,
vans and homes' deliveries from their own suppliers, imported and exported; a bad cell
named by file, row and column, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.inputs import export_inputs_command, import_command
from scenarios.exporter import export_inputs, sources_in
from scenarios.importer import import_scenario
from scenarios.load import ScenarioError, load_scenario
from scenarios.schema import HomeDelivery, PpeItem, Scenario
from tests.test_import import EXAMPLES, TEMPLATES, table_args

PLYMOUTH = EXAMPLES / "plymouth-2020.yaml"


@pytest.fixture(scope="module")
def plymouth() -> Scenario:
    return load_scenario(PLYMOUTH)


@pytest.fixture
def sheets(plymouth: Scenario, tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    export_inputs(plymouth, folder)
    return folder


def test_the_example_round_trips_through_the_ppe_sheets(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    result = CliRunner().invoke(export_inputs_command, [str(PLYMOUTH), str(folder)])
    assert result.exit_code == 0, result.output
    base = yaml.safe_load((folder / "base.yaml").read_text())
    assert set(base["ppe"]) == {"drops_per_van"}  # the rest is in the sheets
    back = tmp_path / "back.yaml"
    code = CliRunner().invoke(import_command, [*map(str, table_args(folder)), "-o", str(back)])
    assert code.exit_code == 0, code.output
    assert load_scenario(back) == load_scenario(PLYMOUTH)
    own = (folder / "ppe-home-deliveries.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(own) > 1 and own[0] == "date,home,item,quantity,supplier"


def test_vans_by_day_and_cover_days_round_trip(plymouth: Scenario, tmp_path: Path) -> None:
    assert plymouth.ppe is not None
    first = plymouth.ppe.homes[0]
    cover = first.model_copy(update={"stock": {}, "cover_days": {PpeItem.MASKS: 9}})
    vans = [d % 3 for d in range(plymouth.horizon.days)]
    ppe = plymouth.ppe.model_copy(update={"vans": vans, "homes": [cover, *plymouth.ppe.homes[1:]]})
    s = plymouth.model_copy(update={"ppe": ppe})
    export_inputs(s, tmp_path)
    assert "cover_days" not in (tmp_path / "base.yaml").read_text()  # in ppe-homes.csv
    assert import_scenario(sources_in(tmp_path)).scenario == s


def test_the_templates_give_ppe() -> None:
    ppe = import_scenario(sources_in(TEMPLATES)).scenario.ppe
    assert ppe is not None and [h.home for h in ppe.homes] == ["h001", "h002"]
    assert ppe.homes[0].opening(PpeItem.APRONS) == 10 * 150
    assert [(d.date.day, d.source) for d in ppe.deliveries] == [(3, "lrf"), (8, "purchase")]
    assert (ppe.vans, ppe.drops_per_van, ppe.depot_stock[PpeItem.MASKS]) == (2, 10, 5000)
    [own] = ppe.homes[1].deliveries
    assert (own.date.day, own.items[PpeItem.MASKS], own.supplier) == (4, 84, "Acme Care Supplies")
    assert ppe.homes[0].deliveries == []


def test_a_homes_own_deliveries_round_trip_one_per_date_and_supplier(
    plymouth: Scenario, tmp_path: Path
) -> None:
    """Two suppliers the same day, and a delivery with no supplier named, stay apart."""
    assert plymouth.ppe is not None
    first = plymouth.ppe.homes[0]
    own = [
        HomeDelivery(date=plymouth.horizon.start, supplier="A", items={PpeItem.MASKS: 5}),
        HomeDelivery(date=plymouth.horizon.start, supplier="B", items={PpeItem.MASKS: 6}),
        HomeDelivery(date=plymouth.horizon.end, items={PpeItem.GLOVES: 7, PpeItem.MASKS: 8}),
    ]
    homes = [first.model_copy(update={"deliveries": own}), *plymouth.ppe.homes[1:]]
    s = plymouth.model_copy(update={"ppe": plymouth.ppe.model_copy(update={"homes": homes})})
    export_inputs(s, tmp_path)
    assert import_scenario(sources_in(tmp_path)).scenario == s


def _edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (row as Excel numbers it: the header is row 1)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


BAD_CELLS = [
    ("ppe-homes.csv", 3, "stock", "lots", "ppe-homes.csv row 3, column stock"),
    ("ppe-homes.csv", 2, "home", "h999", "ppe-homes.csv row 2, column home"),
    ("ppe-homes.csv", 4, "item", "visors2", "ppe-homes.csv row 4, column item"),
    ("ppe-homes.csv", 2, "daily_use", "-3", "ppe-homes.csv row 2, column daily_use"),
    ("ppe-depot.csv", 2, "stock", "-1", "ppe-depot.csv row 2, column stock"),
    ("ppe-deliveries.csv", 3, "quantity", "-5", "ppe-deliveries.csv row 3, column quantity"),
    ("ppe-deliveries.csv", 2, "date", "2021-01-01", "ppe-deliveries.csv row 2, column date"),
    ("ppe-vans.csv", 2, "vans", "two", "ppe-vans.csv row 2, column vans"),
    (
        "ppe-home-deliveries.csv",
        2,
        "quantity",
        "x",
        "ppe-home-deliveries.csv row 2, column quantity",
    ),
    (
        "ppe-home-deliveries.csv",
        2,
        "date",
        "2021-01-01",
        "ppe-home-deliveries.csv row 2, column date",
    ),
    ("ppe-home-deliveries.csv", 2, "home", "h999", "ppe-home-deliveries.csv row 2, column home"),
    ("ppe-home-deliveries.csv", 2, "item", "hats", "ppe-home-deliveries.csv row 2, column item"),
]


@pytest.mark.parametrize(("name", "row", "column", "value", "named"), BAD_CELLS)
def test_a_bad_cell_is_one_line_naming_it_and_nothing_is_written(
    sheets: Path, tmp_path: Path, name: str, row: int, column: str, value: str, named: str
) -> None:
    _edit(sheets / name, row, column, value)
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(import_command, [*map(str, table_args(sheets)), "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and named in lines[0], result.output
    assert not out.exists()


def test_an_item_given_twice_for_a_home_names_the_later_row(sheets: Path) -> None:
    path = sheets / "ppe-homes.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        import_scenario(sources_in(sheets))
    assert raised.value.lines == [
        f"ppe-homes.csv row {len(lines) + 1}, column item: "
        + (f"{lines[1].split(',')[1]} for {lines[1].split(',')[0]} is on an earlier row too")
    ]


def test_vans_by_day_must_name_every_day(sheets: Path, plymouth: Scenario) -> None:
    days = plymouth.horizon.dates
    rows = [f"{d},2" for d in days[:-1]]
    (sheets / "ppe-vans.csv").write_text("date,vans\n" + "\n".join(rows) + "\n")
    with pytest.raises(ScenarioError) as raised:
        import_scenario(sources_in(sheets))
    [line] = raised.value.lines
    assert line.startswith("ppe-vans.csv") and str(days[-1]) in line


def test_ppe_in_the_base_and_in_a_sheet_is_a_problem(sheets: Path, plymouth: Scenario) -> None:
    base = yaml.safe_load((sheets / "base.yaml").read_text())
    assert plymouth.ppe is not None
    base["ppe"]["depot_stock"] = {"masks": 1}
    (sheets / "base.yaml").write_text(yaml.safe_dump(base))
    with pytest.raises(ScenarioError) as raised:
        import_scenario(sources_in(sheets))
    [line] = raised.value.lines
    assert "depot_stock" in line and "--ppe-depot" in line


def test_without_ppe_sheets_the_base_file_still_gives_ppe(sheets: Path) -> None:
    """A scenario's PPE may stay in its base file, as before the sheets."""
    whole = load_scenario(PLYMOUTH)
    base = yaml.safe_load((sheets / "base.yaml").read_text())
    base["ppe"] = whole.model_dump(mode="json")["ppe"]
    (sheets / "base.yaml").write_text(yaml.safe_dump(base))
    for name in ("ppe-homes", "ppe-depot", "ppe-deliveries", "ppe-vans", "ppe-home-deliveries"):
        (sheets / f"{name}.csv").unlink()
    assert import_scenario(sources_in(sheets)).scenario == whole

"""Hostile input: no code runs from a file, every limit is named, no name escapes its folder.

Each refusal exits 2 with one line naming the file, and writes nothing.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cli.main import main
from scenarios.atomic import UnsafeNameError, inside
from scenarios.limits import MAX_FILE_BYTES, MAX_HORIZON_DAYS, MAX_NESTING, MAX_RECORDS
from scenarios.load import read_document
from scheduler.analysis.compare import folder_name
from tests.conftest import EXAMPLES, day, home, site

ROOT = Path(__file__).resolve().parent.parent
TINY = (EXAMPLES / "tiny.yaml").read_text()

HOSTILE_TAGS = [
    "!!python/object/apply:builtins.print ['PWNED']",
    "!!python/object/apply:os.system ['echo PWNED']",
    "!!python/object/new:builtins.print ['PWNED']",
    "!!python/name:builtins.print",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {x: PWNED}",
]


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def listing(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def refused(result: Result, name: str, message: str, alone: bool = True) -> None:
    """Exit 2, the first line (every line if `alone`) naming the file, the message among
    them, no traceback. (An import goes on to list what the unread table leaves missing.)"""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "PWNED" not in result.output
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith(name), result.stderr
    assert not alone or all(line.startswith(name) for line in lines), result.stderr
    assert message in result.stderr, result.stderr


def tiny_with(tmp_path: Path, old: str, new: str, name: str = "city.yaml") -> Path:
    assert old in TINY
    path = tmp_path / name
    path.write_text(TINY.replace(old, new, 1))
    return path


# --------------------------------------------------------------------------- safe loading


def test_no_module_loads_yaml_unsafely() -> None:
    """Only `scenarios.load` parses YAML, and only with the safe loader."""
    unsafe = re.compile(
        r"yaml\.(unsafe_load|full_load|load_all|Loader|FullLoader|UnsafeLoader|CLoader)\b"
        r"|pickle|marshal|\beval\(|\bexec\("
    )
    for package in ("scenarios", "scheduler", "cli", "constraints", "benchmarks"):
        for source in (ROOT / package).rglob("*.py"):
            text = source.read_text()
            assert not unsafe.search(text), f"{source}: {unsafe.search(text)}"
            for call in re.findall(r"yaml\.load\([^)]*\)", text):
                assert source.name == "load.py" and "_SafeLoader" in call, f"{source}: {call}"


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_a_scenario_cannot_construct_objects(tmp_path: Path, tag: str) -> None:
    path = tiny_with(tmp_path, "name: tiny", f"name: {tag}")
    before = listing(tmp_path)
    refused(run("plan", path, "--out", tmp_path / "plan"), "city.yaml", "not valid YAML (line 10)")
    assert listing(tmp_path) == before


@pytest.mark.parametrize("tag", HOSTILE_TAGS[:2])
def test_what_if_files_and_their_base_cannot_construct_objects(tmp_path: Path, tag: str) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    whatif = tmp_path / "w.yaml"
    whatif.write_text(f"base: tiny.yaml\nvariants:\n  - name: {tag}\n")
    refused(run("whatif", whatif, "--emit", tmp_path / "runs"), "w.yaml", "not valid YAML")
    tiny_with(tmp_path, "name: tiny", f"name: {tag}", name="tiny.yaml")
    whatif.write_text("base: tiny.yaml\nvariants:\n  - name: ok\n")
    refused(run("whatif", whatif, "--emit", tmp_path / "runs"), "tiny.yaml", "not valid YAML")
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("option", ["--base", "--map"])
def test_import_base_and_column_map_cannot_construct_objects(tmp_path: Path, option: str) -> None:
    assert run("export-inputs", EXAMPLES / "tiny.yaml", tmp_path / "in").exit_code == 0
    hostile = tmp_path / "in" / "hostile.yaml"
    hostile.write_text(f"homes: {HOSTILE_TAGS[0]}\n")
    args = ["import", "--homes", tmp_path / "in" / "homes.csv", option, hostile]
    result = run(*args, "-o", tmp_path / "city.yaml")
    assert result.exit_code == 2 and "PWNED" not in result.output
    assert "hostile.yaml: not valid YAML (line 1)" in result.stderr
    assert not (tmp_path / "city.yaml").exists()


def test_a_yaml_alias_bomb_is_refused_by_its_record_count(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    refused(run("validate", path), "bomb.yaml", f"more than the limit of {MAX_RECORDS:,} records")


def test_an_alias_cycle_is_refused(tmp_path: Path) -> None:
    path = tiny_with(tmp_path, "homes:\n", "homes: &loop\n  - *loop\n")
    refused(run("validate", path), "city.yaml", "a YAML alias refers to the list or mapping")


DEEP = {
    "deep.yaml": "[" * 100_000 + "]" * 100_000,
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "spaced.yaml": "homes: " + "[ " * 1_001 + "]" * 1_001,
    "mappings.yaml": "a: " + "{b: " * 1_001 + "1" + "}" * 1_001,
    "mixed.json": '{"a": ' + '[{"b": ' * 600 + "1" + "}]" * 600 + "}",
    "block.yaml": "".join(" " * i + "k:\n" for i in range(MAX_NESTING + 2)) + "x: 1\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_refused_by_its_limit(tmp_path: Path, name: str) -> None:
    """Exit 2, one line naming the file and the limit, no plan folder."""
    path = tmp_path / name
    path.write_text(DEEP[name])
    before = listing(tmp_path)
    refused(run("plan", path, "--out", tmp_path / "plan"), name, f"limit of {MAX_NESTING}")
    assert listing(tmp_path) == before


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json", "spaced.yaml", "mixed.json"])
def test_flow_nesting_is_refused_before_any_parser_reads_it(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsers differ on deep flow input (libyaml recursed and crashed, later refused in its
    own words, json recurses): the refusal must not depend on which one is installed."""

    def parser_must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a parser read a file past the nesting limit")

    for module, name_ in [(yaml, "parse"), (yaml, "load"), (json, "loads")]:
        monkeypatch.setattr(module, name_, parser_must_not_run)
    path = tmp_path / name
    path.write_text(DEEP[name])
    refused(run("validate", path), name, f"nested deeper than the limit of {MAX_NESTING}")


def test_brackets_in_names_and_comments_are_not_nesting(tmp_path: Path) -> None:
    """Quoted scalars, plain scalars and comments may hold any number of brackets."""
    deep = "[" * (MAX_NESTING + 10)
    path = tiny_with(tmp_path, "name: tiny\n", f"name: St John's {deep}  # {deep}\n")
    path.write_text(path.read_text().replace("name: Rowan House", f"name: '{deep}{{'", 1))
    path.write_text(path.read_text().replace("name: Elm Court", f'name: "x\\" {deep}"', 1))
    result = run("validate", path)
    assert result.exit_code == 0, result.output


def test_a_flat_list_past_the_record_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"homes": [0] * (MAX_RECORDS + 1)}))
    refused(run("validate", path), "many.json", "more than the limit of 1,000,000 records")


def test_real_scenarios_are_far_inside_the_limits() -> None:
    plymouth = EXAMPLES / "plymouth-2020.yaml"
    assert plymouth.stat().st_size < MAX_FILE_BYTES / 100
    assert isinstance(read_document(plymouth), dict)


# --------------------------------------------------------------------------- size limits


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)
    return path


@pytest.mark.parametrize("name", ["big.yaml", "big.json"])
def test_a_file_past_100_mb_is_refused_unread(tmp_path: Path, name: str) -> None:
    path = sparse(tmp_path / name, MAX_FILE_BYTES + 1)
    refused(run("validate", path), name, "larger than the limit of 100 MB")


def test_a_what_if_file_past_100_mb_is_refused(tmp_path: Path) -> None:
    path = sparse(tmp_path / "w.yaml", MAX_FILE_BYTES + 1)
    refused(run("whatif", path, "--emit", tmp_path / "runs"), "w.yaml", "limit of 100 MB")


@pytest.mark.parametrize("name", ["homes.csv", "homes.xlsx"])
def test_a_spreadsheet_past_100_mb_is_refused(tmp_path: Path, name: str) -> None:
    path = sparse(tmp_path / name, MAX_FILE_BYTES + 1)
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    refused(result, name, "larger than the limit of 100 MB", alone=False)
    assert not (tmp_path / "city.yaml").exists()


def test_a_csv_past_the_row_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "homes.csv"
    path.write_text("id\n" + "h\n" * (MAX_RECORDS + 100))
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    refused(result, "homes.csv", "more than the limit of 1,000,000 rows", alone=False)


def test_a_workbook_that_unpacks_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scenarios.sheet_files.MAX_UNPACKED_BYTES", 1_000_000)
    path = tmp_path / "homes.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)  # 2 KB packed
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    refused(result, "homes.xlsx", "unpacks to more than the limit of 1 MB", alone=False)


def test_binary_junk_as_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "homes.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    refused(result, "homes.xlsx", "cannot read as a spreadsheet", alone=False)


# --------------------------------------------------------------------------- numbers and dates


def test_a_horizon_over_56_days_names_the_limit(tmp_path: Path) -> None:
    assert MAX_HORIZON_DAYS == 56
    path = tiny_with(tmp_path, "days: 7 ", "days: 57 ")
    refused(
        run("validate", path), "city.yaml", "horizon.days: input should be less than or equal to 56"
    )
    assert run("validate", tiny_with(tmp_path, "days: 7 ", "days: 56 ")).exit_code == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "capacity: 30",
            "capacity: 100000000000000000000",
            "capacity: 100000000000000000000 is more than the limit of 1,000,000",
        ),
        (
            "beds: 6",
            "beds: 9223372036854775808",
            "(h1).beds: 9223372036854775808 is more than the limit",
        ),
        (
            "start: '2020-06-01'",
            "start: '9999-12-30'",
            "horizon.start: date 9999-12-30 is outside 1900-01-01..2199-12-31",
        ),
        (
            "since: '2020-05-29'",
            "since: '0001-01-01'",
            "outbreak.since: date 0001-01-01 is outside",
        ),
        (
            "start: '2020-06-01'",
            "start: 2020-02-30",
            "not valid YAML: day is out of range for month",
        ),
        ("name: tiny", "name: " + "1" * 5000, "not valid YAML"),
    ],
)
def test_numbers_and_dates_past_the_limits_are_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = tiny_with(tmp_path, old, new)
    refused(run("plan", path, "--out", tmp_path / "plan"), "city.yaml", message)
    assert not (tmp_path / "plan").exists()


def test_weights_that_overflow_the_objective_are_bad_input(tmp_path: Path) -> None:
    """Each weight within its limit, but the tier's total past exact integer precision."""
    path = tmp_path / "city.yaml"
    doc = {
        "horizon": {"start": day(0), "days": 7},
        "policy": {"objective": {"untested_person": 2**53 - 1}},
        "homes": [home("h1", last_tested={})],
        "test_sites": [site()],
    }
    path.write_text(yaml.safe_dump(doc))
    result = run("plan", path, "--out", tmp_path / "plan", "--time-limit", "2", "--workers", "1")
    refused(result, "city.yaml", "city.yaml: policy.objective: objective tier 1 can reach")
    assert not (tmp_path / "plan").exists()


def test_a_newline_in_a_cell_stays_on_its_problem_line(tmp_path: Path) -> None:
    path = tmp_path / "homes.csv"
    path.write_text('id,name,type,beds,residents,staff\nh1,A,mental_health,"4\n0",1,1\n')
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    message = "homes.csv row 2, column beds: '4\\n0' is not a whole number"
    refused(result, "homes.csv", message, alone=False)


# --------------------------------------------------------------------------- output paths


@pytest.mark.parametrize(
    "name",
    [
        "..",
        ".",
        "",
        "../escape",
        "a/../../b",
        "/etc/passwd",
        "C:\\x",
        "a\\b",
        "x\0y",
        "a\nb",
        "é" * 200,
    ],
)
def test_a_hostile_name_never_leaves_its_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeNameError, match="refusing to write"):
        inside(tmp_path / "out", name)


def test_a_plain_name_joins_its_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "tests-40-x-bank-4") == tmp_path / "tests-40-x-bank-4"
    assert inside(tmp_path, "Élan 🦠.yaml") == tmp_path / "Élan 🦠.yaml"


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "run").symlink_to(tmp_path)
    with pytest.raises(UnsafeNameError, match="leads outside the folder"):
        inside(tmp_path / "out", "run")


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", "a/b", "..", ".hidden"])
def test_what_if_run_names_cannot_be_paths(tmp_path: Path, name: str) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    whatif = tmp_path / "sub" / "w.yaml"
    whatif.parent.mkdir()
    (tmp_path / "sub" / "tiny.yaml").write_text(TINY)
    whatif.write_text(yaml.safe_dump({"base": "tiny.yaml", "variants": [{"name": name}]}))
    before = listing(tmp_path)
    result = run(
        "whatif", whatif, "--emit", tmp_path / "sub" / "runs", "--out", tmp_path / "sub" / "study"
    )
    refused(result, "w.yaml", "variants.0.name")
    assert listing(tmp_path) == before


def test_a_hostile_run_name_past_the_loader_still_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: were a run's name ever a path, the study refuses it up front."""
    import cli.whatif_cmd
    from scenarios.whatif import load_whatif

    (tmp_path / "tiny.yaml").write_text(TINY)
    whatif = tmp_path / "w.yaml"
    whatif.write_text(yaml.safe_dump({"base": "tiny.yaml", "variants": [{"name": "ok"}]}))
    study = load_whatif(whatif)
    study.variants = {"../../escape": study.variants["ok"]}
    monkeypatch.setattr(cli.whatif_cmd, "load_whatif", lambda _: study)
    before = listing(tmp_path)
    result = run("whatif", whatif, "--emit", tmp_path / "runs", "--out", tmp_path / "study")
    assert result.exit_code == 2, result.output
    assert "'../../escape' holds a path separator" in result.stderr
    assert listing(tmp_path) == before
    assert folder_name("tests 40 x bank 4") == "tests-40-x-bank-4"


# --------------------------------------------------------------------------- fuzzer finds


def test_a_path_with_no_parent_to_strip_is_not_located_forever() -> None:
    """Found by the fuzzer: an id like `a)b` left a path the parent regex could not shorten,
    and the import looped for ever."""
    from scenarios.importer import Origins

    assert Origins().locate("homes[0]b).beds") is None


@pytest.mark.parametrize("bad_id", ["a) b: c", "x" * 3000, "h1\nh2", "(h1)"])
def test_odd_ids_in_a_sheet_fail_on_one_line_each(tmp_path: Path, bad_id: str) -> None:
    path = tmp_path / "homes.csv"
    rows = [["id", "name", "type", "beds", "residents", "staff"]]
    rows.append([bad_id, "A", "mental_health", "4", "1", "1"])
    path.write_text("\n".join(",".join(json.dumps(c) for c in row) for row in rows) + "\n")
    base = tmp_path / "base.yaml"
    base.write_text(f"horizon: {{start: {day(0)}, days: 7}}\n")
    result = run("import", "--base", base, "--homes", path, "-o", tmp_path / "city.yaml")
    refused(result, "homes.csv row 2, column id: string should", "string should")


def test_a_number_of_5000_digits_is_a_cell_problem(tmp_path: Path) -> None:
    """Found by the fuzzer: int() refuses past 4,300 digits with a ValueError (exit 1)."""
    path = tmp_path / "homes.csv"
    path.write_text(
        "id,name,type,beds,residents,staff\nh1,A,mental_health," + "9" * 5000 + ",1,1\n"
    )
    result = run("import", "--homes", path, "-o", tmp_path / "city.yaml")
    refused(
        result, "homes.csv", "column beds: '99999999999999999999...' (5000 digits)", alone=False
    )

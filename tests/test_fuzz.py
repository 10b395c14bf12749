"""Fuzzing the boundary: mutated scenarios and spreadsheets either fail cleanly or plan.

Every mutant of a valid scenario (tiny.yaml, small generated cities) or of the spreadsheets
`carehome export-inputs` writes must end one of two ways:

- exit 2: one line per problem on stderr, each naming an input file; no traceback; nothing
  written (no plan folder, no scenario file, no staging leftovers);
- exit 0: the input is still valid, and the plan passes the independent checker.

Random pins on valid scenarios (plausible, conflicting, or naming unknown ids) may also end
with exit 3, naming a minimal set of conflicting rules among which a pin; a plan made
keeps every pin.

CI runs a bounded number of examples (the whole file in well under a minute on 2 cores);
``CAREHOME_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`` runs a long campaign.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cli.main import main
from scenarios.exporter import export_tables
from scenarios.generate import generate
from scenarios.limits import MAX_AMOUNT, MAX_WEIGHT
from scenarios.load import dump_scenario, load_scenario
from scenarios.schema import Scenario, Shift
from scheduler.output.tables import read_plan
from scheduler.plan import Plan
from scheduler.validate import validate_plan
from tests.conftest import EXAMPLES

EXAMPLES_PER_TEST = int(os.environ.get("CAREHOME_FUZZ_EXAMPLES", "0")) or None
"""Examples per fuzz test: the environment's CAREHOME_FUZZ_EXAMPLES for a long run, else
each test's own small CI budget."""


def budget(ci: int) -> Any:
    return settings(
        max_examples=EXAMPLES_PER_TEST or ci,
        deadline=None,
        derandomize=EXAMPLES_PER_TEST is None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


# --------------------------------------------------------------------------- seeds


def _document(text: str) -> Any:
    return yaml.safe_load(text)


SEEDS: list[dict[str, Any]] = [
    _document((EXAMPLES / "tiny.yaml").read_text()),
    _document(dump_scenario(generate(homes=3, workers=4, days=5, seed=1))),
    _document(dump_scenario(generate(homes=2, workers=2, days=3, seed=7))),
]

# --------------------------------------------------------------------------- junk values

HUGE = [2**31, 2**53 + 1, 2**63, 10**30, -(2**63), -1, 0, 10**400, float("inf"), 1e300]
JUNK_TEXT = ["", " ", "\x00", "é", "🦠" * 3, "a\nb", "../../etc", "${HOME}", "x" * 300, "∞"]
BAD_DATES = ["2020-02-30", "2020-13-01", "01/06/2020", "2020-06-01T10:00:00", "10000-01-01"]
DATES = [
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(9999, 12, 25),
    dt.date(1970, 1, 1),
    dt.date(2020, 6, 1),
    dt.date(2020, 5, 31),
    dt.date(2020, 6, 30),
    dt.date(2100, 1, 1),
]
ATOMS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(HUGE),
    st.integers(min_value=-5, max_value=120),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(JUNK_TEXT),
    st.text(max_size=12),
    st.sampled_from(DATES),
    st.sampled_from([d.isoformat() for d in DATES] + BAD_DATES),
)
JUNK: st.SearchStrategy[Any] = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


# --------------------------------------------------------------------------- mutations


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a parsed document (keys and list indexes)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _ids(doc: dict[str, Any]) -> list[str]:
    return [
        r["id"]
        for section in ("homes", "workers", "test_sites", "isolation_facilities")
        for r in (doc.get(section) if isinstance(doc.get(section), list) else [])
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    ]


def _edge(draw: st.DrawFn, value: Any) -> Any:
    """A value at the edge for the leaf's own type: a huge or negative number for a number,
    a date far off for a date, unicode or an id of another record for a string."""
    if isinstance(value, bool):
        return draw(st.sampled_from([not value, "yes", 1, None]))
    if isinstance(value, int):
        edges = [*HUGE, MAX_AMOUNT, MAX_AMOUNT + 1, MAX_WEIGHT, MAX_WEIGHT + 1, value + 1]
        return draw(st.sampled_from(edges))
    if isinstance(value, dt.date) or (isinstance(value, str) and _is_date(value)):
        return draw(st.sampled_from([*DATES, *BAD_DATES]))
    if isinstance(value, str):
        return draw(st.sampled_from([*JUNK_TEXT, value + value, value.upper()]))
    if isinstance(value, list):
        return draw(st.sampled_from([[], value * 2, value[:1] * 3, [*value, None]]))
    return draw(JUNK)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


MUTATIONS = ["edge", "edge", "edge", "replace", "delete", "unknown key", "duplicate", "dangle"]


@st.composite
def mutated_document(draw: st.DrawFn) -> dict[str, Any]:
    """A seed scenario with one mutation, sometimes two or three."""
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _at(doc, path[:-1]), path[-1]
        kind = draw(st.sampled_from(MUTATIONS))
        if kind == "edge":
            parent[key] = _edge(draw, parent[key])
        elif kind == "replace":
            parent[key] = draw(JUNK)
        elif kind == "delete":
            del parent[key]
        elif kind == "unknown key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "ID", "beds ", "homes", "__class__"]))] = 1
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif kind == "dangle" and isinstance(parent, dict):
            # A reference to nothing, to a record of another kind, or an id made a repeat.
            parent[key] = draw(st.sampled_from(["nowhere", *_ids(doc)]))
    return doc


HOSTILE_TAGS = [
    b"!!python/object/apply:builtins.print ['PWNED']",
    b"!!python/object/apply:os.system ['echo PWNED']",
    b"!!python/name:os.system",
    b"!!python/module:os",
    b"!!python/object/new:pathlib.Path ['/etc/passwd']",
    b"&a [*a]",
    b"*undefined",
    b"!!binary AAAA",
    b"!!set {a, b}",
    b"1" * 5000,
    b"[" * 5000,
]


def _serialise(doc: Any, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(doc, default=str).encode()
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()


@st.composite
def damaged_bytes(draw: st.DrawFn, text: bytes) -> bytes:
    """A file cut short, or with junk spliced in."""
    how = draw(st.sampled_from(["truncate", "splice", "binary", "bom", "nul", "tag"]))
    at = draw(st.integers(min_value=0, max_value=len(text)))
    if how == "truncate":
        return text[:at]
    if how == "splice":
        junk = draw(st.binary(max_size=16))
        return text[:at] + junk + text[at:]
    if how == "binary":
        return draw(st.binary(min_size=1, max_size=200))
    if how == "bom":
        return b"\xff\xfe" + text
    if how == "tag":
        # A value replaced by a tag that would run code under an unsafe loader.
        line_start = text.rfind(b"\n", 0, at) + 1
        colon = text.find(b": ", line_start)
        cut = colon + 2 if 0 <= colon < text.find(b"\n", line_start) else at
        return text[:cut] + draw(st.sampled_from(HOSTILE_TAGS)) + text[text.find(b"\n", cut) :]
    return text[:at] + b"\x00" + text[at:]


# --------------------------------------------------------------------------- the oracle


def _run(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=True)


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_clean_outcome(
    result: Result,
    folder: Path,
    before: set[str],
    inputs: list[str],
    written: Path,
    on_success: Callable[[], None],
    on_infeasible: Callable[[str], None] | None = None,
) -> None:
    """Exit 2 with one named line per problem and nothing written, or exit 0 and a plan or
    scenario that `on_success` checks; with `on_infeasible`, also exit 3 with nothing
    written, its message checked by `on_infeasible`."""
    output = result.output
    assert "Traceback" not in output, output
    assert "PWNED" not in output.splitlines(), output  # quoted in a message is fine
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{output}"
    )
    allowed = (0, 2, 3) if on_infeasible is not None else (0, 2)
    assert result.exit_code in allowed, f"exit {result.exit_code}:\n{output}"
    event(f"exit {result.exit_code}")
    if result.exit_code == 3:
        assert on_infeasible is not None
        assert _snapshot(folder) == before, f"wrote {_snapshot(folder) - before}"
        on_infeasible(result.stderr)
    elif result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines, output
        for line in lines:
            assert line.startswith(tuple(inputs)), f"unnamed: {line!r}\n{output}"
        assert _snapshot(folder) == before, f"wrote {_snapshot(folder) - before}"
    else:
        assert written.exists(), output
        on_success()


# --------------------------------------------------------------------------- scenarios


def _plan_and_check(
    folder: Path,
    scenario_file: Path,
    on_infeasible: Callable[[str], None] | None = None,
    solver: str = "cp-sat",
) -> None:
    out = folder / "plan"
    before = _snapshot(folder)
    args = ["plan", str(scenario_file), "--out", str(out), "--time-limit", "2", "--workers", "1"]
    result = _run([*args, "--solver", solver])

    def verified() -> None:
        scenario = load_scenario(out / "scenario.yaml")
        plan = read_plan(out)
        assert validate_plan(scenario, plan) == []
        assert _unkept_pins(scenario, plan) == []

    names = [scenario_file.name, str(scenario_file)]
    assert_clean_outcome(result, folder, before, names, out, verified, on_infeasible)


def _unkept_pins(scenario: Scenario, plan: Plan) -> list[object]:
    """The pins `plan` does not keep, read straight off its rows (not by the validator,
    whose pin rules are under test here too)."""
    shifts = {(a.worker_id, a.home_id, a.date, a.shift) for a in plan.shifts}
    stays = {(p.request_id, p.facility_id, p.admit_date) for p in plan.placements}
    return [
        *(
            pin
            for pin in scenario.pins.workers
            if not any((pin.worker, pin.home, pin.date, s) in shifts for s in Shift)
            or (pin.shift and (pin.worker, pin.home, pin.date, pin.shift) not in shifts)
        ),
        *(
            pin
            for pin in scenario.pins.requests
            if not any(
                (r, f) == (pin.request, pin.facility) and pin.admit in (None, day)
                for r, f, day in stays
            )
        ),
    ]


@budget(ci=100)
@given(doc=mutated_document(), fmt=st.sampled_from(["yaml", "json"]))
def test_a_mutated_scenario_plans_or_fails_cleanly(doc: dict[str, Any], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"city.{fmt}"
        path.write_bytes(_serialise(doc, fmt))
        _plan_and_check(Path(tmp), path)


@budget(ci=40)
@given(data=st.data(), fmt=st.sampled_from(["yaml", "json"]))
def test_a_damaged_scenario_file_plans_or_fails_cleanly(data: st.DataObject, fmt: str) -> None:
    text = _serialise(data.draw(st.sampled_from(SEEDS)), fmt)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"city.{fmt}"
        path.write_bytes(data.draw(damaged_bytes(text)))
        _plan_and_check(Path(tmp), path)


# --------------------------------------------------------------------------- pins


@st.composite
def pinned_document(draw: st.DrawFn) -> dict[str, Any]:
    """A seed scenario with one to four pins: plausible ones (a worker holding the role of
    a shortfall, on its day; a request at a facility from its earliest date on), and pins
    naming an unknown id, a record of another kind, a date outside the horizon or a shift
    that does not exist."""
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    start = dt.date.fromisoformat(str(doc["horizon"]["start"]))
    days = int(doc["horizon"]["days"])
    records = {s: doc.get(s) or [] for s in ("homes", "workers", "isolation_requests")}
    facilities = [f["id"] for f in doc.get("isolation_facilities") or []]
    short = [(h["id"], sf) for h in records["homes"] for sf in h.get("shortfalls") or []]

    def some(known: list[str]) -> str:
        wrong = ["nowhere", *_ids(doc)]
        mostly_known = bool(known) and draw(st.integers(0, 11)) > 0
        return draw(st.sampled_from(known if mostly_known else wrong))

    def when() -> str:
        offset = draw(st.sampled_from([*range(days)] * 4 + [-1, days]))
        return (start + dt.timedelta(days=offset)).isoformat()

    kinds = ["plausible worker"] * bool(short) + ["worker"]
    kinds += ["plausible request", "request"] * bool(records["isolation_requests"])
    workers, requests = [], []
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 4]))):
        kind = draw(st.sampled_from(kinds))
        if kind == "plausible worker":
            home, sf = draw(st.sampled_from(short))
            able = [w["id"] for w in records["workers"] if sf["role"] in w["roles"]]
            shift = draw(st.sampled_from([None, sf["shift"]]))
            pin = {"worker": some(able), "home": home, "date": str(sf["date"]), "shift": shift}
        elif kind == "worker":
            pin = {
                "worker": some([w["id"] for w in records["workers"]]),
                "home": some([h["id"] for h in records["homes"]]),
                "date": when(),
                "shift": draw(
                    st.sampled_from([None, None, "day", "day", "night", "night", "evening"])
                ),
            }
        else:
            request = draw(st.sampled_from(records["isolation_requests"]))
            earliest = kind == "plausible request" and draw(st.booleans())
            pin = {
                "request": some([request["id"]]),
                "facility": some(facilities),
                "admit": str(request["earliest"])
                if earliest
                else draw(st.sampled_from([None, when()])),
            }
        pins = workers if "worker" in kind else requests
        pins.append({k: v for k, v in pin.items() if v is not None})
    doc["pins"] = {"workers": workers, "requests": requests}
    return doc


def _names_a_pin(message: str) -> None:
    """Exit 3 from pins on a scenario that plans without them: the minimal conflicting set
    is named, rule by rule, and holds a pin."""
    named = re.findall(r"[a-z_]+\[[^\]]*\]", message.split("minimal conflicting rules:")[-1])
    assert any(rule.startswith("pin_") for rule in named), message


@budget(ci=40)
@given(doc=pinned_document(), solver=st.sampled_from(["cp-sat", "cp-sat", "cbc", "highs"]))
def test_random_pins_plan_keeping_them_or_fail_naming_them(
    doc: dict[str, Any], solver: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pinned.yaml"
        path.write_bytes(_serialise(doc, "yaml"))
        _plan_and_check(Path(tmp), path, _names_a_pin, solver)


# --------------------------------------------------------------------------- spreadsheets

TABLE_SEEDS = [
    export_tables(load_scenario(EXAMPLES / "tiny.yaml")),
    export_tables(generate(homes=3, workers=4, days=5, seed=1)),
]


def _cells(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")))]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


CELL_JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            "none",
            "NA",
            "-1",
            "0",
            "1e400",
            str(2**63),
            "99999999999999999999",
            "forty",
            "29/02/2021",
            "00/00/0000",
            "9999-12-31",
            "0001-01-01",
            "12.5",
            "1,2,3",
            "carer; carer",
            "h1",
            "nowhere",
            "🦠",
            "a\nb",
            "=cmd|' /C calc'!A0",
            "Y",
            "N",
            "B",
            "day;night;day",
        ]
    ),
    st.text(max_size=10),
)


@st.composite
def mutated_tables(draw: st.DrawFn) -> dict[str, bytes]:
    tables = dict(draw(st.sampled_from(TABLE_SEEDS)))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        name = draw(st.sampled_from(sorted(tables)))
        text = tables[name]
        if name.endswith(".yaml"):
            doc = yaml.safe_load(text) or {}
            paths = [p for p in _paths(doc) if p]
            if paths:
                path = draw(st.sampled_from(paths))
                _at(doc, path[:-1])[path[-1]] = draw(JUNK)
            tables[name] = yaml.safe_dump(doc, allow_unicode=True)
            continue
        try:
            rows = _cells(text)
        except csv.Error:  # an earlier mutation left a bare carriage return: keep it
            continue
        kind = draw(st.sampled_from(["cell", "drop column", "duplicate row", "header", "row"]))
        if kind == "cell" and len(rows) > 1:
            r = draw(st.integers(min_value=1, max_value=len(rows) - 1))
            c = draw(st.integers(min_value=0, max_value=len(rows[r]) - 1))
            rows[r][c] = draw(CELL_JUNK)
        elif kind == "drop column":
            c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif kind == "duplicate row" and len(rows) > 1:
            r = draw(st.integers(min_value=1, max_value=len(rows) - 1))
            rows.insert(r, list(rows[r]))
        elif kind == "header":
            c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows[0][c] = draw(CELL_JUNK)
        elif kind == "row":
            rows.append([draw(CELL_JUNK) for _ in rows[0]])
        tables[name] = _csv(rows)
    encoded = {name: text.encode() for name, text in tables.items()}
    if draw(st.integers(min_value=0, max_value=3)) == 0:  # a file cut short or spliced
        name = draw(st.sampled_from(sorted(encoded)))
        encoded[name] = draw(damaged_bytes(encoded[name]))
    return encoded


@budget(ci=100)
@given(tables=mutated_tables())
def test_mutated_spreadsheets_import_or_fail_cleanly(tables: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, content in tables.items():
            (folder / name).write_bytes(content)
        output = folder / "city.yaml"
        before = _snapshot(folder)
        args = ["import", "-o", str(output)]
        for name in tables:
            option = "base" if name == "base.yaml" else name.removesuffix(".csv")
            args += [f"--{option}", str(folder / name)]
        result = _run(args)

        def imported() -> None:
            _plan_and_check(folder, output)

        names = [*tables, *(str(folder / name) for name in tables), "import"]
        assert_clean_outcome(result, folder, before, names, output, imported)

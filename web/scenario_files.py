"""Scenario text in and out of the app: uploads and examples read by the scenario loader,
and a planner's edits (pins, a new outbreak) made as new, re-validated scenario texts.

Every text goes through `scenarios.load` exactly as `carehome plan` reads a file, so the
app accepts and refuses what the command line does, with the same problem lines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scenarios
from scenarios.atomic import UnsafeNameError, inside
from scenarios.limits import MAX_FILE_BYTES, megabytes
from scenarios.load import ScenarioError, dump_scenario, load_scenario, parse_scenario
from scenarios.schema import Scenario

SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLES_DIR = Path(scenarios.__file__).resolve().parent / "examples"
EXAMPLES = ("plymouth-2020.yaml", "tiny.yaml")
"""The scenario examples a team can start from (the others are what-if files)."""


def checked_name(filename: str) -> str:
    """The upload's own name, refused unless it is one plain scenario file name: problem
    lines name the file as the planner knows it, and no name can lead anywhere."""
    name = filename.strip()
    try:
        inside("uploads", name)
    except UnsafeNameError:
        raise ScenarioError(
            [f"{name!r}: not a plain file name (no folders, drives or control characters)"]
        ) from None
    if Path(name).suffix.lower() not in SUFFIXES:
        raise ScenarioError([f"{name}: not a scenario file; expected {', '.join(SUFFIXES)}"])
    return name


@contextlib.contextmanager
def uploaded(filename: str, data: bytes) -> Iterator[Path]:
    """An uploaded file under its checked name, within the command line's size limit, in a
    private temporary folder for as long as it is read; gone afterwards."""
    name = checked_name(filename)
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([f"{name}: larger than the limit of {megabytes(MAX_FILE_BYTES)}"])
    with tempfile.TemporaryDirectory(prefix="carehome-upload-") as folder:
        path = inside(folder, name)
        path.write_bytes(data)
        yield path


def read_scenario(filename: str, data: bytes) -> tuple[Scenario, str]:
    """The scenario in an uploaded file and its text, read as `carehome plan` reads a file."""
    with uploaded(filename, data) as path:
        scenario = load_scenario(path)
    return scenario, data.decode("utf-8")


def example(name: str) -> tuple[Scenario, str]:
    if name not in EXAMPLES:
        raise ScenarioError([f"{name!r}: no such example; choose one of {', '.join(EXAMPLES)}"])
    return read_scenario(name, (EXAMPLES_DIR / name).read_bytes())


def _edited(scenario: Scenario, source: str, edit: Any) -> tuple[Scenario, str]:
    """`scenario` changed by `edit` (a function of its plain data), validated again as a
    whole, so an edit that breaks any rule is refused with the loader's own lines."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    edit(data)
    changed = parse_scenario(data, source=source)
    return changed, dump_scenario(changed)


def with_worker_pin(
    scenario: Scenario, source: str, worker: str, home: str, date: dt.date, shift: str
) -> tuple[Scenario, str]:
    pin: dict[str, str] = {"worker": worker, "home": home, "date": date.isoformat()}
    if shift:
        pin["shift"] = shift
    return _edited(
        scenario,
        source,
        lambda d: d.setdefault("pins", {}).setdefault("workers", []).append(pin),
    )


def with_request_pin(
    scenario: Scenario, source: str, request: str, facility: str, admit: dt.date | None
) -> tuple[Scenario, str]:
    pin: dict[str, str] = {"request": request, "facility": facility}
    if admit is not None:
        pin["admit"] = admit.isoformat()
    return _edited(
        scenario,
        source,
        lambda d: d.setdefault("pins", {}).setdefault("requests", []).append(pin),
    )


def with_outbreak(
    scenario: Scenario,
    source: str,
    home: str,
    status: str,
    since: dt.date,
    resident_cases: int,
    staff_cases: int,
) -> tuple[Scenario, str]:
    """`home` reporting an outbreak from `since`, in place of what it reported before."""
    index = next((i for i, h in enumerate(scenario.homes) if h.id == home), None)
    if index is None:
        raise ScenarioError([f"{source}: homes: no home {home!r}"])
    outbreak = {
        "status": status,
        "since": since.isoformat(),
        "resident_cases": resident_cases,
        "staff_cases": staff_cases,
    }
    return _edited(scenario, source, lambda d: d["homes"][index].update(outbreak=outbreak))


@functools.lru_cache(maxsize=8)
def stored_scenario(filename: str, text: str) -> Scenario:
    """A stored version's scenario (it was valid when stored; read again as a file).
    Versions never change, so the last few read are kept: a version's pages are viewed
    again and again, and checking a city's scenario costs a quarter of a second."""
    return read_scenario(filename, text.encode("utf-8"))[0]

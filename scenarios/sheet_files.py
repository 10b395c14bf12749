"""A spreadsheet file (CSV or XLSX) read as rows of raw values, refused before it is
parsed when it is past the input limits (`scenarios.limits`): the one place a planner's
file is opened, so that no table reader can skip the limits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from scenarios.cells import is_blank
from scenarios.limits import MAX_FILE_BYTES, MAX_RECORDS, MAX_UNPACKED_BYTES, megabytes
from scenarios.load import ScenarioError, read_bytes

HEADER_SEARCH_ROWS = 20
"""Rows searched for the header: published files (CQC's) put a title block above it."""


def read_sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook (one for a CSV) as rows of raw values, row i = Excel row i+1.

    CSV cells stay text (so `007` keeps its zeros); XLSX cells keep Excel's types, so a
    real date cell is read as a date whatever its display format. A file past the limits of
    `scenarios.limits` (size, unpacked size, rows) is refused before it is parsed.
    """
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            _check_workbook(path)
            frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
        else:
            frames = {path.stem: _read_csv(path)}
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except ScenarioError:
        raise
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError([f"{path.name}: cannot read as a spreadsheet: {first}"]) from None
    for name, frame in frames.items():
        if len(frame) > MAX_RECORDS + HEADER_SEARCH_ROWS:
            raise ScenarioError([_too_many_rows(path, str(name))])
    return {
        str(name): [[None if is_blank(v) else v for v in row] for row in frame.values.tolist()]
        for name, frame in frames.items()
    }


def _too_many_rows(path: Path, sheet: str = "") -> str:
    where = f"{path.name} [{sheet}]" if sheet and path.suffix.lower() != ".csv" else path.name
    return f"{where}: more than the limit of {MAX_RECORDS:,} rows; not read"


def _check_workbook(path: Path) -> None:
    """Refuse a workbook past `MAX_FILE_BYTES`, or one that unpacks past
    `MAX_UNPACKED_BYTES` (a zip bomb), before opening it."""
    if not path.exists():
        raise FileNotFoundError(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        limit = megabytes(MAX_FILE_BYTES)
        raise ScenarioError([f"{path.name}: larger than the limit of {limit}; not read"])
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        limit = megabytes(MAX_UNPACKED_BYTES)
        raise ScenarioError([f"{path.name}: unpacks to more than the limit of {limit}; not read"])


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(path)
    raw = read_bytes(path)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    if content.count("\n") > MAX_RECORDS + HEADER_SEARCH_ROWS:
        raise ScenarioError([_too_many_rows(path)])
    return pd.read_csv(
        io.StringIO(content),
        header=None,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )

"""The spreadsheets `carehome import` reads, uploaded as files or one zip: each recognised
by its name (`carehome export-inputs` writes them so), checked for size and type, written
under that fixed name into a private temporary folder, and imported by the same importer
as the command line, which names the file, row and column of every problem.

No name a planner sends reaches the file system: a file is kept only when its name is one
of the importer's (`homes.csv`, `base.yaml`, ...), and it is written under that name as
this module spells it. A zip is read member by member with every read bounded, so its
own headers cannot make it unpack past the limits.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path, PurePath

from scenarios.atomic import UnsafeNameError, inside
from scenarios.cqc import CqcQuery, skip_counts
from scenarios.importer import Imported, Sources, import_scenario
from scenarios.limits import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, megabytes
from scenarios.load import ScenarioError

TABLE_SUFFIXES = (".csv", ".xlsx")
TEXT_SUFFIXES = (".yaml", ".yml")
TEXT_FILES = {"base": "base", "map": "column_map"}
"""The YAML files an import takes: the base (horizon, policy, travel) and the column map."""
TABLES = {
    f.name.replace("_", "-"): f.name
    for f in fields(Sources)
    if f.name not in ("cqc", *TEXT_FILES.values())
}
"""Table file stems (`recent-shifts`, as `carehome export-inputs` names it) -> `Sources`."""
MAX_FILES = 32
"""More files than any import takes (eleven), so a zip of a whole folder is refused."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class CqcUpload:
    """The CQC directory (any file name: CQC's own), its local details, and which homes."""

    directory: Upload
    details: Upload | None
    local_authorities: tuple[str, ...]
    all_england: bool


def expected() -> str:
    tables = ", ".join(f"{stem}{TABLE_SUFFIXES[0]}" for stem in TABLES)
    return f"{tables} (or .xlsx), {', '.join(f'{t}.yaml' for t in TEXT_FILES)}, or a .zip of them"


def unpacked(uploads: list[Upload]) -> list[Upload]:
    """The files sent, with every zip replaced by its files; `ScenarioError` lists every
    file too large, too many, or a zip that is not one."""
    problems: list[str] = []
    files: list[Upload] = []
    for upload in uploads:
        if len(upload.data) > MAX_FILE_BYTES:
            problems.append(f"{upload.name}: larger than the limit of {megabytes(MAX_FILE_BYTES)}")
        elif upload.name.lower().endswith(".zip"):
            files += _members(upload, problems)
        else:
            files.append(upload)
    if len(files) > MAX_FILES:
        problems.append(f"{len(files)} files: more than an import takes ({MAX_FILES} at most)")
    if problems:
        raise ScenarioError(problems)
    return files


def _members(archive: Upload, problems: list[str]) -> list[Upload]:
    """A zip's files (folders inside it are ignored: only each file's own name counts)."""
    try:
        zipped = zipfile.ZipFile(io.BytesIO(archive.data))
    except zipfile.BadZipFile:
        problems.append(f"{archive.name}: not a zip file")
        return []
    members: list[Upload] = []
    total = 0
    with zipped:
        for info in zipped.infolist()[: MAX_FILES + 1]:
            if info.is_dir():
                continue
            name = f"{archive.name}: {info.filename}"
            with zipped.open(info) as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
            total += len(data)
            if len(data) > MAX_FILE_BYTES or total > MAX_UNPACKED_BYTES:
                problems.append(f"{name}: unpacks past the limit of {megabytes(MAX_FILE_BYTES)}")
                return members
            members.append(Upload(PurePath(info.filename).name, data))
    return members


def _slot(name: str) -> tuple[str, str] | None:
    """The `Sources` field a file fills and the name it is written under, by its name."""
    path = PurePath(name.strip())
    stem, suffix = path.stem.lower(), path.suffix.lower()
    if stem in TABLES and suffix in TABLE_SUFFIXES:
        return TABLES[stem], f"{stem}{suffix}"
    if stem in TEXT_FILES and suffix in TEXT_SUFFIXES:
        return TEXT_FILES[stem], f"{stem}{suffix}"
    return None


def _placed(files: list[Upload], folder: Path) -> dict[str, Path]:
    """Each file written into `folder` under its importer name; `ScenarioError` names
    every file the importer does not read, and any given twice."""
    problems: list[str] = []
    placed: dict[str, Path] = {}
    for upload in files:
        slot = _slot(upload.name)
        if slot is None:
            problems.append(
                f"{upload.name!r}: not a file the importer reads; expected {expected()}"
            )
        elif slot[0] in placed:
            problems.append(f"{upload.name}: a second {slot[1]}; send each table once")
        else:
            placed[slot[0]] = folder / slot[1]
            placed[slot[0]].write_bytes(upload.data)
    if problems:
        raise ScenarioError(problems)
    return placed


def _cqc_query(cqc: CqcUpload | None, folder: Path) -> CqcQuery | None:
    """The directory and its details, each in a folder of its own under its own plain
    name (problems name the file as CQC or the planner named it); CSV or XLSX only."""
    if cqc is None:
        return None
    directory = _sheet(cqc.directory, folder / "cqc")
    details = _sheet(cqc.details, folder / "cqc-details") if cqc.details else None
    return CqcQuery(directory, cqc.local_authorities, cqc.all_england, details)


def _sheet(upload: Upload, folder: Path) -> Path:
    try:
        path = inside(folder, upload.name.strip())
    except UnsafeNameError:
        raise ScenarioError([f"{upload.name!r}: not a plain file name"]) from None
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise ScenarioError([f"{upload.name}: not a spreadsheet; expected .csv or .xlsx"])
    if len(upload.data) > MAX_FILE_BYTES:
        raise ScenarioError([f"{upload.name}: larger than {megabytes(MAX_FILE_BYTES)}"])
    folder.mkdir()
    path.write_bytes(upload.data)
    return path


def import_uploads(uploads: list[Upload], cqc: CqcUpload | None) -> tuple[Imported, str]:
    """The scenario the uploaded sheets make and a note of where it came from; every
    problem of any file raises one `ScenarioError` listing them all."""
    with tempfile.TemporaryDirectory(prefix="carehome-import-") as folder:
        placed = _placed(unpacked(uploads), Path(folder))
        query = _cqc_query(cqc, Path(folder))
        imported = import_scenario(Sources(**placed, cqc=query))  # type: ignore[arg-type]
    names = [cqc.directory.name] if cqc else []
    note = f"imported from {', '.join(names + [p.name for p in placed.values()])}"
    if imported.skipped:
        note += f"; CQC directory: {skip_counts(imported.skipped)}"
    return imported, note

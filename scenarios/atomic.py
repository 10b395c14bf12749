"""Files written whole or not at all, for every layer that writes one.

A reader (Excel, a mail client attaching a report, the next planner's run) never sees half
a file, and a failed write leaves the earlier file in place: each writer writes a temporary
file beside the target and renames it over the target.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_replacing(path: str | Path, write: Callable[[Path], object]) -> Path:
    """`write` a temporary file beside `path`, then rename it over `path`. The temporary
    file is created by name, so it gets the usual permissions (outputs are meant to be
    shared), not mkstemp's owner-only ones. Writers that infer a format from the file's
    suffix must be told the format: the temporary name ends in `.tmp`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(staging)
        os.replace(staging, target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return target


def write_text(path: str | Path, text: str) -> Path:
    """`text` (UTF-8) into `path`, whole or not at all."""
    return write_replacing(path, lambda staging: staging.write_text(text, encoding="utf-8"))


class UnsafeNameError(ValueError):
    """A name taken from input data that would not stay inside its output folder."""


def inside(folder: str | Path, name: str) -> Path:
    """`folder / name` for a `name` taken from input data (a variant's name, an id), refused
    unless it is one plain file name that stays inside `folder`: not empty, `.` or `..`, no
    separator, drive or control character, not absolute, at most 255 bytes."""
    problem = None
    if name in ("", ".", ".."):
        problem = "is not a file name"
    elif any(c in name for c in "/\\:") or any(ord(c) < 32 or ord(c) == 127 for c in name):
        problem = "holds a path separator, drive or control character"
    elif len(name.encode("utf-8", errors="replace")) > 255:
        problem = "is longer than 255 bytes"
    path = Path(folder) / name
    if problem is None and path.resolve().parent != Path(folder).resolve():
        problem = "leads outside the folder"
    if problem is not None:
        raise UnsafeNameError(f"{name!r} {problem}; refusing to write it under {folder}")
    return path

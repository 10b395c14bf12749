"""Output folders written whole or not at all.

Everything goes into a temporary folder beside the target, renamed into place at the end,
so an interrupted or failed run never leaves a half-written folder; and a folder holding
anything but an earlier output of the same kind is never replaced, since replacing it
would delete someone's files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputDirError(Exception):
    """An output folder the planner must not replace."""


def check_output_dir(out: Path, owned: frozenset[str], what: str) -> None:
    """Refuse a target that is a file, or a folder holding names outside `owned` (the
    names an earlier output of this kind, `what`, consists of)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputDirError(f"{out}: exists and is not a folder")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in owned)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise OutputDirError(
            f"{out}: holds files that are not {what} ({shown}); choose another --out"
        )


@contextlib.contextmanager
def staged_dir(out: Path, owned: frozenset[str], what: str) -> Iterator[Path]:
    """A temporary folder to write into; on success it replaces `out`, on failure it goes."""
    check_output_dir(out, owned, what)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    # mkdtemp makes an owner-only folder; an output folder is meant to be shared.
    mask = os.umask(0)
    os.umask(mask)
    staging.chmod(0o777 & ~mask)
    try:
        yield staging
        check_output_dir(out, owned, what)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

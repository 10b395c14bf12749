"""Progress of many plans at once: done, running, failed, time to go.

On a terminal a bar redraws in place, with a line above it per finished run; in a log (not
a terminal) the bar is off and each finished run gets one self-contained line, so a long
study run by a scheduler leaves a readable trail.
"""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm

from scheduler.compare import Progress


class ProgressBar:
    def __init__(self, total: int) -> None:
        self._bar = tqdm(
            total=total,
            desc="planning",
            unit="plans",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            dynamic_ncols=True,
            bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {elapsed} elapsed, "
            "{remaining} to go{postfix}",
        )

    def __call__(self, p: Progress) -> None:
        self._bar.set_postfix_str(f"running {p.running}, failed {p.failed}", refresh=False)
        self._bar.update(p.done - self._bar.n)
        eta = p.seconds / p.done * (p.total - p.done)
        line = f"[{p.done}/{p.total}] {p.last}: {p.last_status}"
        if self._bar.disable:
            line += (
                f" (running {p.running}, failed {p.failed}, {p.seconds:.0f} s elapsed, "
                f"about {eta:.0f} s to go)"
            )
        self._bar.write(line, file=sys.stderr)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bar.close()

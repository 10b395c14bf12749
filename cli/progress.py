"""Progress on stderr: of many plans at once (done, running, failed, time to go), and of
one plan (its stage and the best plan so far).

On a terminal a line redraws in place (for many plans, with a line above it per finished
run); in a log (not a terminal) the redrawn line is off: each finished run of many gets one
self-contained line, so a long study run by a scheduler leaves a readable trail, and one
plan adds nothing, so its output reads as it did.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TextIO

from tqdm import tqdm

if TYPE_CHECKING:  # the study runner and its imports: a plan alone never needs them
    from scheduler.analysis.compare import Progress


def _line(terminal: bool | None, stream: TextIO | None, **options: Any) -> tqdm:
    """A tqdm line on stderr (or `stream`), drawn only on a terminal (or when `terminal`)."""
    stream = stream or sys.stderr
    return tqdm(
        file=stream,
        disable=not (stream.isatty() if terminal is None else terminal),
        dynamic_ncols=True,
        **options,
    )


class _Line:
    """A tqdm line used as a context manager: closed (and, left=False, cleared) at the end."""

    _bar: tqdm

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bar.close()


class ProgressBar(_Line):
    def __init__(self, total: int) -> None:
        self._bar = _line(
            None,
            None,
            total=total,
            desc="planning",
            unit="plans",
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


class PlanProgress(_Line):
    """One plan's stage and the best objective of the tier being solved, redrawn in place
    (`scheduler.solve.settings.Progress`); `terminal` forces it on or off (default: whether the
    stream is a terminal). Removed from the screen when done."""

    def __init__(self, terminal: bool | None = None, stream: TextIO | None = None) -> None:
        self._bar = _line(
            terminal, stream, desc="loading", leave=False, bar_format="{desc}{postfix} [{elapsed}]"
        )

    def stage(self, name: str) -> None:
        self._bar.set_postfix_str("", refresh=False)
        self._bar.set_description_str(name)

    def found(self, objective: float) -> None:
        self._bar.set_postfix_str(f"best {objective:,.0f}")


class FitProgress(_Line):
    """A fit's simulations spent out of its budget, updated after each generation; in a log,
    one line per generation."""

    def __init__(self, budget: int, spent: int) -> None:
        self._bar = _line(
            None,
            None,
            total=budget,
            initial=min(spent, budget),
            desc="fitting",
            unit="runs",
            bar_format="{desc} {n_fmt}/{total_fmt} runs |{bar}| {elapsed} elapsed{postfix}",
        )

    def __call__(self, simulations: int, generation: int, epsilon: float) -> None:
        self._bar.set_postfix_str(f"generation {generation}, tolerance {epsilon:.3g}")
        self._bar.update(min(simulations, self._bar.total) - self._bar.n)
        if self._bar.disable:
            self._bar.write(
                f"generation {generation}: {simulations} runs, tolerance {epsilon:.3g}",
                file=sys.stderr,
            )

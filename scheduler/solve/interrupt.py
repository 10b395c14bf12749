"""Ctrl-C while a solver searches: stop the search and keep the best plan found so far.

A planner who stops a long solve wants the plan as it stands, not nothing. A search runs
through `Interruption.run` with the way to stop it (CP-SAT's `stop_search`, HiGHS's
`cancelSolve`; CBC, a child process, receives the terminal's Ctrl-C itself); the first
Ctrl-C calls that, the tiered solve then skips the remaining tiers, and the caller writes
the plan and exits 130. Outside a search, and on a second Ctrl-C, Python's usual
KeyboardInterrupt applies.

Python runs signal handlers only in the main thread and only between bytecodes, never
while the main thread is inside a solver's C++ code; so in the main thread the search runs
in a helper thread while the main thread waits in short, interruptible joins.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TypeVar

T = TypeVar("T")


class Interruption:
    def __init__(self) -> None:
        self.requested = False
        self._stops: list[Callable[[], object]] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def while_searching(self, stop: Callable[[], object]) -> Iterator[None]:
        """Within this block, an interruption calls `stop` to end the search early."""
        with self._lock:
            self._stops.append(stop)
        try:
            yield
        finally:
            with self._lock:
                # By identity: two searches' stops may compare equal (plans run in threads).
                self._stops = [s for s in self._stops if s is not stop]

    def run(self, search: Callable[[], T], stop: Callable[[], object]) -> T:
        """`search()`, stoppable by Ctrl-C through `stop` (see the module's docstring)."""
        if threading.current_thread() is not threading.main_thread():
            # No signal reaches other threads, so nothing to wait for; but a search nested
            # in a stoppable one (a completion inside whole schedules) stops with it.
            with self.while_searching(stop):
                return search()
        outcome: list[T] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                outcome.append(search())
            except BaseException as exc:  # re-raised in the caller's thread below
                failure.append(exc)

        with self.while_searching(stop):
            worker = threading.Thread(target=work, name="solver", daemon=True)
            worker.start()
            while worker.is_alive():
                worker.join(0.1)
        if failure:
            raise failure[0]
        return outcome[0]

    def request(self) -> bool:
        """Ask every running search to stop; False when none runs (nothing to stop)."""
        with self._lock:
            stops = list(self._stops)
        if not stops or self.requested:
            return False
        self.requested = True
        for stop in stops:
            stop()
        return True


INTERRUPTION = Interruption()


@contextlib.contextmanager
def stop_search_on_ctrl_c() -> Iterator[Interruption]:
    """Route SIGINT to `INTERRUPTION` for the duration (main thread only). A Ctrl-C is
    this block's: once it ends no later search in the process is taken as interrupted."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if not INTERRUPTION.request():
            raise KeyboardInterrupt

    INTERRUPTION.requested = False
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield INTERRUPTION
    finally:
        signal.signal(signal.SIGINT, previous)
        INTERRUPTION.requested = False

"""CP-SAT searches in a separate process, so that a crash inside OR-Tools cannot lose the plan.

A failed check in CP-SAT's C++ code (a postsolve size check, on a large model) aborts the
whole process with SIGABRT: no Python exception, nothing written, although a complete
starting plan was in hand. So every search runs in one long-lived child process
(a fresh interpreter, never forked from a process holding solver threads), which holds the
CP-SAT models and sends back each improving solution as it finds it; the parent keeps the
last one. When the child dies the parent still has the best plan it was sent (or its own
starting plan) and names how the child ended.

The parent sends each model to the child once, then only what changed (the constraints
added since, the objective and the hint), and forgets what it has sent: the CP-SAT model
lives in the child only (`scheduler.solve.search_child`), and the planning process does not load
CP-SAT at all unless it has to diagnose an infeasible model. Ctrl-C reaches the parent only
(the child runs in a session of its own), which asks the child over a second pipe to stop
its search; the child then answers with its best solution as usual, and the interrupted
plan is written like any other.

`ABORT_AFTER_SOLUTIONS` is a test hook: with this environment variable set to N in the
planning process (read at each search, so it reaches a search process already running),
the child calls `os.abort()` once it has sent N solutions of a search, as the crash did.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from constraints.model import Terms

ABORT_AFTER_SOLUTIONS = "CAREHOME_ABORT_AFTER_SOLUTIONS"


def _int64s() -> array[int]:
    return array("q")


@dataclass
class Delta:
    """What changed in a model since it was last sent: the variables and constraints added
    since, and the objective and hint when they were replaced. Held in flat int64 arrays,
    which take a tenth of the memory of lists and cross the pipe as one copy: the county's first
    delta is 300,000 constraints. No names: nothing in the search process reads them (a
    diagnosis names the rules from the neutral model)."""

    var_bounds: array[int] = field(default_factory=_int64s)
    """lb, ub of each variable in turn."""
    sizes: array[int] = field(default_factory=_int64s)
    bounds: array[int] = field(default_factory=_int64s)
    """lb, ub of each constraint in turn."""
    terms: array[int] = field(default_factory=_int64s)
    coeffs: array[int] = field(default_factory=_int64s)
    objective: tuple[array[int], array[int]] | None = None
    hint: tuple[array[int], array[int]] | None = None

    def add_variable(self, lb: int, ub: int) -> None:
        self.var_bounds.extend((lb, ub))

    def add_linear(self, terms: Terms, lb: int, ub: int) -> None:
        self.sizes.append(len(terms))
        self.bounds.extend((lb, ub))
        self.terms.extend(v for v, _ in terms)
        self.coeffs.extend(c for _, c in terms)


def pairs(items: Iterable[tuple[int, int]]) -> tuple[array[int], array[int]]:
    """(variables, values) of (variable, value) pairs, as int64 arrays."""
    first, second = _int64s(), _int64s()
    for a, b in items:
        first.append(a)
        second.append(b)
    return first, second


@dataclass
class Request:
    """One search of the model `key` after applying `delta`, with CP-SAT's `parameters`
    (as text: the parameters object cannot cross a pipe); `fixed` pins variables to values for
    this search only (completing a partial plan)."""

    key: int
    seq: int
    delta: Delta
    parameters: str
    fixed: dict[int, int] | None = None
    abort_after: int = 0


@dataclass
class Reply:
    """A search's end: CP-SAT's status and best solution, or, when the search process died
    (`failure` says how), the last solution it sent."""

    status: str
    objective: float = 0.0
    bound: float = 0.0
    values: list[int] | None = None
    failure: str = ""


Report = Callable[[float, float, bytes], None]
"""Called with (objective, bound, values as int64 bytes) for each improving solution."""


# ------------------------------------------------------------------ the parent


OnSolution = Callable[[float], None]
"""Told each improving solution's objective (for progress)."""


class SearchProcess:
    """The search process, seen from the parent: one search at a time.

    Started as a plain `python -c` (not through multiprocessing, whose spawn method re-runs
    the parent's main script in the child: slow for the CLI, an error for a script without a
    main guard), in its own session so that the terminal's Ctrl-C reaches the parent only.
    """

    def __init__(self) -> None:
        ours, theirs = zip(
            *(_pipe(child_reads) for child_reads in (True, True, False)), strict=True
        )
        self._requests, self._control, self._replies = ours
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from scheduler.solve.search_child import main; main()"]
            + [str(c.fileno()) for c in theirs],
            pass_fds=[c.fileno() for c in theirs],
            env=env,
            start_new_session=True,
        )
        for end in theirs:
            end.close()
        # One lock per pipe we write: a stop (from Ctrl-C's handler) never waits for a
        # request being sent.
        self._locks = {id(self._requests): threading.Lock(), id(self._control): threading.Lock()}
        self._dropped: list[int] = []
        self._search_lock = threading.Lock()
        atexit.register(self.close, wait=False)

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def search(self, request: Request, on_solution: OnSolution) -> Reply:
        """The search's reply; one search at a time, as the replies share one pipe."""
        with self._search_lock:
            return self._search(request, on_solution)

    def _search(self, request: Request, on_solution: OnSolution) -> Reply:
        last: tuple[float, float, bytes] | None = None
        try:
            self._send(self._requests, ("search", request), fail=True)
            while True:
                message = self._replies.recv()
                if message[0] == "done":
                    reply: Reply = message[1]
                    return reply
                last = (message[1], message[2], self._replies.recv_bytes())
                on_solution(message[1])
        except (EOFError, OSError, ValueError):
            pass  # the search process died
        failure = f"cp-sat search process {ended(self._wait())}"
        if last is None:
            return Reply(status="UNKNOWN", failure=failure)
        objective, bound, values = last
        return Reply(
            status="FEASIBLE",
            objective=objective,
            bound=bound,
            values=list(array("q", values)),
            failure=failure,
        )

    def _wait(self) -> int | None:
        try:
            return self._process.wait(5)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, seq: int) -> None:
        self._send(self._control, seq)

    def update(self, key: int, delta: Delta) -> None:
        """Send a model's changes ahead of its next search (the search process builds them
        meanwhile); a lost process shows at that search."""
        self._send(self._requests, ("update", key, delta))

    def drop(self, key: int) -> None:
        self._send(self._requests, ("drop", key))

    def drop_later(self, key: int) -> None:
        """Drop with the next message: for a collected backend, whose finalizer may run in
        the middle of sending another message."""
        self._dropped.append(key)

    def _send(self, pipe: Connection, message: object, fail: bool = False) -> None:
        """Send (drops pending first); a gone search process raises only with `fail`."""
        try:
            with self._locks[id(pipe)]:
                if pipe is self._requests:
                    while self._dropped:
                        pipe.send(("drop", self._dropped.pop()))
                pipe.send(message)
        except (OSError, ValueError):
            if fail:
                raise

    def close(self, wait: bool = True) -> None:
        """End the search process: stop any search, so that it ends at once when its pipes
        close; and, with `wait`, reap it (at exit the planner does not wait for it)."""
        self.stop(sys.maxsize)
        for pipe in (self._requests, self._control, self._replies):
            pipe.close()
        if wait and self._wait() is None:
            self._process.kill()
            self._process.wait()


def ended(exitcode: int | None) -> str:
    """How a process ended, for a person: the signal's name or the exit code."""
    if exitcode is None:
        return "stopped answering"
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


def _pipe(child_reads: bool) -> tuple[Connection, Connection]:
    """(our end, the child's end) of a one-way pipe; the child's is inheritable."""
    reader, writer = os.pipe()
    theirs = reader if child_reads else writer
    os.set_inheritable(theirs, True)
    return (
        Connection(
            writer if child_reads else reader, readable=not child_reads, writable=child_reads
        ),
        Connection(theirs, readable=child_reads, writable=not child_reads),
    )


_PER_THREAD = threading.local()


def search_process() -> SearchProcess:
    """This thread's search process (a threaded Dask worker plans in several threads at
    once): started on first use (a planner calls this early, so that it starts while the
    model is built), and again after a crash."""
    current: SearchProcess | None = getattr(_PER_THREAD, "process", None)
    if current is None or not current.alive:
        current = _PER_THREAD.process = SearchProcess()
    return current


def shutdown() -> None:
    """End this thread's search process now, so that its memory and processor time count
    as a finished child's (`resource.RUSAGE_CHILDREN`: a benchmark's peak and CPU)."""
    current: SearchProcess | None = getattr(_PER_THREAD, "process", None)
    if current is not None:
        current.close()
        _PER_THREAD.process = None

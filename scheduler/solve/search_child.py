"""The search process itself: the CP-SAT models it holds and the searches it runs.

It runs in the child only (`scheduler.solve.search_process` starts it and speaks to it), so that
the planning process need not load CP-SAT's Python layer, a third of its start-up time.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from array import array
from multiprocessing.connection import Connection

from ortools.sat.python import cp_model, cp_model_helper

from scheduler.solve.search_process import Delta, Reply, Report, Request

_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def apply(delta: Delta, proto: cp_model_helper.CpModelProto) -> None:
    """Add a delta's variables and constraints to a model, and replace its objective and
    hint when the delta carries them."""
    bounds = delta.var_bounds
    for i in range(len(bounds) // 2):
        proto.variables.add().domain.extend(bounds[2 * i : 2 * i + 2])
    at = 0
    for i, size in enumerate(delta.sizes):
        pc = proto.constraints.add()
        pc.linear.vars.extend(delta.terms[at : at + size])
        pc.linear.coeffs.extend(delta.coeffs[at : at + size])
        pc.linear.domain.extend(delta.bounds[2 * i : 2 * i + 2])
        at += size
    if delta.objective is not None:
        proto.clear_objective()
        proto.objective.vars.extend(delta.objective[0])
        proto.objective.coeffs.extend(delta.objective[1])
    if delta.hint is not None:
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(delta.hint[0])
        proto.solution_hint.values.extend(delta.hint[1])


class Host:
    """The search process's state: the CP-SAT models by key, and the search running."""

    def __init__(self) -> None:
        self._models: dict[int, cp_model.CpModel] = {}
        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None
        self._stopped = 0
        """The highest search number a stop was asked for (it may arrive before the search)."""

    def search(self, request: Request, report: Report) -> Reply:
        model = self.update(request.key, request.delta)
        request.delta = Delta()  # applied: let it go
        if request.fixed:
            model = _fixed(model.proto, request.fixed)
        solver = cp_model.CpSolver()
        solver.parameters.parse_text_format(request.parameters)
        with self._lock:
            self._solver = solver
            if self._stopped >= request.seq:
                solver.stop_search()
        try:
            code = solver.solve(model, _Reporter(report, request.abort_after))
        finally:
            with self._lock:
                self._solver = None
        status = _STATUS.get(code, "UNKNOWN")
        if status not in ("OPTIMAL", "FEASIBLE"):
            return Reply(status=status)
        return Reply(
            status=status,
            objective=solver.objective_value,
            bound=solver.best_objective_bound,
            values=list(solver.response_proto.solution),
        )

    def update(self, key: int, delta: Delta) -> cp_model.CpModel:
        model = self._models.setdefault(key, cp_model.CpModel())
        apply(delta, model.proto)
        return model

    def stop(self, seq: int) -> None:
        with self._lock:
            self._stopped = max(self._stopped, seq)
            if self._solver is not None:
                self._solver.stop_search()

    def drop(self, key: int) -> None:
        """Forget a model and give its memory back to the system: the planning process's
        extraction, which follows, would otherwise peak on top of the search's (county: 2.4
        against 2.1 GB)."""
        self._models.pop(key, None)
        _trim()


def _trim() -> None:
    """Return the C heap's free memory to the system (glibc; elsewhere nothing to do)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _fixed(proto: cp_model_helper.CpModelProto, fixed: dict[int, int]) -> cp_model.CpModel:
    """A copy of the model with `fixed` variables pinned (the hint is kept: it is the best
    plan so far, and the completion should not start from nothing)."""
    probe = cp_model.CpModel()
    probe.proto.copy_from(proto)
    for var, value in fixed.items():
        domain = probe.proto.variables[var].domain
        domain.clear()
        domain.extend([value, value])
    return probe


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Report, abort_after: int) -> None:
        super().__init__()
        self._report = report
        self._abort_after = abort_after
        self._sent = 0

    def on_solution_callback(self) -> None:
        response = self.response_proto
        values = array("q", response.solution).tobytes()
        self._report(response.objective_value, response.best_objective_bound, values)
        self._sent += 1
        if self._abort_after and self._sent >= self._abort_after:
            os.abort()


def main() -> None:
    """The search process: answer requests until the parent closes the pipe. Its three
    pipes' descriptors come as arguments: requests, stop requests, replies."""
    requests, control, replies = (Connection(int(fd)) for fd in sys.argv[1:4])
    host = Host()

    def listen() -> None:
        try:
            while True:
                host.stop(control.recv())
        except (EOFError, OSError):
            return

    threading.Thread(target=listen, name="stop-listener", daemon=True).start()

    def report(objective: float, bound: float, values: bytes) -> None:
        replies.send(("solution", objective, bound))
        replies.send_bytes(values)

    while True:
        try:
            message = requests.recv()
        except (EOFError, OSError):
            return
        if message[0] == "drop":
            host.drop(message[1])
            continue
        if message[0] == "update":
            host.update(message[1], message[2])
            continue
        request: Request = message[1]
        replies.send(("done", host.search(request, report)))

"""The MILP backends: the same neutral `Model` through PuLP, solved by CBC or HiGHS.

A second, independent solver family is evidence that a plan is right: CP-SAT (lazy clause
generation) and branch-and-cut MILP share no code, so when both prove the same optimum the
model, not a solver bug, decided it. MILP solvers also prove a bound from the LP relaxation.

Translation from the neutral model is one to one, because the constraint families write
only linear constraints over bounded integers (`constraints.model`): no intervals, no
cumulative, no implications. Where CP-SAT would use those constructs the families already
wrote their linear form:

- an isolation stay holding a bed for its whole length is time-indexed occupancy,
  ``sum over admissions a covering day d of admit[a] <= beds[f,d]``;
- "works a shift at h only if placed at h" is the big-M-free link
  ``sum_{s,r} shift[w,h,d,s,r] <= placed[w,h]`` per day, the tightest form (M = 1);
- "a first shift needs a test" is ``started[w,d] <= tested[w,d']`` over the test's days.

Each ranged row ``lb <= a.x <= ub`` becomes two rows here (PuLP rows have one sense);
equalities stay one row. Solver options: time limit, threads (`workers`), relative gap and
random seed map to each solver's own; a complete hint is passed as a MIP start.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pulp

from constraints.model import Model, Terms, Var
from scheduler.solve.interrupt import INTERRUPTION
from scheduler.solve.settings import SolverSettings, StageOutcome

_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


def safe_names(names: list[str]) -> list[str]:
    """Names every MILP file format accepts (letters, digits, `_` and `.`), kept unique by
    appending the position where two names would otherwise meet."""
    seen: set[str] = set()
    safe = []
    for i, name in enumerate(names):
        clean = _UNSAFE.sub("_", name).strip("_") or "x"
        if clean in seen:
            clean = f"{clean}__{i}"
        seen.add(clean)
        safe.append(clean)
    return safe


class PulpBackend:
    """A neutral model as a PuLP problem; `solver` is "cbc" or "highs"."""

    def __init__(self, model: Model, settings: SolverSettings, solver: str) -> None:
        if solver not in ("cbc", "highs"):
            raise ValueError(f"unknown MILP solver {solver!r}")
        self.name = solver
        self.settings = settings
        self.on_solution: Callable[[float], None] | None = None  # PuLP reports no solutions
        self._model = model
        self._prob = pulp.LpProblem("carehome", pulp.LpMinimize)
        self._x = [
            self._prob.add_variable(name, v.lb, v.ub, pulp.LpInteger)
            for name, v in zip(
                safe_names([v.name for v in model.variables]), model.variables, strict=True
            )
        ]
        self._row_names = safe_names([c.name for c in model.constraints])
        self._tier = 0
        self._hint: dict[Var, int] = {}
        self.include_tier(1)
        if model.hints:
            self.set_hint(model.hints)

    # ------------------------------------------------------------------ building

    def _expr(self, terms: Terms) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(self._x[v], c) for v, c in terms])

    def _add(self, terms: Terms, lb: int | None, ub: int | None, name: str) -> None:
        if lb is not None and lb == ub:
            rows = [(pulp.LpConstraintEQ, lb, name)]
        else:
            rows = []
            if lb is not None:
                rows.append((pulp.LpConstraintGE, lb, f"{name}__lb" if ub is not None else name))
            if ub is not None:
                rows.append((pulp.LpConstraintLE, ub, f"{name}__ub" if lb is not None else name))
        for sense, rhs, row in rows:
            self._prob.addConstraint(
                pulp.LpConstraint(self._expr(terms), sense=sense, rhs=rhs, name=row)
            )

    def include_tier(self, tier: int) -> None:
        """Add the constraints first needed by objective tiers up to `tier`."""
        for c, name in zip(self._model.constraints, self._row_names, strict=True):
            if self._tier < c.tier <= tier:
                self._add(c.terms, c.lb, c.ub, name)
        self._tier = max(self._tier, tier)

    def minimize(self, terms: Terms) -> None:
        self._prob.setObjective(self._expr(terms))

    def bound_objective(self, terms: Terms, lb: int | None, ub: int | None, name: str) -> None:
        self._add(terms, lb, ub, safe_names([name])[0])

    def set_hint(self, values: dict[Var, int]) -> None:
        self._hint = dict(values)

    def write(self, path: Path, kind: str) -> None:
        """The problem as it stands, as an MPS (`kind` ".mps") or LP (".lp") file."""
        if kind.lower() == ".lp":
            self._prob.writeLP(str(path))
        else:
            self._prob.writeMPS(str(path))

    # ------------------------------------------------------------------ solving

    def solve(self, time_limit: float) -> StageOutcome:
        started = time.perf_counter()
        complete = len(self._hint) == len(self._x)
        if complete:
            for v, x in enumerate(self._x):
                x.setInitialValue(self._hint[v])
        if self.name == "cbc":
            status, bound = self._solve_cbc(time_limit, warm=complete)
        else:
            status, bound = self._solve_highs(time_limit, warm=complete)
        seconds = time.perf_counter() - started
        if status not in ("OPTIMAL", "FEASIBLE"):
            return StageOutcome(status=status, seconds=seconds)
        values = [
            round(x.varValue) if x.varValue is not None else self._model.variables[v].lb
            for v, x in enumerate(self._x)
        ]
        objective = self._prob.objective
        value = round(pulp.value(objective)) if objective is not None else 0
        return StageOutcome(
            status=status,
            objective=value,
            best_bound=float(value) if status == "OPTIMAL" else bound,
            values=values,
            seconds=seconds,
        )

    def _solve_cbc(self, time_limit: float, warm: bool) -> tuple[str, float | None]:
        s = self.settings
        with _scratch_log() as log:
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=max(1, round(time_limit)),
                threads=s.workers,
                gapRel=s.relative_gap,
                warmStart=warm,
                logPath=str(log),
                # CBC 2.10's preprocessing declared the Plymouth model infeasible while
                # holding a feasible MIP start; without it the search is sound.
                options=[
                    f"randomCbcSeed {s.seed + 1}",
                    f"randomSeed {s.seed + 1}",
                    "preprocess off",
                ],
            )
            # CBC is a child process: the terminal's Ctrl-C reaches it directly and it stops,
            # keeping its best solution; the parent only has to wait for it.
            INTERRUPTION.run(lambda: self._prob.solve(solver), lambda: None)
            text = log.read_text(encoding="utf-8", errors="replace")
        if s.log:
            print(text)
        return _pulp_status(self._prob), _cbc_bound(text)

    def _solve_highs(self, time_limit: float, warm: bool) -> tuple[str, float | None]:
        s = self.settings
        solver = _HighsWithStart(
            msg=s.log,
            timeLimit=max(0.05, time_limit),
            threads=s.workers,
            gapRel=s.relative_gap,
            random_seed=s.seed,
        )
        solver.start = {x: x.value() for x in self._x} if warm else None
        self._prob.solve(solver)
        highs = self._prob.solverModel
        model_status = highs.getModelStatus()
        if highs.modelStatusToString(model_status).lower().endswith("error"):
            # A failed run would otherwise read as "no better plan found", silently.
            raise RuntimeError(f"HiGHS failed: {highs.modelStatusToString(model_status)}")
        return _pulp_status(self._prob), highs.getInfo().mip_dual_bound

    def close(self) -> None:
        """Nothing outlives a solve: PuLP's solvers run per call."""

    def complete(self, partial: dict[Var, int], time_limit: float) -> StageOutcome:
        """The best solution of the current objective with `partial` fixed."""
        saved = {v: (self._x[v].lowBound, self._x[v].upBound) for v in partial}
        hint, self._hint = self._hint, {}
        try:
            for v, value in partial.items():
                self._x[v].lowBound = self._x[v].upBound = value
            return self.solve(time_limit)
        finally:
            for v, (lb, ub) in saved.items():
                self._x[v].lowBound, self._x[v].upBound = lb, ub
            self._hint = hint


class _HighsWithStart(pulp.HiGHS):  # type: ignore[misc, valid-type]
    """PuLP's HiGHS interface, handing HiGHS a complete MIP start before it runs."""

    start: dict[pulp.LpVariable, float | None] | None = None

    def callSolver(self, lp: pulp.LpProblem) -> None:
        import highspy

        # HiGHS keeps one thread pool per process, sized by the first run; a run asking for
        # another size fails unless the pool is reset first.
        highspy.Highs.resetGlobalScheduler(True)
        if self.start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = [float(self.start.get(v) or 0) for v in lp.variables()]
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        run = super().callSolver
        INTERRUPTION.run(lambda: run(lp), lp.solverModel.cancelSolve)


def _pulp_status(prob: pulp.LpProblem) -> str:
    if prob.sol_status == pulp.LpSolutionOptimal:
        return "OPTIMAL"
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        return "FEASIBLE"
    if prob.status == pulp.LpStatusInfeasible:
        return "INFEASIBLE"
    return "UNKNOWN"


_CBC_BOUND = re.compile(r"^Lower bound:\s*(-?[0-9.eE+]+)", re.MULTILINE)


def _cbc_bound(log: str) -> float | None:
    """CBC's proven bound, from the summary it prints when it stops early."""
    found = _CBC_BOUND.search(log)
    return float(found.group(1)) if found else None


@contextlib.contextmanager
def _scratch_log() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="carehome-cbc-") as folder:
        yield Path(folder) / "cbc.log"

"""Tier 1 of the built model split into worker blocks and the rest, for the pattern path.

A worker's block is every staffing variable of theirs (shifts, placement, worked days,
pre-deployment tests, start markers) and every rule over those alone: one home, one shift
a day, rest after a night, the working-time windows, the test before a first shift, pins
and a re-plan's kept decisions. A column is one point of a block: a home and a whole
schedule there. Everything else (testing, isolation, their rules) stays as it is, and the
rules that tie blocks to the rest (shortfall cover, site capacity) become the master's
linking rows.

The split reads the model the direct path solves, so both paths share one definition of
who may work where and when: a worker's candidate shifts and tests are exactly the
variables `constraints.staffing` created. A rule this file does not know is never guessed
at: `split` says why it declines, and the direct model plans instead.

Workers whose blocks are identical (same candidate shifts and tests, same history, no pin)
form one group priced once; the master chooses how many of them take each column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from constraints import rules
from constraints.build import BuiltModel
from constraints.model import Constraint, Var
from constraints.rules import Family
from constraints.staffing import is_new_home, one_home
from scenarios.history import night_before, worked_before
from scenarios.schema import Role, Shift, Worker
from scenarios.words import count

STRUCTURAL_RULES = frozenset(
    {
        rules.WORKED_DAY,
        rules.ONE_HOME,
        rules.SHIFT_AT_PLACED_HOME,
        rules.REST_AFTER_NIGHT,
        rules.MAX_PER_7_DAYS,
        rules.MAX_CONSECUTIVE_DAYS,
        rules.MAX_SHIFTS,
        rules.WORKS_ONCE_STARTED,
        rules.STAYS_STARTED,
        rules.STARTS_ON_A_SHIFT,
        rules.TESTED_BEFORE_FIRST_SHIFT,
        rules.TEST_SERVES_A_START,
        rules.ONE_PREDEPLOYMENT_TEST,
    }
)
"""The staffing rules over one worker's variables that the pricing DP builds into every
schedule it generates (`scheduler.solve.patterns.pricing`), so the master need not state them."""

MASK_DAYS = 6
"""Days of history a schedule's state keeps: the rest of a 7-day window."""

ShiftOption = tuple[int, Shift, Role, Var]
"""(day index, shift, role, shift variable)."""


class Declined(Exception):
    """The pattern path cannot plan this model exactly; the message says why."""


@dataclass
class Block:
    """One worker's (or a group of identical workers') feasible set, as the DP reads it."""

    workers: list[str]
    current_home: str | None
    options: dict[str, list[ShiftOption]]
    """home -> candidate shifts there (only variables not fixed at 0)."""
    tests: list[tuple[str, int, int, int, Var]]
    """Candidate pre-deployment tests: (site, day booked, first day valid, last day valid, var)."""
    covered: int
    """Last day index an existing negative test covers (-1: none)."""
    mask: int
    """Days worked before the horizon, bit i for day -1-i (i < MASK_DAYS)."""
    run: int
    """Consecutive days worked up to the day before the horizon."""
    night: bool
    """A night shift on the day before the horizon."""
    cap: int | None
    """Most shifts in the horizon (the worker's max_shifts), None without one."""
    forced_days: dict[int, set[tuple[Shift, Role]]] = field(default_factory=dict)
    """Day -> the (shift, role) pairs one of which must be worked (pins, kept shifts)."""
    forced_home: str | None = None
    forced_test: tuple[str, int, int, int, Var] | None = None
    """A kept booking: the schedule must start within its validity window."""

    @property
    def size(self) -> int:
        return len(self.workers)

    @property
    def must_work(self) -> bool:
        return bool(self.forced_days) or self.forced_test is not None


@dataclass
class Split:
    """The blocks, the rows they share with the rest of the model, and the rest."""

    blocks: list[Block]
    block_vars: set[Var]
    owner: dict[Var, str]
    """Block variable -> its worker."""
    linking: list[int]
    """Indexes (in the model's constraints) of tier-1 rules over block and other variables."""
    rest: list[int]
    """Indexes of tier-1 rules over non-block variables only."""
    var_rows: dict[Var, list[tuple[int, int]]]
    """Shift or test variable -> (position in `linking`, coefficient)."""
    cost: dict[Var, int]
    """Tier-1 objective coefficient of each block variable that has one."""


def split(built: BuiltModel, held: set[Var] | None = None) -> Split:
    """Raises Declined when the model holds a rule the blocks cannot carry exactly. Rules
    over `held` variables alone (parts planned apart and fixed) are left out."""
    if built.unmet_tier != 1:
        raise Declined("unmet need is not the first goal")
    movers = _movers(built)
    if movers:
        raise Declined(
            f"{count(len(movers), 'worker')} may serve several homes ({movers[0]} first; "
            "moves between homes need the direct model)"
        )
    owner, kind = _owners(built)
    rows = _Rows()
    held = held or set()
    for i, c in enumerate(built.model.constraints):
        if c.tier <= 1 and not all(v in held for v, _ in c.terms):
            rows.place(i, c, owner, kind)
    for v in rows.fixed:
        if kind[v] not in {"shift", "test"}:
            raise Declined(f"a kept {kind[v]} variable ({built.model.variables[v].name})")
    cost: dict[Var, int] = {}
    for p in built.penalties:
        if p.tier == 1 and p.var in owner:
            if kind[p.var] not in {"shift", "test"}:
                raise Declined(f"tier 1 prices a {kind[p.var]} variable")
            cost[p.var] = cost.get(p.var, 0) + p.coef
    var_rows: dict[Var, list[tuple[int, int]]] = defaultdict(list)
    for pos, i in enumerate(rows.linking):
        for v, k in built.model.constraints[i].terms:
            if v in owner:
                var_rows[v].append((pos, k))
    blocks = _blocks(built, rows.fixed, rows.pins, var_rows, cost)
    return Split(blocks, set(owner), owner, rows.linking, rows.rest, dict(var_rows), cost)


def _owners(built: BuiltModel) -> tuple[dict[Var, str], dict[Var, str]]:
    """The worker each staffing variable belongs to, and its kind: what decides whether a
    rule lies inside one worker's block, links blocks, or is none of theirs."""
    sv = built.staff
    owner: dict[Var, str] = {}
    kind: dict[Var, str] = {}
    for store, label in (
        (sv.shifts, "shift"),
        (sv.placed, "placed"),
        (sv.worked, "worked"),
        (sv.tests, "test"),
        (sv.started, "started"),
        (sv.served, "served"),
    ):
        for index, var in store.items():
            owner[var] = index[0]
            kind[var] = label
    return owner, kind


@dataclass
class _Rows:
    """Tier 1's rules sorted by what the blocks do with them: kept values and pins go into
    a block, linking rows into the master with each schedule's coefficients, the rest
    into the master as they are."""

    fixed: dict[Var, int] = field(default_factory=dict)
    pins: list[Constraint] = field(default_factory=list)
    linking: list[int] = field(default_factory=list)
    rest: list[int] = field(default_factory=list)

    def place(self, i: int, c: Constraint, owner: dict[Var, str], kind: dict[Var, str]) -> None:
        """File rule `i`, or raise Declined when no place carries it exactly."""
        workers = {owner[v] for v, _ in c.terms if v in owner}
        if not workers:
            self.rest.append(i)
        elif len(workers) == 1 and all(v in owner for v, _ in c.terms):
            if c.rule in STRUCTURAL_RULES:
                return
            if c.family == Family.REPLAN and len(c.terms) == 1 and c.lb == c.ub:
                ((v, k),) = c.terms
                self.fixed[v] = (c.lb or 0) // k
            elif c.rule == rules.PIN_WORKER:
                self.pins.append(c)
            else:
                raise Declined(
                    f"rule {c.name} ({c.rule.text}) over one worker's schedule is not modelled"
                )
        else:
            touched = {kind[v] for v, _ in c.terms if v in owner}
            if not touched <= {"shift", "test"}:
                raise Declined(
                    f"rule {c.name} ({c.rule.text}) ties {', '.join(sorted(touched))} "
                    "to other choices"
                )
            self.linking.append(i)


def _movers(built: BuiltModel) -> list[str]:
    """Workers the one-home rule does not hold for (`constraints.staffing.one_home`) with
    candidate shifts at more than one home: a column is one home, so their schedules are
    not columns."""
    homes: dict[str, set[str]] = defaultdict(set)
    for w, h in built.staff.placed:
        homes[w].add(h)
    return sorted(
        w.id
        for w in built.ctx.scenario.workers
        if not one_home(built.ctx, w) and len(homes[w.id]) > 1
    )


def _blocks(
    built: BuiltModel,
    fixed: dict[Var, int],
    pins: list[Constraint],
    var_rows: dict[Var, list[tuple[int, int]]],
    cost: dict[Var, int],
) -> list[Block]:
    """One block per worker who must work, and one per group of interchangeable workers
    (equal signatures) otherwise: the master then prices each group once."""
    options, tests = _options(built, fixed)
    forcing = _Forcing({var: k for k, var in built.staff.shifts.items()})
    for c in pins:
        if c.ub is not None or c.lb != 1 or any(k != 1 for _, k in c.terms):
            raise Declined(f"pin {c.name} is not 'at least one of these shifts'")
        forcing.force([v for v, _ in c.terms])
    for v, value in fixed.items():
        if value == 1 and v in forcing.shift_key:
            forcing.force([v])
        elif value == 1:
            w = next(w for w, ts in tests.items() if any(t[4] == v for t in ts))
            forcing.test[w] = next(t for t in tests[w] if t[4] == v)
    workers = {w.id: w for w in built.ctx.scenario.workers}
    grouped: dict[tuple[object, ...], Block] = {}
    result: list[Block] = []
    for w in sorted(options):
        if len(forcing.home[w]) > 1:
            raise Declined(f"{w} is pinned to several homes")
        block = _block(built, workers[w], options[w], tests[w])
        block.forced_days = forcing.days.get(w, {})
        block.forced_home = next(iter(forcing.home[w]), None)
        block.forced_test = forcing.test.get(w)
        if block.forced_test is not None and all(not new_home(block, h) for h in block.options):
            raise Declined(f"{w}'s kept test serves no new home")
        if block.must_work:
            result.append(block)
            continue
        signature = _signature(block, var_rows, cost)
        if signature in grouped:
            grouped[signature].workers.append(w)
        else:
            grouped[signature] = block
            result.append(block)
    return result


_TestOption = tuple[str, int, int, int, Var]
"""(site, day booked, first day its result serves, last day valid, variable)."""


def _options(
    built: BuiltModel, fixed: dict[Var, int]
) -> tuple[dict[str, dict[str, list[ShiftOption]]], dict[str, list[_TestOption]]]:
    """Each worker's shift options by home and test options, without those a re-plan
    keeps at 0."""
    ctx, sv = built.ctx, built.staff
    valid = ctx.policy.predeployment_test_valid_days
    options: dict[str, dict[str, list[ShiftOption]]] = defaultdict(lambda: defaultdict(list))
    for (w, h, d, s, r), var in sv.shifts.items():
        if fixed.get(var) != 0:
            options[w][h].append((d, s, r, var))
    tests: dict[str, list[_TestOption]] = defaultdict(list)
    for (w, site, t), var in sv.tests.items():
        if fixed.get(var) != 0:
            first = t + ctx.result_days(ctx.sites[site])
            tests[w].append((site, t, first, min(ctx.days - 1, t + valid), var))
    return options, tests


@dataclass
class _Forcing:
    """What pins and a re-plan's kept decisions force on each worker's block: the shifts
    allowed on a day, the home, and the test."""

    shift_key: dict[Var, tuple[str, str, int, Shift, Role]]
    days: dict[str, dict[int, set[tuple[Shift, Role]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    home: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    test: dict[str, _TestOption] = field(default_factory=dict)

    def force(self, variables: list[Var]) -> None:
        """At least one of these shifts, all one worker's on one day."""
        keys = [self.shift_key[v] for v in variables]
        w, _h, d = keys[0][:3]
        if any(k[0] != w or k[2] != d for k in keys):
            raise Declined("a pin spans several workers or days")
        allowed = {(k[3], k[4]) for k in keys}
        self.days[w][d] = self.days[w].get(d, allowed) & allowed
        self.home[w].update(k[1] for k in keys)


def _block(
    built: BuiltModel,
    worker: Worker,
    options: dict[str, list[ShiftOption]],
    tests: list[tuple[str, int, int, int, Var]],
) -> Block:
    ctx = built.ctx
    start = ctx.dates[0]
    before = worked_before(worker.home_history, start)
    mask = sum(1 << (-d - 1) for d in before if -MASK_DAYS <= d < 0)
    run = 0
    while -(run + 1) in before:
        run += 1
    covered = -1
    if worker.last_negative_test is not None:
        covered = ctx.day(worker.last_negative_test) + ctx.policy.predeployment_test_valid_days
    cap = worker.max_shifts if worker.max_shifts is not None else None
    current = worker.home_history.current_home
    return Block(
        workers=[worker.id],
        current_home=current if any(not is_new_home(worker, h) for h in options) else None,
        options={h: sorted(o, key=lambda x: (x[0], x[1], x[2])) for h, o in options.items()},
        tests=sorted(tests, key=lambda t: (t[1], t[0])),
        covered=covered,
        mask=mask,
        run=min(run, ctx.policy.max_consecutive_days),
        night=night_before(worker.home_history, start),
        cap=cap if cap is not None and cap < ctx.days else None,
    )


def _signature(
    block: Block, var_rows: dict[Var, list[tuple[int, int]]], cost: dict[Var, int]
) -> tuple[object, ...]:
    """Everything that makes a block's schedules and their prices what they are, without
    the worker's name: two workers with equal signatures are interchangeable in tier 1."""

    def price(v: Var) -> tuple[object, ...]:
        return (tuple(var_rows.get(v, ())), cost.get(v, 0))

    return (
        tuple(
            (h, tuple((d, s, r, price(v)) for d, s, r, v in opts))
            for h, opts in sorted(block.options.items())
        ),
        tuple((site, t, a, b, price(v)) for site, t, a, b, v in block.tests),
        block.current_home,
        block.covered,
        block.mask,
        block.run,
        block.night,
        block.cap,
    )


def new_home(block: Block, home: str) -> bool:
    return home != block.current_home

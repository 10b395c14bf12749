"""The integer master: the best plan over the generated schedules, and that plan as values
of the built model's variables.

The column model is a neutral `Model` (so any backend solves it): the non-block variables
as they are, one integer variable per schedule (how many of its block's workers take it),
the rest and linking rules with the schedules' coefficients, and the convexity rows. The
master's bound is stated as a rule, objective >= bound: it is valid for every plan, and it
lets the search stop as soon as a plan meets it (the proof is in).
"""

from __future__ import annotations

import math
from collections import defaultdict

from scheduler.build import BuiltModel
from scheduler.model import Model, Terms, Var
from scheduler.patterns.blocks import Split
from scheduler.patterns.master import Master
from scheduler.patterns.pricing import Schedule


def column_model(
    master: Master, terms: Terms, bound: float
) -> tuple[Model, dict[Var, Var], list[Var], list[tuple[Var, int]]]:
    """The column model, the map from built-model variable to column-model variable for
    the non-block part, each schedule's variable (pool order), and the objective."""
    model, split = master.model, master.split
    columns = Model()
    mapped = {
        v: columns.integer(model.variables[v].lb, model.variables[v].ub, model.variables[v].name)
        for v in master.rest_vars
    }
    chosen = [
        columns.integer(0, split.blocks[s.block].size, f"schedule[{k}]")
        for k, s in enumerate(master.pool.schedules)
    ]
    linking_terms: dict[int, list[tuple[Var, int]]] = defaultdict(list)
    objective = [(mapped[v], k) for v, k in terms if v in mapped]
    convexity: dict[int, list[tuple[Var, int]]] = defaultdict(list)
    for schedule, var in zip(master.pool.schedules, chosen, strict=True):
        convexity[schedule.block].append((var, 1))
        cost = 0
        per_row: dict[int, int] = defaultdict(int)
        for v in schedule.variables:
            cost += split.cost.get(v, 0)
            for pos, k in split.var_rows.get(v, ()):
                per_row[pos] += k
        for pos, k in per_row.items():
            linking_terms[pos].append((var, k))
        if cost:
            objective.append((var, cost))
    for i in split.rest:
        c = model.constraints[i]
        columns.add([(mapped[v], k) for v, k in c.terms], lb=c.lb, ub=c.ub, name=c.name, family=c.family)
    for pos, i in enumerate(split.linking):
        c = model.constraints[i]
        own = [(mapped[v], k) for v, k in c.terms if v in mapped]
        columns.add([*own, *linking_terms[pos]], lb=c.lb, ub=c.ub, name=c.name, family=c.family)
    for b, block in enumerate(split.blocks):
        columns.add(
            convexity[b],
            lb=block.size if block.must_work else None,
            ub=block.size,
            name=f"schedules_of[{b}]",
            family="patterns",
        )
    if math.isfinite(bound) and objective:
        columns.add(objective, lb=math.ceil(bound), ub=None, name="master_bound", family="patterns")
    return columns, mapped, chosen, objective


def schedule_hint(
    master: Master,
    mapped: dict[Var, Var],
    chosen: list[Var],
    taken: list[tuple[Schedule, int]],
    values: list[int],
) -> dict[Var, int]:
    """A plan on the column model: the schedules `taken` and the built model's `values`
    (a complete plan) for the rest."""
    index = {
        (s.block, s.home, s.shifts, s.test): k for k, s in enumerate(master.pool.schedules)
    }
    hint = {var: 0 for var in chosen}
    for s, n in taken:
        k = index.get((s.block, s.home, s.shifts, s.test))
        if k is not None:
            hint[chosen[k]] += n
    hint.update((c, values[v]) for v, c in mapped.items())
    return hint


def deployment_values(
    built: BuiltModel, split: Split, schedules: list[tuple[Schedule, int]]
) -> dict[Var, int]:
    """Every shift, placement and pre-deployment test variable of the built model under
    the chosen schedules, taken by each block's workers in name order."""
    sv = built.staff
    values = {v: 0 for v in [*sv.shifts.values(), *sv.placed.values(), *sv.tests.values()]}
    workers_left = {b: list(block.workers) for b, block in enumerate(split.blocks)}
    for schedule, taken in schedules:
        for _ in range(taken):
            w = workers_left[schedule.block].pop(0)
            values[sv.placed[w, schedule.home]] = 1
            for d, s, r, _v in schedule.shifts:
                values[sv.shifts[w, schedule.home, d, s, r]] = 1
            if schedule.test is not None:
                site, t, _v = schedule.test
                values[sv.tests[w, site, t]] = 1
    return values


"""A solver-neutral integer linear model: what the constraint families write into.

Constraint families never import a solver. They create integer variables, add linear
constraints ``lb <= sum(coef * var) <= ub`` and return penalty terms; a backend
(`scheduler.solve.cpsat`, or `scheduler.solve.mip` through PuLP) compiles the finished model. Only
linear constraints over bounded integers exist here, so every backend solves exactly the
same problem.

Every variable, constraint and penalty carries its typed `Rule` and `Key`
(`constraints.rules`); the unique name ``rule[key,...]`` a solver, a diagnosis and a log
show is rendered from them, and nothing reads it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from constraints.rules import Family, Key, Rule, model_name

Var = int
"""A variable is its index in `Model.variables`."""

Terms = Sequence[tuple[Var, int]]
"""A linear expression as (variable, integer coefficient) pairs."""

EXACT_INTEGER_LIMIT = 2**53
"""Largest magnitude a tier's objective may reach and still be exact in a double."""


@dataclass(frozen=True, slots=True)
class Variable:
    rule: Rule
    key: Key
    lb: int
    ub: int

    @property
    def name(self) -> str:
        """Rendered when asked (a MILP file, a diagnosis): a city's model has 80,000."""
        return model_name(self.rule, self.key)


@dataclass(frozen=True, slots=True)
class Constraint:
    rule: Rule
    key: Key
    terms: tuple[tuple[Var, int], ...]
    lb: int | None
    ub: int | None
    tier: int = 1
    """The first objective tier that needs it: a rule that only defines a lower tier's
    objective (the worst-served home) is left out of the earlier, harder solves."""

    @property
    def name(self) -> str:
        return model_name(self.rule, self.key)

    @property
    def family(self) -> Family:
        return self.rule.family


@dataclass(frozen=True, slots=True)
class Penalty:
    """`coef * var` added to the objective of `tier` (1 = most important).

    `home_id` attributes the term to a home for the fairness tier. `is_need` is False for a
    term that only grades how a need is met (a day's wait), so that a home's total need is
    the sum of its `is_need` terms at their upper bounds.
    """

    tier: int
    var: Var
    coef: int
    rule: Rule
    key: Key = ()
    home_id: str | None = None
    is_need: bool = True

    @property
    def name(self) -> str:
        return model_name(self.rule, self.key)


@dataclass
class Model:
    variables: list[Variable] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    hints: dict[Var, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    """Why a rule cannot hold on its own (by rule name), for the infeasibility report."""
    _claimed: set[tuple[str, Key]] = field(default_factory=set, repr=False)
    """Each variable's and constraint's (rule, key): a family that adds one twice is a bug
    (checked on the parts, as rendering every name would take a tenth of a build)."""

    def _claim(self, rule: Rule, key: Key) -> None:
        identity = (rule.id, key)
        if identity in self._claimed:
            raise ValueError(f"duplicate model name {model_name(rule, key)!r}")
        self._claimed.add(identity)

    def integer(self, lb: int, ub: int, rule: Rule, key: Key = ()) -> Var:
        var = Variable(rule, key, lb, ub)
        if lb > ub:
            raise ValueError(f"{var.name}: empty domain [{lb}, {ub}]")
        self._claim(rule, key)
        self.variables.append(var)
        return len(self.variables) - 1

    def boolean(self, rule: Rule, key: Key = ()) -> Var:
        return self.integer(0, 1, rule, key)

    def add(
        self,
        terms: Iterable[tuple[Var, int]],
        *,
        lb: int | None,
        ub: int | None,
        rule: Rule,
        key: Key,
        tier: int = 1,
    ) -> None:
        """Add ``lb <= sum(coef * var) <= ub``; an empty sum that holds is skipped."""
        packed = tuple((v, c) for v, c in terms if c != 0)
        constraint = Constraint(rule, key, packed, lb, ub, tier)
        if not packed:
            if (lb is not None and lb > 0) or (ub is not None and ub < 0):
                raise ValueError(f"{constraint.name}: constraint over no variables cannot hold")
            return
        self._claim(rule, key)
        self.constraints.append(constraint)

    def add_le(
        self, terms: Iterable[tuple[Var, int]], ub: int, *, rule: Rule, key: Key, tier: int = 1
    ) -> None:
        self.add(terms, lb=None, ub=ub, rule=rule, key=key, tier=tier)

    def add_at_most(self, variables: Iterable[Var], limit: int, *, rule: Rule, key: Key) -> None:
        """A capacity: ``sum(variables) <= limit``, skipped where it cannot bind (the
        variables' upper bounds already sum to at most `limit`)."""
        chosen = list(variables)
        if sum(self.variables[v].ub for v in chosen) > limit:
            self.add_le([(v, 1) for v in chosen], limit, rule=rule, key=key)

    def add_ge(self, terms: Iterable[tuple[Var, int]], lb: int, *, rule: Rule, key: Key) -> None:
        self.add(terms, lb=lb, ub=None, rule=rule, key=key)

    def add_eq(self, terms: Iterable[tuple[Var, int]], rhs: int, *, rule: Rule, key: Key) -> None:
        self.add(terms, lb=rhs, ub=rhs, rule=rule, key=key)

    def hint(self, var: Var, value: int) -> None:
        self.hints[var] = value

    def violations(self, values: list[int], max_tier: int) -> list[str]:
        """Names of the rules (up to `max_tier`) and bounds that `values` break."""
        broken = [
            v.name for v, x in zip(self.variables, values, strict=True) if not v.lb <= x <= v.ub
        ]
        for c in self.constraints:
            if c.tier <= max_tier:
                total = sum(k * values[v] for v, k in c.terms)
                if (c.lb is not None and total < c.lb) or (c.ub is not None and total > c.ub):
                    broken.append(c.name)
        return broken

    @property
    def families(self) -> list[str]:
        return sorted({str(c.family) for c in self.constraints})

    def size(self) -> dict[str, int]:
        booleans = sum(1 for v in self.variables if v.lb == 0 and v.ub == 1)
        return {
            "variables": len(self.variables),
            "booleans": booleans,
            "integers": len(self.variables) - booleans,
            "constraints": len(self.constraints),
            "nonzeros": sum(len(c.terms) for c in self.constraints),
        }


def tier_terms(penalties: Iterable[Penalty], tier: int) -> list[tuple[Var, int]]:
    """The objective of one tier, with terms on the same variable merged."""
    merged: dict[Var, int] = {}
    for p in penalties:
        if p.tier == tier:
            merged[p.var] = merged.get(p.var, 0) + p.coef
    return [(v, c) for v, c in merged.items() if c != 0]


def terms_value(terms: Terms, values: Sequence[int]) -> int:
    """A linear expression's value under a plan."""
    return sum(c * values[v] for v, c in terms)


def trivial_bound(model: Model, terms: Terms) -> int:
    """The expression's least value over the variables' bounds alone."""
    return sum(min(c * model.variables[v].lb, c * model.variables[v].ub) for v, c in terms)


class ObjectiveRangeError(ValueError):
    """An objective beyond exact integer precision: bad input (weights too large)."""


def check_exact(model: Model, terms: Terms, label: str) -> None:
    """Refuse an objective whose extreme value would not be exact in floating point."""
    extreme = sum(
        abs(c) * max(abs(model.variables[v].lb), abs(model.variables[v].ub)) for v, c in terms
    )
    if extreme >= EXACT_INTEGER_LIMIT:
        raise ObjectiveRangeError(
            f"objective {label} can reach {extreme:.3g}, beyond exact integer precision; "
            "lower the policy's objective weights"
        )

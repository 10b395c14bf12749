"""Switch one hard rule off, in the model or in the independent checker.

The batteries use it to show that each rule is what binds in their scenarios (without it
the plan breaks it), and `benchmarks/mutation_check.py` to find a rule whose removal no
test would notice. Only the test suite switches rules off: product code never reads this.
"""

from __future__ import annotations

import importlib
from typing import Any

import scheduler.validate as checker
from constraints.domain import PREDICATES
from scheduler.validate.lookup import Found, Lookup

MUTATE_ENV = "CAREHOME_MUTATE"
"""Read by tests/conftest.py: a rule's dotted name, switched off for the whole test run."""


def rule_off(target: str) -> tuple[Any, str, Any]:
    """(owner, attribute, replacement) that switch `target` off, for `setattr` or
    `monkeypatch.setattr`: a model rule ("constraints.testing.add_cohort_size") then adds
    no constraint, a domain rule ("constraints.domain.trained_by") prunes no variable, a
    checker rule ("scheduler.validate.cohort_size") finds nothing."""
    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    if module is checker:
        if name not in checker.RULE_NAMES:
            raise LookupError(f"the checker has no rule {name}")

        def finds_nothing(ix: Lookup) -> Found:
            return iter(())

        finds_nothing.__name__ = name  # violations stay named, the order stays the same
        rules = tuple(finds_nothing if r.__name__ == name else r for r in checker.RULES)
        return checker, "RULES", rules
    function = getattr(module, name, None)
    if not callable(function):
        raise LookupError(f"{module_name} has no rule {name}")
    if function in PREDICATES.values():
        # a domain rule ("constraints.domain.trained_by") is a predicate the variable
        # filters read: switched off, it keeps every variable it would have pruned

        def keeps_all(*args: object, **kwargs: object) -> bool:
            return True

        return module, name, keeps_all

    def adds_nothing(*args: object, **kwargs: object) -> None:
        return None

    return module, name, adds_nothing

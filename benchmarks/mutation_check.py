"""Switch each hard rule off in turn and run the tests that should notice: a rule whose
removal no test kills is a rule the suite does not really check.

The rules are read from the code: every call under ``# hard rules`` in
`constraints.build.build_model` and the re-plan's kept decisions (`REPLAN_RULES`), every
domain rule's predicate (`constraints.domain`, the rules kept by which variables exist),
and every rule of the independent checker (`scheduler.validate.RULES`). A model rule of
module M is tried against M's battery (`BATTERIES`: ``tests/test_M.py``, or every file of
a family whose tests live in several); a domain rule against its family's battery and the
pools' and authorities' tests (`DOMAIN_TESTS`); a checker rule against
``tests/test_validate*.py`` and every battery (whose rule-binds tests read the checker).
Every family with a hard rule must have a battery. The same tests are first run with
every rule on: a kill counts only if they pass then. The rule is switched off by the test
suite itself (tests/conftest.py reads CAREHOME_MUTATE); product code never sees it.

    python benchmarks/mutation_check.py            # every rule, about 17 minutes on 2 cores
    python benchmarks/mutation_check.py cohort     # only rules whose name contains "cohort"
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MUTATE_ENV = "CAREHOME_MUTATE"
"""The rule tests/conftest.py switches off for a whole run (tests.mutants.MUTATE_ENV; the
tests are not part of the installed package, so not imported from here)."""
BUILD = ROOT / "constraints" / "build.py"
MARK = "# hard rules"
BATTERIES: dict[str, tuple[str, ...]] = {
    "testing": ("tests/test_testing.py",),
    "staffing": ("tests/test_staffing.py",),
    "isolation": ("tests/test_isolation.py",),
    "accommodation": ("tests/test_accommodation.py",),
    "one_to_one": ("tests/test_one_to_one.py",),
    "absences": ("tests/test_absences.py",),
    "pins": ("tests/test_pins.py",),
    "replan": ("tests/test_replan.py", "tests/test_replan_visits_rooms.py"),
    "pools": ("tests/test_pools.py",),
    "visits": ("tests/test_visits.py",),
    "ppe": (
        "tests/test_ppe.py",
        "tests/test_ppe_solve.py",
        "tests/test_replan_ppe.py",
        "tests/test_import_ppe.py",
    ),
}
"""The rule batteries by family or rule module: a model rule is tried against its module's
battery, a domain rule against its family's, a checker rule against all of them. Every
family with a hard rule has one (`uncovered_families` says which do not)."""


@dataclass(frozen=True)
class Mutation:
    target: str
    """The rule's dotted name, as tests/mutants.py switches it off."""
    tests: tuple[str, ...]


def model_rules(source: str) -> list[str]:
    """`family.function` of each call in build_model's block under the hard-rules comment
    (up to the next comment), in the order the model adds them."""
    comments = [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    starts = [line for line, text in comments if text.strip() == MARK]
    if len(starts) != 1:
        raise SystemExit(f"{BUILD}: expected one '{MARK}' comment, found {len(starts)}")
    end = min((line for line, _ in comments if line > starts[0]), default=10**9)
    [build] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "build_model"
    ]
    rules = []
    for stmt in build.body:
        if starts[0] < stmt.lineno < end and isinstance(stmt, ast.Expr):
            call = stmt.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                owner = call.func.value
                if isinstance(owner, ast.Name):
                    rules.append(f"{owner.id}.{call.func.attr}")
    return rules


REPLAN_RULES = ("scheduler.pipeline.replan.add_kept_decisions",)
"""The model rules a re-plan adds to build_model's, switched off where the re-plan calls
them: the decisions before its first open day kept."""


def uncovered_families() -> list[str]:
    """The families with a hard or domain rule but no battery to try their rules on."""
    from constraints.rules import REGISTRY

    return sorted({str(r.family) for r in REGISTRY if r.is_hard} - set(BATTERIES))


DOMAIN_TESTS = ("tests/test_pools.py", "tests/test_authorities.py")
"""Besides its family's battery, where a domain rule binds: the pools' rules (training, an
agency's homes) and the authorities' (a worker's, a site's, a facility's)."""


def checker_rules() -> list[str]:
    from scheduler.validate import RULE_NAMES

    return list(RULE_NAMES)


def domain_rules() -> list[tuple[str, str]]:
    """(family, function name) of each domain rule's predicate, in registry order."""
    from constraints.domain import PREDICATES

    return [(str(rule.family), predicate.__name__) for rule, predicate in PREDICATES.items()]


def mutations() -> list[Mutation]:
    if missing := uncovered_families():
        raise SystemExit(f"no battery in BATTERIES for the families {', '.join(missing)}")
    found = []
    for rule in model_rules(BUILD.read_text()):
        family = rule.split(".")[0]
        found.append(Mutation(f"constraints.{rule}", BATTERIES[family]))
    found += [Mutation(target, BATTERIES["replan"]) for target in REPLAN_RULES]
    for family, name in domain_rules():
        tests = (*BATTERIES[family], *DOMAIN_TESTS)
        found.append(Mutation(f"constraints.domain.{name}", tests))
    validate_tests = tuple(
        str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("tests/test_validate*.py"))
    )
    batteries = tuple(test for tests in BATTERIES.values() for test in tests)
    for rule in checker_rules():
        found.append(Mutation(f"scheduler.validate.{rule}", validate_tests + batteries))
    return found


def failed(tests: tuple[str, ...], target: str | None) -> tuple[bool, float]:
    """Whether some test fails with `target` switched off (None: every rule on); the run
    stops at the first failure."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    env.pop(MUTATE_ENV, None)
    if target is not None:
        env[MUTATE_ENV] = target
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1):  # 1: a test failed; anything else: the run broke
        raise SystemExit(f"{target}: pytest exited {run.returncode}\n{run.stdout[-2000:]}")
    return run.returncode == 1, time.perf_counter() - started


def main(argv: list[str]) -> int:
    """Print one row per rule; exit 1 when some rule's removal no test notices."""
    chosen = [m for m in mutations() if not argv or any(a in m.target for a in argv)]
    # A kill means something only if the same tests pass with every rule on.
    every = tuple(dict.fromkeys(test for m in chosen for test in m.tests))
    broken, seconds = failed(every, None)
    if broken:
        raise SystemExit(f"the tests fail with every rule on: run pytest {' '.join(every)}")
    print(f"with every rule on, {len(every)} test files pass ({seconds:.0f} s)")
    print(f"{'rule':<55} {'tests run':<42} {'killed':<6} {'seconds':>7}")
    survivors = []
    for m in chosen:
        dead, seconds = failed(m.tests, m.target)
        tests = ", ".join(Path(t).stem for t in m.tests)
        if len(tests) > 40:
            tests = f"{len(m.tests)} files ({Path(m.tests[0]).stem}, ...)"
        print(
            f"{m.target:<55} {tests:<42} {'yes' if dead else 'NO':<6} {seconds:>7.1f}", flush=True
        )
        if not dead:
            survivors.append(m.target)
    print(f"{len(chosen) - len(survivors)} of {len(chosen)} mutations killed")
    for target in survivors:
        print(f"survived: {target}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Every direct dependency has a tested range: a floor and a ceiling, and CI runs both ends
(`.ci/run` installs the newest release each range admits, `.ci/lowest` the oldest)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PACKAGES = ["scheduler", "constraints", "scenarios", "cli", "web", "benchmarks"]
REQUIREMENTS = PROJECT["dependencies"] + [
    req for group in PROJECT["optional-dependencies"].values() for req in group
]


def test_every_dependency_has_a_floor_and_a_ceiling() -> None:
    unbounded = [
        req
        for req in REQUIREMENTS
        if not (re.search(r">=\s*\d", req) and re.search(r"<\s*\d", req))
    ]
    assert not unbounded, f"dependencies without a tested range: {unbounded}"


def imported_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_third_party_import_is_a_declared_dependency() -> None:
    """A module the product imports but does not declare has no range at all."""
    declared = {re.split(r"[\[<>=!~ ;]", req, maxsplit=1)[0].lower() for req in REQUIREMENTS}
    module_of = {"pyyaml": "yaml", "dask": "distributed", "argon2-cffi": "argon2"}
    provided = declared | {module_of[name] for name in declared if name in module_of}
    first_party = set(PACKAGES) | {"__future__"}
    imported = set().union(*(imported_modules(ROOT / package) for package in PACKAGES))
    third_party = {name for name in imported - first_party if name not in sys.stdlib_module_names}
    assert third_party <= provided, f"imported but not declared: {third_party - provided}"

"""The packages import in one direction: cli -> scheduler -> constraints -> scenarios.

The contract lives in pyproject.toml (`[tool.importlinter]`) and CI runs `lint-imports`;
checking it here too means `pytest -q` catches a lower layer reaching up before a commit
does. The linter runs as its command, from the venv running the tests, because
import-linter's Python API only reads configuration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["cli", "scheduler", "constraints", "scenarios"]


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Check the contract of `project`'s pyproject.toml against `project`'s own packages,
    not whichever copy of them the venv has installed."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "lint-imports is not installed beside this Python: pip install -e '.[test]'"
    return subprocess.run(
        [command, "--no-cache"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_layer_imports_only_the_layers_below_it() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rule_family_importing_the_solver_layer_breaks_the_contract(tmp_path: Path) -> None:
    """The contract is wired to these packages: the loop it was made to stop is caught."""
    for package in LAYERS:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    family = tmp_path / "constraints" / "pins.py"
    family.write_text(family.read_text() + "\nimport scheduler.solve.tiers\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "constraints.pins" in result.stdout

"""Determinism: the same scenario, seed and solver settings give byte-identical tables.

Two `carehome plan` runs happen in separate processes with different hash seeds (so set
and dict orders that leak into the output would show), with two CP-SAT workers and a
deterministic-time limit that cuts the larger search short. Every file of the two plan
folders must match byte for byte, except the documented timing fields of `summary.json`
(`TIMING_FIELDS`: wall-clock seconds), which are compared after removal. The what-if
paths (local processes and Dask) are compared the same way in `tests/test_sweep.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scenarios.generate import generate
from scenarios.generate.city import START, build
from scenarios.generate.spec import Spec
from scenarios.load import dump_scenario
from scheduler.output.tables import CHANGES, PLAN_FILES, PPE_FILES, SUMMARY
from tests.conftest import EXAMPLES

TIMING_FIELDS = frozenset({"solve_seconds", "build_seconds", "wall_seconds", "seconds"})
"""summary.json fields that measure wall-clock time: the only ones that may differ."""


def without_timing(node: Any) -> Any:
    """A parsed summary.json with every timing field removed, at any depth."""
    if isinstance(node, dict):
        return {k: without_timing(v) for k, v in node.items() if k not in TIMING_FIELDS}
    if isinstance(node, list):
        return [without_timing(v) for v in node]
    return node


FIRST_PLAN_FILES = PLAN_FILES - {CHANGES, *PPE_FILES}
"""What a first plan's folder holds for a scenario without PPE (as these tests' are): no
re-plan's changes, and the PPE tables only a scenario with a `ppe` section writes."""


def assert_same_plans(a: Path, b: Path) -> int:
    """Every file under `a` and `b` (recursively) byte-identical, summary.json files except
    their timing fields; the number of files compared back."""
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for name in files:
        left, right = (a / name).read_bytes(), (b / name).read_bytes()
        if name.name == SUMMARY:
            assert without_timing(json.loads(left)) == without_timing(json.loads(right)), name
            # Only lines holding a timing field may differ.
            for x, y in zip(left.splitlines(), right.splitlines(), strict=True):
                key = x.strip().split(b":")[0].strip(b'"').decode()
                assert x == y or key in TIMING_FIELDS, (name, x, y)
        else:
            assert left == right, f"{name} differs"
    return len(files)


def plan_in_new_process(scenario: Path, out: Path, hash_seed: str) -> None:
    args = ["plan", str(scenario), "--out", str(out), "--workers", "2", "--seed", "3"]
    args += ["--time-limit", "60", "--deterministic-time", "0.2"]
    code = f"import sys; from cli.main import main; sys.argv = ['carehome', *{args!r}]; main()"
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("city", ["tiny", "generated"])
def test_two_plan_runs_write_byte_identical_tables(tmp_path: Path, city: str) -> None:
    if city == "tiny":
        scenario = EXAMPLES / "tiny.yaml"
    else:
        scenario = tmp_path / "city.yaml"
        scenario.write_text(dump_scenario(generate(homes=12, workers=16, days=10, seed=6)))
    plan_in_new_process(scenario, tmp_path / "one", hash_seed="1")
    plan_in_new_process(scenario, tmp_path / "two", hash_seed="2")
    assert assert_same_plans(tmp_path / "one", tmp_path / "two") == len(FIRST_PLAN_FILES)
    summary = json.loads((tmp_path / "one" / SUMMARY).read_text())
    assert summary["workers"] == 2 and summary["seed"] == 3
    # The generated city's search is cut short by the deterministic-time limit, not ended.
    assert (summary["status"] == "OPTIMAL") == (city == "tiny"), summary["status"]


def test_timing_fields_are_the_only_ones_left_out() -> None:
    summary = {"status": "OPTIMAL", "wall_seconds": 1.0, "stages": [{"seconds": 2, "gap": 0}]}
    assert without_timing(summary) == {"status": "OPTIMAL", "stages": [{"gap": 0}]}


@pytest.mark.slow
def test_a_city_with_ppe_plans_the_same_twice(tmp_path: Path) -> None:
    """PPE's part, searched apart (SCIP), is cut by the same deterministic limit."""
    spec = Spec(
        name="ppe-city",
        description="a generated city with PPE stock, use, depot and vans",
        seed=6,
        start=START,
        days=10,
        homes=30,
        workers=16,
        ppe=True,
    )
    scenario = tmp_path / "city.yaml"
    scenario.write_text(dump_scenario(build(spec)))
    plan_in_new_process(scenario, tmp_path / "one", hash_seed="1")
    plan_in_new_process(scenario, tmp_path / "two", hash_seed="2")
    assert assert_same_plans(tmp_path / "one", tmp_path / "two") == len(PLAN_FILES - {CHANGES})


def test_whole_schedules_under_a_deterministic_limit_count_work_not_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Column generation and the dives stop after the rounds and dives the deterministic
    limit allows, so a machine whose clock seems to run three times as fast (a loaded
    one) makes the same plan, with the same number of rounds."""
    import time

    from scheduler.pipeline.planner import plan_scenario
    from scheduler.solve.patterns import path
    from scheduler.solve.settings import SolverSettings

    s = generate(20, 25, 14, 1)
    settings = SolverSettings(time_limit=60, workers=1, deterministic_time=0.5)
    rounds: list[int] = []
    solve = path.Master.run

    def counted(self: path.Master, *args: Any) -> Any:
        result = solve(self, *args)
        rounds.append(result.rounds)
        return result

    monkeypatch.setattr(path.Master, "run", counted)
    plans = [plan_scenario(s, settings)]
    real = time.perf_counter
    began = real()
    monkeypatch.setattr(time, "perf_counter", lambda: began + 3 * (real() - began))
    plans.append(plan_scenario(s, settings))
    assert rounds[0] == rounds[1] == path.ROUNDS_PER_UNIT * 0.5
    assert plans[0].shifts == plans[1].shifts and plans[0].testing == plans[1].testing
